"""JSON documents (HAR files, configs, JSON members) redacted by their structure.

Header name/value pairs go through ``scan_header``, URLs through ``scan_url``, bodies
through ``scan_body`` with their mime type, object keys and values through
``scan_field`` and ``personal_name_kind`` (a ``"ssn"`` or ``"phone"`` member is personal
whatever its value looks like), every value of a Kubernetes Secret's ``data`` and
``stringData`` is a secret (``secret_data``); then every string is redacted as free text
as well.

Nesting is bounded: a document deeper than ``MAX_DEPTH`` raises ``TooDeep`` before
anything is changed, and the caller redacts it as text instead (a 1,000-deep array must
not end the redaction of a whole bundle with a ``RecursionError``). Anything can stand
where a HAR pair has its name (``{"name": [1, 2], "value": "x"}``): only a string name
is read as one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inspector.privacy import secrets as scanner
from inspector.privacy.matches import SecretKind, SecretMatch, make_match
from inspector.privacy.personal import personal_name_kind
from inspector.privacy.pseudonyms import USER_KEYS, Identifier, host_in_field

if TYPE_CHECKING:
    from inspector.privacy.redactor import Redactor

MAX_DEPTH = 128


class TooDeep(ValueError):
    """A JSON document nests deeper than ``MAX_DEPTH``."""


def check_depth(value: Any) -> None:
    """Raise ``TooDeep`` when ``value`` nests deeper than ``MAX_DEPTH`` (iteratively)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise TooDeep(f"JSON nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def survey_json(redactor: Redactor, value: Any, key: str | None = None) -> None:
    """Learn every identifier and secret of a JSON document without changing it."""
    if isinstance(value, dict):
        for secret in secret_data(value):
            redactor.survey(secret, [make_match(SecretKind.PASSWORD, secret, 0, len(secret))])
        name, pair_value = value.get("name"), value.get("value")
        if isinstance(name, str) and isinstance(pair_value, str) and pair_value:
            _learn_named(redactor, name, pair_value)  # a HAR field named "username"
            _learn_pair(redactor, name, pair_value)
        for item_key, item in value.items():
            redactor.survey(item_key)
            survey_json(redactor, item, item_key)
    elif isinstance(value, list):
        for item in value:
            survey_json(redactor, item, key)
    elif isinstance(value, str):
        if key is not None:
            _learn_named(redactor, key, value)
            _learn_pair(redactor, key, value)
        redactor.survey(value)


def secret_data(value: dict[str, Any]) -> list[str]:
    """The string values of a Kubernetes Secret's ``data`` and ``stringData``: secrets
    whatever their keys are called (``inspector.privacy.manifests`` reads the YAML)."""
    if value.get("kind") != "Secret":
        return []
    return [item for block in ("data", "stringData") if isinstance(value.get(block), dict)
            for item in value[block].values() if isinstance(item, str) and item]


def _learn_named(redactor: Redactor, name: str, value: str) -> None:
    """A user or host name that its field names as one."""
    if name in USER_KEYS and value:
        redactor.learn(Identifier.USER, value)
    elif (host := host_in_field(name, value)) is not None:
        redactor.learn(Identifier.HOST, host)


def _learn_pair(redactor: Redactor, name: str, value: str) -> None:
    found = named_personal(name, value) or scanner.scan_header(name, value) \
        or scanner.scan_field(name, value)
    redactor.survey(value, found or None)


def named_personal(name: str, value: str) -> list[SecretMatch]:
    """The whole of ``value`` when ``name`` says it is personal data; an email address is
    left to the identifiers, which pseudonymize it rather than remove it."""
    kind = personal_name_kind(name)
    if kind is None or not value.strip() or (kind is SecretKind.PERSONAL and "@" in value):
        return []
    return [make_match(kind, value, 0, len(value), name=name)]


def redact_json(redactor: Redactor, value: Any, where: str, key: str | None = None) -> Any:
    """The document with every string redacted, read structurally (see the module doc)."""
    if isinstance(value, dict):
        return _json_object(redactor, value, where, cookie=key == "cookies")
    if isinstance(value, list):
        return [redact_json(redactor, item, where, key) for item in value]
    if isinstance(value, str):
        return _json_string(redactor, value, where, key)
    return value


def _json_object(redactor: Redactor, value: dict[str, Any], where: str,
                 cookie: bool = False) -> dict[str, Any]:
    name, pair_value = value.get("name"), value.get("value")
    secrets = set(secret_data(value))
    out: dict[str, Any] = {}
    for key, item in value.items():
        if secrets and key in ("data", "stringData") and isinstance(item, dict):
            out[key] = {redactor.text(k, where): redactor.text(
                v, where, [make_match(SecretKind.PASSWORD, v, 0, len(v))])
                if isinstance(v, str) and v in secrets else redact_json(redactor, v, where, k)
                for k, v in item.items()}
            continue
        if key == "value" and isinstance(name, str) and isinstance(pair_value, str):
            # HAR headers, cookies, query strings and form params: {"name", "value"}.
            if cookie:  # a HAR "cookies" entry: judged as the Cookie header judges it
                found = [m.shifted(-len(name) - 1) for m in
                         scanner.scan_header("Cookie", f"{name}={pair_value}")]
            else:
                found = scanner.scan_header(name, pair_value)
            found = named_personal(name, pair_value) or found \
                or scanner.scan_field(name, pair_value)
            _learn_named(redactor, name, pair_value)
            out[key] = redactor.text(pair_value, where, found or None)
        elif key == "text" and isinstance(item, str) and "mimeType" in value:
            found = scanner.scan_body(item, str(value.get("mimeType") or ""))
            out[key] = redactor.text(item, where, found)
        else:
            out[redactor.text(key, where)] = redact_json(redactor, item, where, key)
    return out


def _json_string(redactor: Redactor, value: str, where: str, key: str | None) -> str:
    if key is None:
        return redactor.text(value, where)
    if key in ("url", "href", "redirectURL") or "://" in value[:16]:
        return redactor.text(value, where, scanner.scan_url(value) or None)
    _learn_named(redactor, key, value)
    found = named_personal(key, value) or scanner.scan_field(key, value)
    return redactor.text(value, where, found or None)
