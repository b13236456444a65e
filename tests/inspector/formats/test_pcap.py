"""inspector.formats.pcap: every container variant, every link type, bad input, and the corpus."""

from __future__ import annotations

import gzip
import io
import re
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats.pcap import (
    LINKTYPE_ETHERNET,
    LINKTYPE_IPV4,
    LINKTYPE_IPV6,
    LINKTYPE_LINUX_SLL,
    LINKTYPE_LINUX_SLL2,
    LINKTYPE_LOOP,
    LINKTYPE_NULL,
    LINKTYPE_RAW,
    CaptureError,
    Packet,
    PcapWriter,
    decode,
    frame_batches,
    l2tp_inner,
    read_packets,
)
from inspector.training.scenarios.packets import (
    ACK,
    PSH,
    SYN,
    Capture,
    dns_query,
    ethernet,
    icmp,
    ipv4,
    ipv6,
    syn_options,
    tcp,
    udp,
)
from tests.corpus import CORPUS

T0 = 1_794_906_000.0


def _tcp_packet(src="10.0.0.5", dst="10.0.0.80", payload=b"hello", flags=PSH | ACK) -> bytes:
    segment = tcp(src, dst, 50123, 443, seq=1000, ack=2000, flags=flags, window=501,
                  options=syn_options() if flags & SYN else b"", payload=payload)
    if ":" in src:
        return ipv6(src, dst, 6, segment)
    return ipv4(src, dst, 6, segment)


def _sample_capture() -> Capture:
    capture = Capture()
    capture.add(T0 + 0.000001, ethernet(_tcp_packet()))
    capture.add(T0 + 1.5, ethernet(_tcp_packet(payload=b"x" * 300)), snaplen=80)
    capture.add(T0 + 2.25, ethernet(ipv4("10.0.0.5", "10.0.0.53", 17, udp(
        "10.0.0.5", "10.0.0.53", 5000, 53, dns_query(1, "example.com")))))
    return capture


@pytest.mark.parametrize("nanosecond", [False, True])
@pytest.mark.parametrize("big_endian", [False, True])
def test_pcap_variants_read_back_frames_times_and_lengths(nanosecond, big_endian):
    capture = _sample_capture()
    packets = list(read_packets(io.BytesIO(capture.pcap(nanosecond=nanosecond,
                                                        big_endian=big_endian))))
    assert [p.index for p in packets] == [1, 2, 3]
    assert [p.time for p in packets] == pytest.approx([f.time for f in capture.frames],
                                                      abs=1e-6)
    assert packets[1].data == capture.frames[1].data[:80]
    assert packets[1].wire_length == len(capture.frames[1].data)
    assert {p.linktype for p in packets} == {LINKTYPE_ETHERNET}


def test_nanosecond_pcap_keeps_sub_microsecond_time():
    capture = Capture()
    capture.add(T0 + 0.123456789, ethernet(_tcp_packet()))
    [packet] = read_packets(io.BytesIO(capture.pcap(nanosecond=True)))
    assert packet.time - T0 == pytest.approx(0.123456789, abs=5e-7)
    assert packet.time != pytest.approx(T0 + 0.123457, abs=1e-7)


@pytest.mark.parametrize(("nanosecond", "fraction"), [(False, 123456), (True, 123456789)])
def test_frame_times_are_exact_integer_nanoseconds(nanosecond, fraction):
    """Two frames a microsecond (or a nanosecond) apart stay exactly that far apart, which a
    float of epoch seconds (a quarter-microsecond grain today) cannot promise."""
    out = io.BytesIO()
    writer = PcapWriter(out, LINKTYPE_ETHERNET, nanosecond=nanosecond)
    frame = ethernet(_tcp_packet())
    writer.write(1_794_906_000, fraction, frame)
    writer.write(1_794_906_000, fraction + 1, frame)
    [batch] = frame_batches(io.BytesIO(out.getvalue()))
    unit = 1 if nanosecond else 1000
    assert [time_ns for _, time_ns, *_ in batch] == [
        1_794_906_000 * 10**9 + fraction * unit, 1_794_906_000 * 10**9 + (fraction + 1) * unit]


