"""What a secret match is: masked forms that never show a low-entropy value, names that
say secret, and the placeholders that are no secret at all."""

from __future__ import annotations

import pytest

from inspector.privacy.matches import (
    SecretKind,
    looks_like_placeholder,
    make_match,
    secret_name_kind,
    without_overlaps,
)


def test_personal_and_password_matches_carry_no_fingerprint_and_no_prefix():
    text = "card 4111111111111111111 token abcdefghijklmnopqrstuvwxyz0123"
    card = make_match(SecretKind.CARD_NUMBER, text, 5, 24)
    token = make_match(SecretKind.TOKEN, text, 31, len(text))
    assert (card.fingerprint, card.masked) == ("", "…[19 chars]")
    assert len(token.fingerprint) == 6 and token.masked == "abcd…[30 chars]"


@pytest.mark.parametrize(("name", "kind"), [
    ("password_hash", SecretKind.PASSWORD), ("private_key_id", SecretKind.TOKEN),
    ("AccountKey", SecretKind.TOKEN), ("PHPSESSID", SecretKind.TOKEN),
    ("connect.sid", SecretKind.TOKEN), ("_acme_session", SecretKind.TOKEN),
    ("password_expired", None), ("session_index", None), ("code", None),
])
def test_names_that_say_secret(name, kind):
    assert secret_name_kind(name) is kind


@pytest.mark.parametrize("value", ["YES", "no", "${DB_PASSWORD}", "%PW%", "<password>",
                                   "REDACTED:password", "****", "null"])
def test_placeholders(value):
    assert looks_like_placeholder(value)


def test_a_match_inside_a_longer_one_is_dropped():
    text = "x" * 40
    outer, inner = make_match(SecretKind.TOKEN, text, 0, 30), make_match(
        SecretKind.TOKEN, text, 5, 10)
    assert without_overlaps([inner, outer]) == [outer]
