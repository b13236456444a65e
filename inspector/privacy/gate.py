"""The last gate before anything leaves the building: a rendered report or a redacted
bundle member is scanned as a whole, and nothing is written while anything is flagged.

The gate is a second, independent opinion. It shares no detector with the redactor (it
imports nothing of ``secrets``, ``shapes``, ``pseudonyms``, ``entropy`` or ``known``), so
a mistake in one is not repeated in the other; what it reads from the redactor is data:
the values the redactor saw and replaced (``Redactor.known_values``). It flags:

- **key headers**: PEM, SSH2 and PGP private key blocks, PuTTY private lines;
- **known prefixes**: vendor tokens that announce themselves (GitHub, GitLab, Slack,
  Stripe, AWS, Google, SendGrid, Twilio, npm, PyPI, OpenAI), JWTs, bearer credentials,
  passwords in URLs, Azure account keys and SAS signatures;
- **random-looking runs**: 24 or more letters and digits mixing upper case, lower case
  and digits, not hexadecimal, with at least 4 bits of entropy per character (stricter
  than the redactor's own check, so what the redactor leaves the gate leaves too);
- **card numbers** of the four big networks that pass the Luhn check;
- **host names** where only a host stands (a URL's authority, ``host=``, ``"hostname":``),
  whatever their last label: the redactor pseudonymizes those, so a name left there is
  one it missed (``jdbc:postgresql://db01.prod.acme:5432``);
- **every value the redactor replaced** (identifiers and memorable secrets), wherever it
  still stands as a whole word.

Each check runs on the text as written and decoded: Markdown and HTML escapes undone
(``password\\=hunter2``, ``api\\_key``, ``&#61;``), percent-encoding and JSON string escapes
undone. Known values are only looked for in the unescaped text, so an escape cannot make
clean text look dirty (``svc\\_sync`` is ``svc_sync``, which does not hold the user
``svc``). Our own ``REDACTED:...`` tokens and pseudonyms are not flagged.

A ``Leak`` names the kind and the position (line and column), never the value.
``check`` raises ``RedactionRefused`` on any leak; ``write_checked`` writes a file only
when ``check`` passes.

>>> [leak.describe() for leak in gate("fine\\nuse ghp_" + "a1B2" * 9 + " now")]
['line 2, column 5: github-token']
>>> gate("svc\\\\_sync ran", known=["svc"]), len(gate("svc ran", known=["svc"]))
([], 1)
"""

from __future__ import annotations

import bisect
import html
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import ahocorasick

from inspector.files import write_atomically


@dataclass(frozen=True, slots=True)
class Leak:
    """Something the gate still flags in a rendered export: what and where, never the
    value itself."""

    kind: str
    line: int
    column: int

    def describe(self) -> str:
        return f"line {self.line}, column {self.column}: {self.kind}"


class RedactionRefused(Exception):
    """The gate found something in an export; nothing was written."""

    def __init__(self, leaks: list[Leak]) -> None:
        self.leaks = leaks
        shown = "; ".join(leak.describe() for leak in leaks[:5])
        more = f" (and {len(leaks) - 5} more)" if len(leaks) > 5 else ""
        super().__init__(f"export refused: {len(leaks)} item(s) still flagged after "
                         f"redaction: {shown}{more}")


