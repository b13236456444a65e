"""The cross-source certificate-expiry scenario: deterministic, consistent, and its key holds."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import orjson
import pytest

from inspector.formats.pcap import decode, read_packets
from inspector.testing import zip_bytes
from inspector.training.scenarios import cert_expiry_incident as incident
from tests.analyses import analyze

SCENARIO = incident.SCENARIO


@pytest.fixture(scope="module")
def built():
    return SCENARIO.build(SCENARIO.rng())


@pytest.fixture(scope="module")
def analysis(built, tmp_path_factory):
    bundle = tmp_path_factory.mktemp("incident") / "cert_expiry_incident.zip"
    bundle.write_bytes(zip_bytes(built.files))
    return analyze(bundle)


def key_item(built, artifact, kind):
    return [item for item in built.evidence
            if item["artifact"] == artifact and item["locator"]["kind"] == kind]


def packets(built):
    return {packet.index: packet for packet in
            read_packets(io.BytesIO(built.files[incident.CAPTURE_PATH]))}


def test_answer_key_rules_fire_through_every_installed_analyzer(built, analysis):
    fired = {finding.rule for finding in analysis.findings}
    assert built.rules and set(built.rules) <= fired
    assert {a.path for a in analysis.artifacts} >= {item["artifact"] for item in built.evidence}
    assert not analysis.problems


def test_builds_are_byte_for_byte_repeatable(built):
    again = SCENARIO.build(SCENARIO.rng())
    assert again.files == built.files and again.evidence == built.evidence


def test_the_analyzers_point_at_the_key_packets(built, analysis):
    expired = [f for f in analysis.findings if f.rule == "tls.certificate-expired"]
    failed = [f for f in analysis.findings if f.rule == "tls.handshake-failure"]
    certificate_item, alert_item = key_item(built, incident.CAPTURE_PATH, "packet")
    assert certificate_item["locator"]["index"] in {
        e.locator.index for f in expired for e in f.evidence}
    assert alert_item["locator"]["index"] in {e.locator.index for f in failed for e in f.evidence}
    # Only the API's certificate expired: the auth certificate (five days left) is the herring.
    assert {f.facts["server"] for f in expired + failed} == {f"{incident.API[0]}:443"}
    alerts = [t for t in map(decode, packets(built).values())
              if t.dst == incident.API[0] and t.payload[:1] == b"\x15"]
    assert sum(f.facts["connections"] for f in failed) == len(alerts) > 100


def test_key_alert_packet_is_a_fatal_certificate_expired_alert(built):
    _certificate_item, alert_item = key_item(built, incident.CAPTURE_PATH, "packet")
    transport = decode(packets(built)[alert_item["locator"]["index"]])
    assert (transport.src, transport.dst) == (incident.SYNC_HOST, incident.API[0])
    assert transport.payload[:1] == b"\x15" and transport.payload[5:7] == b"\x02\x2d"


def test_all_three_sources_fail_in_the_same_minutes(built):
    expiry = incident.API_EXPIRY
    lines = built.files[incident.LOG_PATH].decode().splitlines()
    (log_item,) = key_item(built, incident.LOG_PATH, "line")
    first, last = log_item["locator"]["line"], log_item["locator"]["end_line"]
    trace = "\n".join(lines[first - 1:last])
    assert " ERROR " in lines[first - 1]
    assert "SSLHandshakeException" in trace and "CertificateExpiredException" in trace
    assert not any(" ERROR " in line for line in lines[:first - 1])
    # The sync host writes Central European Time without a zone.
    log_time = datetime.fromisoformat(lines[first - 1][:23]).replace(
        tzinfo=incident.HOST_ZONE).astimezone(UTC)

    entries = orjson.loads(built.files[incident.HAR_PATH])["log"]["entries"]
    failing_item, reload_item = key_item(built, incident.HAR_PATH, "entry")
    failing = entries[failing_item["locator"]["index"] - 1]
    assert failing["response"]["status"] == 0
    assert failing["response"]["_error"] == "net::ERR_CERT_DATE_INVALID"
    har_time = datetime.fromisoformat(failing["startedDateTime"])
    api_calls = [e for e in entries if e["request"]["url"].startswith("https://api.example.com")]
    assert all((e["response"]["status"] == 200) == (datetime.fromisoformat(
        e["startedDateTime"]) < expiry) for e in api_calls)
    reloaded = entries[reload_item["locator"]["index"] - 1]
    assert reloaded["_resourceType"] == "document" and reloaded["response"]["status"] == 200
    assert reloaded["startedDateTime"] > failing["startedDateTime"]

    certificate_item, _alert_item = key_item(built, incident.CAPTURE_PATH, "packet")
    capture_time = datetime.fromtimestamp(
        packets(built)[certificate_item["locator"]["index"]].time, UTC)
    for moment in (log_time, har_time, capture_time):
        assert 0 <= (moment - expiry).total_seconds() < 60


def test_noise_and_red_herrings_are_there(built, analysis):
    log = built.files[incident.LOG_PATH].decode()
    assert "clock leap detected" in log and "TaxRateCache" in log
    entries = orjson.loads(built.files[incident.HAR_PATH])["log"]["entries"]
    errors = {e["response"]["_error"] for e in entries if e["response"]["status"] == 0}
    assert errors == {"net::ERR_CERT_DATE_INVALID", "net::ERR_BLOCKED_BY_CLIENT"}
    # Healthy TLS to the inventory and auth services: handshakes that completed.
    servers = {decode(p).src for p in packets(built).values()
               if decode(p).protocol == 6 and decode(p).src_port == 443}
    assert {incident.INVENTORY[0], incident.AUTH[0], incident.API[0]} <= servers
    assert not [f for f in analysis.findings if f.rule.startswith("dns.")]


def test_every_log_line_is_spring_boot_or_part_of_a_trace(built):
    # Every line is a Spring Boot line or part of a stack trace under one.
    for line in built.files[incident.LOG_PATH].decode().splitlines():
        assert line[:4] == "2026" or line.startswith(("javax.", "Caused by:", "\t"))


def test_the_log_written_in_cet_is_placed_on_utc_by_the_inferred_offset(analysis):
    (offset,) = [f for f in analysis.findings if f.rule == "timeline.clock-offset"]
    assert offset.facts["artifact"] == incident.LOG_PATH
    assert offset.facts["offset"] == "+01:00" and offset.facts["how"] == "inferred"
    (incident_finding,) = [f for f in analysis.findings if f.rule == "incident.cross-source"]
    assert {incident.LOG_PATH, incident.HAR_PATH, incident.CAPTURE_PATH} <= set(
        incident_finding.facts["sources"])
    assert incident_finding.first_seen is not None
    assert 0 <= (incident_finding.first_seen - incident.API_EXPIRY).total_seconds() < 60
