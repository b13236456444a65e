# cython: language_level=3, boundscheck=True, wraparound=False, initializedcheck=True
# cython: cdivision=False, infer_types=False
"""Where a SQL statement ends: the compiled twin of ``inspector.formats.sqlscan``.

The same question, the same answer for every input: is there, at ``start``, a statement
whose end ``sqlparse.split`` would certainly put at the same place, and where does it end?
The Python twin answers with one regular expression; this module walks the bytes once,
keeping what the expression keeps in its structure as two variables: how deep in
parentheses the scan is (at most ``PAREN_DEPTH``), and whether a top-level ``END`` has been
passed (after it, a ``;`` inside parentheses is left to sqlparse). Every token is read as
the expression reads it: the first alternative that matches at a byte wins and is never
revisited (the expression's loops are possessive), so the walk never backtracks and is
linear in the text, except a ``$tag$`` quote's closing search, which is ``bytes.find``.

Safety: the input is read only through a typed memoryview with bounds checking on and
negative indexing off (an index below zero or past the end raises ``IndexError``; none is
reachable), and so are the byte-class table and the keywords. No pointer is taken into the
input. ``tests/inspector/native/test_sqlscan.py`` holds those directives and feeds this
module and its twin the same generated and mutated inputs.
"""

PAREN_DEPTH = 8

cdef enum:
    NO_MATCH = -1
    # bytes the scanner tells apart
    TAB = 0x09
    LF = 0x0A
    CR = 0x0D
    SPACE = 0x20
    DOUBLE_QUOTE = 0x22
    HASH = 0x23
    DOLLAR = 0x24
    QUOTE = 0x27
    OPEN = 0x28
    CLOSE = 0x29
    STAR = 0x2A
    DASH = 0x2D
    SLASH = 0x2F
    SEMICOLON = 0x3B
    OPEN_BRACKET = 0x5B
    BACKSLASH = 0x5C
    CLOSE_BRACKET = 0x5D
    BACKTICK = 0x60
    ACUTE = 0xB4
    ACUTE_LEAD = 0xC2  # U+00B4 in UTF-8 is C2 B4
    LOWER = 0x20  # ORed into an ASCII letter, makes it lower case

# Byte classes, one bit each, looked up in CLASSES.
cdef enum:
    RUN = 1  # a run passes over it: [^;'"`\xb4()\[\-/#$+@%^&|A-Za-z_]
    WORD = 2  # a word goes on over it: [A-Za-z0-9_$#]
    IDENTIFIER = 4  # [A-Za-z0-9_]
    IDENTIFIER_START = 8  # [A-Za-z_]
    DIGIT = 16  # [0-9]
    OPERATOR = 32  # an operator goes on over it: [+/@#%^&|\-]
    TAIL_BLANK = 64  # a blank sqlparse keeps after a ';': [ \t\x0b\x0c\x1c-\x1f]
    PLAIN_WORD_START = 128  # a word that cannot be a blocked one: [ACFH-Zacf-z_]


def _classes() -> bytes:
    letters = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
    digits = set(b"0123456789")
    table = bytearray(256)
    for byte in range(256):
        flags = 0
        if byte not in b";'\"`\xb4()[-/#$+@%^&|" and byte not in letters:
            flags |= RUN
        if byte in letters or byte in digits or byte in b"$#":
            flags |= WORD
        if byte in letters or byte in digits:
            flags |= IDENTIFIER
        if byte in letters:
            flags |= IDENTIFIER_START
        if byte in digits:
            flags |= DIGIT
        if byte in b"+/@#%^&|-":
            flags |= OPERATOR
        if byte in b" \t\x0b\x0c\x1c\x1d\x1e\x1f":
            flags |= TAIL_BLANK
        if byte in letters and byte not in b"bBdDeEG":
            flags |= PLAIN_WORD_START
        table[byte] = flags
    return bytes(table)


