"""The rest of a line's header: what every record of a file carries before its message.

``inspector.formats.logformat`` takes off the header it recognises (time, level, thread,
logger). Logs it has never seen keep part of theirs in the message: a host and a syslog tag
after a label (``dn228/dn228 crond(pam_unix)[2915]:``), a logcat level and tag
(``D WindowManager:``), pipe-separated fields (``|Step_LSC|30002312|``), a program before
a dash (``chrome.exe -``), a request context in brackets. Left there, a program or host name
that changes from line to line splits one event into many templates.

``MessageHeader.learn(messages)`` finds that rest from a sample of a file's messages by one
principle: a header is what *every* record carries, and it ends with a delimiter. The
messages are cut into tokens (a bracket group is one token; ``|`` is a token of its own),
and the delimiters among the first ``MAX_TOKENS`` are noted by position and kind (a
bracket group, ``|``, a dash, a token ending with ``:``). The delimiter found at the same
position in at least ``CONSENSUS`` of the sample, the furthest one if several are, ends the
header. Message text does not pass this test: two messages seldom put the same kind of
delimiter at the same place, let alone nine in ten.

Decisions the next engineer needs:

- Nothing is learnt from fewer than ``MIN_SAMPLE`` messages: a handful of lines proves
  nothing about a file.
- A message without the delimiter at the learnt position keeps its header: the cost is a
  template of its own, never a message cut at the wrong place.
- Cutting depends on the positions of spaces, brackets, pipes, dashes and colons only, never
  on which digits a message holds, so messages of one shape are cut alike (the shape rule
  of ``masks``).

>>> header = MessageHeader.learn([f"{tag}[{pid}]: session opened for user u{pid}"
...                               for tag in ("crond", "sshd") for pid in range(20)])
>>> header.cut("su[42]: session opened for user root")
'session opened for user root'
>>> MessageHeader.learn([f"user u{n} logged in" for n in range(40)]) is None
True
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

MAX_TOKENS = 12
CONSENSUS = 0.9
MIN_SAMPLE = 20
_SCAN_CHARS = 2000  # a header never needs more; a huge message costs nothing extra

# A bracket group (one level of nesting), a pipe, or any other run of non-space characters.
_TOKEN = re.compile(r"\[[^\[\]\n]{0,300}(?:\[[^\[\]\n]{0,300}\][^\[\]\n]{0,300}){0,5}\]"
                    r"|\||[^\s|]{1,500}")
_DASHES = frozenset({"-", "--", "---"})


def _delimiters(message: str) -> Iterable[tuple[int, str, int]]:
    """``(position, kind, end)`` of each delimiter among the first ``MAX_TOKENS`` tokens."""
    for position, match in enumerate(_TOKEN.finditer(message, 0, _SCAN_CHARS)):
        if position >= MAX_TOKENS:
            return
        token = match.group()
        if token[0] == "[" and token[-1] == "]":
            kind = "bracket"
        elif token == "|":
            kind = "pipe"
        elif token in _DASHES:
            kind = "dash"
        elif len(token) > 1 and token[-1] == ":":
            kind = "colon"
        else:
            continue
        yield position, kind, match.end()


@dataclass(frozen=True, slots=True)
class MessageHeader:
    """The header left in a file's messages: it ends with the delimiter ``kind`` found as
    token ``position`` (0-based)."""

    position: int
    kind: str

    @classmethod
    def learn(cls, messages: Iterable[str]) -> MessageHeader | None:
        """The header most messages of the sample carry, or ``None`` (see the module doc)."""
        found: Counter[tuple[int, str]] = Counter()
        sample = 0
        for message in messages:
            sample += 1
            found.update({(position, kind) for position, kind, _ in _delimiters(message)})
        if sample < MIN_SAMPLE:
            return None
        shared = [key for key, count in found.items() if count >= CONSENSUS * sample]
        if not shared:
            return None
        position, kind = max(shared)
        return cls(position, kind)

    def cut(self, message: str) -> str:
        """``message`` without the header, or whole when it does not carry it."""
        for position, kind, end in _delimiters(message):
            if position == self.position:
                return message[end:].lstrip() if kind == self.kind else message
            if position > self.position:
                break
        return message
