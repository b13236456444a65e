"""Decoded views of escaped text, with the way back to the original's positions.

A secret is often written escaped: percent-encoded in a URL or a form body
(``password%3Dhunter2``, ``Authorization%3A%20Bearer%20...``, ``jane%40corp.com``), or
JSON-escaped inside a string of a JSON-lines log (``DB_PASSWORD=\\"...\\"``,
``{\\"SecretAccessKey\\": \\"...\\"}``). The detectors read plain text; ``decoded_views``
gives them the text with the escapes undone, and ``DecodedView.original`` maps a span
found there back onto the escaped text, so the whole escaped form is replaced.

>>> view = next(decoded_views("login?password%3Dhunter2%26next"))
>>> view.text
'login?password=hunter2&next'
>>> start = view.text.index("hunter2")
>>> view.original(start, start + 7)
(17, 24)

Each view costs one pass and two integers per escape, and is only built when the text
holds the escape it undoes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_JSON_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|([\"\\/bfnrt]))")
_JSON_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                "t": "\t"}
# An escape only matters to the detectors when it hides a separator, a quote or an @:
# ``%3D`` (=), ``%3A`` (:), ``%20`` (space), ``%22`` (") , ``%40`` (@), ``%26`` (&).
_PERCENT_TRIGGERS = ("%3d", "%3a", "%20", "%22", "%40", "%26", "%2f", "%2b")


@dataclass(frozen=True, slots=True)
class DecodedView:
    """``text`` decoded. Position ``decoded[i]`` of ``text`` is position ``original[i]`` of
    the escaped text, and so on linearly until the next break."""

    text: str
    decoded: list[int]
    original_at: list[int]

    def _position(self, index: int) -> int:
        last = bisect.bisect_right(self.decoded, index) - 1
        return self.original_at[last] + index - self.decoded[last]

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that decodes to ``text[start:end]``."""
        return self._position(start), self._position(end)


def decoded_views(text: str) -> Iterator[DecodedView]:
    """The percent-decoded and the JSON-unescaped views of ``text``, those that differ."""
    lowered = text.lower() if "%" in text else ""
    if any(trigger in lowered for trigger in _PERCENT_TRIGGERS):
        yield _decode(text, _PERCENT, lambda m: chr(int(m.group(1), 16)))
    if "\\" in text and _JSON_ESCAPE.search(text) is not None:
        yield _decode(text, _JSON_ESCAPE, _json_character)


def _json_character(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return chr(int(match.group(1), 16))
    return _JSON_SIMPLE[match.group(2)]


def _decode(text: str, pattern: re.Pattern[str],
            character: Callable[[re.Match[str]], str]) -> DecodedView:
    parts: list[str] = []
    decoded, original_at = [0], [0]
    cursor = 0
    length = 0  # of the decoded text so far
    for match in pattern.finditer(text):
        start = match.start()
        parts.append(text[cursor:start])
        length += start - cursor
        parts.append(character(match))
        decoded += [length, length + 1]
        original_at += [start, match.end()]
        length += 1
        cursor = match.end()
    parts.append(text[cursor:])
    return DecodedView("".join(parts), decoded, original_at)
