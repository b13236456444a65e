"""Training scenario: everything that calls api.example.com fails from 09:14, across three sources.

The customer writes "since about quarter past nine, orders stop syncing and the ops portal
shows errors everywhere". The bundle holds the order-sync service's log, a Chrome HAR of an
operator on the ops portal, and a capture taken on the sync host once the trouble started.
The 90-day certificate of ``api.example.com`` expired at 2026-11-17 09:14:00 UTC (its renewal
never ran), and the three sources tell the same story in the same minutes:

- the log: every push to the API fails with ``SSLHandshakeException`` caused by
  ``CertificateExpiredException``, three attempts per order, and the redelivery job's
  bursts of failures at 09:15 and 09:16. The sync host runs on Central European Time and
  Spring Boot writes local time without a zone, so the log says 10:14: the timeline has to
  infer its UTC+01:00 offset (``timeline.clock-offset``) before the three sources line up,
  and the report's timeline shows the corrected times;
- the HAR: every API call after 09:14 is status 0 with ``_error``
  ``net::ERR_CERT_DATE_INVALID``, while the portal page and its static assets still load;
- the capture: the API (which speaks at most TLS 1.2, so its certificate is visible) sends
  the expired certificate on every connection and the client aborts with fatal alert 45
  certificate_expired.

Noise around it: healthy TLS 1.3 calls to the inventory service, metrics posts in clear,
DNS lookups that resolve fine, slow tax-rate cache refreshes (an unrelated WARN), a 404
favicon. Red herrings: HikariCP's "clock leap detected" warning a few seconds before the
outage (a paused VM, not a clock fault: tempting, because clocks break certificates), the
analytics beacon with status 0 (an ad blocker, ``ERR_BLOCKED_BY_CLIENT``), and the auth
server's certificate that expires in five days (still valid, so its handshakes succeed).

The TLS machinery (real handshakes through memory BIOs, rng-drawn keys, OpenSSL's random
bytes replaced by rng bytes) is ``inspector.training.scenarios.tls_expired_certificate``'s,
imported; the HAR is ``inspector.training.scenarios.gateway_502``'s ``ChromeHar``.
Connections in the capture run one after another, in time order, so frame numbers are
known as they are written. The build depends on the real clock only in that the API
certificate must be expired today, which it is for any build after 2026-11-17.
"""

from __future__ import annotations

import random
import ssl
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from inspector.training.scenarios import Built, Scenario
from inspector.training.scenarios.gateway_502 import ChromeHar, page_load
from inspector.training.scenarios.packets import (
    PROTO_UDP,
    Capture,
    TcpFlow,
    dns_query,
    dns_response,
    udp,
)
from inspector.training.scenarios.tls_expired_certificate import (
    _Conversation,
    _Endpoint,
    _name,
    _noise_client_context,
    _Randomness,
    _server_context,
    certificate,
    ec_key,
    rsa_key,
)

API_EXPIRY = datetime(2026, 11, 17, 9, 14, 0, tzinfo=UTC)
LOG_START = datetime(2026, 11, 17, 9, 10, 0, tzinfo=UTC)
LOG_END = datetime(2026, 11, 17, 9, 16, 50, tzinfo=UTC)
CAPTURE_START = datetime(2026, 11, 17, 9, 14, 31, 712000, tzinfo=UTC)
CAPTURE_END = datetime(2026, 11, 17, 9, 16, 12, tzinfo=UTC)
HAR_START = datetime(2026, 11, 17, 9, 12, 26, 300000, tzinfo=UTC)
REDELIVERY_RUNS = (datetime(2026, 11, 17, 9, 15, 0, 4000, tzinfo=UTC),
                   datetime(2026, 11, 17, 9, 16, 0, 2000, tzinfo=UTC))

LOG_PATH = "logs/order-sync.log"
HAR_PATH = "browser/ops-portal.har"
CAPTURE_PATH = "network/order-sync-01-ens192.pcap"

SYNC_HOST = "10.20.4.17"
RESOLVER = "10.20.0.53"
API = ("203.0.113.24", 443, "api.example.com")  # the same load balancer as the portal
AUTH = ("203.0.113.31", 443, "auth.example.com")
INVENTORY = ("10.20.8.30", 443, "inventory.internal.example.com")
METRICS = ("10.20.8.60", 8080)
PID = 2231
# The sync host runs in Frankfurt on Central European Time (UTC+1 in November) and Spring
# Boot writes local time without a zone; the HAR and the capture are in UTC.
HOST_ZONE = timezone(timedelta(hours=1), "CET")
RETRY_DELAYS = (0.5, 1.0)  # seconds before attempts 2 and 3

_HANDSHAKE_TRACE = """\
javax.net.ssl.SSLHandshakeException: PKIX path validation failed: \
java.security.cert.CertPathValidatorException: validity check failed
\tat java.base/sun.security.ssl.Alert.createSSLException(Alert.java:130)
\tat java.base/sun.security.ssl.TransportContext.fatal(TransportContext.java:378)
\tat java.base/sun.security.ssl.TransportContext.fatal(TransportContext.java:321)
\tat java.base/sun.security.ssl.CertificateMessage$T12CertificateConsumer.checkServerCerts\
(CertificateMessage.java:654)
\tat java.base/sun.security.ssl.CertificateMessage$T12CertificateConsumer.onCertificate\
(CertificateMessage.java:473)
\tat java.base/sun.security.ssl.SSLHandshake.consume(SSLHandshake.java:396)
\tat java.base/sun.security.ssl.TransportContext.dispatch(TransportContext.java:204)
\tat java.net.http/jdk.internal.net.http.common.SSLFlowDelegate$Reader.processData\
(SSLFlowDelegate.java:481)
\tat com.example.orders.sync.ApiClient.push(ApiClient.java:{line})
\tat com.example.orders.sync.OrderPusher.run(OrderPusher.java:58)
Caused by: sun.security.validator.ValidatorException: PKIX path validation failed: \
java.security.cert.CertPathValidatorException: validity check failed
\tat java.base/sun.security.validator.PKIXValidator.doValidate(PKIXValidator.java:369)
\tat java.base/sun.security.validator.Validator.validate(Validator.java:264)
\t... 19 more
Caused by: java.security.cert.CertificateExpiredException: NotAfter: Tue Nov 17 10:14:00 CET 2026
\tat java.base/sun.security.x509.CertificateValidity.valid(CertificateValidity.java:277)
\tat java.base/sun.security.provider.certpath.BasicChecker.verifyValidity\
(BasicChecker.java:190)
\t... 27 more"""


@dataclass
class _Call:
    """One attempt of the sync service to push an order to the API."""

    planned: float  # epoch seconds
    order: int
    attempt: int  # 1-3; 0 for a redelivery
    thread: str
    failed_at: float = 0.0


def _stamp(epoch: float, zone: timezone = UTC) -> str:
    """Spring Boot's default layout: milliseconds after a dot, no zone written."""
    moment = datetime.fromtimestamp(epoch, zone)
    return f"{moment:%Y-%m-%d %H:%M:%S}.{moment.microsecond // 1000:03d}"


def _line(epoch: float, level: str, thread: str, logger: str, message: str) -> tuple[float, str]:
    # Logback's %15.15t keeps the last 15 characters of a long thread name.
    return epoch, (f"{_stamp(epoch, HOST_ZONE)} {level:>5} {PID} --- [{thread[-15:]:>15}] "
                   f"{logger:<40} : {message}")


def _plan_calls(rng: random.Random) -> tuple[list[_Call], list[tuple[float, str]]]:
    """Every push attempt, and the log lines that do not depend on the handshakes."""
    calls: list[_Call] = []
    lines: list[tuple[float, str]] = []
    expiry = API_EXPIRY.timestamp()
    moment = LOG_START.timestamp()
    queued: list[int] = []
    while moment < LOG_END.timestamp() - 5:
        moment += rng.uniform(1.5, 4.5)
        order = rng.randrange(5_100_000, 5_199_999)
        thread = f"sync-worker-{rng.randint(1, 4)}"
        if moment < expiry:
            lines.append(_line(moment + rng.uniform(0.06, 0.14), "INFO", thread,
                               "c.e.orders.sync.ApiClient",
                               f"pushed order {order} to https://{API[2]}/v1/orders (201) in "
                               f"{rng.randint(61, 140)} ms"))
            continue
        attempt_time = moment
        for attempt in (1, 2, 3):
            calls.append(_Call(attempt_time, order, attempt, thread))
            if attempt < 3:
                attempt_time += 0.05 + RETRY_DELAYS[attempt - 1]
        queued.append(order)
    for run in REDELIVERY_RUNS:
        start = run.timestamp()
        started = {call.order for call in calls if call.planned < start}
        waiting = [order for order in queued if order in started]
        lines.append(_line(start, "INFO", "redelivery-1", "c.e.orders.sync.Redelivery",
                           f"redelivering {len(waiting)} queued orders"))
        for position, order in enumerate(waiting):
            calls.append(_Call(start + 0.03 + position * rng.uniform(0.07, 0.1), order, 0,
                               "redelivery-1"))
    calls.sort(key=lambda call: call.planned)
    return calls, lines


