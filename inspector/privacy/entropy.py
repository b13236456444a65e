"""Random-looking tokens: credentials no pattern knows, recognised by their entropy.

A token-shaped run is a run of ``MIN_LENGTH`` or more letters and digits that mixes upper
case, lower case and digits and is not hexadecimal (``0x``-prefixed query ids, hashes);
it is taken as a secret when its characters' Shannon entropy reaches ``MIN_BITS`` per
character. Random keys and session ids do (a random 24-character alphanumeric string
averages about 4.2 bits). Runs stop at ``_``, ``-``, ``=``, ``+``, ``/`` and ``.``, so
identifiers built from words (``NODE_master_0_lab_IP``, ``ForkJoinPool-1-worker``),
``name=value`` pairs, Kubernetes pod names and UUIDs fall apart into short runs; a
base64url token with a ``-`` in it is then caught piece by piece. Base64 proper (a key's or
a certificate's body lines, 40 characters or more with ``+`` or ``/`` in them) is taken
whole when it reaches ``BASE64_BITS``: paths have ``/`` too, but no upper case, digits
and 4.5 bits together. Measured on the 200,000
lines of the shared corpus, what this flags is base64 (certificates, Erlang cookies,
node ids, session tokens) and one MySQL internal name (``tablesP3THDPP10TABLE``);
``tests/inspector/privacy/test_entropy.py`` keeps both sides.

The export gate has its own, stricter check (``inspector.privacy.gate``), written
separately on purpose; what this module removes, the gate must never see.

>>> [m.kind.value for m in high_entropy_tokens("session 8fJ2kQ9xLp3Vt7Zw1aB4cD6eR0 ok")]
['token']
>>> high_entropy_tokens("java.lang.IllegalStateException in ConnectionPoolManager2")
[]
"""

from __future__ import annotations

import math
import re
from collections import Counter

from inspector.privacy.matches import SecretKind, SecretMatch, make_match, without_overlaps

MIN_LENGTH = 20
MIN_BITS = 3.7
_RUN = re.compile(rf"(?<![A-Za-z0-9])[A-Za-z0-9]{{{MIN_LENGTH},}}+")
_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")
_DIGIT = re.compile(r"[0-9]")
_HEX = re.compile(r"(?:0x)?[0-9A-Fa-f]++")
# Base64 proper (keys, certificates, encrypted blobs): ``+`` and ``/`` inside, long.
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40,}+={0,2}")
BASE64_BITS = 4.5


def shannon_bits(text: str) -> float:
    """Bits of entropy per character of ``text``, from its own character frequencies."""
    length = len(text)
    return -sum(n / length * math.log2(n / length) for n in Counter(text).values())


def high_entropy_tokens(text: str) -> list[SecretMatch]:
    """Token-shaped runs random enough to be credentials, as ``token`` matches."""
    matches = []
    for found in _RUN.finditer(text):
        token = found.group()
        if len(token) < MIN_LENGTH or _HEX.fullmatch(token):
            continue
        if _UPPER.search(token) and _LOWER.search(token) and _DIGIT.search(token) \
                and shannon_bits(token) >= MIN_BITS:
            matches.append(make_match(SecretKind.TOKEN, text, *found.span()))
    if "/" in text or "+" in text:
        for found in _BASE64.finditer(text):
            run = found.group()
            if ("/" in run or "+" in run) and _UPPER.search(run) and _LOWER.search(run) \
                    and _DIGIT.search(run) and shannon_bits(run) >= BASE64_BITS:
                matches.append(make_match(SecretKind.TOKEN, text, *found.span()))
    return without_overlaps(matches)
