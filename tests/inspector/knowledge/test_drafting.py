"""Drafting signatures from lines and findings, and writing them as the user's own."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from inspector.files import DATA_DIR_VARIABLE
from inspector.knowledge.drafting import (
    draft_from_finding,
    draft_from_line,
    pattern_for_line,
    save_signature,
    to_toml,
)
from inspector.knowledge.matching import MATCH_CHARS, KnowledgeBase
from inspector.knowledge.signatures import (
    HttpMatch,
    Signature,
    SqlMatch,
    TlsMatch,
    pattern_risk,
)
from inspector.model import Severity
from tests.inspector.knowledge.test_preview import matched


def test_a_line_draft_generalizes_over_values_only():
    line = ("2026-11-17 09:14:01,120 ERROR [exec-7] c.e.Orders - Lease 7731 for order "
            "A-99812 lost after 30000 ms on 10.1.7.31:5432")
    pattern = pattern_for_line(line)
    assert pattern_risk(pattern) is None
    regex = re.compile(pattern)
    assert regex.search(line)
    assert regex.search("Lease 12 for order B-1 lost after 9 ms on 10.9.9.9:1")
    assert not regex.search("Lease 12 for order B-1 renewed after 9 ms on 10.9.9.9:1")


def test_a_line_draft_keeps_quoted_values_and_punctuation_apart():
    pattern = pattern_for_line('user "Ann Lee" failed login 3 times, locked=true')
    assert re.search(pattern, 'user "Bob" failed login 12 times, locked=true')
    assert not re.search(pattern, 'user "Bob" logged in')


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["timeout", "user", "failed", "a,b", "x:y", '"q r"',
                                           "=", "(", "[id]", "*", "\\", "$5"]),
                          st.integers(0, 10**9).map(str), st.text(min_size=1, max_size=12)),
                min_size=1, max_size=12))
def test_any_line_drafts_a_safe_pattern_that_matches_it(words):
    line = " ".join(words)
    assume(line.strip())  # a blank line has nothing to match; the window refuses it
    pattern = pattern_for_line(line)
    assert pattern and pattern_risk(pattern) is None
    signature = draft_from_line(line)
    assert KnowledgeBase([signature]).match(line.strip()) is not None


@pytest.mark.timeout(20)
def test_drafted_patterns_stay_fast_on_hostile_lines():
    pattern = pattern_for_line('a "b c" x 1 y 2 z 3, w=4: v')
    signature = draft_from_line('a "b c" x 1 y 2 z 3, w=4: v')
    kb = KnowledgeBase([signature])
    for hostile in ("a " * 1_000_000, '"' * 2_000_000, "a x " + "1" * 2_000_000,
                    ("a \"b c\" x " + "1 " * 300) * 100):
        assert kb.match(hostile) is None
        assert re.compile(pattern).search(hostile, 0, MATCH_CHARS) is None


def test_finding_drafts_match_their_own_evidence(sample_targets):
    # The app's PSQLException record: its stack-trace group is folded into this match.
    for name, rule_id, section in (("expired_token_401", "http.client-errors", "http"),
                                   ("tls_expired_certificate", "tls.handshake-failure", "tls"),
                                   ("deadlock", "sql.deadlock", "sql"),
                                   ("deadlock", "log.known-issue", "log")):
        target = sample_targets[name]
        finding = next(f for r in target.view.results() for f in r.findings
                       if f.rule == rule_id)
        draft = draft_from_finding(finding)
        assert draft.matches_on == (section,), (rule_id, draft)
        assert draft.origin == "user" and draft.severity is finding.severity
        reloaded = KnowledgeBase.from_text(to_toml(draft))
        assert reloaded.problems == [], reloaded.problems
        found = matched(reloaded, target)
        assert draft.id in found, (rule_id, draft)
        places = {(e.artifact, e.locator.kind) for e in found[draft.id].evidence}
        assert {(e.artifact, e.locator.kind) for e in finding.evidence[:1]} <= places


# --- writing --------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(title=st.text(max_size=40), remediation=st.text(max_size=60),
       pattern=st.from_regex(r"[a-z ,.'\"\\\\]{1,20}", fullmatch=True).filter(
           lambda p: pattern_risk(p) is None))
def test_toml_round_trips_any_text(title, remediation, pattern):
    signature = Signature("app.round-trip", title, Severity.LOW, (pattern,), remediation,
                          references=("https://kb.example.com/a'b",), tags=("x",),
                          http=HttpMatch(("5xx", "401"), (), ("body'\"",)),
                          sql=SqlMatch(("40P01",), ()), tls=TlsMatch(("unknown_ca",), "server"))
    kb = KnowledgeBase.from_text(to_toml(signature))
    assert kb.problems == []
    assert kb.signatures == [replace(signature, source="<text>", origin="file")]


def test_saved_signatures_load_as_the_users_own(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    draft = draft_from_line("ERROR Lease 7731 lost after 30000 ms")
    path = save_signature(draft)
    assert path == tmp_path / "signatures" / f"{draft.id}.toml"
    assert save_signature(replace(draft, title="Renamed")) == path
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left over
    loaded = KnowledgeBase.load().get(draft.id)
    assert loaded is not None and loaded.title == "Renamed" and loaded.origin == "user"