def _noise_lines(rng: random.Random) -> list[tuple[float, str]]:
    lines = []
    moment = LOG_START.timestamp() + rng.uniform(5, 15)
    while moment < LOG_END.timestamp():
        lines.append(_line(moment, "INFO", "inventory-1", "c.e.orders.sync.InventorySync",
                           f"inventory sync: {rng.randint(12, 80)} items updated in "
                           f"{rng.randint(40, 160)} ms"))
        moment += rng.uniform(18, 24)
    for minute in (11, 16):
        refresh = datetime(2026, 11, 17, 9, minute, 12, tzinfo=UTC).timestamp()
        lines.append(_line(refresh + rng.uniform(0, 1), "WARN", "scheduling-1",
                           "c.e.orders.tax.TaxRateCache",
                           f"tax-rate refresh took {rng.randint(1400, 2300)} ms "
                           "(threshold 1000 ms)"))
    # The red herring: HikariCP's housekeeper saw a gap (the VM was paused by a snapshot).
    lines.append(_line(datetime(2026, 11, 17, 9, 13, 41, 208000, tzinfo=UTC).timestamp(),
                       "WARN", "HikariPool-1 housekeeper", "com.zaxxer.hikari.pool.HikariPool",
                       "HikariPool-1 - Thread starvation or clock leap detected "
                       "(housekeeper delta=1m3s166ms)."))
    return lines


def _failure_lines(rng: random.Random, call: _Call) -> list[tuple[float, str]]:
    when = call.failed_at + rng.uniform(0.001, 0.004)
    if call.attempt:
        header = (f"push of order {call.order} to https://{API[2]}/v1/orders failed "
                  f"(attempt {call.attempt}/3)")
    else:
        header = f"redelivery of order {call.order} to https://{API[2]}/v1/orders failed"
    trace = _HANDSHAKE_TRACE.replace("{line}", str(rng.choice((112, 112, 118))))
    lines = [_line(when, "ERROR", call.thread, "c.e.orders.sync.ApiClient", header)]
    lines.extend((when, text) for text in trace.splitlines())
    if call.attempt == 3:
        lines.append(_line(when + 0.001, "WARN", call.thread, "c.e.orders.sync.OrderPusher",
                           f"giving up on order {call.order} after 3 attempts; queued for "
                           "redelivery"))
    elif call.attempt:
        delay = int(RETRY_DELAYS[call.attempt - 1] * 1000)
        lines.append(_line(when + 0.001, "WARN", call.thread, "c.e.orders.sync.OrderPusher",
                           f"retrying order {call.order} in {delay} ms"))
    return lines


def _certificates(rng: random.Random, directory: Path) -> dict[str, ssl.SSLContext]:
    """Server contexts for the API, auth and inventory, and the sync service's client."""
    root_key, issuing_key = ec_key(rng), ec_key(rng)
    root_name = _name("Example Global Root R2", "Example Trust Services")
    issuing_name = _name("Example RSA Domain Validation CA", "Example Trust Services")
    long_ago = datetime(2021, 3, 1, tzinfo=UTC)
    root = certificate(rng, root_name, root_key, root_name, root_key, long_ago,
                       datetime(2041, 3, 1, tzinfo=UTC), ca=True)
    issuing = certificate(rng, issuing_name, issuing_key, root_name, root_key, long_ago,
                          datetime(2031, 3, 1, tzinfo=UTC), ca=True)
    api_key, service_key = rsa_key(rng), rsa_key(rng)
    api_leaf = certificate(rng, _name(API[2], "Example Corp"), api_key, issuing_name,
                           issuing_key, API_EXPIRY - timedelta(days=90) + timedelta(seconds=1),
                           API_EXPIRY, dns_names=(API[2],))
    auth_leaf = certificate(rng, _name(AUTH[2], "Example Corp"), service_key, issuing_name,
                            issuing_key, datetime(2025, 11, 22, 8, 0, tzinfo=UTC),
                            datetime(2026, 11, 22, 7, 59, 59, tzinfo=UTC),
                            dns_names=(AUTH[2],))
    inventory_leaf = certificate(rng, _name(INVENTORY[2], "Example Corp"), service_key,
                                 issuing_name, issuing_key, datetime(2026, 6, 1, tzinfo=UTC),
                                 datetime(2027, 6, 1, tzinfo=UTC), dns_names=(INVENTORY[2],))
    trusting = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    trusting.load_verify_locations(cadata=root.public_bytes(serialization.Encoding.DER))
    return {
        "api": _server_context([api_leaf, issuing], api_key, directory,
                               max_version=ssl.TLSVersion.TLSv1_2),
        "auth": _server_context([auth_leaf, issuing], service_key, directory,
                                max_version=ssl.TLSVersion.TLSv1_2),
        "inventory": _server_context([inventory_leaf, issuing], service_key, directory,
                                     max_version=ssl.TLSVersion.TLSv1_3),
        "client": trusting,
    }