cdef const unsigned char[::1] CLASSES = _classes()
cdef const unsigned char[::1] BEGIN = b"begin"
cdef const unsigned char[::1] DECLARE = b"declare"
cdef const unsigned char[::1] END = b"end"
cdef const unsigned char[::1] GO = b"GO"
cdef const unsigned char[::1] GO_ANY_CASE = b"go"


def statement_end(bytes buffer not None, Py_ssize_t start, bint at_end):
    """Where the statement at ``start`` ends, or -1: see ``inspector.formats.sqlscan``."""
    cdef const unsigned char[::1] text = buffer
    start = min(max(start, 0), text.shape[0])  # as re's match(buffer, pos) clamps pos
    return _statement_end(buffer, text, start, at_end)


cdef Py_ssize_t _statement_end(bytes buffer, const unsigned char[::1] text, Py_ssize_t i,
                               bint at_end) except -2:
    cdef Py_ssize_t n = text.shape[0]
    cdef int depth = 0
    cdef bint after_end = False  # a top-level END was passed
    cdef unsigned char byte
    cdef int blocked
    while True:
        while i < n and CLASSES[text[i]] & RUN:
            i += 1
        if i == n:
            return n if at_end and depth == 0 else NO_MATCH
        byte = text[i]
        if byte == SEMICOLON:
            if depth == 0:
                return _tail_end(text, i + 1)
            if after_end:
                return NO_MATCH
            i += 1
        elif byte == OPEN:
            if depth == PAREN_DEPTH:
                return NO_MATCH
            depth += 1
            i += 1
        elif byte == CLOSE:
            if depth == 0:
                return NO_MATCH
            depth -= 1
            i += 1
        elif CLASSES[byte] & IDENTIFIER_START:
            if i > 0 and CLASSES[text[i - 1]] & DIGIT:
                i = _word_after_digit(text, i)
            elif CLASSES[byte] & PLAIN_WORD_START:
                i = _word_end(text, i + 1)
            else:
                blocked = _blocked_word(text, i, depth > 0 or not after_end)
                if blocked == 0:
                    i = _word_end(text, i + 1)
                elif blocked == 3 and depth == 0 and not after_end:
                    after_end = True
                    i += 3
                else:
                    return NO_MATCH
        elif byte == QUOTE or byte == DOUBLE_QUOTE:
            i = _quoted_end(text, i, byte)
        elif byte == BACKTICK:
            i = _backtick_end(text, i)
        elif byte == DASH:
            if i + 1 < n and text[i + 1] == DASH:
                i = _line_end(text, i + 2)
            else:
                i += 1
        elif byte == SLASH:
            if i + 1 < n and text[i + 1] == STAR:
                i = _block_comment_end(text, i)
            else:
                i = _operator_end(text, i + 1)
        elif byte == HASH:
            if i + 1 < n and text[i + 1] == SPACE:
                i = _line_end(text, i + 2)
            else:
                return NO_MATCH
        elif byte == DOLLAR:
            i = _dollar_end(buffer, text, i)
        elif byte == OPEN_BRACKET:
            if (i + 1 < n and text[i + 1] == CLOSE_BRACKET) or (
                    i > 0 and (CLASSES[text[i - 1]] & IDENTIFIER or text[i - 1] == CLOSE_BRACKET
                               or text[i - 1] == CLOSE)):
                i += 1
            else:
                return NO_MATCH
        elif byte == ACUTE:
            if i > 0 and text[i - 1] == ACUTE_LEAD:
                return NO_MATCH
            i += 1
        else:  # the first byte of an operator: + @ % ^ & |
            i = _operator_end(text, i + 1)
        if i == NO_MATCH:
            return NO_MATCH


# The helpers are inline: each takes the memoryview (a large struct) by value, and inlined
# the C compiler keeps its data pointer and length in registers (with the one-load loop in
# _quoted_end, 15% less CPU time on an extended-INSERT dump).

