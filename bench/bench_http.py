"""Benchmark the HTTP analyzer on a generated Chrome-like HAR (issue 4's speed target).

At ``--scale 1`` the HAR is about 200 MB with 20,000 entries: JSON API calls with the
session's cookie and bearer token (renewed every 400 requests, as a token refresh would),
gzipped scripts and stylesheets with their text, base64 images, some 4xx/5xx answers and
failed requests, pretty-printed as Chrome exports them. The analyzer runs in a
child process (``timed``), so the peak RSS is its own; the throughput is timed inside the
child around ``analyze()``, and interpreter start plus imports are reported apart.
Targets: >= 100 MB/s, peak memory < 3x the file size. No reference tool reads HAR files,
so the comparison row is a naive ``orjson.loads`` of the whole document, the obvious
alternative to streaming.
"""

from __future__ import annotations

import base64
import random
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from bench.run import Row, python_command, timed

ENTRIES = 20_000
TARGET_BYTES = 200 * 1024 * 1024

_ANALYZE = """
import sys
import time
from pathlib import Path
from analyzers.http import HttpAnalyzer
from inspector.model import Artifact, ArtifactKind
from inspector.testing import RecordingContext

class FileSource:
    def __init__(self, path):
        self.artifact = Artifact(path.name, ArtifactKind.HAR, path.stat().st_size)
        self.path = path
    def open(self):
        return open(self.path, "rb")

started = time.perf_counter()
items = list(HttpAnalyzer().analyze(FileSource(Path(sys.argv[1])), RecordingContext()))
elapsed = time.perf_counter() - started
with open(sys.argv[2], "a") as times:
    print(elapsed, items[0].values["entries"], file=times)
"""

_NAIVE = """
import sys, time, orjson
started = time.perf_counter()
document = orjson.loads(open(sys.argv[1], "rb").read())
entries = len(document["log"]["entries"])
with open(sys.argv[2], "a") as times:
    print(time.perf_counter() - started, entries, file=times)
"""


def _headers(pairs: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs.items()]


