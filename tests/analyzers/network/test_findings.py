"""analyzers.network.findings: every TCP and ICMP rule on generated traffic, and on the corpus
captures that are textbook cases of it."""

from __future__ import annotations

import pytest

from inspector.model import PacketLocator
from inspector.training.scenarios.packets import ACK, PSH, Capture
from tests.analyzers.network.traffic import (
    T0,
    analyze,
    analyze_corpus,
    client_flow,
    healthy,
)
from tests.corpus import CORPUS


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "rule_id", "words"), [
    ("tcp_refuseconnection.pcapng", "tcp.connection-refused", "refused"),
    ("nowebaccess2.pcapng", "tcp.connection-refused", "refused"),
    ("nowebaccess3.pcapng", "tcp.no-response", "No answer"),
    ("tcp_retransmissions.pcapng", "tcp.retransmissions", "retransmitted"),
    ("tcp_zerowindowdead.pcapng", "tcp.zero-window", "never recovered"),
    ("tcp_zerowindowrecovery.pcapng", "tcp.zero-window", "recovered"),
    ("http_content_length.pcap", "tcp.reset", "reset"),
    ("nb6-http.pcap", "icmp.unreachable", "port unreachable"),
])
def test_textbook_captures_give_their_finding(name, rule_id, words):
    if not (CORPUS / "pcap" / name).is_file():
        pytest.skip("the shared corpus is not available")
    [finding, *_] = analyze_corpus(name).by_rule(rule_id)
    assert words in finding.title
    assert finding.evidence and all(isinstance(e.locator, PacketLocator)
                                    for e in finding.evidence)
    assert finding.remediation


@pytest.mark.corpus
def test_healthy_corpus_captures_raise_no_connectivity_findings():
    names = ["tcp_handshake.pcapng", "tcp_teardown.pcapng", "http_google.pcapng",
             "dns_query_response.pcapng", "latency1.pcapng"]
    if not (CORPUS / "pcap").is_dir():
        pytest.skip("the shared corpus is not available")
    for name in names:
        assert not analyze_corpus(name).rules() & {
            "tcp.connection-refused", "tcp.no-response", "tcp.reset", "dns.nxdomain",
            "dns.servfail", "dns.no-response"}, name


def test_refused_and_unanswered_connections_name_host_port_and_packets():
    capture = Capture()
    healthy(capture, T0, 50000)
    for attempt in range(3):
        client_flow(capture, 50100 + attempt, 8080).refuse(T0 + 1 + attempt, rtt=0.001)
    silent = client_flow(capture, 50200, 9000, server="10.0.0.99")
    silent.syn(T0 + 5)
    silent.packet(T0 + 6, True, 0x02, seq=silent.next_seq[True] - 1)  # SYN retransmitted
    run = analyze(capture)
    [refused] = run.by_rule("tcp.connection-refused")
    assert refused.title == "10.0.0.80 refused 3 connections on port 8080"
    assert refused.count == 3
    assert [e.locator.index for e in refused.evidence] == [12, 13, 14, 15, 16, 17]
    [silence] = run.by_rule("tcp.no-response")
    assert "10.0.0.99" in silence.title and "9000" in silence.title
    assert silence.facts["syn_packets"] == 2
    assert run.stats["retransmission"] == 1
    ended = [c["ended"] for c in run.stats["conversations"]]
    assert ended == ["fin", "refused", "refused", "refused", "unanswered-syn"]
    assert [event.message for event in run.events] == [
        "10.0.0.80:8080 refused a connection from 10.0.0.5"] * 3 + [
        "no answer to SYN 10.0.0.5:50200 -> 10.0.0.99:9000"]
    assert [event.locator.index for event in run.events] == [13, 15, 17, 18]


def test_reset_mid_connection_says_which_side():
    capture = Capture()
    flow = client_flow(capture, 50000)
    ready = flow.handshake(T0, rtt=0.01)
    flow.send(ready + 0.001, b"POST /orders HTTP/1.1\r\n\r\n")
    flow.reset(ready + 0.2, from_client=False)
    run = analyze(capture)
    [reset] = run.by_rule("tcp.reset")
    assert reset.title == "Server 10.0.0.80 reset 1 connection on port 443"
    assert reset.facts["reset_by"] == "server"
    assert reset.evidence[0].locator.index == 5
    assert run.stats["conversations"][0]["ended"] == "reset-by-server"
    assert run.stats["rst_streams"] == 1


def test_resets_to_one_server_are_one_finding_citing_every_reset():
    """17 connections to one server reset (12 by the server, 5 by the client, as a proxy
    timing out both ways does) are one root cause: one finding, 17 packets of evidence."""
    capture = Capture()
    for number in range(17):
        flow = client_flow(capture, 51000 + number)
        ready = flow.handshake(T0 + number, rtt=0.01)
        flow.send(ready + 0.001, b"GET /stream HTTP/1.1\r\n\r\n")
        flow.reset(ready + 0.5, from_client=number % 4 == 0)
    healthy(capture, T0 + 30, 52000)
    run = analyze(capture)
    [reset] = run.by_rule("tcp.reset")
    assert reset.title == ("17 connections to 10.0.0.80:443 were reset (12 by the server, "
                           "5 by clients)")
    assert reset.count == 17
    assert (reset.facts["reset_by"], reset.facts["reset_by_server"],
            reset.facts["reset_by_client"]) == ("both", 12, 5)
    resets = [c["last_packet"] for c in run.stats["conversations"]
              if c["ended"].startswith("reset")]
    assert [e.locator.index for e in reset.evidence] == resets
    assert sum(e.excerpt == "RST from the client" for e in reset.evidence) == 5


def test_retransmission_rate_above_threshold_is_a_finding():
    capture = Capture()
    for number in range(5):
        flow = client_flow(capture, 50000 + number)
        ready = flow.handshake(T0 + number, rtt=0.01)
        seq = flow.next_seq[False]
        flow.send(ready + 0.001, bytes(4000), from_client=False)
        flow.packet(ready + 0.3, False, PSH | ACK, bytes(1460), seq=seq)  # timeout resend
        flow.ack(ready + 0.31)
    healthy(capture, T0 + 10, 51000)
    run = analyze(capture)
    [finding] = run.by_rule("tcp.retransmissions")
    assert finding.count == 5 == run.stats["retransmission"]
    assert finding.facts["segments"] == 5 * (4 + 2)  # data with the resend, SYN, SYN-ACK
    assert "10.0.0.80:443" in finding.title
    assert run.stats["spurious_retransmission"] == 0


def _zero_window(recover: bool) -> Capture:
    capture = Capture()
    flow = client_flow(capture, 50000)
    ready = flow.handshake(T0, rtt=0.01)
    flow.send(ready + 0.001, bytes(2000), from_client=False)
    flow.packet(ready + 0.002, True, ACK, window=0)
    if recover:
        flow.packet(ready + 0.5, True, ACK, window=65536)
    return capture


@pytest.mark.parametrize("recover", [False, True])
def test_zero_window_dead_or_recovered(recover):
    run = analyze(_zero_window(recover))
    [finding] = run.by_rule("tcp.zero-window")
    assert finding.facts["receiver"] == "10.0.0.5:50000"
    assert finding.facts["recovered"] is recover
    assert ("never recovered" in finding.title) is not recover
    assert finding.severity.value == ("medium" if recover else "high")
    assert [e.locator.index for e in finding.evidence] == ([6, 7] if recover else [6])
    assert run.stats["zero_window"] == 1


def test_slow_handshake_and_server_side_latency():
    capture = Capture()
    flow = client_flow(capture, 50000)
    ready = flow.handshake(T0, rtt=0.8)
    flow.send(ready + 0.001, b"GET /report HTTP/1.1\r\n\r\n")
    other = client_flow(capture, 50001, 8443)
    ready2 = other.handshake(T0 + 2, rtt=0.002)
    other.send(ready2 + 0.001, b"GET /report HTTP/1.1\r\n\r\n")
    other.send(ready2 + 3.001, b"HTTP/1.1 200 OK\r\n\r\n", from_client=False)
    run = analyze(capture)
    [slow] = run.by_rule("tcp.slow-handshake")
    assert "10.0.0.80:443" in slow.title and slow.facts["worst_seconds"] == pytest.approx(0.8)
    [latency] = run.by_rule("net.server-latency")
    assert latency.facts["where"] == "server"
    assert latency.facts["response_seconds"] == pytest.approx(3.0)
    assert "10.0.0.80:8443" in latency.title
