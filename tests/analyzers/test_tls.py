"""Tests for analyzers/tls.py: parsing, reassembly, findings, the sample scenario, and
conformance with tshark (the corpus reference file, and tshark itself when installed)."""

from __future__ import annotations

import random
import re
import shutil
import ssl
import subprocess
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzers.tls import (
    TlsAnalyzer,
    chain_problem,
    hostname_matches,
    parse_client_hello,
    split_certificate_list,
)
from inspector.formats.protocols import is_grease
from inspector.model import PacketLocator
from inspector.testing import run_analyzer
from inspector.training.scenarios.packets import ACK, PSH, Capture, TcpFlow
from inspector.training.scenarios.tls_expired_certificate import CAPTURE_PATH, SCENARIO
from tests.corpus import CORPUS

CAPTURE_TIME = datetime(2026, 11, 17, 9, 0, 0, tzinfo=UTC)
CLIENT, SERVER = ("192.0.2.10", 51000), ("198.51.100.20", 8443)


# --- building TLS bytes by hand ---------------------------------------------------------------


def vector(data: bytes, size: int) -> bytes:
    return len(data).to_bytes(size, "big") + data


def u16s(values) -> bytes:
    return b"".join(v.to_bytes(2, "big") for v in values)


def record(content_type: int, body: bytes, version: int = 0x0303) -> bytes:
    return bytes([content_type]) + version.to_bytes(2, "big") + vector(body, 2)


def handshake(message_type: int, body: bytes) -> bytes:
    return bytes([message_type]) + vector(body, 3)


def client_hello(sni: str | None = "api.example.com", *, legacy: int = 0x0303,
                 versions=(0x0304, 0x0303), ciphers=(0x1301, 0xC02F, 0xC030),
                 grease: bool = False) -> bytes:
    extensions = []
    if grease:
        extensions.append((0x3A3A, b""))
    if sni:
        extensions.append((0, vector(b"\x00" + vector(sni.encode(), 2), 2)))
    extensions.append((10, vector(u16s(([0x1A1A] if grease else []) + [29, 23]), 2)))
    extensions.append((11, vector(b"\x00", 1)))
    extensions.append((16, vector(vector(b"h2", 1) + vector(b"http/1.1", 1), 2)))
    if versions:
        extensions.append((43, vector(u16s(([0x7A7A] if grease else []) + list(versions)), 1)))
    body = (legacy.to_bytes(2, "big") + bytes(range(32)) + vector(b"", 1)
            + vector(u16s(([0x2A2A] if grease else []) + list(ciphers)), 2)
            + vector(b"\x00", 1)
            + vector(b"".join(t.to_bytes(2, "big") + vector(d, 2) for t, d in extensions), 2))
    return handshake(1, body)


def server_hello(version: int = 0x0303, cipher: int = 0xC02F) -> bytes:
    return handshake(2, version.to_bytes(2, "big") + bytes(32) + vector(bytes(32), 1)
                     + cipher.to_bytes(2, "big") + b"\x00" + vector(b"", 2))


def certificate_message(chain: list[x509.Certificate]) -> bytes:
    return handshake(11, vector(b"".join(
        vector(c.public_bytes(serialization.Encoding.DER), 3) for c in chain), 3))


def name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_certificate(subject: str, key, issuer: str, issuer_key, *, days=(-30, 300),
                     dns_names=(), ca=False) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(CAPTURE_TIME + timedelta(days=days[0]))
               .not_valid_after(CAPTURE_TIME + timedelta(days=days[1]))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if dns_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def pki():
    root_key, intermediate_key, leaf_key = (ec.generate_private_key(ec.SECP256R1())
                                            for _ in range(3))
    root = make_certificate("Test Root", root_key, "Test Root", root_key, ca=True,
                            days=(-900, 3000))
    intermediate = make_certificate("Test Issuing CA", intermediate_key, "Test Root", root_key,
                                    ca=True, days=(-600, 2000))
    return {"root": root, "root_key": root_key, "intermediate": intermediate,
            "intermediate_key": intermediate_key, "leaf_key": leaf_key}


def leaf(pki, **options) -> x509.Certificate:
    options.setdefault("dns_names", ("api.example.com",))
    return make_certificate("api.example.com", pki["leaf_key"], "Test Issuing CA",
                            pki["intermediate_key"], **options)


