"""The HTTP analyzer, ``http``: turns a browser or proxy HAR export into a diagnosis.

What it reports, for one HAR artifact:

- stats under ``"http"``: entry and page counts, status/method histograms, per-host requests,
  errors, bytes and time-to-first-byte percentiles, and a ``waterfall`` row per entry
  (start offset, timing phases, status, size, masked URL, failure reason) for the UI;
- findings, one rule each: ``http.server-errors``, ``http.client-errors``,
  ``http.failed-requests`` (``errors``), ``http.slow-responses``, ``http.large-payload``,
  ``http.caching`` (``performance``), ``http.redirect-loop``, ``http.mixed-content``,
  ``http.cors-failure`` (``navigation``), ``http.expired-token``,
  ``http.credentials-exposed`` (``tokens``); evidence is entry numbers (1-based);
- events for the cross-source timeline: failed (status 0) and 5xx entries, capped.

The HAR is read by ``inspector.formats.har.HarReader``, one entry at a time, so memory
follows the largest entry, not the file. Each entry goes into a ``HarState`` and is
dropped; the findings come from the state once the last entry is read. A read that stops
early (truncated or invalid JSON, a corrupt compressed member) is a warning, and the
entries read so far are still analyzed. Secrets are found by ``inspector.privacy.secrets``
and only their masked form ever leaves this package: URLs in excerpts, facts and stats
are redacted first.

>>> import orjson
>>> from inspector.testing import run_analyzer
>>> har = {"log": {"version": "1.2", "entries": [{"startedDateTime": "2026-11-17T09:00:00Z",
...     "time": 12, "request": {"method": "GET", "url": "https://api.test/v1/x", "headers": []},
...     "response": {"status": 502, "headers": [], "content": {"size": 0}},
...     "timings": {"send": 1, "wait": 10, "receive": 1}}]}}
>>> run = run_analyzer(HttpAnalyzer(), orjson.dumps(har), name="case.har")
>>> sorted(run.rules()), run.stats["status"]
(['http.server-errors'], {'502': 1})
"""

from __future__ import annotations

import lzma
import zlib
from collections.abc import Callable, Iterator

from analyzers.http import errors, navigation, performance, tokens
from analyzers.http.diagnosis import Diagnosis
from analyzers.http.state import HarState
from inspector.formats.har import HarFormatError, HarReader
from inspector.model import ArtifactKind, Finding
from inspector.plugins import AnalysisContext, AnalyzerItem, ArtifactSource, Stats

# Every finding family's rules, one function each, in the order their findings come.
_DIAGNOSES: tuple[Callable[[Diagnosis], Iterator[Finding]], ...] = (
    errors.server_errors, errors.client_errors, errors.failed_requests,
    performance.slow_responses, navigation.redirect_chains, navigation.mixed_content,
    navigation.cors_failures, performance.large_payloads, performance.uncached_assets,
    tokens.expired_tokens, tokens.exposed_credentials,
)


class HttpAnalyzer:
    """Diagnoses a HAR file; see the module docstring."""

    name = "http"
    kinds = frozenset({ArtifactKind.HAR})
    rules = (errors.SERVER_ERRORS, errors.CLIENT_ERRORS, errors.FAILED_REQUESTS,
             performance.SLOW_RESPONSES, navigation.REDIRECT_LOOP, navigation.MIXED_CONTENT,
             navigation.CORS_FAILURE, performance.LARGE_PAYLOAD, performance.CACHING,
             tokens.EXPIRED_TOKEN, tokens.CREDENTIALS_EXPOSED)

    def analyze(self, source: ArtifactSource, context: AnalysisContext
                ) -> Iterator[AnalyzerItem]:
        artifact = source.artifact.path
        state = HarState(artifact)
        size = max(source.artifact.size, 1)
        with source.open() as stream:
            reader = HarReader(stream)
            try:
                for raw in reader.entries():
                    state.add(raw)
                    if state.count % 256 == 0:
                        context.check_cancelled()
                        context.progress(min(reader.offset / size, 0.99))
            except HarFormatError as exc:
                context.warn(f"HAR read stopped after {state.count:,} entries: {exc}")
            except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
                # A corrupt compressed member: what was read so far still counts.
                context.warn(f"reading the HAR failed after {state.count:,} entries: "
                             f"{type(exc).__name__}: {exc}")
        state.finish(reader.log)
        for message in state.warnings(reader):
            context.warn(message)
        yield Stats(state.stats(reader.log))
        yield from state.events()
        diagnosis = Diagnosis(state)
        for diagnose in _DIAGNOSES:
            yield from diagnose(diagnosis)
        context.progress(1.0)
