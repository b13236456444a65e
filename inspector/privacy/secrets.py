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
  wherever they appear (JWTs, ``Bearer``/``Basic`` credentials, URL user:password, AWS,
  GitHub, Slack, Stripe and Google keys, PEM private keys, password hashes: bcrypt,
  crypt(3) ``$1$``/``$5$``/``$6$``/``$y$``, ``$apr1$``, Argon2, PostgreSQL SCRAM and
  MySQL ``*`` + 40 hex). Every cookie value of 8 characters or more counts, whatever its
  name: a HAR's cookies are how sessions get hijacked; shorter ones are preferences
  (``lang=en``).
- Passwords in commands and SQL, kind ``password``: ``curl -u/--user/-U user:PASS``,
  ``wget --[http-|ftp-|proxy-]password PASS``, ``mysql -pPASS``/``--password=PASS`` (and
  mysqldump, mysqladmin, mariadb...), each only on the command line of that client: ``-p
  22`` is a port for ssh and ``-u 1000:1000`` a uid:gid for docker. ``-u user`` alone,
  an empty password and ``$VAR`` stand-ins are not secrets. As for URLs, only the
  password of ``user:PASS`` is the secret. In SQL: ``IDENTIFIED [WITH plugin] BY|AS
  '...'``, ``IDENTIFIED BY PASSWORD '*hash'``, ``PASSWORD('...')``, ``SET PASSWORD [FOR
  user] = '...'`` and PostgreSQL's ``[ENCRYPTED] PASSWORD '...'``, keywords in any case,
  literals in either quote with doubled or escaped quotes, up to 256 characters.
- The masked form keeps at most the first 4 characters of secrets of 16 characters or more
  (``eyJh…[412 chars]``) and nothing of shorter ones (``…[8 chars]``). ``fingerprint`` (6 hex
  digits of SHA-256) tells the same token apart across entries; it is left empty for
  passwords, whose low entropy would let a short hash be brute-forced.
- JWTs are decoded (never verified: we have no keys) for ``expires_at`` and ``issued_at``.
- Every pattern is linear-time: variable-length tokens start behind a negative lookbehind
  on their own character class (so the engine only starts at token boundaries) and use
  possessive quantifiers, and names are bounded. Command lines are read as shell words,
  one command at a time, each character once. Tests run them on 1 MB crafted lines.
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
from urllib.parse import unquote_plus

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


def _match(kind: SecretKind, text: str, start: int, end: int,
           name: str | None = None) -> SecretMatch:
    secret = text[start:end]
    claims = jwt_claims(secret) if secret.startswith("eyJ") else None
    if claims is not None:
        kind = SecretKind.JWT if kind in (SecretKind.TOKEN, SecretKind.JWT) else kind
    return SecretMatch(
        kind=kind, start=start, end=end, masked=mask(secret), name=name,
        fingerprint="" if kind is SecretKind.PASSWORD else fingerprint(secret),
        expires_at=claims.expires_at if claims else None,
        issued_at=claims.issued_at if claims else None,
    )


# --- names that say "secret" ----------------------------------------------------------------

_PASSWORD_NAMES = ("password", "passwd", "pwd", "pass", "passphrase")
_SECRET_SUFFIXES = (
    "token", "secret", "apikey", "accesskey", "secretkey", "privatekey", "sessionid",
    "sessiontoken", "session", "sid", "auth", "credential", "credentials", "signature",
    "jwt", "assertion",
)
_SECRET_NAMES = {"sig", "ticket", "samlresponse"}
_NOT_SECRET = {"tokentype", "granttype", "responsetype", "authtype", "authority", "author",
               "oauth", "csrftokenname", "sessionstate", "expiresin", "tokenexpiry"}

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


# --- free text ----------------------------------------------------------------------------