@pytest.mark.parametrize(("resolution", "ticks", "expected_ns"), [
    (6, 1_794_906_000_123_456, 1_794_906_000_123_456_000),
    (9, 1_794_906_000_123_456_789, 1_794_906_000_123_456_789),
    (12, 123_456_789_012, 123_456_789),  # picoseconds
    (0x80 | 20, 3 << 19, 1_500_000_000)])  # 2^-20 s ticks: 1.5 s
def test_pcapng_resolutions_give_integer_nanoseconds(resolution, ticks, expected_ns):
    frame = ethernet(_tcp_packet())
    section = struct.pack("<IIIHHq", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1) + \
        struct.pack("<I", 28)
    options = struct.pack("<HHB3x", 9, 1, resolution) + struct.pack("<HH", 0, 0)
    interface = struct.pack("<HHI", LINKTYPE_ETHERNET, 0, 65535) + options
    interface = struct.pack("<II", 1, len(interface) + 12) + interface + \
        struct.pack("<I", len(interface) + 12)
    padded = frame + bytes(-len(frame) % 4)
    body = struct.pack("<IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(frame),
                       len(frame)) + padded
    packet = struct.pack("<II", 6, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
    [[(_, time_ns, *_)]] = frame_batches(io.BytesIO(section + interface + packet))
    assert time_ns == expected_ns


# --- writing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("nanosecond", "big_endian", "header"), [
    (False, False, "d4c3b2a1 0200 0400 00000000 00000000 ffff0000 65000000"),
    (True, False, "4d3cb2a1 0200 0400 00000000 00000000 ffff0000 65000000"),
    (False, True, "a1b2c3d4 0002 0004 00000000 00000000 0000ffff 00000065"),
    (True, True, "a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000065"),
])
def test_writer_header_is_the_classic_pcap_global_header(nanosecond, big_endian, header):
    out = io.BytesIO()
    PcapWriter(out, LINKTYPE_RAW, snaplen=65535, nanosecond=nanosecond, big_endian=big_endian)
    assert out.getvalue() == bytes.fromhex(header)


def test_an_empty_writer_is_a_capture_with_no_frames():
    out = io.BytesIO()
    PcapWriter(out)
    assert len(out.getvalue()) == 24
    assert struct.unpack_from("<I", out.getvalue(), 16)[0] == 262144  # no frame is cut
    assert list(read_packets(io.BytesIO(out.getvalue()))) == []


@pytest.mark.parametrize("nanosecond", [False, True])
@pytest.mark.parametrize("big_endian", [False, True])
def test_writer_records_read_back_with_their_times_and_lengths(nanosecond, big_endian):
    frame = ethernet(_tcp_packet(payload=b"x" * 300))
    out = io.BytesIO()
    writer = PcapWriter(out, nanosecond=nanosecond, big_endian=big_endian)
    fraction = 123_456_789 if nanosecond else 123_456
    writer.write(int(T0), fraction, frame)
    writer.write(int(T0) + 1, 0, frame[:54], wire_length=len(frame))
    first, second = read_packets(io.BytesIO(out.getvalue()))
    assert first.time == pytest.approx(T0 + 0.123456789, abs=1e-6)
    assert (first.data, first.wire_length) == (frame, len(frame))
    assert (second.time, second.data, second.wire_length) == (T0 + 1, frame[:54], len(frame))
    assert decode(second).payload_length == 300  # the IP header still says what was cut


def test_writer_writes_exactly_the_fields_it_is_given():
    out = io.BytesIO()
    PcapWriter(out).write(5, 999_999, b"abc", wire_length=1500)
    assert out.getvalue()[24:] == struct.pack("<IIII", 5, 999_999, 3, 1500) + b"abc"