def tls_capture(client_bytes: bytes, server_bytes: bytes, *, after=(), mss: int = 1460,
                segments=None, close: str = "fin") -> bytes:
    """A capture of one connection: handshake, the client's bytes, the server's bytes
    (in ``segments``' (offset, length) order when given), then ``after`` and the close."""
    capture = Capture()
    flow = TcpFlow(capture, *CLIENT, *SERVER, client_isn=4_294_967_000, mss=mss)
    time = flow.handshake(CAPTURE_TIME.timestamp(), 0.01) + 0.001
    flow.send(time, client_bytes)
    time += 0.01
    if segments is None:
        flow.send(time, server_bytes, from_client=False)
    else:
        base = flow.next_seq[False]
        for offset, length in segments:
            time += 0.0001
            flow.packet(time, False, PSH | ACK, server_bytes[offset:offset + length],
                        seq=(base + offset) & 0xFFFFFFFF)
        flow.next_seq[False] = (base + len(server_bytes)) & 0xFFFFFFFF
    for from_client, data in after:
        time += 0.01
        flow.send(time, data, from_client=from_client)
    time += 0.01
    if close == "fin":
        flow.close(time, 0.01)
    elif close == "rst":
        flow.reset(time, from_client=False)
    return capture.pcap()


def analyze(data: bytes, name: str = "capture.pcap"):
    return run_analyzer(TlsAnalyzer(), data, name=name)


def server_flight(pki, chain=None, *, version=0x0303, cipher=0xC02F) -> bytes:
    chain = chain if chain is not None else [leaf(pki), pki["intermediate"]]
    return record(22, server_hello(version, cipher) + certificate_message(chain)
                  + handshake(14, b""))


FATAL_ALERT = {"certificate_expired": record(21, b"\x02\x2d"),
               "unknown_ca": record(21, b"\x02\x30")}


# --- parsing -----------------------------------------------------------------------------------


def test_client_hello_from_openssl_is_parsed():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.set_alpn_protocols(["h2", "http/1.1"])
    client = context.wrap_bio(ssl.MemoryBIO(), outgoing := ssl.MemoryBIO(),
                              server_hostname="shop.example.org")
    with pytest.raises(ssl.SSLWantReadError):
        client.do_handshake()
    data = outgoing.read()
    hello = parse_client_hello(data[9:])
    assert hello.server_name == "shop.example.org"
    assert hello.alpn == ["h2", "http/1.1"]
    assert 0x0304 in hello.offered_versions and 0x0303 in hello.offered_versions
    assert len(hello.cipher_suites) > 3
    version, ciphers, extensions, groups, formats = hello.ja3.split(",")
    assert groups.split("-") == [str(g) for g in hello.supported_groups]
    assert formats == "-".join(str(f) for f in hello.ec_point_formats)
    assert version == "771"
    assert ciphers.split("-") == [str(c) for c in hello.cipher_suites]
    assert extensions.split("-") == [str(e) for e in hello.extensions]
    assert re.fullmatch(r"[0-9a-f]{32}", hello.ja3_hash)


def test_ja3_leaves_out_grease_everywhere():
    plain = parse_client_hello(client_hello(grease=False)[4:])
    greased = parse_client_hello(client_hello(grease=True)[4:])
    assert any(is_grease(c) for c in greased.cipher_suites)
    assert greased.ja3 == plain.ja3
    assert greased.ja3_hash == plain.ja3_hash
    assert greased.offered_versions == [0x0304, 0x0303]


@pytest.mark.parametrize(("hostname", "names", "expected"), [
    ("api.example.com", ["api.example.com"], True),
    ("API.Example.COM.", ["api.example.com"], True),
    ("api.example.com", ["*.example.com"], True),
    ("example.com", ["*.example.com"], False),
    ("a.b.example.com", ["*.example.com"], False),
    ("api.example.com", ["*.com"], False),
    ("api.example.com", ["a*.example.com"], False),
    ("api.example.com", ["www.example.com", "example.com"], False),
    ("api.example.com", [], False),
])
def test_hostname_matching_follows_rfc_6125(hostname, names, expected):
    assert hostname_matches(hostname, names) is expected


def test_certificate_list_round_trips(pki):
    chain = [leaf(pki), pki["intermediate"]]
    body = certificate_message(chain)[4:]
    assert split_certificate_list(body) == [c.public_bytes(serialization.Encoding.DER)
                                            for c in chain]


def test_chain_problem_names_the_missing_issuer(pki):
    der = serialization.Encoding.DER
    good = [leaf(pki).public_bytes(der), pki["intermediate"].public_bytes(der)]
    assert chain_problem(good) is None
    assert "CN=Test Issuing CA" in chain_problem(good[:1])
    assert "did not issue it" in chain_problem([good[0], pki["root"].public_bytes(der)])


