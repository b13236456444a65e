"""Find secrets (tokens, cookies, passwords, keys, JWTs) in text, headers, URLs and bodies.

One scanner for the whole application: the HTTP analyzer uses it to say which HAR entries
carry credentials, and the report's redaction uses it to remove them before export. Every
scan returns ``SecretMatch`` objects with the span of the secret *within the string that
was scanned* and a masked form safe to show; a match never holds the secret itself, so
printing one cannot leak it. ``redact`` replaces the spans with their masked forms.

>>> text = "curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123' https://x.test"
>>> [(m.kind.value, m.masked) for m in scan_text(text)]
[('bearer-token', 'abcd…[30 chars]')]
>>> redact(text, scan_text(text))
"curl -H 'Authorization: Bearer abcd…[30 chars]' https://x.test"
>>> [(m.kind.value, m.name) for m in scan_url("https://x.test/cb?state=1&access_token=s3cr3tvalue")]
[('token', 'access_token')]
>>> line = "curl -su admin:Tr0ub4dor https://x.test && mysqldump -uroot -pS3cr3t shop"
>>> redact(line, scan_text(line))
'curl -su admin:…[9 chars] https://x.test && mysqldump -uroot -p…[6 chars] shop'

Decisions the next engineer needs:

- Entry points by shape: ``scan_text`` (free text, log lines, excerpts), ``scan_header``
  (one HTTP header), ``scan_field`` (a name/value pair: query parameter, form field, cookie,
  JSON key), ``scan_url`` and ``scan_body`` (JSON, form or free text, by mime type).
  ``mask_passwords`` is ``scan_text``'s passwords replaced by ``'***'``: the SQL analyzer
  masks its excerpts of statements and database logs with it, so the analysis and the
  report's redaction agree on what a password is.
- What counts as a secret: values of sensitive headers (``Authorization``, ``Cookie``,
  ``Set-Cookie``, API-key style headers), values whose *name* says secret (``password``,
  ``*token``, ``*secret``, ``api_key``, ``session``...), and values whose *shape* says secret
  wherever they appear (JWTs, ``Bearer``/``Basic`` credentials, URL user:password, vendor
  tokens with a known prefix, Azure keys and SAS signatures, private key blocks, password
  hashes: bcrypt,
  crypt(3) ``$1$``/``$5$``/``$6$``/``$y$``, ``$apr1$``, Argon2, PostgreSQL SCRAM and
  MySQL ``*`` + 40 hex). Every cookie value of 8 characters or more counts, whatever its
  name: a HAR's cookies are how sessions get hijacked; shorter ones are preferences
  (``lang=en``).
- The detectors live beside this module: ``shapes`` (vendor tokens by prefix, kept in step
  with detect-secrets; JWTs, hashes, private key blocks), ``passwords`` (named values,
  command lines, SQL, connection strings, session cookies, OAuth codes), ``escapes``
  (percent-encoded and JSON-escaped text is scanned decoded too, and the span mapped back
  onto the escaped form). Personal data (cards, SSNs, phone numbers) is *not* found here,
  so the HTTP analyzer never calls it a credential: ``inspector.privacy.personal`` does.
- The masked form keeps at most the first 4 characters of secrets of 16 characters or more
  (``eyJh…[412 chars]``) and nothing of shorter ones (``…[8 chars]``). ``fingerprint`` (6 hex
  digits of SHA-256) tells the same token apart across entries; it is left empty for
  passwords, whose low entropy would let a short hash be brute-forced.
- JWTs are decoded (never verified: we have no keys) for ``expires_at`` and ``issued_at``.
- Every pattern is linear-time: variable-length tokens start behind a negative lookbehind
  on their own character class (so the engine only starts at token boundaries) and use
  possessive quantifiers, and names are bounded. Command lines are read as shell words,
  one command at a time, each character once. Tests run them on 1 MB crafted lines.
- A text may hold a whole document: a private key block is found from its header to its
  end marker across lines, and a value may follow a line continuation.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from urllib.parse import unquote_plus

from inspector.privacy import passwords, shapes
from inspector.privacy.escapes import decoded_views
from inspector.privacy.matches import (
    REDACTION_TOKEN_PREFIX,
    JwtClaims,
    SecretKind,
    SecretMatch,
    fingerprint,
    jwt_claims,
    looks_like_placeholder,
    make_match,
    mask,
    redact,
    secret_name_kind,
    without_overlaps,
)

__all__ = [
    "REDACTION_TOKEN_PREFIX", "JwtClaims", "SecretKind", "SecretMatch", "fingerprint",
    "jwt_claims", "mask", "mask_passwords", "redact", "scan_body", "scan_field",
    "scan_header", "scan_text", "scan_url", "secret_name_kind",
]

# Headers whose whole value is a credential, by lower-case name.
_CREDENTIAL_HEADERS = {
    "x-api-key": SecretKind.API_KEY, "api-key": SecretKind.API_KEY,
    "apikey": SecretKind.API_KEY, "x-apikey": SecretKind.API_KEY,
    "ocp-apim-subscription-key": SecretKind.API_KEY, "x-functions-key": SecretKind.API_KEY,
    "x-goog-api-key": SecretKind.API_KEY, "x-auth-token": SecretKind.TOKEN,
    "x-access-token": SecretKind.TOKEN, "x-csrf-token": SecretKind.TOKEN,
    "x-xsrf-token": SecretKind.TOKEN, "x-amz-security-token": SecretKind.TOKEN,
    "x-session-id": SecretKind.TOKEN, "x-session-token": SecretKind.TOKEN,
    "private-token": SecretKind.TOKEN, "x-vault-token": SecretKind.TOKEN,
}


# --- free text ----------------------------------------------------------------------------

_COMMAND_TRIGGERS = ("curl", "wget", "mysql", "mariadb")


def scan_text(text: str) -> list[SecretMatch]:
    """Secrets in free text, found by their shape or by a ``name=value`` that names them,
    in the text as written and with its percent- or JSON-escapes undone."""
    if len(text) < 8:
        return []
    matches = _scan_plain(text)
    for view in decoded_views(text):
        for match in _scan_plain(view.text):
            start, end = view.original(match.start, match.end)
            matches.append(make_match(match.kind, text, start, end, match.name))
    return without_overlaps(matches)


def _scan_plain(text: str) -> list[SecretMatch]:
    lowered = text.lower()
    families = shapes.families(text, lowered)
    named = False
    for trigger in passwords.NAME_TRIGGERS:
        if trigger in lowered:
            named = True
            break
    sql = "password" in lowered or "identified" in lowered
    command = False
    for trigger in _COMMAND_TRIGGERS:
        if trigger in text:
            command = True
            break
    connection = False
    for trigger in passwords.CONNECTION_TRIGGERS:
        if trigger in lowered:
            connection = True
            break
    key = "PRIVATE KEY" in text or "Private-Lines:" in text
    if not families and not named and not sql and not command and not connection and not key:
        return []
    # First, so that when two scans find the same span the one that can name it is kept.
    matches = passwords.sql_secrets(text) if sql else []
    if command:
        matches.extend(passwords.command_line_secrets(text))
    if connection:
        matches.extend(passwords.connection_secrets(text))
    for family in sorted(families):
        shape = shapes.SHAPES[family]
        group = "secret" if "secret" in shape.pattern.groupindex else 0
        for found in shape.pattern.finditer(text):
            start, end = found.span(group)
            if start < 0:  # an alternative without the secret group matched
                start, end = found.span()
            if shape.kind is SecretKind.BASIC_AUTH and not _is_basic_credential(text[start:end]):
                continue
            matches.append(make_match(shape.kind, text, start, end))
    if key:
        matches.extend(make_match(SecretKind.PRIVATE_KEY, text, start, end)
                       for start, end in shapes.private_key_spans(text))
    if named:
        matches.extend(passwords.named_secrets(text))
    return matches


def mask_passwords(text: str) -> str:
    """``text`` with every password ``scan_text`` finds replaced, quotes included, by ``'***'``.

    ``'***'`` is still a SQL literal, so a masked statement reads as the statement it was,
    and the scanner takes it for a placeholder, so masking twice changes nothing. Other
    secrets (tokens, keys) are left as they are.

    >>> mask_passwords("CREATE USER u IDENTIFIED BY 'hunter2'")
    "CREATE USER u IDENTIFIED BY '***'"
    >>> mask_passwords("could not connect: host=db user=app password=Tr0ub4dor dbname=shop")
    "could not connect: host=db user=app password='***' dbname=shop"
    """
    parts: list[str] = []
    cursor = 0
    for match in scan_text(text):
        if match.kind is not SecretKind.PASSWORD:
            continue
        start, end = match.start, match.end
        if start > cursor and text[start - 1] in "'\"" and text[end:end + 1] == text[start - 1]:
            start, end = start - 1, end + 1
        parts.append(text[cursor:start])
        parts.append("'***'")
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def _is_basic_credential(value: str) -> bool:
    """Basic credentials decode to ``user:password``; prose after "basic" does not."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded


# --- headers, fields, URLs, bodies -----------------------------------------------------------

def scan_header(name: str, value: str) -> list[SecretMatch]:
    """Secrets in one HTTP header; spans are relative to ``value``.

    >>> [(m.kind.value, m.name) for m in scan_header("Cookie", "theme=dark; sid=4f2a9c81d0e3")]
    [('cookie', 'sid')]
    """
    return list(_scan_header(name, value))


# A session sends the same Cookie and Authorization values with every request of a HAR;
# matches are immutable, so the scan of a repeated header is done once.
@functools.lru_cache(maxsize=2048)
def _scan_header(name: str, value: str) -> tuple[SecretMatch, ...]:
    return tuple(_scan_header_uncached(name, value))


def _scan_header_uncached(name: str, value: str) -> list[SecretMatch]:
    lowered = name.strip().lower()
    if lowered in ("authorization", "proxy-authorization"):
        return _authorization(value, name)
    if lowered == "cookie":
        return _cookie_pairs(value, SecretKind.COOKIE, every_pair=True)
    if lowered == "set-cookie":
        return _cookie_pairs(value, SecretKind.SET_COOKIE, every_pair=False)
    kind = _CREDENTIAL_HEADERS.get(lowered)
    if kind is not None and value.strip():
        start = len(value) - len(value.lstrip())
        return [make_match(kind, value, start, len(value.rstrip()), name=name)]
    return scan_field(name, value) if lowered.startswith("x-") else scan_text(value)