@pytest.mark.parametrize("big_endian", [False, True])
def test_pcapng_several_interfaces_link_types_and_resolutions(big_endian):
    capture = Capture()
    capture.add(T0, ethernet(_tcp_packet()))
    capture.add(T0 + 1, _tcp_packet(), linktype=LINKTYPE_RAW)
    sll = struct.pack("!HHH8sH", 0, 1, 6, bytes(8), 0x0800) + _tcp_packet()
    capture.add(T0 + 2, sll, linktype=LINKTYPE_LINUX_SLL)
    data = capture.pcapng(big_endian=big_endian, nanosecond=True)
    packets = list(read_packets(io.BytesIO(data)))
    assert [p.linktype for p in packets] == [LINKTYPE_ETHERNET, LINKTYPE_RAW,
                                             LINKTYPE_LINUX_SLL]
    assert [p.time for p in packets] == pytest.approx([T0, T0 + 1, T0 + 2])
    assert all(decode(p).payload == b"hello" for p in packets)


def test_pcapng_second_section_resets_interfaces_and_numbering_continues():
    first = _sample_capture().pcapng()
    second = Capture()
    second.add(T0 + 10, _tcp_packet(), linktype=LINKTYPE_RAW)
    packets = list(read_packets(io.BytesIO(first + second.pcapng(big_endian=True))))
    assert [p.index for p in packets] == [1, 2, 3, 4]
    assert packets[3].linktype == LINKTYPE_RAW
    assert packets[3].time == pytest.approx(T0 + 10)


def _block(block_type: int, body: bytes) -> bytes:
    body += b"\x00" * (-len(body) % 4)
    return struct.pack("<II", block_type, len(body) + 12) + body + struct.pack("<I",
                                                                             len(body) + 12)


def _section_header() -> bytes:
    return _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def test_pcapng_binary_tsresol_offset_simple_and_obsolete_packet_blocks():
    frame = ethernet(_tcp_packet())
    tsresol = struct.pack("<HHB3x", 9, 1, 0x80 | 10)  # 2^-10 s per tick
    tsoffset = struct.pack("<HHq", 14, 8, 100)
    interface = _block(1, struct.pack("<HHI", LINKTYPE_ETHERNET, 0, 65535) + tsresol
                       + tsoffset + struct.pack("<HH", 0, 0))
    ticks = 1024 * 5 + 512
    enhanced = _block(6, struct.pack("<IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF,
                                     len(frame), len(frame)) + frame)
    simple = _block(3, struct.pack("<I", len(frame)) + frame)
    obsolete = _block(2, struct.pack("<HHIIII", 0, 0, 0, 1024, len(frame), len(frame)) + frame)
    statistics = _block(5, bytes(20))
    data = _section_header() + interface + enhanced + statistics + simple + obsolete
    packets = list(read_packets(io.BytesIO(data)))
    assert [p.index for p in packets] == [1, 2, 3]
    assert packets[0].time == pytest.approx(105.5)
    assert packets[2].time == pytest.approx(101.0)
    assert all(p.data == frame for p in packets)


def test_gzip_stream_is_read_through():
    data = gzip.compress(_sample_capture().pcap(), mtime=0)
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        assert len(list(read_packets(stream))) == 3


@pytest.mark.parametrize("cut", [30, 24 + 16 + 10, -5])
def test_truncated_pcap_yields_good_frames_then_raises(cut):
    data = _sample_capture().pcap()[:cut]
    read = []
    with pytest.raises(CaptureError) as error:
        read.extend(read_packets(io.BytesIO(data)))
    assert error.value.packets_read == len(read)
    if cut == -5:
        assert len(read) == 2