def test_certificates_cryptography_cannot_read_are_reported_not_fatal(pki):
    """Found by mutating the sample captures: a curve no one implements and a name whose
    value has the wrong ASN.1 tag (``cryptography`` reads names lazily and raises then)."""
    der = serialization.Encoding.DER
    p256 = bytes.fromhex("06082a8648ce3d030107")  # the OID of prime256v1
    leaf_der = leaf(pki).public_bytes(der)
    unknown_curve = leaf_der.replace(p256, bytes.fromhex("06082a8648ce3d030109"))
    intermediate = pki["intermediate"].public_bytes(der)
    subject = intermediate.find(b"\x0c\x0fTest Issuing CA")
    bad_name = intermediate[:subject] + b"\x02" + intermediate[subject + 1:]  # an INTEGER
    assert chain_problem([unknown_curve, bad_name]) is None  # too broken to judge
    # X.509 v86: cryptography raises InvalidVersion, which is not a ValueError.
    version = intermediate.find(bytes.fromhex("a003020102"))
    bad_version = intermediate[:version + 4] + b"\x56" + intermediate[version + 5:]
    assert chain_problem([unknown_curve, bad_version]) is None
    flight = record(22, server_hello(0x0303, 0xC02F) + handshake(11, vector(
        vector(unknown_curve, 3) + vector(bad_name, 3) + vector(bad_version, 3), 3))
        + handshake(14, b""))
    run = analyze(tls_capture(record(22, client_hello()), flight))
    (described,) = run.stats["certificates"]  # the unreadable one is left out, and said
    assert described["subject"] == "CN=api.example.com" and described["key_type"] == "unknown"
    assert any("unreadable certificate" in warning for warning in run.context.warnings)
    assert run.stats["server_hellos"] == 1


# --- reassembly -----------------------------------------------------------------------------------


def test_healthy_handshake_gives_stats_and_no_findings(pki):
    run = analyze(tls_capture(record(22, client_hello()), server_flight(pki),
                              after=[(True, record(20, b"\x01")), (False, record(20, b"\x01")),
                                     (True, record(23, bytes(40)))]))
    stats = run.stats
    assert (stats["client_hellos"], stats["server_hellos"]) == (1, 1)
    [connection] = stats["handshakes"]
    assert connection["client"] == "192.0.2.10:51000"
    assert connection["server"] == "198.51.100.20:8443"
    assert connection["sni"] == "api.example.com"
    assert connection["alpn_offered"] == ["h2", "http/1.1"]
    assert connection["version"] == "TLS 1.2"
    assert connection["cipher_suite"] == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    assert connection["outcome"] == "established"
    assert [c["subject"] for c in stats["certificates"]] == ["CN=api.example.com",
                                                             "CN=Test Issuing CA"]
    assert stats["certificates"][0]["dns_names"] == ["api.example.com"]
    assert stats["certificates"][0]["key_type"] == "EC"
    assert run.findings == [] and run.events == [] and run.context.warnings == []
    orjson.dumps(stats)


def test_certificate_spanning_reordered_overlapping_segments_is_reassembled(pki):
    names = (*(f"host{i}.example.com" for i in range(150)), "api.example.com")
    big_chain = [leaf(pki, dns_names=names), pki["intermediate"]]
    messages = server_hello() + certificate_message(big_chain) + handshake(14, b"")
    # The Certificate message spans two records, and the records many segments.
    flight = record(22, messages[:2000]) + record(22, messages[2000:])
    rng = random.Random(7)
    pieces = [(offset, 300) for offset in range(0, len(flight), 300)]
    rng.shuffle(pieces)
    # retransmissions and overlapping segments the sender re-cut on the way
    pieces += [(0, 900), (450, 450), (1200, 2), pieces[0]]
    in_order = analyze(tls_capture(record(22, client_hello()), flight, mss=536))
    scrambled = analyze(tls_capture(record(22, client_hello()), flight, segments=pieces))
    for run in (in_order, scrambled):
        stats = run.stats
        assert stats["certificate_messages"] == 1
        assert len(stats["certificates"][0]["dns_names"]) == 151
        assert run.context.warnings == []
    # The Certificate completes in the frame that filled its last gap, as Wireshark says:
    # frames 1-3 are the TCP handshake, 4 the ClientHello, then one frame per piece.
    certificate_end = 10 + len(server_hello()) + len(certificate_message(big_chain))
    covered: set[int] = set()
    completing_frame = None
    for frame, (offset, length) in enumerate(pieces, start=5):
        covered.update(range(offset, min(offset + length, len(flight))))
        if covered.issuperset(range(certificate_end)):
            completing_frame = frame
            break
    assert scrambled.stats["certificates"][0]["packet"] == completing_frame


