"""The gate: an independent second opinion that names kind and position, never the value,
and writes nothing while anything is flagged."""

from __future__ import annotations

import ast
import random
import string
from pathlib import Path

import pytest

from inspector.privacy import gate as gate_module
from inspector.privacy.gate import Gate, RedactionRefused, check, gate, write_checked
from inspector.privacy.redactor import Redactor


def _random_token(length: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))


# Secrets of every family the gate knows, as a redactor that failed would leave them.
INJECTED = {
    "github-token": "ghp_" + _random_token(36, 1),
    "gitlab-token": "glpat-" + _random_token(20, 2),
    "slack-token": "xoxb-123456789012-" + _random_token(24, 3),
    "slack-webhook": "https://hooks.slack.com/services/T0ABCDEFG/B0ABCDEFG/" + _random_token(24, 4),
    "stripe-key": "sk_live_" + _random_token(24, 5),
    "aws-access-key": "AKIAQWERTYUIOPASDFGH",
    "google-api-key": "AIza" + _random_token(35, 6),
    "sendgrid-key": "SG." + _random_token(22, 7) + "." + _random_token(43, 8),
    "twilio-key": "SK" + "".join(random.Random(9).choice("0123456789abcdef") for _ in range(32)),
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
    "azure-key": "AccountKey=" + _random_token(86, 10) + "==",
    "bearer-credential": "Authorization: Bearer " + _random_token(30, 11),
    "password-in-url": "https://svc:Tr0ub4dor3@db.example.com/",
    "private-key": "-----BEGIN OPENSSH PRIVATE KEY-----",
    "high-entropy-token": _random_token(32, 12),
    "card-number": "4111 1111 1111 1111",
    "host-name": "jdbc:postgresql://db01.prod.acme:5432/orders",
}


@pytest.mark.parametrize("kind", sorted(INJECTED))
def test_every_family_is_flagged_by_kind_and_position_never_by_value(kind):
    text = f"# Report\n\nThe client sent   {INJECTED[kind]} twice.\n"
    leaks = gate(text)
    assert [(leak.kind, leak.line, leak.column) for leak in leaks][:1] == [(kind, 3, 21)] \
        or any(leak.kind == kind and leak.line == 3 for leak in leaks)
    message = str(RedactionRefused(leaks))
    secret = INJECTED[kind].split()[-1].replace(" ", "")
    assert secret[-6:] not in message.replace(" ", "")


def test_what_the_redactor_makes_of_the_same_text_passes():
    redactor = Redactor()
    text = "\n".join(f"seen {value} here" for value in INJECTED.values())
    clean = redactor.text(text)
    assert gate(clean, redactor.known_values()) == []


def test_escapes_hide_nothing_and_flag_nothing():
    escaped = {
        "markdown": "password\\=x and ghp\\_" + _random_token(36, 1),
        "html": "Bearer&#32;" + _random_token(30, 11),
        "percent": "cb?x=1%26sig%3D" + "%2B".join([_random_token(12, 3)] * 3),
        "json": '{\\"auth\\": \\"Bearer ' + _random_token(30, 2) + '\\"}',
    }
    for name, text in escaped.items():
        assert gate(text), name
    # A Markdown escape must not cut a word in two: svc_sync is not the user svc.
    assert gate("job svc\\_sync ran", known=["svc"]) == []
    assert [leak.kind for leak in gate("job svc ran", known=["svc"])] \
        == ["value-seen-in-the-bundle"]


def test_values_the_redactor_replaced_are_flagged_wherever_they_stand_as_words():
    known = ["db1.corp.example.com", "jane.doe@acme-corp.com", "hunter2!x"]
    dirty = ("logs/db1.corp.example.com.log\nmailto jane.doe%40acme-corp.com\n"
             "pw HUNTER2!x\n")
    assert [leak.line for leak in gate(dirty, known)] == [1, 2, 3]
    clean = "db1.corp.example.community\nxjane.doe@acme-corp.com\nhunter2!xy\n"
    assert gate(clean, known) == []


def test_our_own_tokens_and_pseudonyms_are_not_flagged():
    text = ("password=REDACTED:password token REDACTED:jwt:3fa9c2 by user12 at "
            "host3.redacted.invalid, user4@redacted.invalid")
    assert gate(text, known=["jwt", "user", "redacted", "invalid"]) == []


def test_clean_report_text_passes():
    text = ("# Checkout fails since 09:14\n\nSHA-256: " + "ab12" * 16 + "\nQuery 0x3EA0244"
            "8FE5688CA6969975466519B81 took 12 s; pod web-7d9f8b6c5d-x2k9q restarted; "
            "java.lang.IllegalStateException in ConnectionPoolManager; order 4111111111111112"
            "; trace 4bf92f35-77b3-4da6-a3ce-929d0e0e4736.\n")
    assert gate(text) == []


def test_hosts_where_only_a_host_stands_are_flagged_unless_told_to_keep_them():
    text = "url jdbc:mysql://db01.prod.acme:3306/x\nhost: api.internal.acme\n"
    assert [(leak.kind, leak.line) for leak in gate(text)] == [("host-name", 1),
                                                               ("host-name", 2)]
    assert Gate(kept=["db01.prod.acme", "api.internal.acme"]).leaks(text) == []
    assert Gate(hosts=False).leaks(text) == []
    for clean in ("cri-o://1.20.3-2.el8", "file://var/log/app.log", "https://240.0.0.1/",
                  "https://host3.redacted.invalid:8443/x", "host: localhost.localdomain",
                  "ghost=a.b.c", "https://user:REDACTED:password@host1.redacted.invalid/"):
        assert gate(clean) == [], clean


def test_what_the_redactor_leaves_of_hosts_it_was_told_to_keep_passes():
    text = "jdbc:mysql://db01.prod.acme/x from hostname=web-3.k8s.acme"
    for redactor in (Redactor(), Redactor(keep=frozenset({"db01.prod.acme"})),
                     Redactor(pseudonymize=frozenset())):
        check(redactor.text(text), redactor)


def test_write_checked_refuses_and_writes_nothing(tmp_path):
    redactor = Redactor()
    target = tmp_path / "out.md"
    with pytest.raises(RedactionRefused, match="high-entropy-token"):
        write_checked(target, "token " + _random_token(40, 5), redactor)
    assert list(tmp_path.iterdir()) == []
    write_checked(target, redactor.text("password=hunter2222"), redactor)
    assert target.read_text() == "password=REDACTED:password"


def test_check_uses_what_the_redactor_saw():
    redactor = Redactor()
    redactor.text("user=mrossi logged in")
    with pytest.raises(RedactionRefused, match="value-seen-in-the-bundle"):
        check("ask mrossi", redactor)
    check("ask mrossini", redactor)


def test_one_gate_serves_many_members():
    shared = Gate(["jdoe"])
    assert shared.leaks("by jdoe") and not shared.leaks("by jdoes") and shared.leaks("jdoe.")


def test_the_gate_shares_no_code_with_the_redactor():
    source = Path(gate_module.__file__).read_text()
    imported = {node.module for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.ImportFrom) and node.module}
    assert not {module for module in imported if module.startswith("inspector.privacy")}
