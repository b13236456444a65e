"""Values the redactor has seen, found again wherever they stand as whole words.

Once a value is known to be a secret or an identifier (a password read from a config, a
user name from ``user=jdoe``, a host from a HAR), it is replaced everywhere it appears,
even where no pattern would catch it: ``jdoe`` in a file name, the password again in a
log line without its name, the host in ``logs/db1.corp.example.com.log``.

``KnownValues`` finds every known value in a text in one pass, whatever their number (an
Aho-Corasick automaton, pyahocorasick), case-insensitively for ASCII letters, and keeps
an occurrence only when it stands as a whole word: the characters around it are not word
characters (letters, digits, ``_``) where the value's own edge is one. So ``svc`` is
found in ``svc@host`` and ``/svc/`` but not in ``svc_sync``, and ``10.0.0.1`` not in
``10.0.0.12``.

>>> known = KnownValues()
>>> known.add("db1.corp.example.com", "host")
>>> [(s, e, m) for s, e, m in known.find("logs/DB1.corp.example.com.log, db1.corp.example.comx")]
[(5, 25, 'host')]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ahocorasick

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """``text`` with ASCII letters lower-cased: same length, so positions carry over."""
    return text.translate(_ASCII_LOWER)


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


class KnownValues:
    """Known values and what each means to the caller, searched all at once."""

    def __init__(self) -> None:
        self._meanings: dict[str, Any] = {}
        self._automaton: Any = None

    def __len__(self) -> int:
        return len(self._meanings)

    def __contains__(self, value: str) -> bool:
        return ascii_lower(value) in self._meanings

    def add(self, value: str, meaning: Any) -> None:
        """Know ``value`` (compared ASCII-case-insensitively); a later meaning wins."""
        key = ascii_lower(value)
        if key and self._meanings.get(key) != meaning:
            self._meanings[key] = meaning
            self._automaton = None

    def values(self) -> Iterator[tuple[str, Any]]:
        yield from self._meanings.items()

    def find(self, text: str) -> list[tuple[int, int, Any]]:
        """Whole-word occurrences as ``(start, end, meaning)``: in order, without overlaps,
        the longer one kept where two start together."""
        if not self._meanings:
            return []
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for key in self._meanings:
                automaton.add_word(key, key)
            automaton.make_automaton()
            self._automaton = automaton
        found = []
        length = len(text)
        for last, key in self._automaton.iter(ascii_lower(text)):
            start, end = last - len(key) + 1, last + 1
            if (start > 0 and _is_word(key[0]) and _is_word(text[start - 1])) \
                    or (end < length and _is_word(key[-1]) and _is_word(text[end])):
                continue
            found.append((start, end, self._meanings[key]))
        found.sort(key=lambda hit: (hit[0], -hit[1]))
        kept: list[tuple[int, int, Any]] = []
        for hit in found:
            if not kept or hit[0] >= kept[-1][1]:
                kept.append(hit)
        return kept
