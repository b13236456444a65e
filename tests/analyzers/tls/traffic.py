"""TLS traffic the TLS analyzer's tests share: records, handshake messages and
certificates built by hand, one-connection captures, and running the analyzer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from analyzers.tls import TlsAnalyzer
from inspector.testing import run_analyzer
from inspector.training.scenarios.packets import ACK, PSH, Capture, TcpFlow

CAPTURE_TIME = datetime(2026, 11, 17, 9, 0, 0, tzinfo=UTC)
CLIENT, SERVER = ("192.0.2.10", 51000), ("198.51.100.20", 8443)


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
