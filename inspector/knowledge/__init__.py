"""The knowledge base: known-issue signatures, where they live, and what they match.

A signature names a known problem and says how to recognize it in a bundle: a pattern
over log lines, an HTTP status and response body, a SQL error, a TLS alert. The package,
one module per job:

- ``signatures``: the TOML format (``docs/knowledge-base.md``), its validation (a bad
  signature is a problem, never a crash), reading the shipped and the user's signatures.
- ``locations``: where the user's own signatures live.
- ``matching``: ``KnowledgeBase`` (one combined matcher over log lines, as the ``logs``
  analyzer uses it) and ``match_bundle``, the one matcher over an analyzed bundle (HTTP,
  SQL and TLS results too) for every use.
- ``preview``: trying signatures on the open bundle and on every sample scenario (the
  signature editor, ``inspector kb test``).
- ``drafting``: a signature drafted from a log line or a finding, written as the user's.
"""

from __future__ import annotations

from inspector.knowledge.drafting import (
    draft_from_finding,
    draft_from_line,
    pattern_for_line,
    save_signature,
    to_toml,
)
from inspector.knowledge.locations import user_data_dir, user_signatures_dir
from inspector.knowledge.matching import (
    MATCH_CHARS,
    KnowledgeBase,
    SignatureMatch,
    excerpt,
    match_bundle,
)
from inspector.knowledge.preview import (
    AnalysisView,
    SampleTargets,
    Target,
    TargetMatches,
    match_everywhere,
)
from inspector.knowledge.signatures import (
    SHIPPED_SIGNATURES,
    HttpMatch,
    Signature,
    SqlMatch,
    TlsMatch,
    pattern_risk,
)

__all__ = [
    "MATCH_CHARS",
    "SHIPPED_SIGNATURES",
    "AnalysisView",
    "HttpMatch",
    "KnowledgeBase",
    "SampleTargets",
    "Signature",
    "SignatureMatch",
    "SqlMatch",
    "Target",
    "TargetMatches",
    "TlsMatch",
    "draft_from_finding",
    "draft_from_line",
    "excerpt",
    "match_bundle",
    "match_everywhere",
    "pattern_for_line",
    "pattern_risk",
    "save_signature",
    "to_toml",
    "user_data_dir",
    "user_signatures_dir",
]
