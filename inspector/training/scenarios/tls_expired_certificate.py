"""Scenario: payment calls fail because the partner's server certificate expired.

The customer's integration host calls a partner payment API. Since the morning of
2026-11-17 every call fails; the customer captured traffic on the host. In the capture the
client retries ``payments.example.net`` three times: each time the server (which speaks at
most TLS 1.2, so its certificate travels in clear) presents a chain whose leaf expired at
midnight, and the client aborts with a fatal ``certificate_expired`` alert. Around it,
healthy noise: TLS 1.3 calls to the customer's own API, plain HTTP to a metrics agent, and
a red herring: an internal service on port 8443 whose certificate expires in three days
(valid at capture time, so nothing to report) and whose connections end with encrypted
close_notify alerts, which are normal.

How the bytes are made, and why:

- Every handshake is real: two ``ssl`` contexts talk through ``MemoryBIO`` pairs, and the
  records they emit are wrapped in TCP/IP with ``inspector.training.scenarios.packets``.
- Keys come from the scenario's seeded rng so a build is byte-for-byte repeatable: the CA
  keys are EC P-256 keys derived from rng integers (certificates signed with deterministic
  ECDSA); server keys are RSA-2048 built from rng-drawn primes, because the servers sign
  inside the handshake and RSA signatures have a fixed length.
- OpenSSL still draws its own randoms (hello randoms, session ids, ECDHE shares, signature
  salts, ciphertext). ``_canonical_records`` overwrites exactly those bytes with rng bytes of
  the same length, so the capture is deterministic and every record and message stays
  well-formed; signatures and ciphertext are then no longer valid, which no analyzer checks.
- OpenSSL judges certificates by the real clock, not the capture's: the expired certificate
  is expired for both (it expired before the fixed capture time, which is in the past), and
  the noise clients do not verify, so the build never depends on the day it runs.
"""

from __future__ import annotations

import random
import ssl
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from inspector.training.scenarios import Built, Scenario
from inspector.training.scenarios.packets import Capture, TcpFlow

CAPTURE_START = datetime(2026, 11, 17, 9, 14, 0, 250000, tzinfo=UTC)
PAYMENTS_EXPIRY = datetime(2026, 11, 16, 23, 59, 59, tzinfo=UTC)
CAPTURE_PATH = "network/integration-host-eth0.pcapng"
LOG_PATH = "logs/payment-connector.log"

CLIENT = "10.20.4.17"
PAYMENTS = ("203.0.113.10", 443, "payments.example.net")
API = ("10.20.8.30", 443, "api.shop.example.com")
AUTH = ("10.20.8.45", 8443, "auth.internal.example.com")
METRICS = ("10.20.8.60", 8080)

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]


def _is_probable_prime(candidate: int, rng: random.Random) -> bool:
    if any(candidate % p == 0 for p in _SMALL_PRIMES):
        return False
    odd, twos = candidate - 1, 0
    while odd % 2 == 0:
        odd //= 2
        twos += 1
    for _ in range(24):  # Miller-Rabin: error below 4**-24
        x = pow(rng.randrange(2, candidate - 2), odd, candidate)
        if x in (1, candidate - 1):
            continue
        for _ in range(twos - 1):
            x = pow(x, 2, candidate)
            if x == candidate - 1:
                break
        else:
            return False
    return True


def _prime(rng: random.Random, bits: int) -> int:
    while True:
        # The two top bits set make the product of two such primes exactly 2*bits long.
        candidate = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if (candidate - 1) % 65537 and _is_probable_prime(candidate, rng):
            return candidate


def rsa_key(rng: random.Random, bits: int = 2048) -> rsa.RSAPrivateKey:
    """An RSA key drawn entirely from ``rng`` (cryptography's own generator cannot be seeded)."""
    exponent = 65537
    p = _prime(rng, bits // 2)
    q = _prime(rng, bits // 2)
    while q == p:
        q = _prime(rng, bits // 2)
    private = pow(exponent, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, private, rsa.rsa_crt_dmp1(private, p), rsa.rsa_crt_dmq1(private, q),
        rsa.rsa_crt_iqmp(p, q), rsa.RSAPublicNumbers(exponent, p * q))
    return numbers.private_key()


def ec_key(rng: random.Random) -> ec.EllipticCurvePrivateKey:
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256
    return ec.derive_private_key(rng.randrange(1, order), ec.SECP256R1())


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def certificate(rng: random.Random, subject: x509.Name, key, issuer: x509.Name, issuer_key,
                not_before: datetime, not_after: datetime, *, dns_names: tuple[str, ...] = (),
                ca: bool = False) -> x509.Certificate:
    """A certificate signed deterministically (ECDSA per RFC 6979, or RSA PKCS#1 v1.5)."""
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(rng.getrandbits(120) | 1 << 120)
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None),
                              critical=True))
    if dns_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), critical=False)
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    deterministic = isinstance(issuer_key, ec.EllipticCurvePrivateKey)
    return builder.sign(issuer_key, hashes.SHA256(),
                        ecdsa_deterministic=True if deterministic else None)


