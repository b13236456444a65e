"""analyzers.network.stats: the counters and the conversation list."""

from __future__ import annotations

import pytest

from inspector.training.scenarios.packets import Capture
from tests.analyzers.network.traffic import CLIENT, T0, analyze, healthy


def test_healthy_connection_stats_and_conversation():
    capture = Capture()
    healthy(capture, T0, 50000)
    run = analyze(capture)
    stats = run.stats
    # handshake 3, request 1, response 3 segments, ACK 1, close 3
    assert (stats["packets"], stats["tcp_streams"], stats["syn"], stats["synack"]) == (
        11, 1, 1, 1)
    assert stats["retransmission"] == stats["duplicate_ack"] == stats["rst"] == 0
    [conversation] = stats["conversations"]
    assert conversation["client"] == CLIENT and conversation["server_port"] == 443
    assert conversation["handshake_rtt"] == pytest.approx(0.01)
    assert conversation["ended"] == "fin"
    assert conversation["packets_to_server"] + conversation["packets_to_client"] == 11
    assert conversation["start"] == "2026-11-17T09:00:00Z"
    assert not run.findings and not run.events


def test_conversations_are_capped_first_streams_first(monkeypatch):
    monkeypatch.setattr("analyzers.network.stats.MAX_CONVERSATIONS", 2)
    capture = Capture()
    for number in range(3):
        healthy(capture, T0 + number, 50000 + number)
    run = analyze(capture)
    assert [c["client_port"] for c in run.stats["conversations"]] == [50000, 50001]
    assert run.stats["conversations_left_out"] == 1
    assert run.stats["tcp_streams"] == 3