def _entry(rng: random.Random, number: int, started: datetime, body_budget: int
           ) -> dict[str, object]:
    kind = rng.random()
    host = "app.example.com" if kind < 0.45 else "cdn.example-static.net"
    request_headers = {
        ":authority": host, ":method": "GET", ":scheme": "https", "accept": "*/*",
        "accept-encoding": "gzip, deflate, br", "accept-language": "en-US,en;q=0.9",
        "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
                      "Gecko) Chrome/131.0.0.0 Safari/537.36",
        "sec-ch-ua-platform": '"Linux"', "sec-fetch-mode": "cors", "sec-fetch-site": "same-site",
        "referer": "https://app.example.com/dashboard",
    }
    status, mime, encoding, resource = 200, "application/json", None, "fetch"
    if kind < 0.45:
        path = f"/api/v2/items/{rng.randrange(10_000)}?page={rng.randrange(50)}"
        # One session: the cookie and the access token change only at each token refresh.
        session = random.Random(number // 400)
        request_headers["cookie"] = f"session={session.getrandbits(128):032x}; theme=dark"
        request_headers["authorization"] = f"Bearer {session.getrandbits(256):064x}"
        rows = [{"id": rng.randrange(10**6), "name": f"item-{i}", "price": rng.random() * 100,
                 "tags": ["a", "b"]} for i in range(max(1, body_budget // 90))]
        text = orjson.dumps({"items": rows}).decode()
        status = rng.choice((200,) * 40 + (500, 502, 401, 404))
    elif kind < 0.75:
        resource = rng.choice(("script", "stylesheet"))
        path = f"/assets/{resource}-{number}.{'js' if resource == 'script' else 'css'}"
        mime = "application/javascript" if resource == "script" else "text/css"
        line = "function f%d(a,b){return a.map(x=>x*b).filter(Boolean)}\n"
        text = "".join(line % i for i in range(body_budget // 56))
        encoding = "gzip"
    else:
        resource, mime = "image", "image/webp"
        path = f"/img/photo-{number}.webp"
        text = base64.b64encode(rng.randbytes(body_budget * 3 // 4)).decode()
    response_headers = {
        "content-type": mime, "date": "Tue, 17 Nov 2026 09:00:00 GMT", "server": "nginx",
        "cache-control": "public, max-age=31536000", "x-request-id": f"{rng.getrandbits(64):x}",
        "strict-transport-security": "max-age=63072000",
    }
    if encoding:
        response_headers["content-encoding"] = encoding
    wait = rng.lognormvariate(4, 0.8)
    content: dict[str, object] = {"size": len(text), "mimeType": mime, "text": text}
    if resource == "image":
        content["encoding"] = "base64"
    failed = rng.random() < 0.005
    return {
        "_initiator": {"type": "script"}, "_priority": "High", "_resourceType": resource,
        "cache": {}, "connection": str(rng.randrange(100, 999)), "pageref": "page_1",
        "request": {"method": "GET", "url": f"https://{host}{path}", "httpVersion": "http/2.0",
                    "headers": _headers(request_headers), "queryString": [], "cookies": [],
                    "headersSize": -1, "bodySize": 0},
        "response": {"status": 0 if failed else status, "statusText": "",
                     "httpVersion": "http/2.0", "headers": _headers(response_headers),
                     "cookies": [], "content": content, "redirectURL": "", "headersSize": -1,
                     "bodySize": -1, "_transferSize": len(text) // 3 + 400,
                     "_error": "net::ERR_CONNECTION_RESET" if failed else None},
        "serverIPAddress": "203.0.113.10", "startedDateTime": format_started(started),
        "time": wait + 3,
        "timings": {"blocked": rng.random() * 5, "dns": -1, "ssl": -1, "connect": -1,
                    "send": 0.2, "wait": wait, "receive": 2.5,
                    "_blocked_queueing": rng.random() * 2},
    }


def format_started(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def generate(path: Path, entries: int, target_bytes: int, seed: int = 4) -> int:
    """Write the HAR; return its size in bytes."""
    rng = random.Random(seed)
    per_entry_body = max(200, target_bytes // entries - 2_900)  # headers and keys ~2.9 KB
    started = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.write(b'{\n  "log": {\n    "version": "1.2",\n    "creator": {"name": '
                  b'"WebInspector", "version": "537.36"},\n    "pages": [{"startedDateTime": '
                  + orjson.dumps(format_started(started)) + b', "id": "page_1", "title": '
                  b'"https://app.example.com/dashboard", "pageTimings": {}}],\n'
                  b'    "entries": [\n')
        for number in range(entries):
            started += timedelta(milliseconds=rng.randrange(5, 60))
            body = int(per_entry_body * rng.uniform(0.5, 1.5))
            entry = orjson.dumps(_entry(rng, number, started, body), option=orjson.OPT_INDENT_2)
            out.write((b",\n" if number else b"") + entry)
        out.write(b"\n    ]\n  }\n}\n")
    return path.stat().st_size


def _inside(path: Path) -> tuple[float, set[int]]:
    """Median seconds timed inside the child, and the entry counts its runs reported."""
    runs = [line.split() for line in path.read_text().splitlines()]
    return statistics.median(float(run[0]) for run in runs), {int(run[1]) for run in runs}


def run(workdir: Path, scale: float) -> list[Row]:
    entries = max(100, int(ENTRIES * scale))
    har = workdir / "bench.har"
    size = generate(har, entries, int(TARGET_BYTES * scale))
    megabytes = size / 1e6
    repo = Path(__file__).resolve().parents[1]
    # Both sides: three runs each, medians, timed the same two ways (inside the child, and
    # the whole process with interpreter start), on the same file.
    ours_times, naive_times = workdir / "analysis-seconds.txt", workdir / "naive-seconds.txt"
    ours_times.unlink(missing_ok=True)
    naive_times.unlink(missing_ok=True)
    seconds, peak_kib = timed([*python_command(_ANALYZE), str(har), str(ours_times)],
                              repeat=3, cwd=repo)
    naive_seconds, naive_kib = timed([*python_command(_NAIVE), str(har), str(naive_times)],
                                     repeat=3)
    analysis, ours_counts = _inside(ours_times)
    naive, naive_counts = _inside(naive_times)
    peak = peak_kib * 1024
    rows = [
        Row("http", "HAR size", megabytes, "MB", f"{entries:,} entries"),
        Row("http", "analyzer throughput", megabytes / analysis, "MB/s",
            f"{analysis:.2f} s in analyze(); target >= 100 MB/s"),
        Row("http", "throughput incl. interpreter start", megabytes / seconds, "MB/s",
            f"{seconds:.2f} s wall; importing the analyzers package is part of it"),
        Row("http", "analyzer peak RSS", peak / 1e6, "MB",
            f"{peak / size:.2f}x file size; target < 3x"),
        Row("http", "naive orjson.loads of the whole file", megabytes / naive, "MB/s",
            f"{naive:.2f} s in process; peak {naive_kib * 1024 / size:.2f}x file size; no "
            "reference tool reads HAR, so this is the comparison"),
        Row("http", "naive orjson.loads incl. interpreter start", megabytes / naive_seconds,
            "MB/s", f"{naive_seconds:.2f} s wall"),
    ]
    if ours_counts == naive_counts == {entries}:
        rows.append(Row("http", "speed ratio (naive time / ours), in process",
                        naive / analysis, "x", "both read every entry"))
    else:
        rows.append(Row("http", "speed ratio", 0, "x", f"not printed: entries read differ "
                        f"(ours {sorted(ours_counts)}, naive {sorted(naive_counts)}, "
                        f"generated {entries})"))
    return rows