# --- making deterministic records out of a real handshake ----------------------------------------


class _Randomness:
    """Replaces OpenSSL's random bytes with rng bytes; equal inputs get equal outputs,
    so a session id echoed by the server stays equal to the one the client sent."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: dict[bytes, bytes] = {}

    def replace(self, buffer: bytearray, start: int, length: int) -> None:
        original = bytes(buffer[start:start + length])
        if original not in self.seen:
            self.seen[original] = self.rng.randbytes(length)
        buffer[start:start + length] = self.seen[original]


def _extensions(body: bytearray, position: int) -> list[tuple[int, int, int]]:
    """(type, data start, data length) of the extensions block starting at ``position``."""
    found = []
    if position + 2 > len(body):
        return found
    end = position + 2 + int.from_bytes(body[position:position + 2], "big")
    position += 2
    while position + 4 <= end:
        kind = int.from_bytes(body[position:position + 2], "big")
        length = int.from_bytes(body[position + 2:position + 4], "big")
        found.append((kind, position + 4, length))
        position += 4 + length
    return found


def _key_shares(body: bytearray, start: int, length: int, randomness: _Randomness,
                *, client: bool) -> None:
    position = start + 2 if client else start  # the client sends a list
    while position + 4 <= start + length:
        share = int.from_bytes(body[position + 2:position + 4], "big")
        randomness.replace(body, position + 4, share)
        position += 4 + share


def _canonical_handshake(message_type: int, body: bytearray, randomness: _Randomness) -> None:
    if message_type in (1, 2):  # ClientHello / ServerHello: random, session id, key shares
        randomness.replace(body, 2, 32)
        session_length = body[34]
        randomness.replace(body, 35, session_length)
        position = 35 + session_length
        if message_type == 1:
            position += 2 + int.from_bytes(body[position:position + 2], "big")
            position += 1 + body[position]
        else:
            position += 3
        for kind, start, length in _extensions(body, position):
            if kind == 51:
                _key_shares(body, start, length, randomness, client=message_type == 1)
    elif message_type == 12:  # ServerKeyExchange (ECDHE): public point, then signature
        point_length = body[3]
        randomness.replace(body, 4, point_length)
        signature_at = 4 + point_length + 2
        signature_length = int.from_bytes(body[signature_at:signature_at + 2], "big")
        randomness.replace(body, signature_at + 2, signature_length)
    elif message_type == 16:  # ClientKeyExchange (ECDHE): public point
        randomness.replace(body, 1, body[0])


def _canonical_records(data: bytes, encrypted: bool, randomness: _Randomness) -> tuple[bytes, bool]:
    """``data`` (whole records from one side) with OpenSSL's random bytes replaced.

    ``encrypted`` says whether this side already sent ChangeCipherSpec; the new value is
    returned. Ciphertext is replaced whole, handshake messages field by field.
    """
    out = bytearray(data)
    position = 0
    while position + 5 <= len(out):
        content_type = out[position]
        length = int.from_bytes(out[position + 3:position + 5], "big")
        body_start = position + 5
        if content_type == 23 or (encrypted and content_type in (21, 22)):
            randomness.replace(out, body_start, length)
        elif content_type == 20:
            encrypted = True
        elif content_type == 22:
            message = body_start
            while message + 4 <= body_start + length:
                message_length = int.from_bytes(out[message + 1:message + 4], "big")
                body = bytearray(out[message + 4:message + 4 + message_length])
                _canonical_handshake(out[message], body, randomness)
                out[message + 4:message + 4 + message_length] = body
                message += 4 + message_length
        position = body_start + length
    return bytes(out), encrypted


def _message_end(data: bytes, message_type: int) -> int | None:
    """Offset just past the plaintext handshake message ``message_type`` in ``data``."""
    position = 0
    while position + 5 <= len(data):
        length = int.from_bytes(data[position + 3:position + 5], "big")
        if data[position] == 22:
            message = position + 5
            while message + 4 <= position + 5 + length:
                end = message + 4 + int.from_bytes(data[message + 1:message + 4], "big")
                if data[message] == message_type:
                    return end
                message = end
        position += 5 + length
    return None


# --- driving real handshakes ------------------------------------------------------------------


class _Endpoint:
    """An SSLObject with its two memory BIOs."""

    def __init__(self, context: ssl.SSLContext, *, server_name: str | None = None) -> None:
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        self.tls = context.wrap_bio(self.incoming, self.outgoing,
                                    server_side=server_name is None,
                                    server_hostname=server_name)
        self.encrypted = False

    def step(self, action) -> bool:
        """Run ``action``; False while it waits for the peer's bytes."""
        try:
            action()
        except ssl.SSLWantReadError:
            return False
        return True


