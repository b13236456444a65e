"""Benchmark of the TLS analyzer: packets per second and peak memory on generated captures.

The TCP capture is ``1,000,000 * scale`` packets of TLS 1.2 connections on port 443: TCP
handshake, ClientHello, the server's flight with a two-certificate chain, the key exchange,
then bulk application data (most packets, as in real captures) and a FIN close; every
twentieth connection fails with a fatal alert. The QUIC capture is ``200,000 * scale``
packets of browser-like QUIC connections (``inspector.training.scenarios.quic_flow``, real
Initial protection): Initials to open (HKDF and AES-GCM per connection), then 1-RTT
packets; every tenth connection gets no answer. tshark, when installed, runs the comparable
job on the same files: extracting each ClientHello's JA3 (``-Y tls.handshake.type==1``),
which for QUIC means decrypting the Initials as we do. Both run once, start-up included,
and the speed-up is printed only when both count the same ClientHellos.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bench.run import Row, python_command, timed
from inspector.training.scenarios.packets import Capture, TcpFlow
from inspector.training.scenarios.quic_flow import QuicFlow

START = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)


def _record(content_type: int, body: bytes) -> bytes:
    return bytes([content_type, 3, 3]) + len(body).to_bytes(2, "big") + body


def _handshake(message_type: int, body: bytes) -> bytes:
    return bytes([message_type]) + len(body).to_bytes(3, "big") + body


def _chain() -> list[bytes]:
    key = ec.derive_private_key(7, ec.SECP256R1())
    ca = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench CA")])
    chain = []
    for subject in ("www.example.com", "Bench CA"):
        certificate = (x509.CertificateBuilder()
                       .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                                   subject)]))
                       .issuer_name(ca).public_key(key.public_key()).serial_number(1)
                       .not_valid_before(START - timedelta(days=30))
                       .not_valid_after(START + timedelta(days=300))
                       .sign(key, hashes.SHA256(), ecdsa_deterministic=True))
        chain.append(certificate.public_bytes(serialization.Encoding.DER))
    return chain


def _flights() -> tuple[bytes, bytes, bytes]:
    sni = b"www.example.com"
    extensions = (b"\x00\x00" + (len(sni) + 5).to_bytes(2, "big") + (len(sni) + 3).to_bytes(
        2, "big") + b"\x00" + len(sni).to_bytes(2, "big") + sni
                  + b"\x00\x0a\x00\x06\x00\x04\x00\x1d\x00\x17" + b"\x00\x0b\x00\x02\x01\x00")
    hello = _handshake(1, b"\x03\x03" + bytes(32) + b"\x00" + b"\x00\x04\xc0\x2f\xc0\x30"
                       + b"\x01\x00" + len(extensions).to_bytes(2, "big") + extensions)
    certificates = b"".join(len(c).to_bytes(3, "big") + c for c in _chain())
    server = (_handshake(2, b"\x03\x03" + bytes(32) + b"\x00\xc0\x2f\x00\x00\x00")
              + _handshake(11, len(certificates).to_bytes(3, "big") + certificates)
              + _handshake(14, b""))
    finish = _record(20, b"\x01") + _record(22, bytes(40))
    return _record(22, hello), _record(22, server), finish


def _write_capture(path: Path, packets: int) -> None:
    client_hello, server_flight, finish = _flights()
    capture = Capture()
    time = START.timestamp()
    connection = 0
    while len(capture.frames) < packets:
        flow = TcpFlow(capture, f"10.1.{connection // 250 % 250}.{connection % 250 + 1}",
                       20000 + connection % 40000, "192.0.2.80", 443)
        time = flow.handshake(time, 0.002) + 0.0005
        flow.send(time, client_hello)
        flow.send(time + 0.002, server_flight, from_client=False)
        if connection % 20 == 19:
            flow.send(time + 0.004, _record(21, b"\x02\x30"))
        else:
            flow.send(time + 0.004, finish)
            flow.send(time + 0.005, finish, from_client=False)
            for index in range(30):
                flow.send(time + 0.006 + index * 0.0002, _record(23, bytes(1200)),
                          from_client=False)
                if index % 2:
                    flow.ack(time + 0.0061 + index * 0.0002)
        flow.close(time + 0.02, 0.002)
        time += 0.01
        connection += 1
    path.write_bytes(capture.pcap())


def _write_quic_capture(path: Path, packets: int) -> None:
    capture = Capture()
    rng = random.Random(4)
    time = START.timestamp()
    connection = 0
    while len(capture.frames) < packets:
        # Client ports in the dynamic range, as browsers use: tshark takes some ports below
        # it for other protocols and would not look for QUIC there.
        flow = QuicFlow(capture, rng, f"10.2.{connection // 250 % 250}.{connection % 250 + 1}",
                        49152 + connection % 16000, "192.0.2.90")
        if connection % 10 == 9:
            time = flow.unanswered(time, "www.example.com", attempts=3)
        else:
            flow.connect(time, 0.01, "www.example.com", exchanges=20)
            time += 0.05
        connection += 1
    path.write_bytes(capture.pcap())


def _measure(name: str, capture: Path, packets: int) -> list[Row]:
    answer = capture.with_suffix(".hellos")
    # The capture is streamed from disk, as the engine does, not read into memory.
    code = ("from pathlib import Path; from analyzers.tls import TlsAnalyzer; "
            "from inspector.model import Artifact, ArtifactKind; "
            "from inspector.testing import RecordingContext; from inspector.plugins import Stats\n"
            "class Source:\n"
            f"    artifact = Artifact({str(capture)!r}, ArtifactKind.PCAP, "
            f"{capture.stat().st_size})\n"
            "    def open(self): return open(self.artifact.path, 'rb')\n"
            "items = list(TlsAnalyzer().analyze(Source(), RecordingContext()))\n"
            "hellos = next(i.values['client_hellos'] for i in items if isinstance(i, Stats))\n"
            f"Path({str(answer)!r}).write_text(str(hellos))")
    seconds, peak_kib = timed(python_command(code), repeat=1,
                              cwd=Path(__file__).resolve().parents[1])
    ours = int(answer.read_text())
    rows = [Row("tls", f"{name} packets", packets, "packets"),
            Row("tls", f"{name}: analyzer wall time", seconds, "s"),
            Row("tls", f"{name}: analyzer throughput", packets / seconds, "packets/s"),
            Row("tls", f"{name}: analyzer peak RSS", peak_kib / 1024, "MiB")]
    if shutil.which("tshark"):
        command = ["tshark", "-n", "-r", str(capture), "-Y", "tls.handshake.type==1", "-T",
                   "fields", "-e", "tls.handshake.ja3"]
        tshark_seconds, _peak = timed(command, repeat=1)
        theirs = len(subprocess.run(command, capture_output=True, text=True,
                                    check=True).stdout.split())
        rows.append(Row("tls", f"{name}: tshark JA3 extraction wall time", tshark_seconds,
                        "s"))
        if ours == theirs:
            rows.append(Row("tls", f"{name}: speed-up over tshark", tshark_seconds / seconds,
                            "x", f"both count {ours:,} ClientHellos"))
        else:
            rows.append(Row("tls", f"{name}: speed-up over tshark", 0, "-",
                            f"no ratio: we count {ours:,} ClientHellos, tshark {theirs:,}"))
    else:
        rows.append(Row("tls", "tshark", 0, "-", "not installed; comparison skipped"))
    return rows


def run(workdir: Path, scale: float) -> list[Row]:
    workdir.mkdir(parents=True, exist_ok=True)
    packets = max(int(1_000_000 * scale), 1000)
    capture = workdir / "tls.pcap"
    _write_capture(capture, packets)
    rows = _measure("TLS over TCP", capture, packets)
    quic_packets = max(int(200_000 * scale), 1000)
    quic_capture = workdir / "quic.pcap"
    _write_quic_capture(quic_capture, quic_packets)
    return rows + _measure("QUIC", quic_capture, quic_packets)
