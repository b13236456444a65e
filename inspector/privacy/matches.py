"""What a secret finding is: its kind, its span, a masked form, and the names that say
"secret". Shared by every detector module of ``inspector.privacy`` (``shapes``,
``passwords``, ``personal``) and re-exported by ``inspector.privacy.secrets``, the scanner
the rest of the code imports.

A match never holds the secret itself: only its span in the scanned string, a masked form
safe to print and, for values with enough entropy, a 6-hex fingerprint that tells two
tokens apart.
"""

from __future__ import annotations

import base64
import binascii
import enum
import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson


class SecretKind(enum.StrEnum):
    """What sort of secret a match is."""

    BEARER_TOKEN = "bearer-token"
    BASIC_AUTH = "basic-auth"
    AUTHORIZATION = "authorization"  # another scheme (Digest, AWS4-HMAC-SHA256, ...)
    COOKIE = "cookie"
    SET_COOKIE = "set-cookie"
    API_KEY = "api-key"
    TOKEN = "token"
    PASSWORD = "password"
    JWT = "jwt"
    URL_CREDENTIALS = "url-credentials"
    CLOUD_KEY = "cloud-key"
    PRIVATE_KEY = "private-key"
    # Personal data (``inspector.privacy.personal``): removed from exports like secrets,
    # but never reported as credentials by the HTTP analyzer.
    CARD_NUMBER = "card-number"
    SSN = "ssn"
    PHONE = "phone"
    PERSONAL = "personal"  # a value in a column or field whose name says it is personal


#: Kinds whose values are too few to hash safely: a 6-hex fingerprint of a password, a card
#: number or an SSN could be brute-forced back, so their matches carry none.
UNHASHED_KINDS = frozenset({SecretKind.PASSWORD, SecretKind.CARD_NUMBER, SecretKind.SSN,
                            SecretKind.PHONE, SecretKind.PERSONAL})


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """One secret found in a scanned string.

    Attributes:
        kind: what it is.
        start, end: the secret's span in the scanned string (``text[start:end]``).
        masked: a form safe to print.
        name: the header, parameter, cookie or key name that held it, when there is one.
        fingerprint: 6 hex digits identifying the value (empty for passwords).
        expires_at, issued_at: a JWT's ``exp`` and ``iat`` claims, in UTC.
    """

    kind: SecretKind
    start: int
    end: int
    masked: str
    name: str | None = None
    fingerprint: str = ""
    expires_at: datetime | None = None
    issued_at: datetime | None = None

    def shifted(self, offset: int) -> SecretMatch:
        """The same match with its span moved by ``offset`` (for text joined from parts)."""
        return SecretMatch(self.kind, self.start + offset, self.end + offset, self.masked,
                           self.name, self.fingerprint, self.expires_at, self.issued_at)


def mask(secret: str) -> str:
    """A printable stand-in for ``secret``.

    >>> mask("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")
    'eyJh…[41 chars]'
    >>> mask("hunter2")
    '…[7 chars]'
    """
    if len(secret) >= 16:
        return f"{secret[:4]}…[{len(secret)} chars]"
    return f"…[{len(secret)} chars]"


def fingerprint(secret: str) -> str:
    """6 hex digits of SHA-256: enough to tell tokens apart, far too few to recover one."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:6]


def redact(text: str, matches: Iterable[SecretMatch]) -> str:
    """``text`` with every matched span replaced by its masked form (overlaps merged)."""
    spans = sorted((m.start, m.end, m.masked) for m in matches)
    if not spans:
        return text
    parts: list[str] = []
    cursor = 0
    for start, end, masked in spans:
        if end <= cursor:
            continue
        if start < cursor:
            parts.append(f"…[{end - cursor} chars]")
        else:
            parts.append(text[cursor:start])
            parts.append(masked)
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


# --- JWT ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JwtClaims:
    expires_at: datetime | None
    issued_at: datetime | None


_JWT_SHAPE = re.compile(r"eyJ[\w-]{4,}+\.eyJ[\w-]{4,}+\.[\w-]*+")


def jwt_claims(token: str) -> JwtClaims | None:
    """The ``exp``/``iat`` claims of a JWT, or ``None`` when ``token`` is not a JWT.

    >>> import base64, orjson
    >>> part = lambda d: base64.urlsafe_b64encode(orjson.dumps(d)).rstrip(b"=").decode()
    >>> jwt_claims(part({"alg": "none"}) + "." + part({"exp": 1700000000}) + ".").expires_at
    datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)
    """
    if not _JWT_SHAPE.fullmatch(token):
        return None
    payload = token.split(".")[1]
    try:
        claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(claims, dict):
        return None
    return JwtClaims(_claim_time(claims.get("exp")), _claim_time(claims.get("iat")))


def _claim_time(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


# --- building matches --------------------------------------------------------------------


def make_match(kind: SecretKind, text: str, start: int, end: int,
               name: str | None = None) -> SecretMatch:
    """The match of ``text[start:end]``: masked, fingerprinted unless its kind is
    unhashed, and a JWT's claims read."""
    secret = text[start:end]
    claims = jwt_claims(secret) if secret.startswith("eyJ") else None
    if claims is not None:
        kind = SecretKind.JWT if kind in (SecretKind.TOKEN, SecretKind.JWT) else kind
    return SecretMatch(
        kind=kind, start=start, end=end, name=name,
        masked=f"…[{len(secret)} chars]" if kind in UNHASHED_KINDS else mask(secret),
        fingerprint="" if kind in UNHASHED_KINDS else fingerprint(secret),
        expires_at=claims.expires_at if claims else None,
        issued_at=claims.issued_at if claims else None,
    )


