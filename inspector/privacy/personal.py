"""Personal data in text: payment card numbers, US social security numbers and phone
numbers, and the field names that say a value is personal.

Only the redactor uses these: the HTTP analyzer's credential findings must not call a card
number a credential, so ``inspector.privacy.secrets.scan_text`` does not look for them.

What is caught, and what is left alone on purpose:

- **Cards**: 13 to 19 digits, written plain or in groups of four split by one kind of
  separator (spaces or dashes; Amex's 4-6-5 too), that start with a card network's prefix
  (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro) at a length that
  network issues, *and* pass the Luhn check. Timestamps (epoch milliseconds start with
  1), order and trace ids with another prefix or length, and nine in ten random digit
  strings (Luhn) are left alone. A 16-digit id that starts like a Visa card and passes
  Luhn cannot be told from one, and is removed.
- **SSNs**: ``AAA-GG-SSSS`` with the ranges the SSA never issues excluded (area 000, 666
  and 900-999; group 00; serial 0000); nine bare digits only after ``ssn`` or ``social
  security``. Dates (``2026-11-17``) and other dashed ids have other shapes.
- **Phones**: international numbers written with their ``+`` country code (8 to 15
  digits, E.164), North American numbers in their written forms (``(415) 555-2671``,
  ``415-555-2671``, ``415.555.2671``), and numbers in any national format (``020 7946
  0958``, ``030/1234567``) when a label (``phone``, ``tel``, ``mobile``, ``fax``) stands
  just before them. Times, dates, versions, IP addresses and bare digit runs are not
  phones: bare digits are ids far more often than numbers to call.

>>> [(m.kind.value, m.masked) for m in find_personal("paid with 4111 1111 1111 1111 ok")]
[('card-number', '…[19 chars]')]
>>> find_personal("order 4111 1111 1111 1112, build 2026.11.17.1234, at 1794906000123")
[]
"""

from __future__ import annotations

import re

from inspector.privacy.matches import SecretKind, SecretMatch, make_match

# Each pattern begins with a character (a lookbehind after it checks the one before), so
# the engine can skip ahead to candidates; each runs only when its trigger is in the text.
_CARD = re.compile(
    r"[0-9](?<![\w.+-][0-9])(?:[0-9]{12,18}+|[0-9]{3}(?P<sep>[ -])[0-9]{4}(?P=sep)[0-9]{4}"
    r"(?P=sep)[0-9]{1,7}|[0-9]{3}(?P<amex>[ -])[0-9]{6}(?P=amex)[0-9]{5})(?![\w-]|\.[0-9])")
_SSN = re.compile(r"[0-9](?<![\w.-][0-9])[0-9]{2}-[0-9]{2}-[0-9]{4}(?![\w-])")
_SSN_LABELLED = re.compile(
    r"(?i:\b(?:ssn|social[ _-]security(?:[ _-]n(?:umber|o))?)\b)"
    r"[\"']?+[ \t]{0,3}+[:=#]?[ \t]{0,3}+[\"']?+(?P<bare>[0-9]{9})(?![0-9])")
_PHONE_INTERNATIONAL = re.compile(
    r"\+(?<![\w+.-]\+)[1-9][0-9]{0,2}(?:[ .-]?\(?[0-9]{1,5}\)?){1,6}(?![\w-]|\.[0-9])")
_PHONE_NANP = re.compile(
    r"(?:\((?<![\w.+-]\()[2-9][0-9]{2}\)[ ]?|[2-9](?<![\w.+-][2-9])[0-9]{2}(?P<nanp>[-.]))"
    r"[2-9][0-9]{2}(?(nanp)(?P=nanp)|-)[0-9]{4}(?![\w-]|\.[0-9])")
_PHONE_LABELLED = re.compile(
    r"(?i:\b(?:phone|tel|telephone|mobile|cell|fax|handy)\b)[\w.]{0,12}+[\"']?+[ \t]{0,3}+"
    r"[:=]?[ \t]{0,3}+[\"']?+(?P<labelled>\(?0[0-9]{1,4}\)?(?:[ /-]?[0-9]){4,14})(?![0-9])")
_PHONE_LABELS = ("phone", "tel", "mobile", "cell", "fax", "handy")
_TRIGGER = re.compile(r"[0-9]{3}")