# Each family of shaped secrets is one pattern, run only when one of its literal triggers is
# in the text: substring tests run at memory speed, and most text (scripts, JSON data)
# holds none, so the regular expressions rarely run at all. Every variable-length token
# starts behind a boundary lookbehind on its own class (see the module doc).
_SHAPES: tuple[tuple[SecretKind, tuple[str, ...], bool, re.Pattern[str]], ...] = (
    (SecretKind.JWT, ("eyJ",), False,
     re.compile(r"(?<![\w-])eyJ[\w-]{4,}+\.eyJ[\w-]{4,}+\.[\w-]*+")),
    (SecretKind.BEARER_TOKEN, ("bearer",), True,
     re.compile(r"(?i:(?<![\w-])bearer)[ \t]++(?P<secret>[\w.~+/-]{8,}+=*+)")),
    (SecretKind.BASIC_AUTH, ("basic",), True,
     re.compile(r"(?i:(?<![\w-])basic)[ \t]++(?P<secret>[A-Za-z0-9+/]{8,}+=*+)")),
    (SecretKind.CLOUD_KEY, ("AKIA", "ASIA"), False,
     re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    (SecretKind.CLOUD_KEY, ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"), False,
     re.compile(r"(?<!\w)(?:gh[pousr]_[A-Za-z0-9]{36,}+|github_pat_\w{40,}+)")),
    (SecretKind.CLOUD_KEY, ("xox",), False, re.compile(r"(?<![\w-])xox[abposr]-[\w-]{10,}+")),
    (SecretKind.CLOUD_KEY, ("k_live_",), False,
     re.compile(r"(?<!\w)[sr]k_live_[A-Za-z0-9]{16,}+")),
    (SecretKind.CLOUD_KEY, ("AIza",), False, re.compile(r"(?<![\w-])AIza[\w-]{35}(?![\w-])")),
    (SecretKind.URL_CREDENTIALS, ("@",), False,
     re.compile(r"(?<![\w+.-])[A-Za-z][A-Za-z0-9+.-]{1,15}+://[^\s/:@\"'<>]{1,64}+:"
                r"(?P<secret>[^\s/@\"'<>]{1,128}+)@")),
    # Password hashes (crypt(3) and PHC strings, PostgreSQL SCRAM verifiers): offline
    # cracking material, so a password. Every part has a fixed or bounded length.
    (SecretKind.PASSWORD, ("$2", "$1$", "$5$", "$6$", "$y$", "$apr1$", "$argon2",
                           "scram-sha-256$"), True,
     re.compile(r"(?<![\w$./])(?:(?:\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}"
                r"|\$(?:1|apr1)\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}"
                r"|\$5\$(?:rounds=\d{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43}"
                r"|\$6\$(?:rounds=\d{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{86}"
                r"|\$y\$[./A-Za-z0-9]{1,32}\$[./A-Za-z0-9]{1,86}\$[./A-Za-z0-9]{43}"
                r")(?![./A-Za-z0-9])"
                r"|\$argon2(?:id|i|d)\$(?:v=\d{1,3}\$)?m=\d{1,10},t=\d{1,10},p=\d{1,3}\$"
                r"[A-Za-z0-9+/]{8,128}+\$[A-Za-z0-9+/]{16,256}+"
                r"|SCRAM-SHA-256\$\d{1,7}:[A-Za-z0-9+/=]{4,64}\$[A-Za-z0-9+/=]{40,64}"
                r":[A-Za-z0-9+/=]{40,64}+)")),
    # MySQL's native hash as the server prints it: "*" and 40 upper-case hex digits.
    (SecretKind.PASSWORD, ("*",), False,
     re.compile(r"(?<![\w*])\*[0-9A-F]{40}(?![0-9A-Za-z])")),
)
_PEM_START = re.compile(r"-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY-----")

# ``name = value`` / ``"name": "value"`` where the name says secret. The keyword is matched
# first and the rest of the name is found by walking back at most 40 characters, so no
# pattern starts at every word character.
_NAME_TRIGGERS = ("pass", "pwd", "secret", "token", "key", "session", "auth")
_NAMED_VALUE = re.compile(
    r"(?P<tail>(?i:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key"
    r"|session[_-]?id|auth)[\w.-]{0,20}+)[\"']?+[ \t]{0,5}+[:=][ \t]{0,5}+[\"']?+"
    r"(?P<secret>[^\s\"'&,;<>]{4,}+)")
_TRIGGERS = tuple((trigger, family, case_insensitive)
                  for family, (_, triggers, case_insensitive, _) in enumerate(_SHAPES)
                  for trigger in triggers)
# What ``inspector.privacy.redaction`` puts in place of a secret (``REDACTED:password``): the kind
# after it is not a name or keyword whose value follows, so the gate's re-scan of a
# redacted line does not take the next field (``root:REDACTED:password:19683:...``) or the
# next quoted word (``curl -u user:REDACTED:password 'https://...'``) for a password.
_REDACTION_TOKEN_PREFIX = "REDACTED:"
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")

# Command lines: options whose argument is a password, trusted only on the command line of
# a client known to take them (``-p`` is a port for ssh, ``-u 1000:1000`` a uid:gid for
# docker). A command runs from its program word to a newline or an unquoted ``;``, ``|``
# or ``&``, and is read as shell words, so ``-e "select -price"`` is one quoted word, not
# an option. The search for the next program resumes after the command: each character is
# read once.
_COMMAND_TRIGGERS = ("curl", "wget", "mysql", "mariadb")
_PROGRAM = re.compile(
    r"(?<![\w.-])(?:(?P<curl>curl)|(?P<wget>wget)"
    r"|(?P<mysql>mysql(?:dump|admin|check|import|show|pump|slap)?"
    r"|mariadb(?:-?dump|-?admin|-?check|-?import|-?show)?))(?:\.exe)?(?=[\s\"']|\Z)")
_COMMAND_REST = re.compile(r"(?:[^\n;|&'\"]++|'[^'\n]*+'|\"(?:[^\"\\\n]|\\.)*+\")*+")
_SHELL_WORD = re.compile(r"(?:[^\s'\"\\]++|\\.|'[^'\n]*+'|\"(?:[^\"\\\n]|\\.)*+\")++")
# curl's -u/-U (user:password for the server/the proxy), behind curl's flags that take no
# argument, which may be bundled in front of it (``curl -sku admin:pw``).
_CURL_SHORT_USER = re.compile(r"-[012346aBfgGIijJklLMnNOpqRsSvVZ#]{0,8}?([uU])")
_LONG_PASSWORD_OPTIONS = {
    "curl": ("--user", "--proxy-user"),
    "wget": ("--password", "--http-password", "--ftp-password", "--proxy-password"),
}
# Values that stand for a password without being one: ``$PASS``, ``%PASS%``, ``<pw>``.
_STAND_IN = re.compile(r"\$(?:\w+|\{[^}]*\}|\([^)]*\))|%\w+%|<[^<>]*>")

# SQL that sets a password: MySQL/MariaDB ``IDENTIFIED [WITH plugin] BY|AS '...'``,
# ``PASSWORD('...')``, ``SET PASSWORD [FOR user] = '...'``, and PostgreSQL's
# ``[ENCRYPTED] PASSWORD '...'`` (roles, user mappings). The literal takes either quote,
# doubled or backslash-escaped quotes inside, and at most 256 characters, so a keyword
# followed by an unclosed quote costs a bounded read.
_SQL_SECRET = re.compile(
    rf"(?<!{_REDACTION_TOKEN_PREFIX})(?i:(?<![\w$])(?:"
    r"(?P<identified>identified)(?:\s{1,20}+with\s{1,20}+[`'\"]?+\w{1,64}+[`'\"]?+"
    r"\s{1,20}+(?:by|as)|\s{1,20}+by)(?:\s{1,20}+password)?\s{0,20}+"
    r"|(?P<function>(?:old_)?password)[ \t]{0,20}+\([ \t]{0,20}+"
    r"|(?P<set>set[ \t]{1,20}+password)(?:[ \t]{1,20}+for[ \t]{1,20}+[^=;\n]{1,200}+)?"
    r"[ \t]{0,20}+=[ \t]{0,20}+"
    r"|(?P<password>password)\s{1,20}+))"
    r"(?P<quote>['\"])(?P<secret>(?:(?!(?P=quote))[^\\\n]|(?P=quote)(?P=quote)|\\.){1,256}+)"
    r"(?P=quote)")
_SQL_NAMES = {"identified": "IDENTIFIED BY", "function": "PASSWORD()", "set": "SET PASSWORD",
              "password": "PASSWORD"}


def scan_text(text: str) -> list[SecretMatch]:
    """Secrets in free text, found by their shape or by a ``name=value`` that names them."""
    if len(text) < 8:
        return []
    lowered = text.lower()
    # Plain loops, not any(generator): this runs a few times per HAR entry.
    families: list[int] = []
    for trigger, family, case_insensitive in _TRIGGERS:
        if family not in families and trigger in (lowered if case_insensitive else text):
            families.append(family)
    named = False
    for trigger in _NAME_TRIGGERS:
        if trigger in lowered:
            named = True
            break
    sql = "password" in lowered or "identified" in lowered
    command = False
    for trigger in _COMMAND_TRIGGERS:
        if trigger in text:
            command = True
            break
    if not families and not named and not sql and not command \
            and "PRIVATE KEY-----" not in text:
        return []
    # First, so that when two scans find the same span the one that can name it is kept.
    matches = _sql_secrets(text) if sql else []
    if command:
        matches.extend(_command_line_secrets(text))
    for family in sorted(families):
        kind, _, _, pattern = _SHAPES[family]
        group = "secret" if "secret" in pattern.groupindex else 0
        for found in pattern.finditer(text):
            if kind is SecretKind.BASIC_AUTH and not _is_basic_credential(found.group(group)):
                continue
            matches.append(_match(kind, text, *found.span(group)))
    if "PRIVATE KEY-----" in text:
        position = 0
        # Resume after each block, so a text of many BEGIN lines is read once, not once each.
        while (found := _PEM_START.search(text, position)) is not None:
            end_marker = text.find("-----END", found.end())
            close = text.find("-----", end_marker + 8) if end_marker >= 0 else -1
            position = close + 5 if close >= 0 else len(text)
            matches.append(_match(SecretKind.PRIVATE_KEY, text, found.start(), position))
    if named:
        for found in _NAMED_VALUE.finditer(text):
            start = found.start("tail")
            floor = max(0, start - 40)
            while start > floor and text[start - 1] in _NAME_CHARACTERS:
                start -= 1
            if text.endswith(_REDACTION_TOKEN_PREFIX, 0, start):
                continue
            name = text[start:found.end("tail")]
            kind = secret_name_kind(name)
            value = found.group("secret")
            # ``SET PASSWORD = PASSWORD('x')``: the value is a call, the secret its argument.
            function_call = value.endswith("(") and value[:-1].isidentifier()
            if kind is not None and (kind is SecretKind.PASSWORD or len(value) >= 8) \
                    and not _looks_like_placeholder(value) and not function_call:
                matches.append(_match(kind, text, *found.span("secret"), name=name))
    return _without_overlaps(matches)



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

def _command_line_secrets(text: str) -> list[SecretMatch]:
    """Passwords given as options to curl, wget and the mysql clients."""
    matches: list[SecretMatch] = []
    position = 0
    while (program := _PROGRAM.search(text, position)) is not None:
        end = _COMMAND_REST.match(text, program.end()).end()
        position = max(end, program.end() + 1)
        family = program.lastgroup or ""
        words = [word.span() for word in _SHELL_WORD.finditer(text, program.end(), end)]
        for index, (word_start, word_end) in enumerate(words):
            word = text[word_start:word_end]
            if word[0] != "-" and word != "password":
                continue  # most words: skipped without a call
            option = _password_option(family, program.group(), word)
            if option is None:
                continue
            name, glued = option
            if glued is not None:
                start, stop = word_start + glued, word_end
            elif index + 1 < len(words):
                start, stop = words[index + 1]
            else:
                continue
            start, stop = _unquoted(text, start, stop)
            if family == "curl":
                colon = text.find(":", start, stop)
                if colon < 0:
                    continue  # ``-u root``: the user alone, curl asks for the password
                start, stop = _unquoted(text, colon + 1, stop)
            value = text[start:stop]
            if value and not _looks_like_placeholder(value) and not _STAND_IN.fullmatch(value):
                matches.append(_match(SecretKind.PASSWORD, text, start, stop, name=name))
    return matches


def _password_option(family: str, program: str, word: str) -> tuple[str, int | None] | None:
    """The option ``word`` is when its argument is a password: its name, and where the
    argument starts in ``word`` (``None``: the argument is the next word)."""
    if family == "mysql":
        if word.startswith("-p") and len(word) > 2:
            return "-p", 2
        if word.startswith("--password="):
            return "--password", len("--password=")
        # ``mysqladmin password NEW`` sets a new password.
        return ("password", None) if word == "password" and "admin" in program else None
    for name in _LONG_PASSWORD_OPTIONS[family]:
        if word == name:
            return name, None
        if word.startswith(f"{name}="):
            return name, len(name) + 1
    if family == "curl" and (short := _CURL_SHORT_USER.match(word)) is not None:
        return f"-{short.group(1)}", short.end() if short.end() < len(word) else None
    return None


def _unquoted(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without one pair of quotes around it."""
    if end - start >= 2 and text[start] in "'\"" and text[end - 1] == text[start]:
        return start + 1, end - 1
    return start, end


def _sql_secrets(text: str) -> list[SecretMatch]:
    """Passwords and password hashes in SQL statements that set them."""
    matches = []
    for found in _SQL_SECRET.finditer(text):
        value = found.group("secret")
        if _looks_like_placeholder(value) or _STAND_IN.fullmatch(value):
            continue
        name = _SQL_NAMES[next(key for key in _SQL_NAMES if found.group(key))]
        matches.append(_match(SecretKind.PASSWORD, text, *found.span("secret"), name=name))
    return matches


def _without_overlaps(matches: list[SecretMatch]) -> list[SecretMatch]:
    """Sorted by position; a match inside an earlier, longer one is dropped."""
    kept: list[SecretMatch] = []
    for match in sorted(matches, key=lambda m: (m.start, -m.end)):
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept


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
        return [_match(kind, value, start, len(value.rstrip()), name=name)]
    return scan_field(name, value) if lowered.startswith("x-") else scan_text(value)


def _authorization(value: str, name: str) -> list[SecretMatch]:
    stripped = value.strip()
    start = len(value) - len(value.lstrip())
    scheme, _, credential = stripped.partition(" ")
    if not credential:
        return [_match(SecretKind.AUTHORIZATION, value, start, start + len(stripped), name)]
    credential_start = start + len(scheme) + 1 + (len(credential) - len(credential.lstrip()))
    end = start + len(stripped)
    kind = {"bearer": SecretKind.BEARER_TOKEN, "basic": SecretKind.BASIC_AUTH}.get(
        scheme.lower(), SecretKind.AUTHORIZATION)
    return [_match(kind, value, credential_start, end, name)]


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
            matches.append(_match(kind, value, start, start + len(secret.strip()),
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
    if kind is not None and len(value) >= shortest and not _looks_like_placeholder(value):
        return [_match(kind, value, 0, len(value), name=name)]
    return scan_text(value) if len(value) >= 8 else []


def _looks_like_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return lowered in ("", "null", "none", "undefined", "true", "false", "***", "redacted",
                       "[redacted]", "<redacted>", "xxx", "-") or set(lowered) <= {"*", "x"}


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
            matches.extend(m.shifted(value_start) for m in scan_field(unquote_plus(name), value))
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
    return _without_overlaps(named + scan_text(text))


# Substrings every name ``secret_name_kind`` accepts contains one of (lower case).
_FIELD_TRIGGERS = (*_NAME_TRIGGERS, "sid", "sig", "jwt", "credential", "ticket", "assertion",
                   "saml")