class _Conversation:
    """One TLS connection over one ``TcpFlow``: bytes each side emits go on the wire."""

    def __init__(self, flow: TcpFlow, client: _Endpoint, server: _Endpoint,
                 randomness: _Randomness, time: float, rtt: float) -> None:
        self.flow, self.client, self.server = flow, client, server
        self.randomness = randomness
        self.time = time
        self.rtt = rtt

    def flush(self, from_client: bool) -> tuple[int, bytes] | None:
        """Send what one side has buffered; (frame number of its first segment, bytes)."""
        side, peer = (self.client, self.server) if from_client else (self.server, self.client)
        data = side.outgoing.read()
        if not data:
            return None
        peer.incoming.write(data)
        wire, side.encrypted = _canonical_records(data, side.encrypted, self.randomness)
        first_frame = len(self.flow.capture.frames) + 1
        self.flow.send(self.time, wire, from_client=from_client)
        self.time += self.rtt / 2
        self.flow.ack(self.time, from_client=not from_client)
        self.time += 0.0003
        return first_frame, wire

    def handshake(self) -> tuple[bool, dict[str, int]]:
        """Run the handshake; (succeeded, frame numbers of the Certificate and the alert)."""
        frames: dict[str, int] = {}
        client_done = server_done = False
        for _ in range(6):
            try:
                client_done = client_done or self.client.step(self.client.tls.do_handshake)
            except ssl.SSLError:
                sent = self.flush(True)
                if sent:
                    frames["client_alert"] = sent[0]
                return False, frames
            self.flush(True)
            server_done = server_done or self.server.step(self.server.tls.do_handshake)
            sent = self.flush(False)
            end = _message_end(sent[1], 11) if sent else None
            if sent and end is not None:
                # The frame that completes the Certificate message, as Wireshark counts.
                frames["certificate"] = sent[0] + (end - 1) // self.flow.mss
            if client_done and server_done:
                return True, frames
        raise RuntimeError("handshake did not converge")

    def exchange(self, request: bytes, response: bytes) -> None:
        self.client.tls.write(request)
        self.flush(True)
        self.server.tls.read(len(request))
        self.time += 0.004  # the application's think time
        self.server.tls.write(response)
        self.flush(False)
        self.client.tls.read(len(response))

    def close_notify(self) -> None:
        self.client.step(self.client.tls.unwrap)
        self.flush(True)
        self.server.step(self.server.tls.unwrap)
        self.flush(False)


def _server_context(chain: list[x509.Certificate], key, directory: Path,
                    *, max_version: ssl.TLSVersion) -> ssl.SSLContext:
    # ssl loads keys only from files: a private temporary folder holds them for the build.
    cert_file = directory / f"{chain[0].serial_number:x}.pem"
    key_file = directory / f"{chain[0].serial_number:x}.key"
    cert_file.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    context.maximum_version = max_version
    context.options |= ssl.OP_NO_TICKET  # tickets carry OpenSSL's clock; keep builds equal
    context.num_tickets = 0
    return context


