"""analyzers.tls.analyzer: end to end: a cut capture, the training scenario, and conformance
with tshark (the corpus reference file, and tshark itself when installed)."""

from __future__ import annotations

import re
import subprocess

import pytest

from inspector.training.scenarios.tls_expired_certificate import CAPTURE_PATH, SCENARIO
from tests.analyzers.network.lossy import need_tshark
from tests.analyzers.tls.traffic import (
    FATAL_ALERT,
    analyze,
    client_hello,
    record,
    server_flight,
    tls_capture,
)
from tests.corpus import CORPUS


def test_truncated_capture_keeps_results_so_far(pki):
    data = tls_capture(record(22, client_hello()), server_flight(pki),
                       after=[(True, FATAL_ALERT["unknown_ca"])])
    run = analyze(data[:-30])
    assert run.stats["client_hellos"] == 1
    assert any("capture ends early" in w for w in run.context.warnings)


@pytest.fixture(scope="module")
def scenario():
    return SCENARIO.build(SCENARIO.rng())


def test_scenario_is_deterministic(scenario):
    again = SCENARIO.build(SCENARIO.rng())
    assert again.files == scenario.files


def test_scenario_answer_key_is_found(scenario):
    run = analyze(scenario.files[CAPTURE_PATH], name=CAPTURE_PATH)
    assert set(scenario.rules) <= run.rules()
    assert run.rules() == set(scenario.rules), "the red herrings must stay quiet"
    evidence = {e.locator.index for f in run.findings for e in f.evidence}
    for key in scenario.evidence:
        assert key["locator"]["index"] in evidence
    [expired] = run.by_rule("tls.certificate-expired")
    assert expired.count == 3 and expired.facts["subject"].startswith("CN=payments.example.net")
    outcomes = run.stats["outcomes"]
    assert outcomes == {"established": 4, "failed": 3}
    encrypted = [a for a in run.stats["alerts"] if a["encrypted"]]
    assert len(encrypted) == 2  # the red herring's close_notify pair
    assert analyze(scenario.files[CAPTURE_PATH], name=CAPTURE_PATH).stats == run.stats


def test_scenario_agrees_with_tshark(scenario, tmp_path):
    tshark = need_tshark()
    capture = tmp_path / "scenario.pcapng"
    capture.write_bytes(scenario.files[CAPTURE_PATH])
    fields = subprocess.run(
        [tshark, "-n", "-r", str(capture), "-d", "tcp.port==8443,tls", "-Y",
         "tls.handshake.type==1", "-T", "fields", "-e", "tcp.stream", "-e",
         "tls.handshake.extensions_server_name", "-e", "tls.handshake.ja3"],
        capture_output=True, text=True, check=True).stdout.split("\n")
    expected = [line.split("\t") for line in fields if line]
    stats = analyze(capture.read_bytes()).stats
    ours = [[str(h["stream"]), h["sni"], h["ja3_hash"]] for h in stats["handshakes"]]
    assert ours == expected
    dates = subprocess.run(
        [tshark, "-n", "-r", str(capture), "-d", "tcp.port==8443,tls", "-Y",
         "tls.handshake.type==11", "-T", "fields", "-E", "aggregator=,", "-e", "frame.number",
         "-e", "x509af.utcTime"], capture_output=True, text=True, check=True).stdout
    by_frame = {int(line.split("\t")[0]): line.split("\t")[1].split(",")
                for line in dates.splitlines() if line}
    for certificate in stats["certificates"]:
        times = by_frame[certificate["packet"]]
        position = certificate["position"]
        assert times[2 * position].replace(" (UTC)", "") == (
            certificate["not_before"].replace("T", " ").rstrip("Z"))
        assert times[2 * position + 1].replace(" (UTC)", "") == (
            certificate["not_after"].replace("T", " ").rstrip("Z"))


def reference_blocks() -> dict[str, dict]:
    text = (CORPUS / "reference" / "tshark-4.0.17.txt").read_text()
    blocks = {}
    for block in text.split("\nfile=")[0:]:
        block = block.removeprefix("file=")
        header, _, rest = block.partition("\n")
        file_name = header.split()[0]
        counts = dict(re.findall(r"(tls_\w+)=(\d+)", rest))
        section = None
        sections: dict[str, list[list[str]]] = {"server_hello": [], "client_hello": [],
                                                "alerts": []}
        for line in rest.splitlines():
            if line.startswith(("server_hello", "client_hello", "alerts")):
                section = line.split()[0]
            elif line.startswith("  ") and section in sections:
                sections[section].append(line.strip("\n")[2:].split("\t"))
            else:
                section = None
        blocks[file_name] = {"counts": {k: int(v) for k, v in counts.items()}, **sections}
    return blocks


@pytest.mark.corpus
def test_conformance_with_tshark_reference():
    """Every capture of the corpus, compared with tshark 4.0.17, field by field.

    Where we differ from tshark on purpose: tshark decodes TLS only on ports it knows (or
    by heuristics) while we recognize it by content; on this corpus the two agree anyway,
    because every TLS flow is on 443 or starts with a valid record."""
    if not (CORPUS / "reference" / "tshark-4.0.17.txt").exists():
        pytest.skip("corpus absent")
    blocks = reference_blocks()
    assert len(blocks) >= 30
    for file_name, expected in blocks.items():
        run = analyze((CORPUS / file_name).read_bytes(), name=file_name)
        stats = run.stats
        counts = expected["counts"]
        assert (stats["client_hellos"], stats["server_hellos"], stats["certificate_messages"],
                stats["alert_records"]) == (
            counts["tls_client_hello"], counts["tls_server_hello"], counts["tls_cert_msgs"],
            counts["tls_alert_records"]), file_name
        handshakes = {h["stream"]: h for h in stats["handshakes"]}
        for stream, record_version, handshake_version, supported, cipher in (
                expected["server_hello"]):
            ours = handshakes[int(stream)]
            assert ours["server_hello_legacy_version"] == handshake_version, file_name
            assert (ours["server_hello_supported_version"] or "") == supported, file_name
            assert ours["cipher_suite_code"] == cipher, file_name
            assert record_version.startswith("0x03")
        for stream, sni, ja3 in expected["client_hello"]:
            ours = handshakes[int(stream)]
            assert (ours["sni"] or "", ours["ja3_hash"]) == (sni, ja3), file_name
        plaintext = [[str(a["packet"]), str(a["stream"]), "2" if a["level"] == "fatal" else "1",
                      str(a["code"])] for a in stats["alerts"] if not a["encrypted"]]
        assert plaintext == expected["alerts"], file_name