def test_truncated_pcapng_and_impossible_block_length():
    data = _sample_capture().pcapng()
    read = []
    with pytest.raises(CaptureError) as error:
        read.extend(read_packets(io.BytesIO(data[:-7])))
    assert error.value.packets_read == len(read) == 2
    broken = _section_header() + struct.pack("<II", 6, 7) + bytes(16)
    with pytest.raises(CaptureError, match="impossible length"):
        list(read_packets(io.BytesIO(broken)))


def test_unknown_file_and_undescribed_interface_are_capture_errors():
    with pytest.raises(CaptureError, match="not a pcap"):
        list(read_packets(io.BytesIO(b"GET / HTTP/1.1\r\n\r\n" * 3)))
    with pytest.raises(CaptureError, match="shorter"):
        list(read_packets(io.BytesIO(b"")))
    packet_without_interface = _section_header() + _block(6, bytes(20))
    with pytest.raises(CaptureError, match="interface 0"):
        list(read_packets(io.BytesIO(packet_without_interface)))


def test_huge_claimed_frame_is_refused_without_reading_it():
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    record = struct.pack("<IIII", 0, 0, 0x7FFFFFFF, 0x7FFFFFFF)
    with pytest.raises(CaptureError, match="claims"):
        list(read_packets(io.BytesIO(header + record)))


def _packet(linktype: int, data: bytes) -> Packet:
    return Packet(1, T0, linktype, data, len(data))


@pytest.mark.parametrize(("linktype", "frame"), [
    (LINKTYPE_ETHERNET, ethernet(_tcp_packet())),
    (LINKTYPE_ETHERNET, ethernet(_tcp_packet(), vlans=(100, 200))),
    (LINKTYPE_ETHERNET, ethernet(struct.pack("!BBHHH", 0x11, 0, 0x1234, 0, 0x0021)
                                 + _tcp_packet(), ethertype=0x8864)),
    (LINKTYPE_LINUX_SLL, struct.pack("!HHH8sH", 0, 1, 6, bytes(8), 0x0800) + _tcp_packet()),
    (LINKTYPE_LINUX_SLL2, struct.pack("!HHIHBB8s", 0x0800, 0, 2, 1, 0, 6, bytes(8))
     + _tcp_packet()),
    (LINKTYPE_RAW, _tcp_packet()),
    (12, _tcp_packet()),
    (LINKTYPE_IPV4, _tcp_packet()),
    (LINKTYPE_NULL, struct.pack("<I", 2) + _tcp_packet()),
    (LINKTYPE_NULL, struct.pack(">I", 2) + _tcp_packet()),
    (LINKTYPE_LOOP, struct.pack(">I", 2) + _tcp_packet()),
])
def test_decode_every_link_type_to_the_same_tcp_fields(linktype, frame):
    transport = decode(_packet(linktype, frame))
    assert (transport.ip_version, transport.src, transport.dst, transport.protocol) == (
        4, "10.0.0.5", "10.0.0.80", 6)
    assert (transport.src_port, transport.dst_port, transport.seq, transport.ack) == (
        50123, 443, 1000, 2000)
    assert (transport.tcp_flags, transport.window, transport.payload) == (
        PSH | ACK, 501, b"hello")
    assert transport.payload_length == 5


@pytest.mark.parametrize("linktype", [LINKTYPE_RAW, LINKTYPE_IPV6])
def test_decode_ipv6_with_extension_headers(linktype):
    segment = tcp("2001:db8::1", "2001:db8::2", 40000, 443, seq=7, flags=SYN,
                  options=syn_options())
    hop_by_hop = bytes([6, 0]) + bytes(6)  # next header TCP, 8 bytes long
    packet = ipv6("2001:db8::1", "2001:db8::2", 0, hop_by_hop + segment)
    transport = decode(_packet(linktype, packet))
    assert (transport.ip_version, transport.src, transport.dst) == (6, "2001:db8::1",
                                                                    "2001:db8::2")
    assert (transport.protocol, transport.dst_port, transport.tcp_flags) == (6, 443, SYN)
    assert transport.tcp_options == syn_options() + b"\x00\x00"  # padded to 4 bytes
    assert transport.payload_length == 0
    null_ipv6 = decode(_packet(LINKTYPE_NULL, struct.pack("<I", 30) + packet))
    assert null_ipv6.src == "2001:db8::1"