# --- names that say "secret" ----------------------------------------------------------------

_PASSWORD_NAMES = ("password", "passwd", "pwd", "pass", "passphrase", "passwordhash",
                   "passwdhash", "pwdhash", "passhash", "passworddigest", "passwordsalt")
_SECRET_SUFFIXES = (
    "token", "secret", "apikey", "accesskey", "secretkey", "privatekey", "sessionid",
    "sessiontoken", "session", "sid", "auth", "credential", "credentials", "signature",
    "jwt", "assertion",
)
_SECRET_NAMES = {"sig", "ticket", "samlresponse", "privatekeyid", "accountkey",
                 "sharedaccesskey", "clientsecret"}
_NOT_SECRET = {"tokentype", "granttype", "responsetype", "authtype", "authority", "author",
               "oauth", "csrftokenname", "sessionstate", "expiresin", "tokenexpiry",
               "passwordexpired", "passwordlastset", "passwordpolicy", "sessionindex"}


def _normalized(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "").replace(".", "")


@functools.lru_cache(maxsize=4096)  # the same header and field names come back all the time
def secret_name_kind(name: str) -> SecretKind | None:
    """The kind of secret a parameter/field/key of this name holds, if its name says so.

    >>> secret_name_kind("client_secret"), secret_name_kind("user_password")
    (<SecretKind.TOKEN: 'token'>, <SecretKind.PASSWORD: 'password'>)
    >>> secret_name_kind("author") is None, secret_name_kind("token_type") is None
    (True, True)
    """
    key = _normalized(name)
    if not key or len(key) > 64 or key in _NOT_SECRET:
        return None
    if key.endswith(_PASSWORD_NAMES):
        return SecretKind.PASSWORD
    if key.endswith(("apikey", "subscriptionkey")):
        return SecretKind.API_KEY
    if key.endswith(_SECRET_SUFFIXES) or key in _SECRET_NAMES:
        return SecretKind.TOKEN
    return None


def without_overlaps(matches: list[SecretMatch]) -> list[SecretMatch]:
    """Sorted by position; a match inside an earlier, longer one is dropped."""
    kept: list[SecretMatch] = []
    for match in sorted(matches, key=lambda m: (m.start, -m.end)):
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept


def looks_like_placeholder(value: str) -> bool:
    """``null``, ``***``, ``<redacted>``, ``$PASS``, ``%PASS%``, ``<pw>``: a stand-in."""
    lowered = value.strip().lower()
    return (lowered in ("", "null", "none", "undefined", "true", "false", "***", "redacted",
                        "[redacted]", "<redacted>", "xxx", "-", "yes", "no")
            or set(lowered) <= {"*", "x"} or STAND_IN.fullmatch(value.strip()) is not None
            or value.startswith(REDACTION_TOKEN_PREFIX))


# Values that stand for a password without being one: ``$PASS``, ``%PASS%``, ``<pw>``.
STAND_IN = re.compile(r"\$(?:\w+|\{[^}]*\}|\([^)]*\))|%\w+%|<[^<>]*>")
# What the redactor puts in place of a secret (``REDACTED:password``): never a secret.
REDACTION_TOKEN_PREFIX = "REDACTED:"


def keyword_windows(lowered: str, keywords: tuple[str, ...], before: int,
                    after: int) -> list[tuple[int, int]]:
    """The stretches of text around each occurrence of a keyword (``before`` characters
    ahead of it, ``after`` past it), overlapping ones merged, in order.

    A pattern led by a case-insensitive keyword cannot be skipped ahead by the regular
    expression engine: it is tried at every position. Searched only in these windows
    (lookbehinds still see the text before a window), it costs a substring scan per
    keyword plus each character of the windows once.

    >>> keyword_windows("a password here and a token", ("password", "token"), 2, 12)
    [(0, 14), (20, 27)]
    """
    starts: list[int] = []
    for keyword in keywords:
        position = lowered.find(keyword)
        while position >= 0:
            starts.append(position)
            position = lowered.find(keyword, position + 1)
    merged: list[tuple[int, int]] = []
    for start in sorted(starts):
        low, high = max(0, start - before), min(len(lowered), start + after)
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged
