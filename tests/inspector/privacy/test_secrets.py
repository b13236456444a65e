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

from inspector.privacy.secrets import (
    SecretKind,
    jwt_claims,
    mask,
    mask_passwords,
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


# Password hashes in their real formats (openssl passwd, PHP password_hash, argon2-cffi,
# MySQL's PASSWORD(), PostgreSQL's SCRAM verifier); none of them is a live credential.
LARAVEL_BCRYPT = "$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi"
SHA512_CRYPT = ("$6$Qx7.Lm2/$1GuwGxhYqybSHQS3pRlybxOX8JpssIEYt/JWcwUE8kT7Nqo3Pt.BDV5Wv0OREnEvF"
                "eMBniVqgvHNMoeN8uFGH.")
SHA256_CRYPT = "$5$rounds=5000$rT9pW2xq$a8fnGUmvLtJZcldbO.3uHd1NVWU2ZmjO9eu3zD/Hch."
MD5_CRYPT = "$1$k3Jd8Pq1$qnI7OD7M8DqB8j7LV2rep0"
APR1 = "$apr1$Zk4m9QeL$6BTogarHxf7/zC6h1sow00"
YESCRYPT = "$y$j9T$erB5dESMt6duLd/ZyhVvSH$P2OO..YZTTjmXYVXvkAszTQfGok.pGlrl7mV76UFeAr"
ARGON2ID = ("$argon2id$v=19$m=65536,t=3,p=4$MIIRqgvgQbgj220jfp0MPA"
            "$YfwJSVjtjSU0zzV/P3S9nnQ/USre2wvJMjfCIjrTQbg")
MYSQL_NATIVE = "*1746724C60A279DADCEA02CE722C6A1B763B9ADE"
SCRAM = ("SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$BXGg8ngWwVW7cKArcjx3+mug0A4MeOlMZRnZ3eVksJA="
         ":OiCHJVkPMX7o29jktwcXI9t7Vsb4/L7kS558WxoihJc=")


# --- shapes in free text -------------------------------------------------------------------

SHAPED = {
    "jwt": (make_jwt(), SecretKind.JWT),
    "aws": ("AKIA" + "Q" * 4 + "7" * 12, SecretKind.CLOUD_KEY),
    "github": ("ghp_" + random_token(36), SecretKind.CLOUD_KEY),
    "slack": ("xoxb-1234567890-" + random_token(24), SecretKind.CLOUD_KEY),
    "stripe": ("sk_live_" + random_token(24), SecretKind.CLOUD_KEY),
    "google": ("AIza" + random_token(35), SecretKind.CLOUD_KEY),
    "bcrypt": (LARAVEL_BCRYPT, SecretKind.PASSWORD),
    "sha512-crypt": (SHA512_CRYPT, SecretKind.PASSWORD),
    "argon2": (ARGON2ID, SecretKind.PASSWORD),
    "mysql-native": (MYSQL_NATIVE, SecretKind.PASSWORD),
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
    "the token was refreshed", "password_policy=strict", "session=null",
    "secret=********", "author=Jane Doe", "token=abc", "keyboard: US",
])
def test_ordinary_text_is_not_flagged(text):
    assert scan_text(text) == []


# --- command lines ---------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "found"), [
    # shell history
    ("  512  curl -sku elastic:Vx9mQ2rTz 'https://es01.internal:9200/_cluster/health?pretty'",
     [("-u", "Vx9mQ2rTz")]),
    ("curl --user svc-backup:'p@ss w0rd;1' -X POST https://jira.internal/rest/api/2/search",
     [("--user", "p@ss w0rd;1")]),
    ('curl --user="ops:Kx8#22pq" -H "Accept: application/json" https://grafana.internal/api',
     [("--user", "Kx8#22pq")]),
    ("curl -U squid:Pr0xy-Pw -x http://proxy.internal:3128 https://example.com/",
     [("-U", "Pr0xy-Pw")]),
    # a support script collecting database state
    ("mysqldump --single-transaction -h db01 -u backup -p'K7#pL9 qz' shop | gzip > shop.sql.gz",
     [("-p", "K7#pL9 qz")]),
    ('mysql -uroot -pS3cr3tRoot -e "SHOW ENGINE INNODB STATUS\\G" > innodb.txt',
     [("-p", "S3cr3tRoot")]),
    ("docker exec -i shop-db mysql --password=\"Db Pass 9\" -e 'SELECT 1'",
     [("--password", "Db Pass 9")]),
    ("mysqladmin -uroot -pOldPw9 password NewPw10", [("-p", "OldPw9"), ("password", "NewPw10")]),
    ("wget --user=deploy --password='W9et!pw' https://repo.internal/release.tgz",
     [("--password", "W9et!pw")]),
    ("wget -q --http-password Wg3tPw --http-user=ci https://repo.internal/x",
     [("--http-password", "Wg3tPw")]),
])
def test_command_line_passwords_are_found_and_the_user_stays_visible(line, found):
    matches = scan_text(line)
    assert [(m.name, line[m.start:m.end]) for m in matches] == found
    assert all(m.kind is SecretKind.PASSWORD and m.fingerprint == "" for m in matches)
    cleaned = redact(line, matches)
    assert not [secret for _, secret in found if secret in cleaned]


def test_curl_user_keeps_the_user_name_like_url_credentials():
    line = "curl -u elastic:Vx9mQ2rTz https://svc:Url-Pw-1@es01.internal:9200/"
    assert redact(line, scan_text(line)) == (
        "curl -u elastic:…[9 chars] https://svc:…[8 chars]@es01.internal:9200/")


def test_a_psql_connection_uri_is_url_credentials():
    line = "psql \"postgresql://report:Rp0rt-Pw@pg01.internal:5432/sales\" -c '\\dt'"
    assert [(m.kind, line[m.start:m.end]) for m in scan_text(line)] == [
        (SecretKind.URL_CREDENTIALS, "Rp0rt-Pw")]


@pytest.mark.parametrize("line", [
    "ssh -p 22 admin@bastion.internal",
    "ssh -p2222 deploy@bastion.internal uptime",
    "mysqldump -uroot -p shop > shop.sql && ssh -p2222 backup@nas.internal ls",
    "mysql -h db01 -P 3306 -u root -p",
    "mysql -uroot -p -e \"SELECT id, -price FROM orders\"",
    "mysql --password shop",
    "curl -u root https://nexus.internal/service/rest/v1/status",
    "curl -u deploy: https://nexus.internal/",
    'curl -u "$API_USER:$API_PASS" https://nexus.internal/',
    "curl -u admin:<password> https://nexus.internal/",
    "curl -XPUT -H 'Content-Type: application/json' --user-agent probe:1 https://x.internal/",
    "User-Agent: curl/8.5.0 -u admin:pw is how the docs say to log in",
    "docker run --rm -u 1000:1000 -p 8080:80 nginx:1.27",
    "kubectl port-forward svc/shop-db -p 3306:3306 # then run mysql",
])
def test_ports_user_names_and_stand_ins_are_not_command_line_passwords(line):
    assert scan_text(line) == []


# --- SQL -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "name", "secret"), [
    # mysqlpump --users / SHOW CREATE USER
    ("CREATE USER 'app'@'%' IDENTIFIED WITH 'mysql_native_password' AS "
     f"'{MYSQL_NATIVE}' REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT UNLOCK;",
     "IDENTIFIED BY", MYSQL_NATIVE),
    # a general query log line
    ("2026-11-17T09:14:02.118342Z\t   31 Query\tCREATE USER 'etl'@'10.%' "
     "IDENTIFIED BY 'Etl-Pw''s 9'", "IDENTIFIED BY", "Etl-Pw''s 9"),
    ('alter user "app"@"%" identified with caching_sha2_password by "N3w\\"Pw";',
     "IDENTIFIED BY", 'N3w\\"Pw'),
    (f"GRANT ALL PRIVILEGES ON shop.* TO 'shop'@'localhost' IDENTIFIED BY PASSWORD "
     f"'{MYSQL_NATIVE}';", "IDENTIFIED BY", MYSQL_NATIVE),
    ("SET PASSWORD FOR 'app'@'%' = PASSWORD('Old-Style-9');", "PASSWORD()", "Old-Style-9"),
    ("SET PASSWORD FOR 'app'@'%' = 'Plain-8x';", "SET PASSWORD", "Plain-8x"),
    ("ALTER ROLE app WITH LOGIN PASSWORD 'Pg-App-2026';", "PASSWORD", "Pg-App-2026"),
    ("create user app with encrypted password 'lower-case-1' valid until '2027-01-01';",
     "PASSWORD", "lower-case-1"),
    # pg_dumpall --roles-only
    ("ALTER ROLE report WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION "
     f"NOBYPASSRLS PASSWORD '{SCRAM}';", "PASSWORD", SCRAM),
    ("CREATE USER MAPPING FOR app SERVER legacy OPTIONS (user 'legacy', password 'Fdw-Pw-3');",
     "PASSWORD", "Fdw-Pw-3"),
])
def test_sql_passwords_are_the_quoted_literal(line, name, secret):
    matches = scan_text(line)
    assert [(m.kind, m.name, line[m.start:m.end]) for m in matches] == [
        (SecretKind.PASSWORD, name, secret)]
    assert secret not in redact(line, matches)


def test_sql_secret_is_masked_inside_its_quotes():
    line = "CREATE USER 'etl'@'%' IDENTIFIED BY 'Etl-Pw-2026';"
    assert redact(line, scan_text(line)) == (
        "CREATE USER 'etl'@'%' IDENTIFIED BY '…[11 chars]';")


@pytest.mark.parametrize("line", [
    "the outage was identified by the team at 09:14 and fixed by 09:40",
    "CREATE USER 'app'@'%' IDENTIFIED BY RANDOM PASSWORD;",
    "CREATE USER 'svc'@'localhost' IDENTIFIED WITH auth_socket;",
    "ALTER ROLE app WITH PASSWORD NULL;",
    "ALTER USER 'app'@'%' PASSWORD EXPIRE INTERVAL 90 DAY;",
    # MySQL's own rewrite in the general log
    "2026-11-17T09:14:02.118342Z\t   31 Query\tCREATE USER 'etl'@'%' IDENTIFIED BY <secret>",
    "ALTER USER 'app'@'%' IDENTIFIED BY '***';",
    "ALTER USER 'app'@'%' IDENTIFIED BY '';",
])
def test_sql_without_a_password_literal_is_not_flagged(line):
    assert scan_text(line) == []



@pytest.mark.parametrize(("line", "masked"), [
    ("SET PASSWORD = 'x1'", "SET PASSWORD = '***'"),
    ("ALTER USER 'app'@'%' IDENTIFIED BY 's3cr3t-Pa55';",
     "ALTER USER 'app'@'%' IDENTIFIED BY '***';"),
    ('CREATE USER app IDENTIFIED BY "dq-secret"', "CREATE USER app IDENTIFIED BY '***'"),
    ("SET PASSWORD FOR 'app'@'%' = 'Plain-8x';", "SET PASSWORD FOR 'app'@'%' = '***';"),
    ("ALTER ROLE app WITH LOGIN PASSWORD 'Pg-App-2026';",
     "ALTER ROLE app WITH LOGIN PASSWORD '***';"),
    ("CHANGE MASTER TO MASTER_HOST='db1', MASTER_PASSWORD='repl-pw-1'",
     "CHANGE MASTER TO MASTER_HOST='db1', MASTER_PASSWORD='***'"),
    ("Driver={MySQL};Server=db;Uid=app;Pwd=hunter22;",
     "Driver={MySQL};Server=db;Uid=app;Pwd='***';"),
])
def test_mask_passwords_replaces_the_literal_and_its_quotes(line, masked):
    assert mask_passwords(line) == masked
    assert mask_passwords(masked) == masked


@pytest.mark.parametrize("line", [
    'FATAL:  password authentication failed for user "bob"',
    "mysqld: [Warning] Using a password on the command line interface can be insecure.",
    f"SELECT * FROM t WHERE token = '{random_token()}'",
])
def test_mask_passwords_leaves_other_text_alone(line):
    assert mask_passwords(line) == line

# --- password hashes -------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "secret"), [
    (f"root:{SHA512_CRYPT}:19683:0:99999:7:::", SHA512_CRYPT),
    (f"deploy:{YESCRYPT}:20012:0:99999:7:::", YESCRYPT),
    (f"svc:!{SHA256_CRYPT}:19000::::::", SHA256_CRYPT),
    (f"legacy:{MD5_CRYPT}:17500:0:99999:7:::", MD5_CRYPT),
    (f"admin:{APR1}", APR1),  # .htpasswd
    # a Laravel log: the failed insert carries the user's bcrypt hash
    ("[2026-11-17 09:14:02] production.ERROR: SQLSTATE[23000]: Integrity constraint "
     "violation: 1062 Duplicate entry 'jdoe@example.com' for key 'users_email_unique' (SQL: "
     "insert into `users` (`name`, `email`, `password`, `created_at`) values (jdoe, "
     f"jdoe@example.com, {LARAVEL_BCRYPT}, 2026-11-17 09:14:02))", LARAVEL_BCRYPT),
    (f'{{"level":"debug","msg":"hash upgraded","to":"{ARGON2ID}"}}', ARGON2ID),
    (f"| shop | localhost | mysql_native_password | {MYSQL_NATIVE} |", MYSQL_NATIVE),
    (f" report   | {SCRAM}", SCRAM),
])
def test_password_hashes_are_found_by_shape(line, secret):
    matches = scan_text(line)
    assert [(m.kind, line[m.start:m.end]) for m in matches] == [(SecretKind.PASSWORD, secret)]
    assert matches[0].fingerprint == ""
    assert secret[4:] not in redact(line, matches)


@pytest.mark.parametrize("line", [
    "Upgrade costs $2 per seat, $5$ off the first month, $25.50 in total",
    "commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904 (HEAD -> main)",
    "sha1 4B825DC642CB6EB9A060E54BF8D69288FBEE4904 artifact.jar",
    "x-amz-cf-id: *4B825DC642CB6EB9A060E54BF8D69288FBEE4904ABCD",
    "root:$6$short$tooshort:19683:0:99999:7:::",
    "$2y$10$truncated-in-the-log",
    "php > echo $2y;",
])
def test_things_shaped_almost_like_hashes_are_not_flagged(line):
    assert scan_text(line) == []


def test_a_redacted_shadow_line_is_not_flagged_again():
    """``REDACTED:password`` is the redaction's token, not a name: the field after it is
    not a password when the gate re-scans the line."""
    assert scan_text("root:REDACTED:password:19683:0:99999:7:::") == []
    assert [m.name for m in scan_text("root:password:hunter22")] == ["password"]


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
    "curl words": "curl " * (MEGABYTE // 5),
    "curl -u": "curl -u " * (MEGABYTE // 8),
    "curl separators": "curl -u;" * (MEGABYTE // 8),
    "curl bundled flags": "curl -" + "s" * MEGABYTE,
    "curl unclosed quote": "curl -u '" + "a:b " * (MEGABYTE // 4),
    "curl backslashes": 'curl -u "' + "\\" * MEGABYTE,
    "curl quotes": "curl " + "'" * MEGABYTE,
    "mysql -p": "mysql -p " * (MEGABYTE // 9),
    "mysql glued quotes": "mysql -p'" * (MEGABYTE // 9),
    "mysqladmin password": "mysqladmin password " * (MEGABYTE // 20),
    "wget passwords": "wget --password " * (MEGABYTE // 16),
    "identified by": "identified by " * (MEGABYTE // 14),
    "identified with": "IDENTIFIED WITH x AS " * (MEGABYTE // 21),
    "sql unclosed quotes": ("password '" + "a" * 300) * (MEGABYTE // 310),
    "sql doubled quotes": "password '" + "''" * (MEGABYTE // 2),
    "sql backslashes": 'PASSWORD "' + "\\" * MEGABYTE,
    "sql calls": "PASSWORD(" * (MEGABYTE // 9),
    "set password for": "SET PASSWORD FOR " + "a" * MEGABYTE,
    "bcrypt prefixes": "$2y$10$" * (MEGABYTE // 7),
    "bcrypt run": "$2y$10$" + "a" * MEGABYTE,
    "crypt rounds": "$6$rounds=5000$" * (MEGABYTE // 15),
    "crypt salts": "$6$" + "a$" * (MEGABYTE // 2),
    "argon2 prefixes": "$argon2id$v=19$m=65536,t=3,p=4$" * (MEGABYTE // 31),
    "argon2 run": "$argon2id$v=19$m=65536,t=3,p=4$" + "A" * MEGABYTE,
    "scram prefixes": "SCRAM-SHA-256$4096:" * (MEGABYTE // 19),
    "mysql hash run": "*" + "A" * MEGABYTE,
    "stars": "*" * MEGABYTE,
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


@pytest.mark.parametrize(("text", "secret"), [
    ("AccountName=x;AccountKey=" + "Ab1+" * 22 + ";EndpointSuffix=core.windows.net",
     "Ab1+" * 22),
    ("https://x.blob.core.windows.net/c?sv=2022&sig=Ab1%2Bcd2%2Fef3%3D00aa&se=1",
     "Ab1%2Bcd2%2Fef3%3D00aa"),
    ("https://hooks.slack.com/services/T0ACME/B0ACME/xyzXYZ123", "T0ACME/B0ACME/xyzXYZ123"),
    ("redis://:Rds-s3cret@cache:6379/0", "Rds-s3cret"),
    ("form login=x&password%3DPct-s3cret%26next%3D%2F", "Pct-s3cret"),
    ("hdr Authorization%3A%20Bearer%20abcdefghijklmnop0123", "abcdefghijklmnop0123"),
    ("glpat-abcdefghij0123456789 and more", "glpat-abcdefghij0123456789"),
    ("key SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
     "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
])
def test_credentials_once_missed(text, secret):
    assert secret in [text[m.start:m.end] for m in scan_text(text)]
