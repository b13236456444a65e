"""Identifiers (emails, user names, IPv4/IPv6 addresses, host names, MAC addresses): finding
them in text, and the pseudonyms that replace them.

A ``PseudonymMap`` gives the same value the same pseudonym, in the report and in the
redacted bundle alike, because both are redacted with the same map (the workspace keeps it;
it is never exported). Pseudonyms are shaped like what they replace, from ranges no real
customer value uses, so a reader still sees "an address" and a pcap can carry them: IPv4
``240.0.0.N`` (reserved class E), IPv6 ``100::N`` (RFC 6666 discard prefix), MAC
``02:00:00:xx:xx:xx``, host ``hostN.redacted.invalid`` and ``userN@redacted.invalid``
(``.invalid`` is reserved by RFC 2606), user names ``userN``. ``find_identifiers`` never
reports a value of those shapes, so redacting twice changes nothing.

Decisions the next engineer needs:

- Host names are recognised by shape (dotted labels) *and* a top-level domain from a short
  list; file names (``app.py``, ``readme.md``, Java class names) end in labels that are not
  on it. A host name followed by file extensions is still a host name
  (``db1.corp.example.com.log``, ``web01.acme.io.2026-11-17.log.gz``): the labels after
  the last one on the list are taken as the file's when they are all extensions, dates or
  rotation numbers, never when one of them is a word (``java.net.ConnectException``).
  Host names the analysis knows (HAR hosts, TLS SNI) are added to the map by the
  redactor, and a value once seen is replaced wherever it appears as a whole word, even
  where no pattern would have caught it.
- The list cannot hold every top-level domain (``.group``, ``.ms``, ``.id`` end Kafka
  and Java configuration keys), so where a name stands counts too: after a host key
  (``host=``, ``--host``, ``"nodeName":``, ``upstream:``) or in a URL's authority, a
  dotted name is a host whatever its last label (``_CONTEXT_HOST``, ``host_in_field``),
  unless it is a version (``cri-o://1.20.3-2.el8``), code (``node = e.trigger``), a file
  (``server: nginx.conf``) or one label (``Server: nginx``). On the corpus this finds
  only real hosts (Kubernetes service names, ``slv-default.uaa``).
- An address followed by its port (``2001:db8::5:443`` written without brackets, eight
  groups and a ninth) is the address; a percent-encoded ``@`` (``jane%40corp.com``) joins
  an email like a plain one.
- Loopback and unspecified addresses, ``localhost`` and system accounts (``root``,
  ``postgres``...) are kept: they identify nobody and matter for diagnosis.
- A map that cannot be saved (the app holds the bundle's workspace while the command line
  exports) is ``detach``ed: the pseudonyms it makes from then on are numbered from a keyed
  hash of the value (HMAC-SHA256 with a secret kept on this machine) in a range the
  saved, sequential numbers never reach, so two exports made side by side give the same
  value the same pseudonym and two values two pseudonyms, without either run having to
  save anything. The key stays local: a reader cannot hash candidate addresses back.
- Every pattern is linear: variable-length parts are possessive and start behind a
  lookbehind on their own class (the secret scanner's rule); tests run them on 1 MB lines.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import hmac
import ipaddress
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from inspector.files import data_directory
from inspector.privacy.matches import keyword_windows


class Identifier(enum.StrEnum):
    """The kinds of personal or network identifiers that can be pseudonymized."""

    EMAIL = "email"
    USER = "user"
    IPV4 = "ipv4"
    IPV6 = "ipv6"
    HOST = "host"
    MAC = "mac"


ALL_IDENTIFIERS = frozenset(Identifier)

#: The kinds a known value is looked for as a whole word of text (``KNOWN_WORD``), in this
#: order: user and host names can stand anywhere once seen, addresses only in their shape.
WORD_KINDS = (Identifier.HOST, Identifier.EMAIL, Identifier.USER)


def _pseudonym(kind: Identifier, number: int) -> str:
    match kind:
        case Identifier.EMAIL:
            return f"user{number}@redacted.invalid"
        case Identifier.USER:
            return f"user{number}"
        case Identifier.IPV4:
            return str(ipaddress.IPv4Address(0xF0000000 + number))
        case Identifier.IPV6:
            return str(ipaddress.IPv6Address((0x0100 << 112) + number))
        case Identifier.HOST:
            return f"host{number}.redacted.invalid"
    return "02:00:00:" + ":".join(f"{b:02x}" for b in number.to_bytes(3, "big"))


# Where detached numbering draws from: (first, size), above any sequential number a bundle
# reaches and inside each pseudonym range (240.0.0.0/4 has 2**28 addresses, the MAC
# pseudonyms 2**24).
_DETACHED_RANGES = {
    Identifier.EMAIL: (10**6, 10**12), Identifier.USER: (10**6, 10**12),
    Identifier.HOST: (10**6, 10**12), Identifier.IPV4: (1 << 24, (1 << 28) - (1 << 24) - 1),
    Identifier.IPV6: (1 << 32, 1 << 60), Identifier.MAC: (1 << 23, (1 << 23) - 1),
}


KEY_FILE = "pseudonym-key"


def local_key(folder: Path | None = None) -> bytes:
    """The secret that keys detached pseudonyms: 32 random bytes in ``KEY_FILE`` in the
    data folder (only its owner may read it), made on first use. It is written whole
    under a temporary name and linked into place, so two processes making it at once
    both end up with the one that got there first."""
    path = (folder or data_directory()) / KEY_FILE
    with contextlib.suppress(FileNotFoundError):
        key = path.read_bytes()
        if len(key) == 32:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{KEY_FILE}.{os.getpid()}")
    descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(os.urandom(32))
    try:
        os.link(staged, path)
    except FileExistsError:
        if len(path.read_bytes()) != 32:  # damaged: replace it
            os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)
    return path.read_bytes()


class PseudonymMap:
    """Original value -> pseudonym, per kind of identifier. Kept locally, never exported.

    Values are compared case-insensitively for emails, host names and MACs (``ALICE@X.COM``
    is ``alice@x.com``), exactly for user names, and by address for IPs (``::1`` is
    ``0:0::1``).

    >>> names = PseudonymMap()
    >>> names.pseudonym(Identifier.HOST, "DB1.corp.example.com")
    'host1.redacted.invalid'
    >>> names.pseudonym(Identifier.HOST, "db1.corp.example.com")
    'host1.redacted.invalid'
    """

    def __init__(self) -> None:
        self._by_kind: dict[Identifier, dict[str, str]] = {kind: {} for kind in Identifier}
        self._pseudonyms: set[str] = set()
        self._detached_key: bytes | None = None
        # Lower-case user, host and email originals: one set lookup per word of text
        # rules out almost every word before the per-kind tables are consulted.
        self.words: set[str] = set()

    @staticmethod
    def key(kind: Identifier, value: str) -> str:
        if kind is Identifier.IPV4 and value.count(".") == 3 and ":" not in value:
            return value  # dotted quads as the pattern finds them are already canonical
        if kind in (Identifier.IPV4, Identifier.IPV6):
            try:
                return str(ipaddress.ip_address(value))
            except ValueError:
                return value
        if kind is Identifier.MAC:
            return value.lower().replace("-", ":")
        if kind is Identifier.EMAIL:
            return value.lower().replace("%40", "@")
        return value if kind is Identifier.USER else value.lower()

    def pseudonym(self, kind: Identifier, value: str) -> str:
        table = self._by_kind[kind]
        key = self.key(kind, value)
        found = table.get(key)
        if found is None:
            found = _pseudonym(kind, self._number(kind, key))
            table[key] = found
            self._pseudonyms.add(found.lower())
            if kind in WORD_KINDS:
                self.words.add(key.lower())
        return found

    def detach(self, key: bytes) -> None:
        """Number new pseudonyms from a keyed hash of their value (see the module doc)."""
        self._detached_key = key

    def _number(self, kind: Identifier, key: str) -> int:
        if self._detached_key is None:
            return len(self._by_kind[kind]) + 1
        first, size = _DETACHED_RANGES[kind]
        digest = hmac.new(self._detached_key, f"{kind.value}:{key}".encode(), hashlib.sha256)
        number = first + int.from_bytes(digest.digest()[:8], "big") % size
        while _pseudonym(kind, number).lower() in self._pseudonyms:  # a collision: next
            number = first + (number - first + 1) % size
        return number

    def known(self, kind: Identifier, value: str) -> str | None:
        return self._by_kind[kind].get(self.key(kind, value))

    def is_pseudonym(self, value: str) -> bool:
        return value.lower() in self._pseudonyms

    def originals(self) -> Iterator[tuple[Identifier, str, str]]:
        for kind, table in self._by_kind.items():
            for original, pseudonym in table.items():
                yield kind, original, pseudonym

    def __len__(self) -> int:
        return sum(len(table) for table in self._by_kind.values())

    def to_json(self) -> dict[str, dict[str, str]]:
        return {kind.value: dict(table) for kind, table in self._by_kind.items() if table}

    @classmethod
    def from_json(cls, data: dict[str, dict[str, str]]) -> PseudonymMap:
        names = cls()
        for kind_name, table in data.items():
            kind = Identifier(kind_name)
            names._by_kind[kind] = dict(table)
            names._pseudonyms.update(p.lower() for p in table.values())
            if kind in WORD_KINDS:
                names.words.update(original.lower() for original in table)
        return names


# --- finding identifiers -------------------------------------------------------------------

# Patterns begin with a character and look behind it afterwards, so the engine can skip
# ahead to candidates instead of trying every position; a lookbehind of two characters
# at the start of the text does not match, so the negative one passes there.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?=[0-9])(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\.?[0-9])(?![\w])")
# Candidates only: ``ipaddress`` decides. Times (09:14:02) and MACs fail its check.
_IPV6_CANDIDATE = re.compile(r"(?<![\w:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{2,39}+"
                             r"(?:%[\w.]{1,16}+)?(?![\w:]|\.[0-9])")
# Written in full, eight groups (a ninth is a port), outside the "::" windows.
_IPV6_FULL = re.compile(r"[0-9A-Fa-f](?<![\w:.][0-9A-Fa-f])[0-9A-Fa-f]{0,3}"
                        r"(?::[0-9A-Fa-f]{1,4}){7,8}(?:%[\w.]{1,16}+)?(?![\w:]|\.[0-9])")
# One separator throughout: "09:12:27-09:16:34" is a time range, not a MAC.
_MAC = re.compile(r"[0-9A-Fa-f](?<![\w:-][0-9A-Fa-f])[0-9A-Fa-f](?:(?::[0-9A-Fa-f]{2}){5}"
                  r"|(?:-[0-9A-Fa-f]{2}){5})(?![\w:-])")
_EMAIL = re.compile(r"(?:(?<=mailto:)|(?<![\w.+%:-]))[\w.+%-]{1,64}?(?:@|%40)"
                    r"(?:[A-Za-z0-9-]{1,63}+\.(?=[A-Za-z0-9]))++[A-Za-z]{2,24}+(?![\w-])")
_HOST = re.compile(r"[A-Za-z0-9-](?<![\w.-][A-Za-z0-9-])[A-Za-z0-9-]{0,62}+\.(?=[A-Za-z0-9])"
                   r"(?:[A-Za-z0-9-]{1,63}+\.(?=[A-Za-z0-9]))*+"
                   r"(?P<tld>[A-Za-z]{2,24}+)(?![\w-])(?!\()")
# A dotted name where only a host can stand is one whatever its last label: after a
# host-like key (``host=``, ``"hostname": "``, ``--server ``, a ``Host:`` header) or a
# URL's scheme and user. ``localhost.localdomain``, versions (``node: v18.17.1``) and file
# names (``server: nginx.conf``) are not hosts; a single label (``server: nginx``) is not
# taken, the ``Server`` response header names software.
_HOST_KEY_WORDS = (r"(?:host(?:[_-]?name)?|server(?:[_-]?name)?|fqdn|node(?:[_-]?name)?"
                   r"|endpoint|upstream|broker|peer|remote[_-]?host|target[_-]?host"
                   r"|db[_-]?host)s?")
_HOST_KEY = re.compile(rf"(?i:(?:[\w-]*[_-])?{_HOST_KEY_WORDS})")
_DOTTED = re.compile(r"[A-Za-z0-9-]{1,63}+(?:\.[A-Za-z0-9-]{1,63}+)++")
_CONTEXT_HOST = re.compile(
    rf"(?:(?i:(?<![A-Za-z0-9]){_HOST_KEY_WORDS})"
    r"[\"']?+(?:[ \t]{0,3}+[:=][ \t]{0,3}+|[ \t]{1,3}+)[\"']?+"
    r"|://(?:[^/\s@:]{0,64}+(?::[^/\s@]{0,64}+)?@)?)"
    r"(?P<host>[A-Za-z0-9-]{1,63}+(?:\.[A-Za-z0-9-]{1,63}+)++)(?![\w-]|\.[\w-])")
_CONTEXT_TRIGGERS = ("host", "server", "fqdn", "node", "endpoint", "upstream", "broker", "peer",
                     "target", "://")
_LABELS = re.compile(r"(?<![\w.-])[A-Za-z0-9-]{1,63}+(?:\.[A-Za-z0-9-]{1,63}+){2,}+(?![\w-])")
# What may follow a host name in a file name: extensions, dates and rotation numbers.
_FILE_LABEL = re.compile(r"[0-9-]{1,10}|log|txt|out|err|gz|bz2|xz|zst|zip|tar|tgz|json|jsonl"
                         r"|ndjson|xml|yaml|yml|csv|har|pcap|pcapng|cap|sql|dump|conf|cfg|ini"
                         r"|pem|crt|old|bak|tmp|journal|trace|html|md|pdf", re.IGNORECASE)
_USER_CONTEXT = re.compile(
    r"(?i:(?<![\w-])(?:user(?:[_-]?name)?|login|owner|account|principal|uname)\b)"
    r"[\"']?+[ \t]{0,3}+(?:[:=]|\bis\b)[ \t]{0,3}+[\"']?+(?P<value>[A-Za-z][\w.@-]{0,63}+)"
    r"|(?i:\bfor user )[\"']?+(?P<value2>[A-Za-z][\w.-]{0,63}+)"
    r"|/home/(?P<value3>[A-Za-z][\w.-]{0,63}+)"
    r"|(?i:[A-Z]:\\Users\\)(?P<value4>[A-Za-z][\w.-]{0,63}+)"
    r"|'(?P<value5>[A-Za-z][\w.-]{0,31}+)'@'"
    r"|(?<![\w+.-])[A-Za-z][A-Za-z0-9+.-]{1,15}+://(?P<value6>[A-Za-z][\w.-]{0,63}+):")
#: Field and header names whose value is a user name (JSON keys, HAR name/value pairs).
USER_KEYS = frozenset({"user", "username", "user_name", "userName", "login", "owner",
                       "account", "principal", "uname"})

# Top-level domains that make a dotted name a host name. Country codes that are also
# common file extensions (py, sh, md, pl, rs, so, ps, cc) are left out on purpose.
_TLDS = frozenset((
    "com", "net", "org", "io", "info", "biz", "dev", "app", "cloud", "co", "ai", "me", "us",
    "eu", "edu", "gov", "mil", "int", "tech", "online", "site", "local", "internal", "corp",
    "lan", "intra", "intranet", "home", "localdomain", "example", "test", "de", "uk", "fr",
    "nl", "be", "at", "ch", "se", "no", "fi", "dk", "ie", "it", "es", "pt", "pl", "cz", "hu",
    "ro", "gr", "ru", "ua", "jp", "cn", "kr", "in", "au", "nz", "ca", "br", "mx", "ar", "cl",
    "za", "sg", "hk", "tw", "il", "tr", "ae", "sa",
))
_KEEP_HOSTS = {"localhost", "localhost.localdomain"}
# System and service accounts identify nobody, and being common words they would take
# every "app" of the bundle with them once known (``app.log``).
_KEEP_USERS = {"root", "admin", "administrator", "postgres", "mysql", "www-data", "nobody",
               "system", "anonymous", "guest", "daemon", "null", "none", "true", "false",
               "unknown", "user", "is", "not", "the", "a", "an", "id", "name", "for", "with",
               "app", "api", "web", "service", "test", "demo", "default", "backup", "monitor",
               "ubuntu", "ec2-user", "centos", "oracle", "sa", "sys", "dbo", "replication",
               "repl", "deploy", "jenkins", "git", "nginx", "apache", "redis", "elastic"}
_PSEUDONYM_SHAPES = re.compile(r"user\d+@redacted\.invalid|host\d+\.redacted\.invalid|user\d+",
                               re.IGNORECASE)
#: A word as the known-value pass sees it: a run that may hold a whole email or host name.
#: Callers strip trailing ``.`` and ``-`` (sentence punctuation) before looking it up.
KNOWN_WORD = re.compile(r"(?<![\w.@-])[\w][\w.@-]{0,252}+")


@dataclass(frozen=True, slots=True)
class Span:
    """One identifier found in a string."""

    kind: Identifier
    start: int
    end: int
    value: str


def is_kept_address(text: str) -> bool:
    """Whether an address stays as it is: loopback, unspecified, already a pseudonym, or
    not an address at all. Expects the text form ``find_identifiers`` reports.

    >>> is_kept_address("127.0.0.1"), is_kept_address("240.0.0.7"), is_kept_address("10.0.0.7")
    (True, True, False)
    """
    if text.count(".") == 3 and ":" not in text:  # IPv4 fast path: no ipaddress object
        first = int(text.split(".", 1)[0])
        return first in (0, 127) or first >= 240
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return True
    if address.is_loopback or address.is_unspecified:
        return True
    if address.version == 4:
        return address in _PSEUDONYM_V4
    return address in _PSEUDONYM_V6


_PSEUDONYM_V4 = ipaddress.ip_network("240.0.0.0/4")
_PSEUDONYM_V6 = ipaddress.ip_network("100::/64")


def find_identifiers(text: str, kinds: Iterable[Identifier] = ALL_IDENTIFIERS) -> list[Span]:
    """Identifiers in ``text`` by their shape, without overlaps, in order.

    >>> [(s.kind.value, s.value) for s in find_identifiers("ssh bob@db1.corp.local 10.0.0.7")]
    [('email', 'bob@db1.corp.local'), ('ipv4', '10.0.0.7')]
    """
    wanted = set(kinds)
    spans: list[Span] = []
    if ("@" in text or "%40" in text) and Identifier.EMAIL in wanted:
        for low, high in keyword_windows(text, ("@", "%40"), 70, 260):
            spans.extend(Span(Identifier.EMAIL, *m.span(), m.group())
                         for m in _EMAIL.finditer(text, low, high)
                         if not m.group().lower().endswith("@redacted.invalid"))
    if "." in text and Identifier.IPV4 in wanted:
        spans.extend(Span(Identifier.IPV4, *m.span(), m.group()) for m in _IPV4.finditer(text)
                     if not is_kept_address(m.group())
                     and not _is_product_version(text, m.start()))
    if ":" in text or "-" in text:
        if Identifier.MAC in wanted:
            spans.extend(Span(Identifier.MAC, *m.span(), m.group()) for m in _MAC.finditer(text)
                         if not m.group().lower().startswith(("02:00:00", "02-00-00")))
        if Identifier.IPV6 in wanted and ("::" in text or text.count(":") >= 7):
            for m in _ipv6_candidates(text):
                candidate = m.group()
                colons = candidate.count(":")
                if colons < 7 and "::" not in candidate:
                    continue  # every IPv6 address has eight groups or a "::" (times do not)
                if colons == 8 and not _is_ipv6(candidate):
                    candidate = candidate.rsplit(":", 1)[0]  # eight groups and a port
                if candidate.count(":") >= 2 and not is_kept_address(candidate) \
                        and _is_ipv6(candidate):
                    spans.append(Span(Identifier.IPV6, m.start(), m.start() + len(candidate),
                                      candidate))
    if "." in text and Identifier.HOST in wanted:
        for m in _HOST.finditer(text):
            host = m.group()
            if m.group("tld").lower() in _TLDS and host.lower() not in _KEEP_HOSTS \
                    and not host.lower().endswith(".invalid"):
                spans.append(Span(Identifier.HOST, *m.span(), host))
            elif (prefix := _host_before_file_labels(host)) is not None:
                spans.append(Span(Identifier.HOST, m.start(), m.start() + len(prefix), prefix))
    if "." in text and Identifier.HOST in wanted:
        spans.extend(_context_hosts(text))
    if Identifier.USER in wanted:
        for m in _user_contexts(text):
            group = next(g for g in ("value", "value2", "value3", "value4", "value5",
                                                "value6")
                         if m.group(g) is not None)
            value = m.group(group).rstrip(".-")
            if _is_user_name(value) and "@" not in value:
                start = m.start(group)
                spans.append(Span(Identifier.USER, start, start + len(value), value))
    return first_of_overlaps(spans)


def _host_before_file_labels(name: str) -> str | None:
    """``db1.corp.example.com`` of ``db1.corp.example.com.log.1``: the longest prefix of
    two labels or more ending in a known top-level domain, when every label after it is a
    file extension, a date or a rotation number."""
    if _FILE_LABEL.fullmatch(name.rsplit(".", 1)[-1]) is None or _LABELS.fullmatch(name) is None:
        return None
    labels = name.split(".")
    for end in range(len(labels) - 1, 1, -1):
        if labels[end - 1].lower() in _TLDS:
            if all(_FILE_LABEL.fullmatch(label) for label in labels[end:]):
                host = ".".join(labels[:end])
                return None if host.lower() in _KEEP_HOSTS else host
            return None
    return None


def _context_hosts(text: str) -> Iterator[Span]:
    """Dotted names in a host's place (``_CONTEXT_HOST``), whatever their last label."""
    for low, high in keyword_windows(text.lower(), _CONTEXT_TRIGGERS, 24, 400):
        for m in _CONTEXT_HOST.finditer(text, low, high):
            host = m.group("host")
            last = host.rsplit(".", 1)[1]
            if is_context_host(host) and not _FILE_LABEL.fullmatch(last):
                yield Span(Identifier.HOST, m.start("host"), m.end("host"), host)


