"""The gate: what redaction missed is flagged by line and kind, never shown whole, and
nothing is written while anything is flagged."""

from __future__ import annotations

import pytest

from inspector.privacy.gate import RedactionRefused, check, gate, write_checked
from inspector.privacy.redactor import Redactor


def test_gate_flags_what_redaction_missed_and_passes_its_own_tokens():
    redactor = Redactor()
    clean = redactor.text("password=hunter2222 Authorization: Bearer abcdefghijklmnop0123 "
                          "from 10.1.1.1")
    assert gate(clean, redactor.pseudonyms, redactor.pseudonymize) == []
    leaks = gate("oops password=hunter2222\nhost 10.1.1.1", redactor.pseudonyms,
                 redactor.pseudonymize)
    assert [(leak.kind, leak.line) for leak in leaks] == [("password", 1), ("ipv4", 2)]
    assert all("hunter" not in leak.describe() for leak in leaks)


def test_gate_sees_a_known_user_name_wherever_it_stands():
    redactor = Redactor()
    redactor.text("user=mrossi")
    assert [leak.kind for leak in gate("ask mrossi", redactor.pseudonyms,
                                       redactor.pseudonymize)] == ["user"]


def test_write_checked_refuses_and_writes_nothing(tmp_path):
    redactor = Redactor()
    target = tmp_path / "out.md"
    with pytest.raises(RedactionRefused, match="password"):
        write_checked(target, "password=hunter2222", redactor)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    write_checked(target, redactor.text("password=hunter2222"), redactor)
    assert target.read_text() == "password=REDACTED:password"


def test_escaped_markup_does_not_hide_a_secret_from_the_gate():
    with pytest.raises(RedactionRefused):
        check("password\\=hunter2222 api\\_key=sk\\_live\\_", Redactor())
    with pytest.raises(RedactionRefused):
        check("Authorization: Bearer abcdefghijklmnop0123", Redactor())