# (kind, literal that must be in the text, pattern); the literal is looked for in the
# lower-cased text when it is lower case.
_PREFIXES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("github-token", "gh", re.compile(r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{30,}"
                                      r"|github_pat_[A-Za-z0-9_]{30,})")),
    ("gitlab-token", "gl", re.compile(r"(?<![A-Za-z0-9])gl(?:pat|dt|ft|rt|soat|cbt|ptt|oas)"
                                      r"-[A-Za-z0-9_-]{16,}")),
    ("slack-token", "xox", re.compile(r"(?<![A-Za-z0-9])xox[abposr]-[0-9A-Za-z-]{10,}")),
    ("slack-webhook", "hooks.slack.com", re.compile(r"hooks\.slack\.com/services/T\w{4,}")),
    ("stripe-key", "_live_", re.compile(r"(?<![A-Za-z0-9])[sr]k_live_[0-9A-Za-z]{10,}")),
    ("aws-access-key", "ia", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    ("google-api-key", "aiza", re.compile(r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{30,}")),
    ("sendgrid-key", "sg.", re.compile(r"(?<![A-Za-z0-9])SG\.[\w-]{16,}\.[\w-]{16,}")),
    ("twilio-key", "sk", re.compile(r"(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])")),
    ("npm-token", "npm_", re.compile(r"(?<![A-Za-z0-9])npm_[A-Za-z0-9]{30,}")),
    ("pypi-token", "pypi-", re.compile(r"pypi-AgE[\w-]{30,}")),
    ("openai-key", "sk-", re.compile(r"(?<![A-Za-z0-9])sk-(?:proj-)?[\w-]{20,}")),
    ("jwt", "eyj", re.compile(r"eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.")),
    ("azure-key", "accountkey=", re.compile(r"(?i:AccountKey=)(?!REDACTED)[A-Za-z0-9+/]{20,}")),
    ("azure-sas", "sig=", re.compile(r"[?&]sig=(?!REDACTED)[A-Za-z0-9%+/=]{20,}")),
    ("bearer-credential", "bearer", re.compile(
        r"(?i:bearer)\s+(?!REDACTED)[A-Za-z0-9._~+/-]{16,}")),
    ("password-in-url", "://", re.compile(r"://[^/\s:@]{0,64}:(?!REDACTED)[^/\s@:]{3,64}@")),
    ("private-key", "private", re.compile(
        r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY|BEGIN SSH2 ENCRYPTED PRIVATE KEY"
        r"|Private-Lines: \d")),
)
# A dotted name in a URL's authority or after a host key is a host name whatever its last
# label; the redactor pseudonymizes those, so one left standing is a leak. Versions
# (``cri-o://1.20.3``), one-letter first labels (code) and file names are not flagged.
_HOST_SPOT = re.compile(
    r"(?:(?<![A-Za-z])(?!file:)[A-Za-z][A-Za-z0-9+.-]{0,15}://(?:[^/\s@]{1,130}@)?"
    r"|(?i:(?<![A-Za-z0-9])host(?:[_-]?name)?)[\"']?[ \t]{0,3}[:=][ \t]{0,3}[\"']?)"
    r"(?P<name>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?![\w-]|\.[\w-])")
_NOT_HOSTS = frozenset(("localhost", "localhost.localdomain"))
_FILE_ENDINGS = frozenset((
    "log", "txt", "json", "jsonl", "ndjson", "xml", "yaml", "yml", "csv", "html", "md", "pdf",
    "conf", "cfg", "ini", "gz", "bz2", "xz", "zst", "zip", "tar", "tgz", "sql", "dump", "pem",
    "crt", "har", "pcap", "pcapng", "cap", "out", "err", "bak", "old", "tmp", "journal",
    "trace"))
_RUN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{24,}")
_HEXADECIMAL = re.compile(r"(?:0x)?[0-9a-fA-F]+")
_CARD = re.compile(r"(?<![\d.-])(?:\d{15,16}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}"
                   r"|\d{4}([ -])\d{6}\2\d{5})(?![\d-])")
# Our own output: ``REDACTED:kind[:fingerprint]`` and the pseudonyms' shapes.
_OURS = re.compile(r"REDACTED:[a-z-]{2,20}(?::[0-9a-f]{6})?|user\d+@redacted\.invalid"
                   r"|host\d+\.redacted\.invalid|(?<![\w.])user\d+(?![\w.])")
_MARKDOWN_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+!|~=<>.:-])")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_JSON_ESCAPE = re.compile(r'\\(["\\/])')


def gate(text: str, known: Iterable[str] = ()) -> list[Leak]:
    """What is still flagged in ``text`` (see the module doc); ``known`` are the values
    the redactor replaced, lower-case."""
    return Gate(known).leaks(text)


