"""The case database: record analyses in cases, read cases back, forget them.

``CaseStore(engine)`` (``open_store(url)`` connects and upgrades first) is the one way the
CLI, triage and the app read and write it. Every write is one transaction.

- ``record(recording, case_id=None, origin=...)``: the analysis of a bundle, in a case. The
  case is ``case_id`` when given, else the case the bundle was recorded in before, else a
  new one named ``bundle-<first 12 hex digits of its SHA-256>``. Recording the same bundle
  in the same case again replaces the earlier recording.
- ``resolve(case_id, ...)``: what the engineer concluded: title, root cause, resolution, and
  where the report is.
- ``forget(case_id)``: the case, its analyses and their findings, gone.
- ``cases()``, ``case(case_id)``: what the CLI's ``cases list|show`` print.
- ``triaged()``: bundles triage already wrote an analysis for, so a rerun skips them.

Similarity ("seen before") is ``inspector.cases.similarity``, on the same store.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from inspector.cases.database import connect
from inspector.cases.recording import RecordedFinding, Recording
from inspector.cases.schema import CASE_ID_LENGTH, analyses, cases, findings
from inspector.model import Severity

ORIGINS = ("app", "analyze", "report", "triage")


class UnknownCase(KeyError):
    """No case has this id."""


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """A case as lists show it.

    Attributes:
        id, title, root_cause, resolution: as recorded (redacted).
        report: where the case's report was written ("" when none was).
        bundles: how many bundles were recorded in it.
        worst_severity: the worst finding of all its bundles, or None.
    """

    id: str
    title: str
    root_cause: str
    resolution: str
    report: str
    created_at: datetime
    updated_at: datetime
    bundles: int = 0
    worst_severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class RecordedAnalysis:
    bundle_sha256: str
    bundle_name: str
    origin: str
    recorded_at: datetime
    worst_severity: Severity | None
    top_finding: str
    finding_count: int
    output: str


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """A case with its analyses and its findings (each fingerprint once, worst first)."""

    summary: CaseSummary
    analyses: list[RecordedAnalysis] = field(default_factory=list)
    findings: list[RecordedFinding] = field(default_factory=list)


def default_case_id(bundle_sha256: str) -> str:
    return f"bundle-{bundle_sha256[:12]}"


def utc(value: datetime) -> datetime:
    """A time read back from the database, aware and in UTC (SQLite returns naive ones)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def severity_or_none(text: str | None) -> Severity | None:
    return Severity(text) if text else None


def check_case_id(case_id: str) -> str:
    """``case_id`` stripped; ``ValueError`` with a plain message when it cannot be one."""
    case_id = case_id.strip()
    if not case_id or len(case_id) > CASE_ID_LENGTH or not case_id.isprintable():
        raise ValueError(f"a case id is 1 to {CASE_ID_LENGTH} printable characters, "
                         f"not {case_id!r}")
    return case_id


