"""Secrets that a name or a command announces: ``name=value`` pairs whose name says
secret, passwords on the command lines of curl, wget, sqlplus and the MySQL clients,
passwords in SQL that sets them, connection strings, session cookies and OAuth codes
written into log lines.

- Named values (``password=...``, ``"client_secret": "..."``, ``api-key: ...``): the
  keyword is matched first and the rest of the name is found by walking back at most 40
  characters, so no pattern starts at every word character; the name then has to pass
  ``secret_name_kind``. A value may follow a shell line continuation (``password=\\``
  and the value on the next line) and be quoted with escaped quotes
  (``DB_PASSWORD=\\"...\\"``). ``(using password: YES)``, MySQL's access-denied
  wording, names no secret: ``YES``/``NO`` are placeholders.
- Command lines: ``curl -u/--user/-U user:PASS``, ``wget --[http-|ftp-|proxy-]password
  PASS``, ``mysql -pPASS``/``--password=PASS`` (and mysqldump, mysqladmin, mariadb...),
  ``sqlplus user/PASS@db``, each only on the command line of that client: ``-p 22`` is a
  port for ssh and ``-u 1000:1000`` a uid:gid for docker. ``-u user`` alone, an empty
  password and ``$VAR`` stand-ins are not secrets. A command runs from its program word to
  a newline or an unquoted ``;``, ``|`` or ``&``, read as shell words, each character once.
- SQL: ``IDENTIFIED [WITH plugin] BY|AS '...'``, ``IDENTIFIED BY PASSWORD '*hash'``,
  ``PASSWORD('...')``, ``SET PASSWORD [FOR user] = '...'`` and PostgreSQL's ``[ENCRYPTED]
  PASSWORD '...'``, keywords in any case, literals in either quote with doubled or escaped
  quotes, up to 256 characters.
- Connection strings and log lines: ``jdbc:oracle:thin:user/PASS@...``; session cookies
  of any framework (``PHPSESSID=``, ``connect.sid=``, ``_x_session=``, ``JSESSIONID=``),
  found through their names; an OAuth authorization ``code=`` in a query string.
"""

from __future__ import annotations

import re

from inspector.privacy.matches import (
    REDACTION_TOKEN_PREFIX,
    SecretKind,
    SecretMatch,
    keyword_windows,
    looks_like_placeholder,
    make_match,
    secret_name_kind,
)

# ``name = value`` / ``"name": "value"`` where the name says secret.
NAME_TRIGGERS = ("pass", "pwd", "secret", "token", "key", "session", "auth", "sid", "sess")
_NAMED_VALUE = re.compile(
    r"(?P<tail>(?i:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|access[_-]?key"
    r"|private[_-]?key[_-]?id|account[_-]?key|sess(?:ion)?(?:[_-]?id)?|sid|auth)"
    r"[\w.-]{0,20}+)(?:\\?[\"'])?+[ \t]{0,5}+[:=][ \t]{0,5}+(?:\\\r?\n[ \t]{0,40}+)?"
    r"(?:\\?[\"'])?+(?P<secret>[^\s\"'&,;<>\\]{4,}+)")
_NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


def named_secrets(text: str) -> list[SecretMatch]:
    """Values whose name says secret (see the module doc)."""
    matches = []
    for low, high in keyword_windows(text.lower(), NAME_TRIGGERS, 24, _VALUE_REACH):
        matches += _named_in(text, low, high)
    return matches


# How far past its keyword a named value may end: the name's rest, separators, a
# continuation and the value.
_VALUE_REACH = 512


def _named_in(text: str, low: int, high: int) -> list[SecretMatch]:
    matches = []
    for found in _NAMED_VALUE.finditer(text, low, high):
        start = found.start("tail")
        floor = max(0, start - 40)
        while start > floor and text[start - 1] in _NAME_CHARACTERS:
            start -= 1
        if text.endswith(REDACTION_TOKEN_PREFIX, 0, start):
            continue
        name = text[start:found.end("tail")]
        kind = secret_name_kind(name)
        value_start, value_end = found.span("secret")
        # ``(using password: YES)``: a bracket that closes outside the value is not in it.
        while value_end > value_start and text[value_end - 1] in ")]}" \
                and text.count("([{"[")]}".index(text[value_end - 1])], value_start,
                               value_end) == 0:
            value_end -= 1
        value = text[value_start:value_end]
        # ``SET PASSWORD = PASSWORD('x')``: the value is a call, the secret its argument.
        function_call = value.endswith("(") and value[:-1].isidentifier()
        if kind is not None and (kind is SecretKind.PASSWORD or len(value) >= 8) \
                and len(value) >= 4 and not looks_like_placeholder(value) \
                and not function_call:
            matches.append(make_match(kind, text, value_start, value_end, name=name))
    return matches


CONNECTION_TRIGGERS = ("jdbc:oracle", "sqlplus", "code=")
_CONNECTION = re.compile(
    r"(?i:jdbc:oracle:[a-z]{1,10}+:)[^/\s:@\"']{1,64}+/(?P<secret>[^@\s\"']{1,128}+)@"
    r"|(?<![\w.-])sqlplus(?:\.exe)?(?:[ \t]++-\w++)*+[ \t]++[^/\s@]{1,64}+/"
    r"(?P<sqlplus>[^@\s\"']{1,128}+)"
    r"|(?<=[?&])code=(?P<code>[\w.~%/+-]{16,}+)")


def connection_secrets(text: str) -> list[SecretMatch]:
    """Passwords in Oracle connect strings and OAuth authorization codes in URLs."""
    matches = []
    for found in _CONNECTION.finditer(text):
        group = found.lastgroup or "secret"
        if looks_like_placeholder(found.group(group)):
            continue
        kind = SecretKind.TOKEN if group == "code" else SecretKind.PASSWORD
        matches.append(make_match(kind, text, *found.span(group),
                                  name="code" if group == "code" else "connect string"))
    return matches


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

# SQL that sets a password: MySQL/MariaDB ``IDENTIFIED [WITH plugin] BY|AS '...'``,
# ``PASSWORD('...')``, ``SET PASSWORD [FOR user] = '...'``, and PostgreSQL's
# ``[ENCRYPTED] PASSWORD '...'`` (roles, user mappings). The literal takes either quote,
# doubled or backslash-escaped quotes inside, and at most 256 characters, so a keyword
# followed by an unclosed quote costs a bounded read.
_SQL_SECRET = re.compile(
    rf"(?<!{REDACTION_TOKEN_PREFIX})(?i:(?<![\w$])(?:"
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


def command_line_secrets(text: str) -> list[SecretMatch]:
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
            if value and not looks_like_placeholder(value):
                matches.append(make_match(SecretKind.PASSWORD, text, start, stop, name=name))
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


def sql_secrets(text: str) -> list[SecretMatch]:
    """Passwords and password hashes in SQL statements that set them."""
    matches = []
    for low, high in keyword_windows(text.lower(), ("password", "identified"), 300, 600):
        matches += _sql_in(text, low, high)
    return matches


def _sql_in(text: str, low: int, high: int) -> list[SecretMatch]:
    matches = []
    for found in _SQL_SECRET.finditer(text, low, high):
        value = found.group("secret")
        if looks_like_placeholder(value):
            continue
        name = _SQL_NAMES[next(key for key in _SQL_NAMES if found.group(key))]
        matches.append(make_match(SecretKind.PASSWORD, text, *found.span("secret"), name=name))
    return matches
