"""The case database: every analysis a team records, and which earlier cases look alike.

- ``fingerprints``: a finding's fingerprint, its rule and normalised identity facts;
- ``recording``: what is kept of an analysis (fingerprints, redacted titles), never content;
- ``schema`` and ``migrations/``: the tables and their Alembic revisions;
- ``database``: where the database is (SQLite in the data directory, or PostgreSQL) and
  bringing its schema up to date;
- ``store``: ``CaseStore``: record, resolve, list, show, forget;
- ``similarity``: earlier cases sharing fingerprints, ranked; "seen before" per finding.

>>> import tempfile
>>> store = open_store(tempfile.mkdtemp() + "/cases.sqlite3")
>>> store.cases()
[]
"""

from inspector.cases.database import CaseDatabaseError, database_url
from inspector.cases.fingerprints import finding_fingerprint, fingerprint, identity_facts
from inspector.cases.recording import RecordedFinding, Recording, bundle_redactor, recording_of
from inspector.cases.similarity import SimilarCase, seen_before, similar_cases
from inspector.cases.store import (
    CaseDetail,
    CaseStore,
    CaseSummary,
    RecordedAnalysis,
    UnknownCase,
    check_case_id,
    open_store,
)

__all__ = [
    "CaseDatabaseError", "CaseDetail", "CaseStore", "CaseSummary", "RecordedAnalysis",
    "RecordedFinding", "Recording", "SimilarCase", "UnknownCase", "bundle_redactor",
    "check_case_id", "database_url", "finding_fingerprint", "fingerprint", "identity_facts",
    "open_store", "recording_of", "seen_before", "similar_cases",
]