class CaseStore:
    """Reads and writes the case database (see the module docstring).

    Attributes:
        engine: the SQLAlchemy engine; ``url`` says where it points (no password).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    # -- writing -----------------------------------------------------------------------

    def record(self, recording: Recording, case_id: str | None = None, *,
               origin: str = "analyze", output: str = "") -> str:
        """Record ``recording`` (see the module docstring); returns the case id."""
        if origin not in ORIGINS:
            raise ValueError(f"origin is one of {', '.join(ORIGINS)}, not {origin!r}")
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            case_id = check_case_id(case_id) if case_id else (
                self._case_of_bundle(connection, recording.bundle_sha256)
                or default_case_id(recording.bundle_sha256))
            exists = connection.execute(
                select(cases.c.id).where(cases.c.id == case_id)).first()
            if exists:
                connection.execute(update(cases).where(cases.c.id == case_id)
                                   .values(updated_at=now))
            else:
                connection.execute(insert(cases).values(
                    id=case_id, title=recording.top_finding or recording.bundle_name,
                    root_cause="", resolution="", report="", created_at=now, updated_at=now))
            self._replace_analysis(connection, case_id, recording, origin, output, now)
        return case_id

    def _replace_analysis(self, connection: Connection, case_id: str, recording: Recording,
                          origin: str, output: str, now: datetime) -> None:
        earlier = select(analyses.c.id).where(
            analyses.c.case_id == case_id,
            analyses.c.bundle_sha256 == recording.bundle_sha256).scalar_subquery()
        connection.execute(delete(findings).where(findings.c.analysis_id == earlier))
        connection.execute(delete(analyses).where(
            analyses.c.case_id == case_id,
            analyses.c.bundle_sha256 == recording.bundle_sha256))
        worst = recording.worst_severity
        analysis_id = connection.execute(insert(analyses).values(
            case_id=case_id, bundle_sha256=recording.bundle_sha256,
            bundle_name=recording.bundle_name, origin=origin,
            tool_version=recording.tool_version,
            worst_severity=worst.value if worst else None, top_finding=recording.top_finding,
            finding_count=len(recording.findings), output=output, recorded_at=now,
        ).returning(analyses.c.id)).scalar_one()
        if recording.findings:
            connection.execute(insert(findings), [
                {"analysis_id": analysis_id, "position": position,
                 "fingerprint": finding.fingerprint, "rule": finding.rule,
                 "severity": finding.severity.value, "title": finding.title}
                for position, finding in enumerate(recording.findings, 1)])

    def resolve(self, case_id: str, *, title: str | None = None,
                root_cause: str | None = None, resolution: str | None = None,
                report: str | None = None) -> None:
        """Set what the engineer concluded; ``None`` leaves a field as it is.

        Raises ``UnknownCase``. The caller redacts the text (``inspector report`` passes
        the report's own redacted text).
        """
        values = {name: value for name, value in (
            ("title", title), ("root_cause", root_cause), ("resolution", resolution),
            ("report", report)) if value is not None}
        with self.engine.begin() as connection:
            changed = connection.execute(update(cases).where(cases.c.id == case_id).values(
                **values, updated_at=datetime.now(UTC)))
            if changed.rowcount == 0:
                raise UnknownCase(case_id)

    def forget(self, case_id: str) -> bool:
        """Remove the case and everything recorded in it; False when there was none."""
        with self.engine.begin() as connection:
            in_case = select(analyses.c.id).where(analyses.c.case_id == case_id)
            connection.execute(delete(findings).where(findings.c.analysis_id.in_(in_case)))
            connection.execute(delete(analyses).where(analyses.c.case_id == case_id))
            return connection.execute(delete(cases).where(cases.c.id == case_id)).rowcount > 0

    # -- reading -----------------------------------------------------------------------

    @staticmethod
    def _case_of_bundle(connection: Connection, bundle_sha256: str) -> str | None:
        return connection.execute(
            select(analyses.c.case_id).where(analyses.c.bundle_sha256 == bundle_sha256)
            .order_by(analyses.c.recorded_at.desc(), analyses.c.id.desc()).limit(1)
        ).scalar_one_or_none()

    def case_of_bundle(self, bundle_sha256: str) -> str | None:
        """The case a bundle was last recorded in, or None."""
        with self.reading() as connection:
            return self._case_of_bundle(connection, bundle_sha256)

    def summaries(self, connection: Connection, case_ids: list[str] | None = None,
                  limit: int | None = None) -> list[CaseSummary]:
        """Cases, most recently updated first (only ``case_ids`` when given)."""
        per_case = (select(analyses.c.case_id,
                           func.count(analyses.c.id).label("bundles"))
                    .group_by(analyses.c.case_id).subquery())
        query = (select(cases, per_case.c.bundles)
                 .outerjoin(per_case, per_case.c.case_id == cases.c.id)
                 .order_by(cases.c.updated_at.desc(), cases.c.id))
        if case_ids is not None:
            query = query.where(cases.c.id.in_(case_ids))
        if limit is not None:
            query = query.limit(limit)
        rows = connection.execute(query).all()
        worst = self._worst_severities(connection, [row.id for row in rows])
        return [CaseSummary(row.id, row.title, row.root_cause, row.resolution, row.report,
                            utc(row.created_at), utc(row.updated_at), row.bundles or 0,
                            worst.get(row.id)) for row in rows]

    @staticmethod
    def _worst_severities(connection: Connection, case_ids: list[str]) -> dict[str, Severity]:
        worst: dict[str, Severity] = {}
        if not case_ids:
            return worst
        rows = connection.execute(
            select(analyses.c.case_id, analyses.c.worst_severity).distinct()
            .where(analyses.c.case_id.in_(case_ids), analyses.c.worst_severity.is_not(None)))
        for case_id, text in rows:
            severity = Severity(text)
            if case_id not in worst or severity > worst[case_id]:
                worst[case_id] = severity
        return worst

    def cases(self, limit: int | None = None) -> list[CaseSummary]:
        """Every case (the ``limit`` most recently updated), most recent first."""
        with self.reading() as connection:
            return self.summaries(connection, limit=limit)

    def case(self, case_id: str) -> CaseDetail:
        """A case with its analyses and findings. Raises ``UnknownCase``."""
        with self.reading() as connection:
            found = self.summaries(connection, [case_id])
            if not found:
                raise UnknownCase(case_id)
            rows = connection.execute(
                select(analyses).where(analyses.c.case_id == case_id)
                .order_by(analyses.c.recorded_at, analyses.c.id)).all()
            recorded = [RecordedAnalysis(
                row.bundle_sha256, row.bundle_name, row.origin, utc(row.recorded_at),
                severity_or_none(row.worst_severity), row.top_finding, row.finding_count,
                row.output) for row in rows]
            return CaseDetail(found[0], recorded, self._findings(connection, case_id))

    @staticmethod
    def _findings(connection: Connection, case_id: str) -> list[RecordedFinding]:
        rows = connection.execute(
            select(findings.c.fingerprint, findings.c.rule, findings.c.severity,
                   findings.c.title)
            .join(analyses, analyses.c.id == findings.c.analysis_id)
            .where(analyses.c.case_id == case_id)
            .order_by(analyses.c.recorded_at, findings.c.position)).all()
        unique: dict[str, RecordedFinding] = {}
        for row in rows:
            finding = RecordedFinding(row.fingerprint, row.rule, Severity(row.severity),
                                      row.title)
            known = unique.get(row.fingerprint)
            if known is None or finding.severity > known.severity:
                unique[row.fingerprint] = finding
        return sorted(unique.values(), key=lambda f: (-f.severity.rank, f.rule, f.title))

    def fingerprints_of_case(self, case_id: str) -> dict[str, Severity]:
        """Each fingerprint recorded in the case, with its worst severity."""
        with self.reading() as connection:
            return {f.fingerprint: f.severity for f in self._findings(connection, case_id)}

    def fingerprints_of_bundle(self, bundle_sha256: str) -> dict[str, Severity]:
        """Each fingerprint recorded for the bundle (in any case), with its worst severity."""
        worst: dict[str, Severity] = {}
        with self.reading() as connection:
            rows = connection.execute(
                select(findings.c.fingerprint, findings.c.severity)
                .join(analyses, analyses.c.id == findings.c.analysis_id)
                .where(analyses.c.bundle_sha256 == bundle_sha256))
            for fingerprint, text in rows:
                severity = Severity(text)
                if fingerprint not in worst or severity > worst[fingerprint]:
                    worst[fingerprint] = severity
        return worst

    def triaged(self) -> Mapping[str, str]:
        """Bundle SHA-256 -> the analysis JSON triage wrote for it (the latest)."""
        with self.reading() as connection:
            rows = connection.execute(
                select(analyses.c.bundle_sha256, analyses.c.output)
                .where(analyses.c.output != "")
                .order_by(analyses.c.recorded_at, analyses.c.id))
            return {sha256: output for sha256, output in rows}


def open_store(url: str | None = None) -> CaseStore:
    """The case database at ``url`` (see ``inspector.cases.database``), up to date.

    Raises ``CaseDatabaseError`` when it cannot be used.
    """
    return CaseStore(connect(url))