def find_personal(text: str) -> list[SecretMatch]:
    """Card numbers, SSNs and phone numbers in ``text`` (see the module doc)."""
    if len(text) < 9 or _TRIGGER.search(text) is None:
        return []
    lowered = text.lower()
    matches = []
    for found in _CARD.finditer(text):
        digits = found.group().replace(" ", "").replace("-", "")
        if is_card_number(digits):
            matches.append(make_match(SecretKind.CARD_NUMBER, text, *found.span()))
    if "-" in text:
        for found in _SSN.finditer(text):
            area, group, serial = found.group().split("-")
            if area not in ("000", "666") and area[0] != "9" and group != "00" \
                    and serial != "0000":
                matches.append(make_match(SecretKind.SSN, text, *found.span()))
    if "ssn" in lowered or "social" in lowered:
        matches += [make_match(SecretKind.SSN, text, *found.span("bare"))
                    for found in _SSN_LABELLED.finditer(text)]
    phones: list[tuple[int, int]] = []
    if "+" in text:
        phones += [found.span() for found in _PHONE_INTERNATIONAL.finditer(text)
                   if 8 <= _digits(found.group()) <= 15 and _balanced(found.group())]
    if "-" in text or "." in text:
        phones += [found.span() for found in _PHONE_NANP.finditer(text)]
    if any(label in lowered for label in _PHONE_LABELS):
        phones += [found.span("labelled") for found in _PHONE_LABELLED.finditer(text)
                   if 7 <= _digits(found.group("labelled")) <= 15
                   and _balanced(found.group("labelled"))]
    matches += [make_match(SecretKind.PHONE, text, start, end) for start, end in phones]
    return matches


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _balanced(text: str) -> bool:
    return text.count("(") == text.count(")")


# Issuer prefixes, as (first digits, lowest, highest, lengths): Visa, Mastercard (51-55
# and 2221-2720), Amex, Discover, JCB, Diners, UnionPay, Maestro.
_NETWORKS = (
    (1, 4, 4, (13, 16, 19)), (2, 51, 55, (16,)), (4, 2221, 2720, (16,)),
    (2, 34, 34, (15,)), (2, 37, 37, (15,)), (4, 6011, 6011, (16, 17, 18, 19)),
    (3, 644, 649, (16, 19)), (2, 65, 65, (16, 19)), (4, 3528, 3589, (16, 17, 18, 19)),
    (3, 300, 305, (14, 16, 19)), (2, 36, 36, (14, 16, 19)), (2, 38, 39, (14, 16, 19)),
    (2, 62, 62, (16, 17, 18, 19)), (2, 50, 50, (12, 13, 16, 19)),
    (2, 56, 58, (12, 13, 16, 19)), (2, 67, 67, (12, 13, 16, 19)),
)


def is_card_number(digits: str) -> bool:
    """Whether ``digits`` has a card network's prefix and length and passes Luhn.

    >>> is_card_number("4111111111111111"), is_card_number("4111111111111112")
    (True, False)
    """
    if not digits.isdigit() or not any(
            lowest <= int(digits[:width]) <= highest and len(digits) in lengths
            for width, lowest, highest, lengths in _NETWORKS):
        return False
    total = 0
    for index, character in enumerate(reversed(digits)):
        value = ord(character) - 48
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


_PERSONAL_NAMES = {
    SecretKind.CARD_NUMBER: ("card", "cardnumber", "cardno", "ccnumber", "creditcard", "pan",
                             "cc", "cvv", "cvc"),
    SecretKind.SSN: ("ssn", "socialsecurity", "socialsecuritynumber", "nationalid", "taxid"),
    SecretKind.PHONE: ("phone", "phonenumber", "mobile", "tel", "telephone", "cell", "fax",
                       "msisdn"),
    SecretKind.PERSONAL: ("email", "emailaddress", "iban", "dob", "dateofbirth", "birthdate",
                          "birthday", "passport", "street"),
}


def personal_name_kind(name: str) -> SecretKind | None:
    """The kind of personal data a field or column of this name holds, if it says so.

    >>> personal_name_kind("credit_card"), personal_name_kind("user_email")
    (<SecretKind.CARD_NUMBER: 'card-number'>, <SecretKind.PERSONAL: 'personal'>)
    >>> personal_name_kind("card_type") is None, personal_name_kind("email_verified") is None
    (True, True)
    """
    key = name.lower().replace("-", "").replace("_", "").replace(".", "").strip("`\"'[] ")
    for kind, names in _PERSONAL_NAMES.items():
        if key.endswith(names):
            return kind
    return None