cdef inline Py_ssize_t _tail_end(const unsigned char[::1] text, Py_ssize_t i) except -2:
    """After a statement's ';': blanks and one-line comments, up to the first bare newline."""
    cdef Py_ssize_t n = text.shape[0]
    while i < n:
        if CLASSES[text[i]] & TAIL_BLANK:
            i += 1
        elif i + 1 < n and ((text[i] == DASH and text[i + 1] == DASH)
                            or (text[i] == HASH and text[i + 1] == SPACE)):
            i = _line_end(text, i + 2)
            if i < n and text[i] == CR:  # its line break, one of \r\n, \r or \n
                i += 1
                if i < n and text[i] == LF:
                    i += 1
            elif i < n and text[i] == LF:
                i += 1
        else:
            break
    return i


cdef inline Py_ssize_t _line_end(const unsigned char[::1] text, Py_ssize_t i) except -2:
    """The end of a one-line comment whose text starts at ``i``: before its line break."""
    cdef Py_ssize_t n = text.shape[0]
    while i < n and text[i] != LF and text[i] != CR:
        i += 1
    return i


cdef inline Py_ssize_t _word_end(const unsigned char[::1] text, Py_ssize_t i) except -2:
    cdef Py_ssize_t n = text.shape[0]
    while i < n and CLASSES[text[i]] & WORD:
        i += 1
    return i


cdef inline Py_ssize_t _operator_end(const unsigned char[::1] text, Py_ssize_t i) except -2:
    cdef Py_ssize_t n = text.shape[0]
    while i < n and CLASSES[text[i]] & OPERATOR:
        i += 1
    return i


cdef inline bint _keyword_at(const unsigned char[::1] text, Py_ssize_t i,
                      const unsigned char[::1] keyword, bint any_case) except -1:
    """``keyword`` (lower case when ``any_case``) at ``i``, in any case if ``any_case``."""
    cdef Py_ssize_t k
    cdef Py_ssize_t length = keyword.shape[0]
    cdef unsigned char byte
    if i + length > text.shape[0]:
        return False
    for k in range(length):
        byte = text[i + k]
        if any_case and CLASSES[byte] & IDENTIFIER_START:
            byte = byte | LOWER  # "_" becomes DEL, which no keyword holds
        if byte != keyword[k]:
            return False
    return True


cdef inline bint _whole_word_at(const unsigned char[::1] text, Py_ssize_t i,
                         const unsigned char[::1] keyword, bint any_case) except -1:
    """``keyword`` at ``i`` and not followed by a word byte."""
    cdef Py_ssize_t after = i + keyword.shape[0]
    if not _keyword_at(text, i, keyword, any_case):
        return False
    return after >= text.shape[0] or not CLASSES[text[after]] & WORD


cdef inline int _blocked_word(const unsigned char[::1] text, Py_ssize_t i,
                              bint end_blocked) except -1:
    """Which block word starts at ``i``: 0 none, 1 BEGIN or DECLARE, 2 GO, 3 END."""
    if _whole_word_at(text, i, BEGIN, True) or _whole_word_at(text, i, DECLARE, True):
        return 1
    if _whole_word_at(text, i, GO, False):
        return 2
    if end_blocked and _whole_word_at(text, i, END, True):
        return 3
    return 0


cdef inline Py_ssize_t _word_after_digit(const unsigned char[::1] text, Py_ssize_t i) except -2:
    """A word glued to a digit ("1e5", "0x1F"): it must hold no block word anywhere."""
    cdef Py_ssize_t end = _word_end(text, i + 1)
    cdef Py_ssize_t k
    for k in range(i, end):
        if (_keyword_at(text, k, BEGIN, True) or _keyword_at(text, k, DECLARE, True)
                or _keyword_at(text, k, END, True) or _keyword_at(text, k, GO_ANY_CASE, True)):
            return NO_MATCH
    return end


