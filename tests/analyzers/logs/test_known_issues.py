from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers.logs.analyzer import LogAnalyzer
from analyzers.logs.known_issues import KnownIssues
from inspector.formats.templates import shape

_KNOWLEDGE = LogAnalyzer().knowledge
_PATTERNS = [p for s in _KNOWLEDGE.signatures for p in s.patterns]


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(_PATTERNS).flatmap(lambda p: st.from_regex(p, alphabet=st.characters(
    codec="ascii", exclude_characters="\n"))), st.sampled_from(["", "ERROR x: ", "caf\u00e9 "]),
    st.booleans())
def test_known_issue_pre_check_never_hides_a_match(example, prefix, upper):
    text = prefix + (example.upper() if upper else example)
    known = KnownIssues(_KNOWLEDGE)
    assert known.match(text) == _KNOWLEDGE.match(text)
    # The hint of one text holds for every text of its shape ("502" and "999" alike).
    hint = known.shape_has_required(shape(text))
    twin = "".join("9" if c.isdigit() and c.isascii() else c for c in text)
    assert known.match(text, hint) == _KNOWLEDGE.match(text)
    assert known.match(twin, hint) == _KNOWLEDGE.match(twin)
