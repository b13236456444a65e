"""``java.lang.OutOfMemoryError`` by kind, tied to the same JVM's GC log and thread dumps.

The errors themselves are found by the ``logs`` analyzer (``log.exception`` with the type
and message, ``log.known-issue`` for the ``jvm.out-of-memory`` signature); this reads
those findings after the per-artifact pass, tells the kind from the message, and looks for
the same JVM's GC log and thread dumps in the bundle. Decisions the next engineer needs:

- **Kinds** and what each means: ``heap`` (Java heap space), ``gc-overhead`` (GC overhead
  limit exceeded: 98% of time in GC recovering under 2%), ``metaspace`` (Metaspace,
  PermGen, Compressed class space), ``native-thread`` (unable to create native thread:
  a thread or process limit, not the heap), ``direct-buffer`` (Direct buffer memory),
  ``array-size`` (Requested array size exceeds VM limit), ``other``.
- **The same JVM** is not written in a log line, so it is judged: a GC log is tied when
  the error's time falls within its span (``TIE_MARGIN`` either side) and both sit under
  the same top folder of the bundle (one node's files); a thread dump when it sits under
  the same top folder and was taken within ``TIE_MARGIN`` of the error (its time is
  written without a zone, so it is compared as written). A GC log from another year is
  never tied, whatever its folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from analyzers.jvm.rules import ANALYZER, CROSS, OUT_OF_MEMORY
from inspector.model import Evidence, Finding, parse_time
from inspector.plugins import ArtifactResults

TIE_MARGIN = timedelta(minutes=30)

_KINDS = (
    ("gc-overhead", re.compile(r"GC overhead limit exceeded", re.I)),
    ("metaspace", re.compile(r"Metaspace|PermGen space|Compressed class space", re.I)),
    ("native-thread", re.compile(r"unable to create (?:new )?native thread", re.I)),
    ("direct-buffer", re.compile(r"Direct buffer memory|Cannot reserve \d+ bytes of direct",
                                 re.I)),
    ("array-size", re.compile(r"Requested array size exceeds VM limit", re.I)),
    ("heap", re.compile(r"Java heap space", re.I)),
)
_OOM = re.compile(r"java\.lang\.OutOfMemoryError(?::\s*(?P<message>[^\n|]{0,200}))?")

_ADVICE = {
    "heap": ("The heap is full of live objects. Take a heap dump at the error "
             "(-XX:+HeapDumpOnOutOfMemoryError) and see what holds the memory; raise -Xmx "
             "only once a leak is ruled out."),
    "gc-overhead": ("The JVM spent nearly all its time in GC and freed almost nothing: the "
                    "heap is exhausted. Same remedy as Java heap space: a heap dump shows "
                    "what fills it."),
    "metaspace": ("Class metadata is full: raise -XX:MaxMetaspaceSize if that many classes "
                  "are expected, else look for a class-loader leak (redeploys, dynamic "
                  "proxies, scripting engines)."),
    "native-thread": ("The JVM could not start a thread: the user's process/thread limit "
                      "(ulimit -u, the container's pids limit) or native memory, not the "
                      "heap. Count the threads (thread dump) and check the limits."),
    "direct-buffer": ("Off-heap direct buffers hit -XX:MaxDirectMemorySize: look for "
                      "buffers not released (NIO, Netty) or raise the limit."),
    "array-size": ("Code asked for an array larger than the JVM allows: a bug or a "
                   "runaway size computation in the frame that threw."),
    "other": ("See the error's message and stack; a heap dump at the error "
              "(-XX:+HeapDumpOnOutOfMemoryError) shows the memory."),
}


def kind_of(message: str) -> str:
    """The kind of an OutOfMemoryError from its message (see the module doc).

    >>> kind_of("java.lang.OutOfMemoryError: unable to create native thread: possibly out "
    ...         "of memory")
    'native-thread'
    """
    for kind, pattern in _KINDS:
        if pattern.search(message):
            return kind
    return "other"


def top_folder(path: str) -> str:
    """The first folder of a bundle path, nested archives included (``app-01``)."""
    parts = path.replace("!/", "/").split("/")
    return parts[0] if len(parts) > 1 else ""


def _errors(results: Sequence[ArtifactResults]) -> Iterator[tuple[ArtifactResults, Finding,
                                                                 str]]:
    for result in results:
        for finding in result.findings:
            text = ""
            if finding.rule == "log.exception" and "OutOfMemoryError" in \
                    str(finding.facts.get("type", "")):
                text = f"{finding.facts.get('type')}: {finding.facts.get('message', '')}"
            elif finding.rule == "log.known-issue" and \
                    finding.facts.get("signature") == "jvm.out-of-memory":
                text = " ".join(e.excerpt for e in finding.evidence)
            if text:
                yield result, finding, text


def _gc_span(result: ArtifactResults) -> tuple[datetime, datetime] | None:
    gc = result.stats.get(ANALYZER, {}).get("gc")
    if not gc or not gc.get("first") or not gc.get("last"):
        return None
    first, last = parse_time(gc["first"].get("time")), parse_time(gc["last"].get("time"))
    return (first, last) if first and last else None


def out_of_memory(results: Sequence[ArtifactResults]) -> Iterator[Finding]:
    """One ``jvm.out-of-memory`` finding per kind and log (see the module doc)."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    errors = list(_errors(results))
    # A known-issue match quotes the record's first line, which may not carry the error's
    # message; where the same log has the exception itself, that says the kind.
    with_exception = {r.artifact.path for r, f, _ in errors if f.rule == "log.exception"}
    errors = [(r, f, t) for r, f, t in errors
              if f.rule == "log.exception" or r.artifact.path not in with_exception]
    for result, finding, text in errors:
        match = _OOM.search(text)
        message = (match.group("message") or "").strip() if match else text
        kind = kind_of(text)
        key = (result.artifact.path, kind)
        entry = seen.setdefault(key, {"result": result, "finding": finding,
                                      "message": message, "count": 0})
        entry["count"] = max(entry["count"], finding.count)
        if finding.rule == "log.exception":
            entry["finding"], entry["message"] = finding, message or entry["message"]
    for (path, kind), entry in sorted(seen.items()):
        yield _finding(path, kind, entry, results)