def test_decode_ipv4_options_fragments_snaplen_icmp_and_non_ip():
    segment = tcp("10.0.0.5", "10.0.0.80", 1, 2, seq=0, payload=b"y" * 1000)
    with_options = ipv4("10.0.0.5", "10.0.0.80", 6, segment, options=b"\x01\x01\x01\x00")
    transport = decode(_packet(LINKTYPE_RAW, with_options))
    assert transport.payload == b"y" * 1000
    cut = decode(Packet(1, T0, LINKTYPE_RAW, with_options[:100], len(with_options)))
    assert (len(cut.payload), cut.payload_length) == (100 - 24 - 20, 1000)
    later_fragment = bytearray(with_options)
    later_fragment[6:8] = struct.pack("!H", 185)
    assert decode(_packet(LINKTYPE_RAW, bytes(later_fragment))) is None
    message = icmp(3, 4, with_options[:28], rest=1400)
    unreachable = decode(_packet(LINKTYPE_RAW, ipv4("10.0.0.1", "10.0.0.5", 1, message)))
    assert (unreachable.protocol, unreachable.src_port, unreachable.payload[:2]) == (
        1, 0, b"\x03\x04")
    arp = ethernet(bytes(28), ethertype=0x0806)
    assert decode(_packet(LINKTYPE_ETHERNET, arp)) is None
    assert decode(_packet(147, _tcp_packet())) is None
    assert decode(_packet(LINKTYPE_ETHERNET, ethernet(_tcp_packet())[:30])) is None


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([0, 1, 12, 101, 108, 113, 228, 229, 276]))
def test_decode_never_raises_on_garbage(data, linktype):
    result = decode(_packet(linktype, data))
    assert result is None or result.ip_version in (4, 6)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200), st.integers(min_value=0, max_value=400))
def test_reader_only_raises_capture_error_on_corrupted_files(noise, position):
    data = bytearray(_sample_capture().pcapng())
    position = min(position, len(data))
    data[position:position + len(noise)] = noise
    try:
        for packet in read_packets(io.BytesIO(bytes(data))):
            assert packet.index >= 1
    except CaptureError as error:
        assert error.packets_read >= 0


def _reference_frames() -> dict[str, int]:
    text = (CORPUS / "reference" / "tshark-4.0.17.txt").read_text()
    return {name: int(frames) for name, frames in
            re.findall(r"^file=pcap/(\S+) frames=(\d+)", text, re.MULTILINE)}


@pytest.mark.corpus
def test_corpus_frame_counts_match_tshark_and_times_are_sane():
    if not (CORPUS / "reference").is_dir():
        pytest.skip("the shared corpus is not available")
    reference = _reference_frames()
    assert len(reference) >= 25
    for name, frames in reference.items():
        with (CORPUS / "pcap" / name).open("rb") as stream:
            packets = list(read_packets(stream))
        assert len(packets) == frames, name
        # Real captures from 2001 on: a wrong resolution or byte order gives absurd epochs.
        assert all(9.0e8 < packet.time < 2.0e9 for packet in packets), name


class _Trickle(io.RawIOBase):
    """A stream that returns at most ``most`` bytes per read, like a pipe or a decompressor."""

    def __init__(self, data: bytes, most: int) -> None:
        self._data = memoryview(data)
        self._position = 0
        self._most = most

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self._most if size < 0 else min(size, self._most)
        chunk = bytes(self._data[self._position:self._position + size])
        self._position += len(chunk)
        return chunk