def test_tls_is_recognized_on_any_port_and_plain_traffic_is_ignored(pki):
    capture = Capture()
    web = TcpFlow(capture, "192.0.2.10", 40000, "198.51.100.9", 443)
    web.send(web.handshake(CAPTURE_TIME.timestamp(), 0.01), b"GET / HTTP/1.1\r\n\r\n")
    tls = TcpFlow(capture, "192.0.2.10", 40001, "198.51.100.9", 5671)
    tls.send(tls.handshake(CAPTURE_TIME.timestamp() + 1, 0.01), record(22, client_hello()))
    stats = analyze(capture.pcap()).stats
    assert stats["connections"] == 1
    assert stats["handshakes"][0]["server"] == "198.51.100.9:5671"
    assert stats["handshakes"][0]["stream"] == 1


# --- findings -------------------------------------------------------------------------------------


def test_expired_certificate_is_judged_by_capture_time_and_alert_explained(pki):
    expired = leaf(pki, days=(-400, -1))
    run = analyze(tls_capture(record(22, client_hello()),
                              server_flight(pki, [expired, pki["intermediate"]]),
                              after=[(True, FATAL_ALERT["certificate_expired"])]))
    assert run.rules() == {"tls.certificate-expired", "tls.handshake-failure"}
    [finding] = run.by_rule("tls.certificate-expired")
    assert finding.facts["not_after"] == (CAPTURE_TIME - timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    assert "certificate_expired" in finding.detail
    [failure] = run.by_rule("tls.handshake-failure")
    assert failure.facts["sender"] == "client" and failure.facts["alert"] == "certificate_expired"
    assert "expired" in failure.detail
    alert_packet = run.stats["alerts"][0]["packet"]
    assert PacketLocator(alert_packet) in [e.locator for e in failure.evidence]
    [event] = run.events
    assert event.locator == PacketLocator(alert_packet)
    assert "certificate_expired" in event.message


def test_valid_certificate_in_an_old_capture_is_not_expired(pki):
    # Valid at capture time although long expired today: nothing to report.
    old = leaf(pki, days=(-10, 10))
    run = analyze(tls_capture(record(22, client_hello()), server_flight(pki, [
        old, pki["intermediate"]])))
    assert "tls.certificate-expired" not in run.rules()


def test_not_yet_valid_hostname_self_signed_incomplete_chain(pki):
    future = leaf(pki, days=(2, 300), dns_names=("www.example.com", "*.internal.example.com"))
    self_signed = make_certificate("api.example.com", pki["leaf_key"], "api.example.com",
                                   pki["leaf_key"], dns_names=("api.example.com",))
    runs = {
        "future": analyze(tls_capture(record(22, client_hello()),
                                      server_flight(pki, [future, pki["intermediate"]]))),
        "self": analyze(tls_capture(record(22, client_hello()),
                                    server_flight(pki, [self_signed]))),
        "alone": analyze(tls_capture(record(22, client_hello()),
                                     server_flight(pki, [leaf(pki)]),
                                     after=[(True, FATAL_ALERT["unknown_ca"])])),
    }
    assert runs["future"].rules() == {"tls.certificate-not-yet-valid",
                                      "tls.certificate-hostname-mismatch"}
    mismatch = runs["future"].by_rule("tls.certificate-hostname-mismatch")[0]
    assert mismatch.facts["sni"] == "api.example.com"
    assert mismatch.facts["certificate_names"] == ["www.example.com", "*.internal.example.com"]
    assert runs["self"].rules() == {"tls.certificate-self-signed"}
    assert runs["alone"].rules() == {"tls.chain-incomplete", "tls.handshake-failure"}
    failure = runs["alone"].by_rule("tls.handshake-failure")[0]
    assert "trust" in failure.detail and "intermediate" in failure.remediation


def test_deprecated_protocol_weak_cipher_and_weak_key(pki):
    weak_key = rsa.generate_private_key(65537, 1024)
    weak = make_certificate("api.example.com", weak_key, "Test Issuing CA",
                            pki["intermediate_key"], dns_names=("api.example.com",))
    hello = record(22, client_hello(legacy=0x0301, versions=(), ciphers=(0x000A, 0x002F)),
                   version=0x0301)
    run = analyze(tls_capture(hello, server_flight(pki, [weak, pki["intermediate"]],
                                                   version=0x0301, cipher=0x000A)))
    assert run.rules() == {"tls.deprecated-protocol", "tls.weak-cipher", "tls.weak-key"}
    assert run.by_rule("tls.deprecated-protocol")[0].facts["version"] == "TLS 1.0"
    assert run.by_rule("tls.weak-cipher")[0].facts["cipher_suite"] == (
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA")
    assert run.by_rule("tls.weak-key")[0].facts["key_size"] == 1024


def test_server_refusing_old_client_with_protocol_version(pki):
    hello = record(22, client_hello(legacy=0x0302, versions=()), version=0x0301)
    run = analyze(tls_capture(hello, record(21, b"\x02\x46")))
    assert run.rules() == {"tls.handshake-failure", "tls.deprecated-protocol"}
    failure = run.by_rule("tls.handshake-failure")[0]
    assert failure.facts["sender"] == "server" and failure.facts["alert"] == "protocol_version"
    assert "never answered with a ServerHello" in failure.detail


def test_reset_mid_handshake_is_aborted_with_an_event(pki):
    run = analyze(tls_capture(record(22, client_hello()), b"", close="rst"))
    [handshake_stats] = run.stats["handshakes"]
    assert handshake_stats["outcome"] == "aborted"
    assert handshake_stats["ended"] == "reset by server"
    [event] = run.events
    assert "reset by server" in event.message


def test_encrypted_alerts_are_never_decoded(pki):
    run = analyze(tls_capture(
        record(22, client_hello()), server_flight(pki),
        after=[(True, record(20, b"\x01")), (False, record(20, b"\x01")),
               (True, record(21, bytes.fromhex("0000000000000001" + "02" * 18)))]))
    [alert] = run.stats["alerts"]
    assert alert["encrypted"] is True
    assert alert["level"] is None and alert["description"] is None
    assert "tls.handshake-failure" not in run.rules()


# --- bad input ------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600), st.sampled_from([b"\x16\x03\x01", b"\x16\x03\x03\x00\x30\x01",
                                                 b"\x80\x2e\x01\x03\x01", b""]))
