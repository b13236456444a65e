"""Stack traces: the exception of one record, parsed from Java, .NET, JavaScript, Python and Go.

The ``logs`` analyzer folds every line that does not start a record (stack frames,
``Caused by:``, tracebacks, goroutine dumps) into the record before it; ``parse_exception``
reads the exception from the record's first line's message and those folded lines.

Decisions the next engineer needs:

- Exceptions are grouped as Sentry does (``ExceptionInfo.signature``): by type plus the
  normalized top frames (function names, no line numbers, lambda and generated-class
  numbers removed), never by message; an exception without frames is grouped by type plus
  its message template (``inspector.formats.templates.mask``).
- Only the first goroutine of a Go dump is read: it is the one that panicked. Of a Python
  traceback chain, the last traceback is read, and its innermost frames say the most.
- ``ExceptionInfo.first_line`` says where the exception starts (its type line, the
  ``Traceback`` line, the ``panic:`` line): the evidence points there when the record's own
  first line says nothing wrong.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from inspector.formats.templates import mask

_EXCEPTION_LINE = re.compile(
    r"\s{0,20}(?:Caused by:\s|Suppressed:\s|Exception in thread \"[^\"\n]{0,200}\"\s|"
    r"Unhandled [Ee]xception[.:]\s|-{0,3}>\s|Uncaught\s)?"
    r"(?P<type>(?:[A-Za-z_$][\w$]{0,100}\.){0,20}[A-Z][\w$]{0,100}"
    r"(?:Exception|Error|Fault|Failure|Throwable|Interrupt|Exit))(?::\s?(?P<message>.*))?$")
_EXCEPTION_IN_TEXT = re.compile(
    r"\b(?P<type>(?:[a-z_$][\w$]{0,100}\.){1,20}[A-Z][\w$]{0,100}(?:Exception|Error))"
    r"(?::\s?(?P<message>.{0,500}))?")
_JAVA_FRAME = re.compile(r"\s+at\s+(?P<frame>[\w$.<>/`\[\]-]{1,500})\s?\(")
_NODE_FRAME = re.compile(r"\s+at\s+(?:(?P<func>[^\s(]{1,300}) \()?(?P<file>[^\s()]{1,500}):\d+:\d+")
_PYTHON_FRAME = re.compile(r'\s+File "(?P<file>[^"\n]{1,500})", line \d+, in (?P<func>\S{1,200})')
_GO_FRAME = re.compile(r"(?P<func>[\w./*()\[\]-]{1,300})\([^\n]{0,500}\)$")
_GO_PANIC = re.compile(r"(?:panic|fatal error): (?P<message>.{0,500})")
_GENERATED = re.compile(r"\$\$Lambda\$?[\d/x]*[0-9a-fA-F]*|\$\d+|\d+")
# A plain-text line that may continue the record before it rather than start one: a frame,
# a cause, a traceback or goroutine header, an exception line, a closing bracket.
TRACE_CONTINUATION = re.compile(
    r"\s|Caused by:|Suppressed:|Traceback \(most recent|During handling of|The above exception|"
    r"goroutine \d|\.\.\. \d+ more|--- End of|[\w.$]+(?:Exception|Error)(?::|$)|panic: |\}|\]")


@dataclass(slots=True)
class ExceptionInfo:
    """One record's exception.

    Attributes:
        type: the exception's type (``java.lang.IllegalStateException``, ``ValueError``,
            ``runtime error`` or ``panic`` for Go).
        message: its message, after the type.
        frames: the normalized top frames (at most five), innermost first for Java, .NET and
            JavaScript, the innermost five in call order for Python.
        root_cause: the type of the last ``Caused by:`` (or .NET ``--->``), if any.
        language: ``java``, ``dotnet``, ``javascript``, ``python`` or ``go``.
        first_line: where the exception starts: ``0`` in the record's first line, ``n`` in
            the n-th line folded into it.
    """

    type: str
    message: str
    frames: tuple[str, ...]
    root_cause: str | None
    language: str
    first_line: int = 0

    @property
    def signature(self) -> str:
        """The group key (see the module doc), 12 hex digits."""
        key = "|".join((self.type, *self.frames)) if self.frames else \
            f"{self.type}|{mask(self.message)}"
        return hashlib.sha1(key.encode("utf-8", "replace")).hexdigest()[:12]


def _normalize_frame(frame: str) -> str:
    return _GENERATED.sub("", frame)


def parse_exception(message: str, continuation: list[str]) -> ExceptionInfo | None:
    """The exception of one record: its first line's message plus the lines folded into it.

    >>> info = parse_exception("request failed", [
    ...     "java.lang.IllegalStateException: pool closed",
    ...     "\\tat com.acme.Pool.get(Pool.java:42)",
    ...     "\\tat com.acme.Api.handle(Api.java:7)"])
    >>> (info.type, info.frames, info.language)
    ('java.lang.IllegalStateException', ('com.acme.Pool.get', 'com.acme.Api.handle'), 'java')
    """
    if any(line.startswith("Traceback (most recent") for line in continuation) or \
            message.startswith("Traceback (most recent"):
        info = _python_exception(continuation)
        if info is not None and not message.startswith("Traceback (most recent"):
            info.first_line = 1 + next(i for i, line in enumerate(continuation)
                                       if line.startswith("Traceback (most recent"))
        return info
    if any(line.startswith("goroutine ") for line in continuation) or \
            _GO_PANIC.match(message):
        info = _go_exception(message, continuation)
        if not _GO_PANIC.match(message):
            info.first_line = 1 + next(
                (i for i, line in enumerate(continuation) if _GO_PANIC.match(line)),
                next(i for i, line in enumerate(continuation) if line.startswith("goroutine ")))
        return info
    found = _EXCEPTION_LINE.match(message) or _EXCEPTION_IN_TEXT.search(message)
    start = 0
    if found is None:
        for index, line in enumerate(continuation[:10]):
            found = _EXCEPTION_LINE.match(line)
            if found:
                start = index + 1
                break
    if found is None:
        return None
    frames: list[str] = []
    root_cause = None
    language = "java"
    for line in continuation[start:]:
        if line.lstrip().startswith(("Caused by:", "---> ")) or " ---> " in line:
            cause = _EXCEPTION_LINE.match(line.replace(" ---> ", "---> ", 1))
            if cause:
                root_cause = cause.group("type")
            continue
        if len(frames) >= 5 or root_cause:
            continue
        frame = _JAVA_FRAME.match(line)
        node = _NODE_FRAME.match(line)
        if node and (frame is None or (":" in line.rsplit("(", 1)[-1] and ".js" in line)):
            language = "javascript"
            name = node.group("func") or node.group("file").rsplit("/", 1)[-1]
            frames.append(_normalize_frame(name))
        elif frame:
            if " in " in line and ":line " in line:
                language = "dotnet"
            frames.append(_normalize_frame(frame.group("frame")))
    return ExceptionInfo(found.group("type"), (found.group("message") or "").strip(),
                         tuple(frames), root_cause, language, start)


def _python_exception(lines: list[str]) -> ExceptionInfo | None:
    last_traceback = max((i for i, line in enumerate(lines)
                          if line.startswith("Traceback (most recent")), default=0)
    frames: list[str] = []
    found = None
    for line in lines[last_traceback:]:
        frame = _PYTHON_FRAME.match(line)
        if frame:
            frames.append(f"{frame.group('file').rsplit('/', 1)[-1]}:{frame.group('func')}")
            continue
        if not line.startswith((" ", "\t")):
            candidate = _EXCEPTION_LINE.match(line)
            if candidate:
                found = candidate
    if found is None:
        return None
    # The innermost frames are last in a Python traceback; they say the most.
    return ExceptionInfo(found.group("type"), (found.group("message") or "").strip(),
                         tuple(frames[-5:]), None, "python")


def _go_exception(message: str, lines: list[str]) -> ExceptionInfo:
    panic = _GO_PANIC.match(message)
    text = panic.group("message") if panic else ""
    if panic is None:
        for line in lines:
            panic = _GO_PANIC.match(line)
            if panic:
                text = panic.group("message")
                break
    frames: list[str] = []
    in_goroutine = False
    for line in lines:
        if line.startswith("goroutine "):
            if in_goroutine:
                break  # only the first goroutine is the one that panicked
            in_goroutine = True
            continue
        frame = _GO_FRAME.match(line)
        if in_goroutine and frame and not line.startswith("\t"):
            frames.append(_normalize_frame(frame.group("func")))
            if len(frames) >= 5:
                break
    error_type = text.split(":", 1)[0] if text.startswith("runtime error") else "panic"
    return ExceptionInfo(error_type, text, tuple(frames), None, "go")