def _large_capture() -> tuple[Capture, list[bytes]]:
    """Over 1.5 MiB of frames of every size, so records straddle the reader's 1 MiB chunks."""
    capture = Capture()
    frames = []
    for number in range(2200):
        frame = ethernet(_tcp_packet(payload=bytes([number % 251]) * (number * 7 % 1400)))
        frames.append(frame)
        capture.add(T0 + number * 0.001, frame)
    return capture, frames


@pytest.mark.parametrize("container", ["pcap", "pcap-be-ns", "pcapng", "pcapng-be"])
@pytest.mark.parametrize("most", [None, 1000, 7])
def test_large_capture_reads_whole_through_chunks_and_short_reads(container, most):
    capture, frames = _large_capture()
    data = {"pcap": lambda: capture.pcap(),
            "pcap-be-ns": lambda: capture.pcap(big_endian=True, nanosecond=True),
            "pcapng": lambda: capture.pcapng(),
            "pcapng-be": lambda: capture.pcapng(big_endian=True)}[container]()
    assert len(data) > 3 << 19
    stream = io.BytesIO(data) if most is None else _Trickle(data, most)
    packets = list(read_packets(stream))
    assert [p.index for p in packets] == list(range(1, len(frames) + 1))
    assert [p.data for p in packets] == frames
    assert [p.wire_length for p in packets] == [len(frame) for frame in frames]
    assert packets[-1].time == pytest.approx(T0 + 2.199)


@pytest.mark.parametrize("container", ["pcap", "pcapng"])
def test_batches_are_the_frames_in_order_and_end_before_the_error(container):
    capture, frames = _large_capture()
    data = capture.pcap() if container == "pcap" else capture.pcapng()
    batches = list(frame_batches(io.BytesIO(data)))
    assert len(batches) > 2 and all(batches)
    assert [(index, time_ns / 10**9, *rest) for batch in batches
            for index, time_ns, *rest in batch] == [
        (p.index, p.time, p.linktype, p.data, p.wire_length)
        for p in read_packets(io.BytesIO(data))]
    # Cut in the middle of a record past the first chunk: every frame before it is handed
    # over, then the error says how many.
    read = []
    with pytest.raises(CaptureError) as error:
        for batch in frame_batches(io.BytesIO(data[:len(data) * 2 // 3])):
            read.extend(batch)
    assert error.value.packets_read == len(read) > 1000
    assert [frame[3] for frame in read] == frames[:len(read)]


def test_pcapng_bad_interface_after_many_good_blocks_keeps_them():
    capture, frames = _large_capture()
    data = capture.pcapng() + _block(6, struct.pack("<IIIII", 7, 0, 0, 4, 4) + bytes(4))
    read = []
    with pytest.raises(CaptureError, match="interface 7") as error:
        read.extend(read_packets(io.BytesIO(data)))
    assert error.value.packets_read == len(read) == len(frames)


@pytest.mark.parametrize(("header", "ppp"), [
    ("0002" "05f7" "206a", "ff03" "0057"),  # plain data message, PPP address and control
    ("4802" "0042" "05f7" "206a" "0001" "0002", "0057"),  # length, sequence; ACFC
    ("0202" "05f7" "206a" "0003" "000000", "57"),  # offset and padding; PFC
])
def test_l2tp_carries_its_ppp_packet(header, ppp):
    inner = ipv6("2001:db8::1", "2001:db8::2", 6, bytes(20))
    assert l2tp_inner(bytes.fromhex(header + ppp) + inner) == inner


def test_l2tp_control_and_other_payloads_are_not_followed():
    inner = ipv4("10.0.0.1", "10.0.0.2", 6, bytes(20))
    assert l2tp_inner(bytes.fromhex("c802" "0014" "0000" "0000") + inner) is None  # control
    assert l2tp_inner(bytes.fromhex("0003" "05f7" "206a" "0021") + inner) is None  # L2TPv3
    assert l2tp_inner(bytes.fromhex("0002" "05f7" "206a" "c021") + bytes(20)) is None  # LCP