def _authorization(value: str, name: str) -> list[SecretMatch]:
    stripped = value.strip()
    start = len(value) - len(value.lstrip())
    scheme, _, credential = stripped.partition(" ")
    if not credential:
        return [make_match(SecretKind.AUTHORIZATION, value, start, start + len(stripped), name)]
    credential_start = start + len(scheme) + 1 + (len(credential) - len(credential.lstrip()))
    end = start + len(stripped)
    kind = {"bearer": SecretKind.BEARER_TOKEN, "basic": SecretKind.BASIC_AUTH}.get(
        scheme.lower(), SecretKind.AUTHORIZATION)
    return [make_match(kind, value, credential_start, end, name)]


def _cookie_pairs(value: str, kind: SecretKind, *, every_pair: bool) -> list[SecretMatch]:
    """``name=value`` pairs split on ``;`` with string methods: one linear pass."""
    matches = []
    position = 0
    while position <= len(value):
        stop = value.find(";", position)
        stop = len(value) if stop < 0 else stop
        name, equals, secret = value[position:stop].partition("=")
        # Session cookies are long random strings; "lang=en" or "theme=dark" are not secrets.
        if equals and len(secret.strip()) >= 8:
            start = position + len(name) + 1 + (len(secret) - len(secret.lstrip()))
            matches.append(make_match(kind, value, start, start + len(secret.strip()),
                                  name=name.strip()[:256]))
        if not every_pair:
            break  # Set-Cookie attributes after the first pair (Path, Expires) are not secret
        position = stop + 1
    return matches