def _noise_client_context() -> ssl.SSLContext:
    # The noise connections are healthy at capture time; OpenSSL would judge them by today's
    # clock, so these clients do not verify (the capture looks the same either way).
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _http_log(rng: random.Random, failures: list[datetime]) -> bytes:
    lines = []
    moment = CAPTURE_START - timedelta(seconds=40)
    for _ in range(12):
        moment += timedelta(milliseconds=rng.randint(900, 2500))
        lines.append(f"{moment:%Y-%m-%d %H:%M:%S},{moment.microsecond // 1000:03d} INFO  "
                     f"[worker-{rng.randint(1, 8)}] c.e.pay.OrderSync - synced order "
                     f"{rng.randint(100000, 999999)} in {rng.randint(20, 90)}ms")
    for attempt, when in enumerate(failures, 1):
        stamp = f"{when:%Y-%m-%d %H:%M:%S},{when.microsecond // 1000:03d}"
        lines.append(f"{stamp} ERROR [worker-3] c.e.pay.PaymentClient - charge attempt "
                     f"{attempt}/3 to https://payments.example.net/v2/charges failed")
        lines.append("javax.net.ssl.SSLHandshakeException: PKIX path validation failed: "
                     "java.security.cert.CertPathValidatorException: validity check failed")
        lines.append("\tat java.base/sun.security.ssl.Alert.createSSLException(Alert.java:131)")
        lines.append("Caused by: java.security.cert.CertificateExpiredException: NotAfter: "
                     "Mon Nov 16 23:59:59 UTC 2026")
    return ("\n".join(lines) + "\n").encode()