def is_context_host(name: str) -> bool:
    """Whether a dotted name standing where a host stands is one to pseudonymize: its last
    label has a letter (``1.2.3`` is a version, ``10.0.0.7`` an address), its first is not
    a number (``cri-o://1.20.3-2.el8`` is a version) nor one character (``node = e.trigger``
    is code), and it is neither kept nor a pseudonym.

    >>> is_context_host("db01.prod.acme"), is_context_host("v18.17.1")
    (True, False)
    """
    lowered = name.lower()
    first, last = lowered.split(".", 1)[0], lowered.rsplit(".", 1)[1]
    return (any(c.isalpha() for c in last) and len(first) > 1 and not first.isdigit()
            and lowered not in _KEEP_HOSTS and not lowered.endswith(".invalid")
            and not lowered.startswith("localhost."))


def host_in_field(key: str, value: str) -> str | None:
    """``value`` when a field named ``key`` holds a host name (``"nodeName":
    "ip-10-0-1-23.ec2.internal"``, a HAR ``Host`` header): what a JSON document or a HAR
    pair says is a host, whatever its last label.

    >>> host_in_field("nodeName", "worker-3.k8s.acme"), host_in_field("path", "a.b.c")
    ('worker-3.k8s.acme', None)
    """
    if _HOST_KEY.fullmatch(key) is None or _DOTTED.fullmatch(value) is None:
        return None
    return value if is_context_host(value) and not _FILE_LABEL.fullmatch(
        value.rsplit(".", 1)[1]) else None


