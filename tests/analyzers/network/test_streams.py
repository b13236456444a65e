"""analyzers.network.streams: a stream's state, how its first reset is told, its timings."""

from __future__ import annotations

import pytest

from analyzers.network.streams import Stream

SECOND = 1_000_000_000


def _stream() -> Stream:
    return Stream(0, 1, 5 * SECOND, "10.0.0.5", 50000, "10.0.0.80", 443)


def test_a_reset_answering_the_syn_is_a_refusal():
    stream = _stream()
    stream.syn_frame = 1
    assert stream.reset_by(False, 2) == "10.0.0.80:443 refused a connection from 10.0.0.5"
    assert (stream.ended, stream.reset_frame) == ("refused", 2)


@pytest.mark.parametrize(("forward", "words", "ended"), [
    (True, "client reset the connection 10.0.0.5:50000 -> 10.0.0.80:443", "reset-by-client"),
    (False, "server reset the connection 10.0.0.5:50000 -> 10.0.0.80:443", "reset-by-server")])
def test_a_reset_after_data_says_who(forward, words, ended):
    stream = _stream()
    stream.syn_frame, stream.synack_frame = 1, 2
    stream.forward.first_data_ns = 6 * SECOND
    assert stream.reset_by(forward, 9) == words and stream.ended == ended


def test_a_reset_of_a_stream_seen_without_handshake_or_data():
    stream = _stream()
    assert stream.reset_by(True, 3) == "reset on 10.0.0.5:50000 -> 10.0.0.80:443"


def test_times_are_nanoseconds_with_seconds_views():
    stream = _stream()
    stream.syn_ns, stream.synack_ns = 5 * SECOND, 5 * SECOND + 1_000
    stream.request_end_ns, stream.response_ns = 6 * SECOND, 6 * SECOND + 250_000_001
    assert (stream.start_time, stream.syn_time, stream.handshake_ack_time) == (5.0, 5.0, None)
    assert stream.synack_time - stream.syn_time == pytest.approx(1e-6)
    assert stream.response_delay() == 0.25
    assert stream.forward.first_data_time is None