class Gate:
    """The gate over one set of known values; reuse it for the members of one bundle.

    ``kept`` are values the user asked to keep (``--keep``), and ``hosts`` says whether
    host names are pseudonymized at all (``--keep-identifiers`` keeps them): a host name
    the redactor was told to leave is not a leak.
    """

    def __init__(self, known: Iterable[str] = (), kept: Iterable[str] = (),
                 hosts: bool = True) -> None:
        self._kept = frozenset(value.lower() for value in kept)
        self._hosts = hosts
        self._automaton: Any = None
        values = {value.lower() for value in known if len(value) >= 2}
        if values:
            self._automaton = ahocorasick.Automaton()
            for value in values:
                self._automaton.add_word(value, value)
            self._automaton.make_automaton()

    def leaks(self, text: str) -> list[Leak]:
        """Every leak in ``text``, once per kind and position."""
        plain = html.unescape(_MARKDOWN_ESCAPE.sub("", text)) if (
            "\\" in text or "&" in text) else text
        variants = [text, plain]
        if "%" in plain:
            variants.append(_PERCENT.sub(lambda m: chr(int(m.group(1), 16)), plain))
        if "\\" in plain:
            variants.append(_JSON_ESCAPE.sub(r"\1", plain))
        result: set[Leak] = set()
        for variant in dict.fromkeys(variants):
            hits = self._shapes(variant)
            if variant is not text or plain is text:  # escapes must not make words
                hits += self._known(variant)
            lines = _Lines(variant)
            result.update(lines.leak(kind, offset) for kind, offset in hits)
        return sorted(result, key=lambda leak: (leak.line, leak.column, leak.kind))

    def _shapes(self, text: str) -> list[tuple[str, int]]:
        hits = []
        lowered = text.lower()
        for kind, literal, pattern in _PREFIXES:
            if literal in lowered:
                hits += [(kind, m.start()) for m in pattern.finditer(text)]
        for m in _RUN.finditer(text):
            run = m.group()
            if not _HEXADECIMAL.fullmatch(run) and _random(run):
                hits.append(("high-entropy-token", m.start()))
        for m in _CARD.finditer(text):
            if _card(m.group()):
                hits.append(("card-number", m.start()))
        if self._hosts and ("://" in text or "host" in lowered):
            hits += [("host-name", m.start("name")) for m in _HOST_SPOT.finditer(text)
                     if _host(m.group("name")) and m.group("name").lower() not in self._kept]
        return hits

    def _known(self, text: str) -> list[tuple[str, int]]:
        if self._automaton is None:
            return []
        masked = _OURS.sub(lambda m: " " * len(m.group()), text)
        lowered = masked.translate(_ASCII_LOWER)
        hits = []
        for last, value in self._automaton.iter(lowered):
            start, end = last - len(value) + 1, last + 1
            before = lowered[start - 1] if start else " "
            after = lowered[end] if end < len(lowered) else " "
            if (_word(value[0]) and _word(before)) or (_word(value[-1]) and _word(after)):
                continue
            hits.append(("value-seen-in-the-bundle", start))
        return hits


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _word(character: str) -> bool:
    return character.isalnum() or character == "_"


def _random(run: str) -> bool:
    if not (any(c.isupper() for c in run) and any(c.islower() for c in run)
            and any(c.isdigit() for c in run)):
        return False
    length = len(run)
    bits = -sum(n / length * math.log2(n / length) for n in Counter(run).values())
    return bits >= 4.0


def _host(name: str) -> bool:
    lowered = name.lower()
    labels = lowered.split(".")
    return (len(labels[0]) > 1 and not labels[0].isdigit()
            and any(c.isalpha() for c in labels[-1]) and labels[-1] not in _FILE_ENDINGS
            and not labels[-1].isdigit() and lowered not in _NOT_HOSTS
            and labels[-1] != "invalid" and not lowered.startswith("localhost."))


def _card(written: str) -> bool:
    digits = [int(c) for c in written if c.isdigit()]
    head = digits[0] * 10 + digits[1]
    network = ((digits[0] == 4 and len(digits) == 16) or (51 <= head <= 55 and len(digits) == 16)
               or (head in (34, 37) and len(digits) == 15)
               or ((head == 65 or digits[:4] == [6, 0, 1, 1]) and len(digits) == 16))
    if not network:
        return False
    checksum = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2)
                   for i, d in enumerate(reversed(digits)))
    return checksum % 10 == 0


class _Lines:
    """Line and column (1-based) of an offset."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def leak(self, kind: str, offset: int) -> Leak:
        index = bisect.bisect_right(self._starts, offset) - 1
        return Leak(kind, index + 1, offset - self._starts[index] + 1)


class _KnowsValues(Protocol):
    keep: frozenset[str]

    def known_values(self) -> Iterable[str]: ...

    def pseudonymizes_hosts(self) -> bool: ...


def gate_for(redactor: _KnowsValues) -> Gate:
    """The gate over what ``redactor`` replaced, kept and pseudonymizes."""
    return Gate(redactor.known_values(), redactor.keep, redactor.pseudonymizes_hosts())


def check(text: str, redactor: _KnowsValues) -> None:
    """Raise ``RedactionRefused`` when ``gate`` flags anything in ``text``, given what
    ``redactor`` replaced."""
    leaks = gate_for(redactor).leaks(text)
    if leaks:
        raise RedactionRefused(leaks)


def write_checked(path: Path, rendered: str | bytes, redactor: _KnowsValues,
                  text: str | None = None) -> None:
    """Gate ``text`` (the rendered export as text; ``rendered`` itself when it is a str)
    and write ``rendered`` only when nothing is flagged."""
    checked = text if text is not None else rendered
    if not isinstance(checked, str):
        raise TypeError("binary exports need their extracted text for the gate")
    check(checked, redactor)
    write_atomically(path, rendered.encode("utf-8") if isinstance(rendered, str) else rendered)
