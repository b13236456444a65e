"""Required literals: sound (every match holds one) and as selective as the pattern allows."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats.regex import required_literals
from inspector.knowledge import KnowledgeBase

PATTERNS = [
    r"No space left on device",
    r"(?:Connection refused|ECONNREFUSED)",
    r"HikariPool-\d+ - (?:pool|Connection) is not available",
    r"HTTP/1\.[01]\" 50[234] ",
    r"(?i)out of memory(?:: Kill(?:ed)? process)?",
    r"ORA-0\d{4}",
    *(p for s in KnowledgeBase.load().signatures for p in s.patterns),
]


def test_literals_name_what_every_match_holds():
    assert required_literals("No space left on device") == ("No space left on device",)
    assert required_literals(r"(?:Connection refused|ECONNREFUSED)") == (
        "Connection refused", "ECONNREFUSED")
    assert required_literals(r"\w+\s?\d*") is None
    assert required_literals(r"caf\u00e9 down", ascii_only=True) == (" down",)
    assert required_literals(r"ab\d+cd", min_length=3) is None


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PATTERNS).flatmap(
    lambda pattern: st.tuples(st.just(pattern), st.from_regex(pattern, alphabet=st.characters(
        codec="utf-8", exclude_characters="\n")))))
def test_every_match_holds_one_of_the_literals(case):
    pattern, text = case
    compiled = re.compile(pattern)
    match = compiled.search(text)
    assert match is not None
    literals = required_literals(pattern)
    if literals is not None:
        folded = "(?i)" in pattern or bool(compiled.flags & re.IGNORECASE)
        found = match.group().lower() if folded else match.group()
        assert any((literal.lower() if folded else literal) in found for literal in literals)


@pytest.mark.parametrize("pattern", PATTERNS[:6])
def test_patterns_used_here_all_have_literals(pattern):
    assert required_literals(pattern)
