"""The credential scanner: what it finds, where, how it masks, and that it cannot hang."""

from __future__ import annotations

import base64
import random
import string
from datetime import UTC, datetime

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.credentials import (
    SecretKind,
    jwt_claims,
    mask,
    redact,
    scan_body,
    scan_field,
    scan_header,
    scan_text,
    scan_url,
    secret_name_kind,
)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(exp: int | None = 1_794_906_000, rng: random.Random | None = None) -> str:
    rng = rng or random.Random(7)
    claims = {"sub": "user-1", **({"exp": exp} if exp is not None else {})}
    return ".".join((_b64url(orjson.dumps({"alg": "RS256", "typ": "JWT"})),
                     _b64url(orjson.dumps(claims)), _b64url(rng.randbytes(64))))


def random_token(length: int = 40, seed: int = 1) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))


def spans(text, matches):
    return [text[m.start:m.end] for m in matches]


# --- shapes in free text -------------------------------------------------------------------

SHAPED = {
    "jwt": (make_jwt(), SecretKind.JWT),
    "aws": ("AKIA" + "Q" * 4 + "7" * 12, SecretKind.CLOUD_KEY),
    "github": ("ghp_" + random_token(36), SecretKind.CLOUD_KEY),
    "slack": ("xoxb-1234567890-" + random_token(24), SecretKind.CLOUD_KEY),
    "stripe": ("sk_live_" + random_token(24), SecretKind.CLOUD_KEY),
    "google": ("AIza" + random_token(35), SecretKind.CLOUD_KEY),
}


@pytest.mark.parametrize("name", sorted(SHAPED))
def test_shaped_secrets_are_found_with_their_exact_span(name):
    secret, kind = SHAPED[name]
    text = f"2026-11-17 09:00:01 DEBUG sending {secret} to upstream"
    matches = scan_text(text)
    assert [(m.kind, text[m.start:m.end]) for m in matches] == [(kind, secret)]
    assert secret not in matches[0].masked


def test_bearer_and_basic_credentials_in_text():
    token = random_token(32)
    basic = base64.b64encode(b"alice:correct horse").decode()
    text = f"Authorization: Bearer {token}\nProxy-Authorization: Basic {basic}\n"
    found = {m.kind: text[m.start:m.end] for m in scan_text(text)}
    assert found == {SecretKind.BEARER_TOKEN: token, SecretKind.BASIC_AUTH: basic}


def test_prose_after_basic_is_not_a_credential():
    assert scan_text("We use basic authentication and Basic AAAAAAAAAAAA for tests") == []


def test_url_user_password_and_pem_key():
    text = ("db=postgres://svc_user:Pa55w0rd-x@db.internal:5432/app\n-----BEGIN RSA PRIVATE "
            "KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\ntrailing")
    found = {m.kind: text[m.start:m.end] for m in scan_text(text)}
    assert found[SecretKind.URL_CREDENTIALS] == "Pa55w0rd-x"
    assert found[SecretKind.PRIVATE_KEY].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert found[SecretKind.PRIVATE_KEY].endswith("-----END RSA PRIVATE KEY-----")


def test_named_assignments_in_text():
    text = 'config: db_password="hunter2" api_key=K3yK3yK3yK3y99 token_type=bearer retries=3'
    found = {(m.kind, m.name): text[m.start:m.end] for m in scan_text(text)}
    assert found == {(SecretKind.PASSWORD, "db_password"): "hunter2",
                     (SecretKind.API_KEY, "api_key"): "K3yK3yK3yK3y99"}


@pytest.mark.parametrize("text", [
    "the token was refreshed", "password_hash=ab12cd34ef56ab12", "session=null",
    "secret=********", "author=Jane Doe", "token=abc", "keyboard: US",
])
def test_ordinary_text_is_not_flagged(text):
    assert scan_text(text) == []


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), [
    ("password", SecretKind.PASSWORD), ("user-Passwd", SecretKind.PASSWORD),
    ("client_secret", SecretKind.TOKEN), ("access_token", SecretKind.TOKEN),
    ("X-Api-Key", SecretKind.API_KEY), ("JSESSIONID", SecretKind.TOKEN),
    ("X-Amz-Signature", SecretKind.TOKEN), ("sig", SecretKind.TOKEN),
    ("token_type", None), ("author", None), ("page", None), ("expires_in", None),
])
def test_secret_names(name, kind):
    assert secret_name_kind(name) is kind


# --- headers, fields, URLs, bodies -----------------------------------------------------------


def test_authorization_header_spans_the_credential_only():
    jwt = make_jwt(exp=1_700_000_000)
    value = f"Bearer {jwt}"
    [match] = scan_header("Authorization", value)
    assert match.kind is SecretKind.BEARER_TOKEN and value[match.start:match.end] == jwt
    assert match.expires_at == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_cookie_headers_keep_names_and_skip_short_preferences():
    session = random_token(32)
    value = f"lang=en; SESSIONID={session}; _ga=GA1.2.12345678.1700000000"
    matches = scan_header("Cookie", value)
    assert [(m.name, value[m.start:m.end]) for m in matches] == [
        ("SESSIONID", session), ("_ga", "GA1.2.12345678.1700000000")]
    set_cookie = f"sid={session}; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly"
    [match] = scan_header("Set-Cookie", set_cookie)
    assert (match.kind, set_cookie[match.start:match.end]) == (SecretKind.SET_COOKIE, session)


def test_api_key_headers_and_plain_headers():
    key = random_token(24)
    [match] = scan_header("X-API-Key", f" {key} ")
    assert match.kind is SecretKind.API_KEY and f" {key} "[match.start:match.end] == key
    assert scan_header("Accept-Language", "en-US,en;q=0.9") == []
    assert scan_header("X-Request-Id", "3f2a9c81d0e34b7a") == []


def test_fields_need_a_real_value():
    assert scan_field("password", "") == []
    assert scan_field("password", "REDACTED") == []
    assert [m.kind for m in scan_field("password", "pw")] == [SecretKind.PASSWORD]
    assert scan_field("csrf_token", "short") == []
    assert [m.kind for m in scan_field("note", make_jwt())] == [SecretKind.JWT]


def test_url_query_fragment_and_encoded_names():
    token = random_token(30)
    url = (f"https://app.test/cb?state=xyz&access%5Ftoken={token}&page=2"
           f"#id_token={make_jwt()}")
    matches = scan_url(url)
    assert [(m.name, url[m.start:m.end]) for m in matches] == [
        ("access_token", token), ("id_token", make_jwt())]
    assert matches[1].kind is SecretKind.JWT
    assert scan_url("https://app.test/search?q=token&page=1") == []


def test_json_and_form_bodies():
    secret = random_token(40, seed=3)
    body = orjson.dumps({"user": "a", "password": "p@ss w0rd!", "nested": {
        "refresh_token": secret, "token_type": "Bearer"}}).decode()
    found = {m.name: body[m.start:m.end] for m in scan_body(body, "application/json")}
    assert found == {"password": "p@ss w0rd!", "refresh_token": secret}
    form = f"grant_type=refresh_token&refresh_token={secret}&client_id=web"
    [match] = scan_body(form, "application/x-www-form-urlencoded")
    assert (match.name, form[match.start:match.end]) == ("refresh_token", secret)


# --- JWT claims, masking, redaction ----------------------------------------------------------


def test_jwt_claims():
    assert jwt_claims(make_jwt(exp=1_794_906_000)).expires_at == datetime(
        2026, 11, 17, 9, 0, tzinfo=UTC)
    assert jwt_claims(make_jwt(exp=None)).expires_at is None
    assert jwt_claims("eyJnot.eyJajwt.x") is None
    assert jwt_claims("plain") is None


def test_mask_shows_at_most_four_characters():
    long_secret = random_token(64)
    assert mask(long_secret) == f"{long_secret[:4]}…[64 chars]"
    assert mask("short-secret") == "…[12 chars]"


def test_fingerprint_tells_tokens_apart_but_not_passwords():
    first, second = scan_field("token", random_token(30, 1)), scan_field("token",
                                                                          random_token(30, 2))
    assert first[0].fingerprint != second[0].fingerprint
    assert scan_field("token", random_token(30, 1))[0].fingerprint == first[0].fingerprint
    assert scan_field("password", "hunter22")[0].fingerprint == ""


def test_redact_replaces_every_secret_and_merges_overlaps():
    jwt = make_jwt()
    text = f"GET /x?access_token={jwt} HTTP/1.1 Authorization: Bearer {jwt}"
    cleaned = redact(text, scan_text(text))
    assert jwt not in cleaned and cleaned.startswith("GET /x?access_token=eyJh…[")
    overlapping = [*scan_text(text), *[m.shifted(0) for m in scan_text(text)]]
    assert jwt not in redact(text, overlapping)


@settings(max_examples=60, deadline=None)
@given(before=st.text(max_size=60), after=st.text(max_size=60),
       which=st.sampled_from(sorted(SHAPED)))
def test_redaction_never_lets_a_planted_secret_through(before, after, which):
    secret = SHAPED[which][0]
    text = f"{before} {secret} {after}"
    assert secret not in redact(text, scan_text(text))


# --- no catastrophic backtracking ------------------------------------------------------------

MEGABYTE = 1024 * 1024
ADVERSARIAL = {
    "jwt prefixes": "eyJ" * (MEGABYTE // 3),
    "jwt half": "eyJ" + "a" * MEGABYTE + ".eyJ" + "b" * 10,
    "bearer words": "bearer " * (MEGABYTE // 7),
    "basic run": "basic " + "A" * MEGABYTE,
    "names": "password_token_secret" * (MEGABYTE // 21),
    "assignments": "token=" * (MEGABYTE // 6),
    "quotes": '"token"' * (MEGABYTE // 7),
    "json keys": '{"' + "k" * MEGABYTE,
    "json values": '{"password": "' + "\\" * MEGABYTE,
    "schemes": "http://" * (MEGABYTE // 7) + "@",
    "userinfo": "a://" + "b" * 60 + ":" + "c" * MEGABYTE,
    "at signs": "a@" * (MEGABYTE // 2),
    "pem": "-----BEGIN PRIVATE KEY-----" * (MEGABYTE // 27),
    "akia": "AKIA" * (MEGABYTE // 4),
    "github": "ghp_" + "a" * MEGABYTE,
    "ampersands": "?" + "&" * MEGABYTE,
    "name chars": "a." * (MEGABYTE // 2) + "token=" + "x" * 10,
}


@pytest.mark.timeout(60)  # a hang guard against catastrophic backtracking, not a speed test
@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_one_megabyte_adversarial_lines_finish(name):
    line = ADVERSARIAL[name]
    for scan in (scan_text, scan_url, lambda text: scan_body(text, "application/json"),
                 lambda text: scan_body(text, "application/x-www-form-urlencoded"),
                 lambda text: scan_header("Cookie", text),
                 lambda text: scan_header("X-Custom", text)):
        for match in scan(line):
            assert 0 <= match.start <= match.end <= len(line)