_USER_TRIGGERS = ("user", "login", "owner", "account", "principal", "uname", "/home/", "'@'",
                  "://")


def _user_contexts(text: str) -> Iterator[re.Match[str]]:
    """``_USER_CONTEXT`` searched only around its keywords (``keyword_windows``)."""
    for low, high in keyword_windows(text.lower(), _USER_TRIGGERS, 24, 120):
        yield from _USER_CONTEXT.finditer(text, low, high)


def _ipv6_candidates(text: str) -> Iterator[re.Match[str]]:
    """Compressed forms around each "::", then the full forms elsewhere."""
    seen: set[int] = set()
    for low, high in keyword_windows(text, ("::",), 40, 42):
        for m in _IPV6_CANDIDATE.finditer(text, low, high):
            seen.add(m.start())
            yield m
    for m in _IPV6_FULL.finditer(text):
        if m.start() not in seen:
            yield m


def _is_product_version(text: str, start: int) -> bool:
    """``Chrome/131.0.0.0`` is a version, ``http://10.0.0.1`` an address."""
    return start >= 2 and text[start - 1] == "/" and text[start - 2].isalnum()


def _is_ipv6(candidate: str) -> bool:
    try:
        ipaddress.IPv6Address(candidate.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _is_user_name(value: str) -> bool:
    return (value.lower() not in _KEEP_USERS and not value.startswith("REDACTED")
            and not _PSEUDONYM_SHAPES.fullmatch(value))


def first_of_overlaps(spans: list[Span]) -> list[Span]:
    """``spans`` in text order, each overlapping one dropped in favour of the span that
    starts first (the longer one when two start together).

    >>> [s.value for s in first_of_overlaps([Span(Identifier.HOST, 4, 20, "db1.corp.com"),
    ...                                      Span(Identifier.EMAIL, 0, 20, "bob@db1.corp.com")])]
    ['bob@db1.corp.com']
    """
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept
