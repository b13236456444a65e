"""Personal data: cards, SSNs and phones caught, and the order ids, timestamps and
version strings that look like them left alone."""

from __future__ import annotations

import pytest

from inspector.privacy.personal import find_personal, is_card_number, personal_name_kind
from inspector.privacy.secrets import SecretKind


def _found(text):
    return [(m.kind, text[m.start:m.end]) for m in find_personal(text)]


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("paid with 4111111111111111 today", SecretKind.CARD_NUMBER, "4111111111111111"),
    ("card 5500 0000 0000 0004 ok", SecretKind.CARD_NUMBER, "5500 0000 0000 0004"),
    ("amex 3782-822463-10005", SecretKind.CARD_NUMBER, "3782-822463-10005"),
    ("ssn 219-09-9999 on file", SecretKind.SSN, "219-09-9999"),
    ("SSN: 219099999", SecretKind.SSN, "219099999"),
    ("call +44 20 7946 0321", SecretKind.PHONE, "+44 20 7946 0321"),
    ("call +14155552671", SecretKind.PHONE, "+14155552671"),
    ("call (415) 867-5309", SecretKind.PHONE, "(415) 867-5309"),
    ("call 415-867-5309", SecretKind.PHONE, "415-867-5309"),
    ("tel: 030 5550 1234", SecretKind.PHONE, "030 5550 1234"),
    ("mobile=0151/1234567", SecretKind.PHONE, "0151/1234567"),
])
def test_caught(text, kind, value):
    assert _found(text) == [(kind, value)]


@pytest.mark.parametrize("text", [
    "order 4111111111111112 shipped",  # fails Luhn
    "trace 1234567890123456 ok",  # no network starts with 1
    "at 2026-11-17 09:14:02.123 +01:00 (+0100)",
    "build 2026.11.17.1234 version 10.20.4.17 ip 192.168.100.200",
    "epoch ms 1794906000123, id 1234567890, port 8080-8090",
    "area 000-12-3456 or 666-12-3456 or 912-12-3456 are never issued",
    "took 123-456-789 ms; range 100-200-3000",
    "uuid 4bf92f35-77b3-4da6-a3ce-929d0e0e4736",
    "isbn 978-0-13-110362-7, telnet 0 1234 5678",
])
def test_left_alone(text):
    assert _found(text) == []


def test_luhn_and_networks():
    assert is_card_number("4111111111111111") and not is_card_number("4111111111111112")
    assert not is_card_number("9111111111111111") and not is_card_number("41111111111111")


def test_personal_names():
    assert personal_name_kind("cc_number") is SecretKind.CARD_NUMBER
    assert personal_name_kind("mobile") is SecretKind.PHONE
    assert personal_name_kind("date_of_birth") is SecretKind.PERSONAL
    assert personal_name_kind("card_type") is None and personal_name_kind("address") is None