def _finding(path: str, kind: str, entry: dict[str, Any],
             results: Sequence[ArtifactResults]) -> Finding:
    finding: Finding = entry["finding"]
    moment = finding.first_seen
    folder = top_folder(path)
    ties, gc_findings, dump_facts = [], [], []
    for result in results:
        other = result.artifact.path
        if other == path or top_folder(other) != folder:
            continue
        span = _gc_span(result)
        if span and moment and span[0] - TIE_MARGIN <= moment <= span[1] + TIE_MARGIN:
            ties.append(other)
            gc_findings += [f for f in result.findings if f.analyzer == ANALYZER]
        for dump in result.stats.get(ANALYZER, {}).get("thread_dumps", []):
            written = dump.get("time")
            if not (written and moment):
                continue
            taken = datetime.fromisoformat(written).replace(tzinfo=moment.tzinfo)
            if abs(taken - moment) <= TIE_MARGIN:
                dump_facts.append({"artifact": other, "line": dump["line"], "time": written,
                                   "threads": dump["threads"], "states": dump["states"]})
                ties.append(other)
    said = [f"GC log: {f.title}" for f in sorted(gc_findings, key=lambda f: f.sort_key())[:4]]
    said += [f"thread dump {d['artifact'].rsplit('/', 1)[-1]}:{d['line']} ({d['time']}): "
             f"{d['threads']} threads, {d['states'].get('BLOCKED', 0)} BLOCKED"
             for d in dump_facts[:3]]
    evidence = list(finding.evidence[:3]) + [
        Evidence(f.evidence[0].artifact, f.evidence[0].locator, f.title[:200])
        for f in gc_findings[:3] if f.evidence]
    message = entry["message"] or "(no message)"
    return OUT_OF_MEMORY.finding(
        f"java.lang.OutOfMemoryError: {message} ({kind}) x{entry['count']} in "
        f"{path.rsplit('/', 1)[-1]}" + (f"; the same JVM's {len(set(ties))} GC log/dump "
                                         "file(s) say why" if ties else ""),
        analyzer=CROSS, count=entry["count"], first_seen=finding.first_seen,
        last_seen=finding.last_seen, evidence=evidence,
        detail=(f"{entry['count']} OutOfMemoryError(s) of kind {kind} in {path}."
                + (" Around them: " + "; ".join(said) + "." if said else
                   " The bundle has no GC log or thread dump of this JVM from that time: "
                   "ask for the GC log (-Xlog:gc*) and a heap dump.")),
        facts={"kind": kind, "message": message, "artifact": path,
               "gc_logs": sorted({t for t in ties if any(t == r.artifact.path and
                                                          _gc_span(r) for r in results)}),
               "thread_dumps": dump_facts[:5]},
        remediation=_ADVICE[kind])