def test_garbage_after_a_tls_prefix_never_raises(noise, prefix):
    run = analyze(tls_capture(prefix + noise, prefix + noise[::-1]))
    assert not any("stopped at packet" in w for w in run.context.warnings)
    orjson.dumps(run.stats)


def test_truncated_capture_keeps_results_so_far(pki):
    data = tls_capture(record(22, client_hello()), server_flight(pki),
                       after=[(True, FATAL_ALERT["unknown_ca"])])
    run = analyze(data[:-30])
    assert run.stats["client_hellos"] == 1
    assert any("capture ends early" in w for w in run.context.warnings)


def test_snaplen_cut_segments_stop_that_direction_only(pki):
    capture = Capture()
    flow = TcpFlow(capture, *CLIENT, *SERVER)
    time = flow.handshake(CAPTURE_TIME.timestamp(), 0.01)
    flow.send(time, record(22, client_hello()))
    flow.send(time + 0.01, record(22, server_hello()) + record(
        22, certificate_message([leaf(pki)]) + handshake(14, b"")), from_client=False)
    # The server's flight is cut after its ServerHello, as a short snaplen does.
    cut = 54 + 5 + len(server_hello()) + 10
    capture.frames[-1] = type(capture.frames[-1])(capture.frames[-1].time,
                                                  capture.frames[-1].data, snaplen=cut)
    stats = analyze(capture.pcap()).stats
    assert (stats["client_hellos"], stats["server_hellos"]) == (1, 1)
    assert stats["certificate_messages"] == 0
    assert stats["directions_not_followed"] == 1


# --- the training scenario ------------------------------------------------------------------------


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


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_scenario_agrees_with_tshark(scenario, tmp_path):
    capture = tmp_path / "scenario.pcapng"
    capture.write_bytes(scenario.files[CAPTURE_PATH])
    fields = subprocess.run(
        ["tshark", "-n", "-r", str(capture), "-d", "tcp.port==8443,tls", "-Y",
         "tls.handshake.type==1", "-T", "fields", "-e", "tcp.stream", "-e",
         "tls.handshake.extensions_server_name", "-e", "tls.handshake.ja3"],
        capture_output=True, text=True, check=True).stdout.split("\n")
    expected = [line.split("\t") for line in fields if line]
    stats = analyze(capture.read_bytes()).stats
    ours = [[str(h["stream"]), h["sni"], h["ja3_hash"]] for h in stats["handshakes"]]
    assert ours == expected
    dates = subprocess.run(
        ["tshark", "-n", "-r", str(capture), "-d", "tcp.port==8443,tls", "-Y",
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


# --- conformance with tshark's reference numbers --------------------------------------------------


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
