"""Earlier cases that share a bundle's problems, ranked: "seen before".

``similar_cases(store, fingerprints)`` ranks the cases whose findings share fingerprints
with ``fingerprints`` (a bundle's or a case's, each with its worst severity). A shared
fingerprint weighs by how bad it is and how rare it is among all cases:

    weight(f) = severity weight (critical 8, high 4, medium 2, low 1, info 0.5)
                * ln(1 + cases / cases with f)

and a case's score is the weight it shares over the weight of all the query's
fingerprints, from 0 to 1. So an expired certificate shared by two cases counts far more
than the favicon 404 half the cases have; ties go to the case that shares more, then to the
most recent. ``seen_before(store, fingerprints)`` answers the app's question per finding:
which earlier cases had this very fingerprint, most recent first.

Both leave out the bundle being looked at (``exclude_bundle``) and its own case
(``exclude_case``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from inspector.cases.schema import analyses, findings
from inspector.cases.store import CaseStore, CaseSummary
from inspector.model import Severity

SEVERITY_WEIGHT = {Severity.CRITICAL: 8.0, Severity.HIGH: 4.0, Severity.MEDIUM: 2.0,
                   Severity.LOW: 1.0, Severity.INFO: 0.5}
CHUNK = 500  # fingerprints per IN (...) list: well under every database's parameter limit


@dataclass(frozen=True, slots=True)
class SimilarCase:
    """An earlier case and what it shares with the query.

    Attributes:
        case: the case (title, root cause, resolution, report).
        score: the share of the query's weight it has, 0 to 1.
        shared: the shared findings' titles as that case recorded them, worst first.
    """

    case: CaseSummary
    score: float
    shared: tuple[str, ...]


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _hits(connection: Connection, fingerprints: list[str], exclude_case: str | None,
          exclude_bundle: str | None) -> list[tuple[str, str, str, str]]:
    """(case id, fingerprint, severity, title) of every recorded finding among these."""
    rows: list[tuple[str, str, str, str]] = []
    for chunk in _chunks(fingerprints):
        query = (select(analyses.c.case_id, findings.c.fingerprint, findings.c.severity,
                        findings.c.title)
                 .join(analyses, analyses.c.id == findings.c.analysis_id)
                 .where(findings.c.fingerprint.in_(chunk)))
        if exclude_case is not None:
            query = query.where(analyses.c.case_id != exclude_case)
        if exclude_bundle is not None:
            query = query.where(analyses.c.bundle_sha256 != exclude_bundle)
        rows.extend((r.case_id, r.fingerprint, r.severity, r.title)
                    for r in connection.execute(query))
    return rows


def _case_count(connection: Connection) -> int:
    return connection.execute(select(func.count(func.distinct(analyses.c.case_id)))).scalar_one()


def similar_cases(store: CaseStore, fingerprints: Mapping[str, Severity], *,
                  exclude_case: str | None = None, exclude_bundle: str | None = None,
                  limit: int = 10) -> list[SimilarCase]:
    """Earlier cases sharing ``fingerprints``, best first (see the module docstring)."""
    if not fingerprints:
        return []
    with store.reading() as connection:
        hits = _hits(connection, sorted(fingerprints), exclude_case, exclude_bundle)
        total_cases = max(1, _case_count(connection))
        cases_with: dict[str, set[str]] = defaultdict(set)
        for case_id, fingerprint, _, _ in hits:
            cases_with[fingerprint].add(case_id)

        def weight(fingerprint: str) -> float:
            # The case being looked at is among the cases when it is recorded: +1 for it.
            having = len(cases_with.get(fingerprint, ())) + 1
            return SEVERITY_WEIGHT[fingerprints[fingerprint]] * math.log(
                1 + (total_cases + 1) / having)

        total_weight = sum(weight(f) for f in fingerprints)
        shared: dict[str, dict[str, tuple[Severity, str]]] = defaultdict(dict)
        for case_id, fingerprint, severity_text, title in hits:
            severity = Severity(severity_text)
            known = shared[case_id].get(fingerprint)
            if known is None or severity > known[0]:
                shared[case_id][fingerprint] = (severity, title)
        scores = {case_id: sum(weight(f) for f in found) / total_weight
                  for case_id, found in shared.items()}
        summaries = {s.id: s for s in store.summaries(connection, list(scores))}
    ranked = sorted(scores, key=lambda c: (-scores[c], -len(shared[c]),
                                           -summaries[c].updated_at.timestamp(), c))
    return [SimilarCase(summaries[case_id], round(scores[case_id], 4),
                        tuple(title for _, title in sorted(
                            shared[case_id].values(), key=lambda st: (-st[0].rank, st[1]))))
            for case_id in ranked[:limit]]


def seen_before(store: CaseStore, fingerprints: Iterable[str], *,
                exclude_case: str | None = None,
                exclude_bundle: str | None = None) -> dict[str, list[CaseSummary]]:
    """For each fingerprint, the other cases that recorded it, most recent first."""
    wanted = sorted(set(fingerprints))
    if not wanted:
        return {}
    with store.reading() as connection:
        hits = _hits(connection, wanted, exclude_case, exclude_bundle)
        case_ids = sorted({case_id for case_id, *_ in hits})
        summaries = {s.id: s for s in store.summaries(connection, case_ids)} if case_ids else {}
    found: dict[str, list[CaseSummary]] = {}
    for fingerprint in wanted:
        ids = {case_id for case_id, f, *_ in hits if f == fingerprint}
        if ids:
            found[fingerprint] = sorted((summaries[i] for i in ids),
                                        key=lambda s: (-s.updated_at.timestamp(), s.id))
    return found