cdef inline Py_ssize_t _quoted_end(const unsigned char[::1] text, Py_ssize_t i,
                            unsigned char quote) except -2:
    """A '...' or "..." string: doubled quotes and backslash escapes as sqlparse reads them.

    A backslash escapes the quote after it; two backslashes are one escaped backslash unless
    the quote follows them, which sqlparse reads differently from MySQL: no match.
    """
    cdef Py_ssize_t n = text.shape[0]
    cdef unsigned char byte
    i += 1
    while True:
        while i < n:
            byte = text[i]
            if byte == quote or byte == BACKSLASH:
                break
            i += 1
        if i == n:
            return NO_MATCH
        if byte == quote:
            if i + 1 < n and text[i + 1] == quote:
                i += 2
            else:
                return i + 1
        elif i + 1 < n and text[i + 1] == quote:
            i += 2
        elif i + 1 < n and text[i + 1] == BACKSLASH:
            if i + 2 < n and text[i + 2] == quote:
                return NO_MATCH
            i += 2
        else:
            i += 1


cdef inline Py_ssize_t _backtick_end(const unsigned char[::1] text, Py_ssize_t i) except -2:
    cdef Py_ssize_t n = text.shape[0]
    i += 1
    while True:
        while i < n and text[i] != BACKTICK:
            i += 1
        if i == n:
            return NO_MATCH
        if i + 1 < n and text[i + 1] == BACKTICK:
            i += 2
        else:
            return i + 1


cdef inline Py_ssize_t _block_comment_end(const unsigned char[::1] text, Py_ssize_t i) except -2:
    """A /* ... */ comment (a /*! conditional one too): after the first "*/" past "/*"."""
    cdef Py_ssize_t n = text.shape[0]
    i += 2
    while i + 1 < n:
        if text[i] == STAR and text[i + 1] == SLASH:
            return i + 2
        i += 1
    return NO_MATCH


cdef inline Py_ssize_t _identifier_end(const unsigned char[::1] text, Py_ssize_t i) except -2:
    cdef Py_ssize_t n = text.shape[0]
    while i < n and CLASSES[text[i]] & IDENTIFIER:
        i += 1
    return i


cdef inline Py_ssize_t _dollar_end(bytes buffer, const unsigned char[::1] text,
                            Py_ssize_t i) except -2:
    """A dollar quote ($$...$$, $tag$...$tag$), else a lone $ or a $name, else no match."""
    cdef Py_ssize_t n = text.shape[0]
    cdef Py_ssize_t close, tag_end
    cdef bint after_word = i > 0 and (CLASSES[text[i - 1]] & IDENTIFIER
                                      or text[i - 1] == DOUBLE_QUOTE
                                      or text[i - 1] == DOLLAR)
    # A dollar quote opens only where sqlparse's tokenizer starts a token.
    if not after_word and not (i > 0 and text[i - 1] >= 0x80) and i + 1 < n:
        if text[i + 1] == DOLLAR:
            close = i + 2
            while close + 1 < n:
                if text[close] == DOLLAR and text[close + 1] == DOLLAR:
                    return close + 2
                close += 1
        elif CLASSES[text[i + 1]] & IDENTIFIER_START:
            tag_end = _identifier_end(text, i + 2)
            if tag_end < n and text[tag_end] == DOLLAR:
                close = buffer.find(buffer[i:tag_end + 1], tag_end + 1)
                if close >= 0:
                    return close + (tag_end + 1 - i)
    if after_word:
        return i + 1
    if i + 1 >= n or not (CLASSES[text[i + 1]] & IDENTIFIER_START or text[i + 1] == DOLLAR
                          or text[i + 1] >= 0x80):
        return i + 1
    if text[i + 1] == DOLLAR or text[i + 1] >= 0x80:
        return NO_MATCH
    tag_end = _identifier_end(text, i + 2)
    if tag_end < n and (text[tag_end] == DOLLAR or text[tag_end] >= 0x80):
        return NO_MATCH
    return tag_end