class _SyncHostCapture:
    """The capture on the sync host: connections written one after another, in time order."""

    def __init__(self, rng: random.Random, contexts: dict[str, ssl.SSLContext]) -> None:
        self.rng = rng
        self.contexts = contexts
        self.capture = Capture()
        self.randomness = _Randomness(rng)
        self.ports = iter(rng.sample(range(32768, 60999), 1000))
        self.cursor = CAPTURE_START.timestamp()
        self.certificate_frames: list[int] = []
        self.alert_frames: list[int] = []

    def _after_last_frame(self) -> None:
        self.cursor = self.capture.frames[-1].time + 0.0003

    def _connect(self, address: tuple[str, int, str], server: str, client: ssl.SSLContext,
                 at: float, rtt: float) -> tuple[_Conversation, bool, dict[str, int]]:
        flow = TcpFlow(self.capture, SYNC_HOST, next(self.ports), address[0], address[1],
                       client_isn=self.rng.getrandbits(32), server_isn=self.rng.getrandbits(32))
        after = flow.handshake(max(at, self.cursor), rtt)
        conversation = _Conversation(flow, _Endpoint(client, server_name=address[2]),
                                     _Endpoint(self.contexts[server]), self.randomness,
                                     after + 0.0004, rtt)
        succeeded, frames = conversation.handshake()
        return conversation, succeeded, frames

    def api_push(self, call: _Call) -> None:
        conversation, succeeded, frames = self._connect(API, "api", self.contexts["client"],
                                                        call.planned, 0.0118)
        if succeeded:
            raise RuntimeError("the expired API certificate was accepted")
        self.certificate_frames.append(frames["certificate"])
        self.alert_frames.append(frames["client_alert"])
        call.failed_at = conversation.time
        conversation.flow.close(conversation.time + 0.0002, 0.0118)
        self._after_last_frame()

    def healthy_call(self, address: tuple[str, int, str], server: str, at: float,
                     request: bytes, response: bytes) -> None:
        conversation, _ok, _frames = self._connect(address, server, _noise_client_context(),
                                                   at, 0.0009 if server == "inventory" else 0.013)
        conversation.exchange(request, response)
        conversation.close_notify()
        conversation.flow.close(conversation.time + 0.001, 0.001)
        self._after_last_frame()

    def metrics_post(self, at: float, failures: int) -> None:
        flow = TcpFlow(self.capture, SYNC_HOST, next(self.ports), METRICS[0], METRICS[1],
                       client_isn=self.rng.getrandbits(32), server_isn=self.rng.getrandbits(32))
        after = flow.handshake(max(at, self.cursor), 0.0006)
        body = f"orders.push.failed={failures}".encode()
        flow.send(after + 0.0002, b"POST /v1/metrics HTTP/1.1\r\nHost: metrics:8080\r\n"
                  b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        flow.send(after + 0.003, b"HTTP/1.1 204 No Content\r\n\r\n", from_client=False)
        flow.close(after + 0.004, 0.0006)
        self._after_last_frame()

    def lookup(self, at: float) -> None:
        start = max(at, self.cursor)
        port, query_id = next(self.ports), self.rng.randrange(65536)
        self.capture.add_ip(start, SYNC_HOST, RESOLVER, PROTO_UDP,
                            udp(SYNC_HOST, RESOLVER, port, 53, dns_query(query_id, API[2])))
        answered = start + self.rng.uniform(0.0006, 0.002)
        self.capture.add_ip(answered, RESOLVER, SYNC_HOST, PROTO_UDP,
                            udp(RESOLVER, SYNC_HOST, 53, port,
                                dns_response(query_id, API[2], addresses=(API[0],), ttl=60)),
                            to_client=True)
        self._after_last_frame()


def _capture(rng: random.Random, contexts: dict[str, ssl.SSLContext],
             calls: list[_Call]) -> _SyncHostCapture:
    host = _SyncHostCapture(rng, contexts)
    start, end = CAPTURE_START.timestamp(), CAPTURE_END.timestamp()
    plan: list[tuple[float, int, object]] = []  # (time, tie-breaker, what)
    plan.extend((call.planned, index, call) for index, call in enumerate(calls)
                if start <= call.planned < end)
    moment = start + rng.uniform(0.5, 3.0)
    while moment < end:  # the JVM caches lookups for 30 s
        plan.append((moment, len(plan) + 10_000, "lookup"))
        moment += 30.0 + rng.uniform(0.0, 0.4)
    moment = start + rng.uniform(2.0, 8.0)
    while moment < end:
        plan.append((moment, len(plan) + 10_000, "inventory"))
        moment += rng.uniform(18, 24)
    moment = start + rng.uniform(1.0, 10.0)
    while moment < end:
        plan.append((moment, len(plan) + 10_000, "metrics"))
        moment += 10.0
    plan.append((start + 58.3, 20_000, "auth"))
    failures = 0
    for at, _order, what in sorted(plan, key=lambda item: (item[0], item[1])):
        if isinstance(what, _Call):
            host.api_push(what)
            failures += 1
        elif what == "lookup":
            host.lookup(at)
        elif what == "inventory":
            host.healthy_call(INVENTORY, "inventory", at,
                              f"GET /v2/stock?updatedSince={_stamp(at)[:19].replace(' ', 'T')}Z "
                              f"HTTP/1.1\r\nHost: {INVENTORY[2]}\r\n\r\n".encode(),
                              b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                              b"content-length: 2\r\n\r\n[]")
        elif what == "metrics":
            host.metrics_post(at, failures)
        else:
            host.healthy_call(AUTH, "auth", at,
                              f"POST /oauth2/token HTTP/1.1\r\nHost: {AUTH[2]}\r\n\r\n".encode(),
                              b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
    times = [frame.time for frame in host.capture.frames]
    if times != sorted(times):
        raise RuntimeError("capture frames out of time order")
    return host


def _har(rng: random.Random) -> tuple[bytes, int, int]:
    """The operator's HAR; returns it, the first failing entry and the reload's entry."""
    portal, api = "https://portal.example.com", f"https://{API[2]}"
    har = ChromeHar(f"{portal}/orders", HAR_START, rng)

    def open_page(moment: datetime) -> tuple[datetime, int]:
        document = len(har.entries) + 1
        after = page_load(har, moment)
        har.add(after, "GET", f"{portal}/favicon.ico", 404, resource_type="other",
                mime="text/html", size=150, wait=11.0)
        har.add(after + timedelta(milliseconds=25), "POST",
                "https://analytics.example-metrics.com/collect?v=2&tid=G-K2P9", 0,
                resource_type="ping", error="net::ERR_BLOCKED_BY_CLIENT",
                post=("text/plain", "en=page_view&dl=https%3A%2F%2Fportal.example.com%2Forders"))
        return after, document

    def api_call(moment: datetime, path: str, size: int, wait: float) -> int:
        if moment < API_EXPIRY:
            return har.add(moment, "GET", f"{api}{path}", 200, size=size, wait=wait)
        return har.add(moment, "GET", f"{api}{path}", 0, error="net::ERR_CERT_DATE_INVALID")

    moment, _document = open_page(HAR_START)
    first_failure = reload = 0
    next_poll = moment
    reloaded = False
    while moment < LOG_END - timedelta(seconds=15):
        if not reloaded and moment >= datetime(2026, 11, 17, 9, 15, 20, tzinfo=UTC):
            moment, reload = open_page(moment)  # the operator presses F5
            reloaded = True
            next_poll = moment
        if moment >= next_poll:
            number = api_call(moment, "/v1/orders?status=pending&page=1", 7_800,
                              rng.uniform(60, 180))
            next_poll = moment + timedelta(seconds=15)
        else:
            order = rng.randrange(5_100_000, 5_199_999)
            path = rng.choice((f"/v1/orders/{order}", f"/v1/orders/{order}/events",
                               f"/v1/customers/{rng.randrange(20_000, 80_000)}"))
            number = api_call(moment, path, rng.randrange(900, 4_000), rng.uniform(30, 120))
        if moment >= API_EXPIRY and not first_failure:
            first_failure = number
        moment += timedelta(seconds=rng.uniform(2.0, 6.5))
    return har.to_bytes(), first_failure, reload


def build(rng: random.Random) -> Built:
    calls, log = _plan_calls(rng)
    log.extend(_noise_lines(rng))
    with tempfile.TemporaryDirectory(prefix="inspector-sample-") as folder:
        host = _capture(rng, _certificates(rng, Path(folder)), calls)
    for call in calls:
        if not call.failed_at:  # outside the capture: the handshake takes about 50 ms
            call.failed_at = call.planned + rng.uniform(0.045, 0.06)
        log.extend(_failure_lines(rng, call))
    log.sort(key=lambda item: item[0])  # stable: a trace stays under its header
    text = "".join(f"{line}\n" for _time, line in log)
    first_error_line = next(number for number, (_time, line) in enumerate(log, 1)
                            if " ERROR " in line)
    har, first_failed_entry, reload_entry = _har(rng)
    first_certificate = host.capture.frames[host.certificate_frames[0] - 1]
    expired_for = int(first_certificate.time - API_EXPIRY.timestamp())
    evidence = [
        {"artifact": LOG_PATH,
         "locator": {"kind": "line", "line": first_error_line,
                     "end_line": first_error_line + _HANDSHAKE_TRACE.count("\n") + 1},
         "why": "the first push after 09:14:00 UTC (10:14 in the log, which is written in "
                "CET without a zone) fails with SSLHandshakeException caused by "
                "CertificateExpiredException (NotAfter 10:14:00 CET); every push after it "
                "fails the same way, in bursts when the redelivery job runs",
         "cited_by": "log.known-issue"},
        {"artifact": HAR_PATH, "locator": {"kind": "entry", "index": first_failed_entry},
         "why": "the browser's first API call after 09:14:00 ends with status 0 and "
                "net::ERR_CERT_DATE_INVALID: the browser, too, rejects the certificate's dates",
         "cited_by": "http.failed-requests"},
        {"artifact": HAR_PATH, "locator": {"kind": "entry", "index": reload_entry},
         "why": "the reloaded portal page and its assets load fine: only api.example.com "
                "is affected, not the network or the load balancer"},
        {"artifact": CAPTURE_PATH,
         "locator": {"kind": "packet", "index": host.certificate_frames[0]},
         "why": f"api.example.com presents a certificate valid until "
                f"{API_EXPIRY:%Y-%m-%d %H:%M:%S} UTC, {expired_for} s before this packet",
         "cited_by": "tls.certificate-expired"},
        {"artifact": CAPTURE_PATH, "locator": {"kind": "packet", "index": host.alert_frames[0]},
         "why": f"the client aborts with fatal alert 45 certificate_expired, as on all "
                f"{len(host.alert_frames)} connections to the API in the capture",
         "cited_by": "tls.handshake-failure"},
    ]
    files = {LOG_PATH: text.encode(), HAR_PATH: har, CAPTURE_PATH: host.capture.pcap()}
    # One cause, seen by every source: the key requires each source's rule and the
    # incident that ties them together. The log's stack-trace group is folded into its
    # known-issue match of the same records.
    rules = ["tls.certificate-expired", "tls.handshake-failure", "http.failed-requests",
             "log.known-issue", "incident.cross-source", "timeline.clock-offset"]
    # The favicon's 404 and the ad-blocked beacon are noise.
    return Built(files=files, rules=rules, evidence=evidence, forbidden=["http.client-errors"],
                 allowed=["kb.known-issue"])


SCENARIO = Scenario(
    name="cert_expiry_incident",
    title="Orders stopped syncing and the ops portal shows errors",
    difficulty="medium",
    summary=("The 90-day certificate of api.example.com expired on 2026-11-17 at 09:14:00 "
             "UTC. From that minute every client rejects it: the order-sync service logs "
             "SSLHandshakeException (CertificateExpiredException) for every push and its "
             "redelivery bursts, the operator's browser gets status 0 with "
             "net::ERR_CERT_DATE_INVALID on every API call, and the capture shows the expired "
             "certificate and the client's fatal alert certificate_expired on every "
             "connection. The sync log is in CET without a zone (10:14 there is 09:14 UTC): "
             "its offset must be inferred before the sources line up. Renew and install "
             "the certificate (and fix the renewal job). "
             "HikariCP's clock-leap warning, the blocked analytics beacon and the auth "
             "certificate that expires in five days are not the cause."),
    build=build,
    tags=("tls", "certificates", "http", "har", "logs", "network", "cross-source"),
)
