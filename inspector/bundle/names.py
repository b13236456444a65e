"""Member names: shown safely, flagged when dangerous, unique within a bundle.

Names are data. A member's name comes from an untrusted archive: ``../`` and absolute
names, control and bidi characters and invalid UTF-8 are shown escaped
(``printable_name``) and flagged (``unsafe_name_reasons``, reported as
``bundle.unsafe-path``), and never used as host paths: the reader extracts nothing, and a
member is reached by its container's key, not by its name.

The shown name is the artifact's path: ``./`` prefixes go, backslashes become ``/``.
Invalid UTF-8 arrives as surrogate escapes (``\\udcff``) and is shown as the byte
(``\\xff``). Two members may carry the same name (zip allows it, tar appends); both are
kept, the later ones shown as ``name (duplicate 2)`` and so on (``UniquePaths``).
"""

from __future__ import annotations

import posixpath
import unicodedata
from typing import Any

_BIDI = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)),
         *map(chr, range(0x2066, 0x206A))}


def printable_name(name: str) -> str:
    r"""A member name made safe to show: control, bidi and undecodable characters escaped.

    >>> printable_name("logs/app\u202etxt.exe")
    'logs/app\\u202etxt.exe'
    >>> printable_name("bad\udcffname")
    'bad\\xffname'
    """
    out = []
    for char in name:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not valid UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char in _BIDI or unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def unsafe_name_reasons(name: str) -> list[str]:
    """Why a member name is dangerous to extract or to show, if it is.

    >>> unsafe_name_reasons("../../etc/passwd")
    ['parent-directory (..) components']
    >>> unsafe_name_reasons("logs/app.log")
    []
    """
    reasons = []
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        reasons.append("absolute path")
    if ".." in posix.split("/"):
        reasons.append("parent-directory (..) components")
    if any(char in _BIDI for char in name):
        reasons.append("bidirectional-override characters")
    if any(unicodedata.category(char) == "Cc" for char in name):
        reasons.append("control characters")
    if any(0xDC80 <= ord(char) <= 0xDCFF for char in name):
        reasons.append("invalid UTF-8")
    return reasons


def shown_name(name: str) -> str:
    r"""A member name as its artifact path shows it: ``/`` separators, no leading ``./``,
    unsafe characters escaped.

    >>> shown_name(".\\logs\\app.log"), shown_name("./././a\tb")
    ('logs/app.log', 'a\\x09b')
    """
    posix = name.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    return printable_name(posix)


class UniquePaths:
    """The artifact paths given out so far in one bundle; a repeated one is renamed.

    >>> paths = UniquePaths()
    >>> paths.claim("logs/app.log"), paths.claim("logs/app.log"), paths.claim("logs/app.log")
    ('logs/app.log', 'logs/app.log (duplicate 2)', 'logs/app.log (duplicate 3)')
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, path: str) -> str:
        """``path`` itself when it is new, else the first free ``path (duplicate N)``."""
        if path not in self._taken:
            self._taken.add(path)
            return path
        number = 2
        while f"{path} (duplicate {number})" in self._taken:
            number += 1
        unique = f"{path} (duplicate {number})"
        self._taken.add(unique)
        return unique


def link_target_name(member: Any) -> str:
    """The member name a link points at, within its container: a symbolic link's target
    taken from the link's folder, a hard link's target as the archive names it; an absolute
    or escaping target stays as written (it names nothing in the bundle).

    >>> from inspector.bundle.containers import Member
    >>> link_target_name(Member("sos/date", "sos/date", 0, type="symlink",
    ...                         link_target="sos_commands/date/date"))
    'sos/sos_commands/date/date'
    """
    target = member.link_target or ""
    if member.type != "symlink" or target.startswith("/"):
        return target
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(member.name), target))
    return target if joined.startswith("../") or joined == ".." else joined
