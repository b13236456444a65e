"""Model objects round-trip through JSON without loss (hypothesis), and order sensibly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector.model import (
    Artifact,
    ArtifactKind,
    ArtifactStatus,
    EntryLocator,
    Event,
    EventSource,
    Evidence,
    Finding,
    LineLocator,
    OffsetLocator,
    PacketLocator,
    Problem,
    ProblemKind,
    Severity,
    StatementLocator,
    WholeLocator,
    format_time,
    locator_from_json,
)

positive = st.integers(min_value=1, max_value=2**40)
text = st.text(max_size=40)
times = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                     timezones=st.just(UTC))
locators = st.one_of(
    st.builds(LineLocator, positive, st.none() | positive),
    st.builds(PacketLocator, positive),
    st.builds(EntryLocator, positive),
    st.builds(StatementLocator, positive, st.none() | positive),
    st.builds(OffsetLocator, st.integers(min_value=0, max_value=2**50)),
    st.just(WholeLocator()),
)
evidence = st.builds(Evidence, text, locators, text)
json_values = st.recursive(st.none() | st.booleans() | st.integers(-2**53, 2**53) | text,
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(text, inner, max_size=3), max_leaves=8)
findings = st.builds(
    Finding, rule=st.just("demo.rule"), severity=st.sampled_from(Severity), category=text,
    title=text, analyzer=text, detail=text, count=positive, first_seen=st.none() | times,
    last_seen=st.none() | times, evidence=st.lists(evidence, max_size=3),
    facts=st.dictionaries(text, json_values, max_size=3), remediation=text,
    references=st.lists(text, max_size=2))
events = st.builds(Event, times, text, locators, st.sampled_from(Severity),
                   st.sampled_from(EventSource), text)
problems = st.builds(Problem, st.sampled_from(ProblemKind), text, st.none() | text,
                     st.none() | text)
artifacts = st.builds(Artifact, text, st.sampled_from(ArtifactKind), st.integers(0, 2**40),
                      st.none() | st.sampled_from(["gzip", "bz2", "xz"]),
                      st.sampled_from(ArtifactStatus), st.none() | text, st.lists(text, max_size=3),
                      st.none() | times)


@given(st.one_of(findings, events, problems, artifacts))
def test_round_trip_through_json_text(item):
    data = orjson.loads(orjson.dumps(item.to_json()))
    assert type(item).from_json(data) == item


@given(locators)
def test_locators_round_trip(locator):
    assert locator_from_json(locator.to_json()) == locator


def test_locator_json_shapes_are_the_documented_ones():
    assert LineLocator(3).to_json() == {"kind": "line", "line": 3, "end_line": 3}
    assert PacketLocator(5112).to_json() == {"kind": "packet", "index": 5112}
    assert EntryLocator(7).to_json() == {"kind": "entry", "index": 7}
    assert StatementLocator(4, 120).to_json() == {"kind": "statement", "index": 4, "line": 120}
    assert OffsetLocator(99).to_json() == {"kind": "offset", "offset": 99}
    with pytest.raises(ValueError, match="unknown locator"):
        locator_from_json({"kind": "pixel"})


def test_severity_orders_from_info_to_critical():
    assert sorted(Severity) == [Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH,
                                Severity.CRITICAL]
    assert Severity.HIGH >= Severity.MEDIUM and not Severity.LOW > Severity.LOW


def test_times_are_utc_with_z_and_naive_times_are_refused():
    moment = datetime(2026, 11, 17, 9, 14, 1, 500, tzinfo=UTC)
    assert format_time(moment) == "2026-11-17T09:14:01.000500Z"
    with pytest.raises(ValueError, match="naive"):
        format_time(datetime(2026, 11, 17))


def test_artifact_modified_time_in_json_and_documents_without_it():
    collected = datetime(2026, 1, 2, 6, 25, 3, tzinfo=UTC)
    artifact = Artifact("var/log/syslog", ArtifactKind.LOG, 864, modified=collected)
    data = artifact.to_json()
    assert data["modified"] == "2026-01-02T06:25:03Z"
    assert Artifact.from_json(orjson.loads(orjson.dumps(data))) == artifact
    # A saved analysis from before the key existed reads back with no time.
    del data["modified"]
    assert Artifact.from_json(data).modified is None
    assert Artifact("a.log", ArtifactKind.LOG, 1).to_json()["modified"] is None
    # Likewise the text encoding the reader transcodes.
    windows = Artifact("out.log", ArtifactKind.LOG, 64, encoding="utf-16-le")
    assert Artifact.from_json(orjson.loads(orjson.dumps(windows.to_json()))) == windows
    assert Artifact.from_json({"path": "a", "kind": "log", "size": 1}).encoding is None
    # Any zone is written as UTC.
    tokyo = timezone(timedelta(hours=9))
    in_tokyo = Artifact("a.log", ArtifactKind.LOG, 1, modified=collected.astimezone(tokyo))
    assert in_tokyo.to_json()["modified"] == "2026-01-02T06:25:03Z"