def build(rng: random.Random) -> Built:
    randomness = _Randomness(rng)
    root_key, intermediate_key = ec_key(rng), ec_key(rng)
    root_name = _name("Example Global Root R2", "Example Trust Services")
    intermediate_name = _name("Example TLS Issuing CA 3", "Example Trust Services")
    long_ago = datetime(2021, 3, 1, tzinfo=UTC)
    root = certificate(rng, root_name, root_key, root_name, root_key, long_ago,
                       datetime(2041, 3, 1, tzinfo=UTC), ca=True)
    intermediate = certificate(rng, intermediate_name, intermediate_key, root_name, root_key,
                               long_ago, datetime(2031, 3, 1, tzinfo=UTC), ca=True)
    payments_key, service_key = rsa_key(rng), rsa_key(rng)
    payments_leaf = certificate(
        rng, _name(PAYMENTS[2], "Example Payments Inc"), payments_key, intermediate_name,
        intermediate_key, datetime(2025, 11, 16, tzinfo=UTC), PAYMENTS_EXPIRY,
        dns_names=(PAYMENTS[2], "api.payments.example.net"))
    api_leaf = certificate(
        rng, _name(API[2], "Example Shop"), service_key, intermediate_name, intermediate_key,
        datetime(2026, 9, 1, tzinfo=UTC), datetime(2027, 9, 1, tzinfo=UTC),
        dns_names=(API[2],))
    auth_expiry = CAPTURE_START.replace(hour=23, minute=59, second=59, microsecond=0) + (
        timedelta(days=3))
    auth_leaf = certificate(
        rng, _name(AUTH[2], "Example Shop"), service_key, intermediate_name, intermediate_key,
        datetime(2025, 11, 20, tzinfo=UTC), auth_expiry, dns_names=(AUTH[2],))

    capture = Capture()
    start = CAPTURE_START.timestamp()
    ports = iter(rng.sample(range(40000, 60999), 16))
    failures: list[datetime] = []
    alert_frames: list[int] = []
    certificate_frames: list[int] = []
    with tempfile.TemporaryDirectory(prefix="inspector-sample-") as folder:
        directory = Path(folder)
        payments_server = _server_context([payments_leaf, intermediate], payments_key,
                                          directory, max_version=ssl.TLSVersion.TLSv1_2)
        api_server = _server_context([api_leaf, intermediate], service_key, directory,
                                     max_version=ssl.TLSVersion.TLSv1_3)
        auth_server = _server_context([auth_leaf, intermediate], service_key, directory,
                                      max_version=ssl.TLSVersion.TLSv1_2)
        trusting_client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        trusting_client.load_verify_locations(
            cadata=root.public_bytes(serialization.Encoding.DER))

        def connect(address: tuple[str, int, str], server_context: ssl.SSLContext,
                    client_context: ssl.SSLContext, at: float,
                    rtt: float) -> tuple[_Conversation, bool, dict[str, int]]:
            flow = TcpFlow(capture, CLIENT, next(ports), address[0], address[1],
                           client_isn=rng.getrandbits(32), server_isn=rng.getrandbits(32))
            after = flow.handshake(at, rtt)
            conversation = _Conversation(
                flow, _Endpoint(client_context, server_name=address[2]),
                _Endpoint(server_context), randomness, after + 0.0004, rtt)
            succeeded, frames = conversation.handshake()
            return conversation, succeeded, frames

        moment = start
        for index in range(3):  # healthy TLS 1.3 calls to the customer's own API
            conversation, _ok, _frames = connect(API, api_server, _noise_client_context(),
                                                 moment, 0.0009)
            conversation.exchange(
                f"GET /api/v2/orders?page={index + 1} HTTP/1.1\r\nHost: {API[2]}\r\n\r\n"
                .encode(), b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]")
            conversation.close_notify()
            conversation.flow.close(conversation.time + 0.001, 0.0009)
            moment = conversation.time + rng.uniform(0.8, 1.6)

        metrics = TcpFlow(capture, CLIENT, next(ports), METRICS[0], METRICS[1],
                          client_isn=rng.getrandbits(32), server_isn=rng.getrandbits(32))
        after = metrics.handshake(moment, 0.0006)
        metrics.send(after + 0.0002, b"POST /v1/metrics HTTP/1.1\r\nHost: metrics\r\n"
                                     b"content-length: 17\r\n\r\npayments.errors=0")
        metrics.send(after + 0.003, b"HTTP/1.1 204 No Content\r\n\r\n", from_client=False)
        metrics.close(after + 0.004, 0.0006)
        moment = after + rng.uniform(1.0, 2.0)

        for attempt in range(3):  # the failing charges, retried by the client
            conversation, succeeded, frames = connect(PAYMENTS, payments_server,
                                                      trusting_client, moment, 0.041)
            if succeeded:
                raise RuntimeError("the expired certificate was accepted")
            certificate_frames.append(frames["certificate"])
            alert_frames.append(frames["client_alert"])
            failures.append(datetime.fromtimestamp(conversation.time, UTC))
            conversation.flow.close(conversation.time + 0.0002, 0.041)
            moment = conversation.time + 2.0 * (attempt + 1) + rng.uniform(0.0, 0.3)

        # The red herring: expires in three days, still valid; closes with encrypted alerts.
        conversation, _ok, _frames = connect(AUTH, auth_server, _noise_client_context(),
                                             moment, 0.0011)
        conversation.exchange(f"POST /oauth2/token HTTP/1.1\r\nHost: {AUTH[2]}\r\n\r\n"
                              .encode(), b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
        conversation.close_notify()
        conversation.flow.close(conversation.time + 0.001, 0.0011)

    files = {
        CAPTURE_PATH: capture.pcapng(),
        LOG_PATH: _http_log(rng, failures),
    }
    evidence = [
        {"artifact": CAPTURE_PATH, "locator": {"kind": "packet", "index": certificate_frames[0]},
         "why": f"the server sends certificate {PAYMENTS[2]}, valid until "
                f"{PAYMENTS_EXPIRY:%Y-%m-%d %H:%M:%S} UTC, a day before the capture",
         "cited_by": "tls.certificate-expired"},
        {"artifact": CAPTURE_PATH, "locator": {"kind": "packet", "index": alert_frames[0]},
         "why": "the client aborts the handshake with fatal alert 45 certificate_expired "
                "(and again on both retries)", "cited_by": "tls.handshake-failure"},
    ]
    # The 8443 service's certificate is close to expiry but valid, and its close_notify
    # alerts are a normal goodbye: the closed key lets no other rule report them.
    return Built(files=files, rules=["tls.certificate-expired", "tls.handshake-failure"],
                 evidence=evidence,
                 allowed=["incident.cross-source", "kb.known-issue", "log.known-issue"])


SCENARIO = Scenario(
    name="tls_expired_certificate",
    title="Payment calls to our partner fail since this morning",
    difficulty="easy",
    summary=("The certificate of payments.example.net expired on 2026-11-16 23:59:59 UTC. "
             "From the capture on 2026-11-17, every connection from the integration host "
             "gets that certificate (TLS 1.2, so it is visible) and the client aborts with "
             "fatal alert certificate_expired; the retries fail the same way. The partner "
             "must renew and install the certificate. The auth service certificate that "
             "expires in three days is still valid and not the cause."),
    build=build,
    tags=("tls", "certificates", "network"),
)
