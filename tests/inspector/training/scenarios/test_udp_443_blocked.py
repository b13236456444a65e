"""The UDP-443-blocked scenario: its key holds, nothing else is raised, and tshark reads its
QUIC and TLS as the analyzers do."""

from __future__ import annotations

import subprocess

import pytest

from analyzers.network import NetworkAnalyzer
from analyzers.tls import TlsAnalyzer
from inspector.testing import run_analyzer
from inspector.training.scenarios.udp_443_blocked import CAPTURE_PATH, SCENARIO
from tests.analyzers.network.lossy import need_tshark


@pytest.fixture(scope="module")
def built():
    return SCENARIO.build(SCENARIO.rng())


@pytest.fixture(scope="module")
def runs(built):
    data = built.files[CAPTURE_PATH]
    return (run_analyzer(NetworkAnalyzer(), data, name=CAPTURE_PATH),
            run_analyzer(TlsAnalyzer(), data, name=CAPTURE_PATH))


def test_the_key_fires_with_its_evidence_and_nothing_else(built, runs):
    network, tls = runs
    assert network.rules() == set(built.rules) and not tls.rules()
    cited = {e.locator.index for f in network.findings for e in f.evidence}
    assert {key["locator"]["index"] for key in built.evidence} <= cited
    shop = next(f for f in network.findings if f.facts["server"] == "203.0.113.50")
    assert "UDP is blocked" in shop.title and shop.facts["attempts"] == 3


def test_the_two_browsers_differ_by_transport(runs):
    _network, tls = runs
    stats = tls.stats
    assert stats["outcomes"] == {"established": 12, "incomplete": 6}
    over: dict[str, set[str]] = {}
    for handshake in stats["handshakes"]:
        over.setdefault(handshake["transport"], set()).add(handshake["ja4"][:11])
    assert over["quic"] == {"q13d0308h3_"}
    assert over["tcp"] == {"t13d0907h2_", "t13d0707h2_"}


def test_tshark_counts_the_same_hellos(built, tmp_path, runs):
    path = tmp_path / "scenario.pcapng"
    path.write_bytes(built.files[CAPTURE_PATH])
    counts = [len(subprocess.run(
        [need_tshark(), "-n", "-r", str(path), "-Y", f"tls.handshake.type=={kind}", "-T",
         "fields", "-e", "frame.number"], capture_output=True, text=True,
        check=True).stdout.split()) for kind in (1, 2)]
    stats = runs[1].stats
    assert counts == [stats["client_hellos"], stats["server_hellos"]] == [18, 12]
