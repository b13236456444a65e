"""The case database's tables, in SQLAlchemy Core: what a case remembers, and nothing more.

- ``cases``: one per customer case: its id (the team's own, e.g. a ticket number, or
  ``bundle-<sha256 prefix>`` when none was given), a title, and what the engineer wrote:
  the root cause, the resolution, where the report was written.
- ``analyses``: one per bundle recorded in a case: the bundle's SHA-256 and name, where the
  analysis came from (``app``, ``analyze``, ``report``, ``triage``), the worst severity
  and top finding, where triage wrote its JSON. A bundle that could not be analysed is not
  recorded: triage tries it again on the next run.
- ``findings``: one per finding of an analysis: its fingerprint
  (``inspector.cases.fingerprints``), rule, severity and title.

Never stored: the bundle, its members, evidence excerpts, facts. Titles, names and the
engineer's text are stored redacted (``inspector.cases.recording``). The schema is created
and upgraded by the Alembic migrations in ``migrations/versions``, never from these objects:
a change here goes with a new migration there (``tests/inspector/cases/test_schema.py``
holds the two equal).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

CASE_ID_LENGTH = 200

metadata = MetaData()

cases = Table(
    "cases", metadata,
    Column("id", String(CASE_ID_LENGTH), primary_key=True),
    Column("title", Text, nullable=False),
    Column("root_cause", Text, nullable=False),
    Column("resolution", Text, nullable=False),
    Column("report", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

analyses = Table(
    "analyses", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(CASE_ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"),
           nullable=False),
    Column("bundle_sha256", String(64), nullable=False),
    Column("bundle_name", Text, nullable=False),
    Column("origin", String(16), nullable=False),
    Column("tool_version", String(40), nullable=False),
    Column("worst_severity", String(16), nullable=True),
    Column("top_finding", Text, nullable=False),
    Column("finding_count", Integer, nullable=False),
    Column("output", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("case_id", "bundle_sha256", name="uq_analyses_case_bundle"),
    Index("ix_analyses_bundle_sha256", "bundle_sha256"),
)

findings = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("analysis_id", Integer, ForeignKey("analyses.id", ondelete="CASCADE"),
           nullable=False),
    Column("position", Integer, nullable=False),
    Column("fingerprint", String(32), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Index("ix_findings_fingerprint", "fingerprint"),
    Index("ix_findings_analysis_id", "analysis_id"),
)