def scan_field(name: str, value: str) -> list[SecretMatch]:
    """A name/value pair (query parameter, form field, cookie, JSON key); spans in ``value``.

    The whole value is a secret when the name says so; otherwise the value is scanned for
    secrets recognizable by their shape.
    """
    kind = secret_name_kind(name)
    # Short values under token-like names are flags and ids ("token": "abc"), not secrets;
    # any non-empty password is one.
    shortest = 1 if kind is SecretKind.PASSWORD else 8
    if kind is not None and len(value) >= shortest and not looks_like_placeholder(value):
        return [make_match(kind, value, 0, len(value), name=name)]
    return scan_text(value) if len(value) >= 8 else []


_QUERY_PAIR = re.compile(r"([^&=#]*+)(?:=([^&#]*+))?")


def scan_url(url: str) -> list[SecretMatch]:
    """Credentials in a URL: user:password, sensitive query parameters, tokens in the path.

    Spans are relative to ``url``; parameter values are matched as written (percent-encoded).
    """
    matches = scan_text(url.split("?", 1)[0])
    query_start = url.find("?")
    if query_start < 0:
        return matches
    fragment = url.find("#", query_start)
    query_end = fragment if fragment >= 0 else len(url)
    matches.extend(_pairs(url, query_start + 1, query_end))
    if fragment >= 0:  # OAuth implicit flow puts access_token in the fragment
        matches.extend(_pairs(url, fragment + 1, len(url)))
    return matches


def _pairs(text: str, start: int, end: int) -> list[SecretMatch]:
    matches = []
    position = start
    while position <= end:
        amp = text.find("&", position, end)
        stop = end if amp < 0 else amp
        name, equals, value = text[position:stop].partition("=")
        if equals:
            value_start = position + len(name) + 1
            if name == "code" and len(value) >= 16:  # an OAuth authorization code
                matches.append(make_match(SecretKind.TOKEN, text, value_start, stop, name))
            else:
                matches.extend(m.shifted(value_start)
                               for m in scan_field(unquote_plus(name), value))
        position = stop + 1
    return matches


# A JSON "key": "value" pair; the key is bounded and the value is a plain JSON string.
_JSON_PAIR = re.compile(r'"([^"\\]{1,64}+)"[ \t\r\n]{0,20}+:[ \t\r\n]{0,20}+"((?:[^"\\]|\\.)*+)"')


def scan_body(text: str, mime_type: str = "") -> list[SecretMatch]:
    """Secrets in a request or response body; spans are relative to ``text``.

    JSON bodies are read key by key (``"password": "..."``), form bodies pair by pair, and
    every body is also scanned as free text for shaped secrets (JWTs, keys).
    """
    mime = mime_type.lower()
    named: list[SecretMatch] = []
    lowered = text.lower()
    if any(trigger in lowered for trigger in _FIELD_TRIGGERS):
        if "json" in mime or text.lstrip().startswith(("{", "[")):
            for pair in _JSON_PAIR.finditer(text):
                named.extend(m.shifted(pair.start(2))
                             for m in scan_field(pair.group(1), pair.group(2)))
        elif "x-www-form-urlencoded" in mime:
            named.extend(_pairs(text, 0, len(text)))
    return without_overlaps(named + scan_text(text))


# Substrings every name ``secret_name_kind`` accepts contains one of (lower case).
_FIELD_TRIGGERS = (*passwords.NAME_TRIGGERS, "sig", "jwt", "credential", "ticket",
                   "assertion", "saml", "accountkey", "privatekeyid")
