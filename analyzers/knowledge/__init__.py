"""The knowledge analyzer: HTTP responses, SQL errors and TLS alerts that match a known-issue
signature become ``kb.known-issue`` findings.

The signatures, their format and the matching live in the core (``inspector.knowledge``),
which the signature editor and ``inspector kb test`` use too; this is the bundle analyzer
that runs the matching after the per-artifact pass. Log lines are matched by the ``logs``
analyzer as they stream past (``log.known-issue``).
"""

from __future__ import annotations

from collections.abc import Iterator

from inspector.knowledge import KnowledgeBase, SignatureMatch, match_bundle
from inspector.model import Event, Finding, Severity
from inspector.plugins import AnalysisContext, BundleView
from inspector.rules import rule

# A signature names the cause of the SQL errors it matches, which ``sql.errors`` only groups.
KNOWN_ISSUE = rule("kb.known-issue", Severity.HIGH, "errors",
                   "An HTTP response, SQL error or TLS alert matches a known-issue signature",
                   explains=("sql.errors",))


class KnowledgeAnalyzer:
    """The bundle analyzer turning HTTP, SQL and TLS signature matches into findings.

    Log lines are the ``logs`` analyzer's (``log.known-issue``); this one reports
    ``kb.known-issue``, one finding per matching signature, at the signature's severity.
    Signatures that failed to load become warnings, so the user sees them in the analysis.

    Attributes:
        knowledge: the signatures (default: ``KnowledgeBase.load()``, loaded when first used).
    """

    name = "knowledge"
    rules = (KNOWN_ISSUE,)

    def __init__(self, knowledge: KnowledgeBase | None = None) -> None:
        self._knowledge = knowledge

    @property
    def knowledge(self) -> KnowledgeBase:
        if self._knowledge is None:
            self._knowledge = KnowledgeBase.load()
        return self._knowledge

    def analyze_bundle(self, bundle: BundleView,
                       context: AnalysisContext) -> Iterator[Finding | Event]:
        knowledge = self.knowledge
        for problem in knowledge.problems:
            context.warn(f"knowledge base: {problem}")
        for found in match_bundle(knowledge, bundle, lines=False, warn=context.warn,
                                  check_cancelled=context.check_cancelled):
            yield finding_for(found)


def finding_for(found: SignatureMatch) -> Finding:
    """A ``kb.known-issue`` finding for one signature's matches."""
    signature = found.signature
    where = " and ".join(found.sources)
    return KNOWN_ISSUE.finding(
        f"{signature.title} x{found.count}", analyzer=KnowledgeAnalyzer.name,
        severity=signature.severity,
        detail=f"{found.count} {where} item(s) match the known issue {signature.id}.",
        count=found.count, first_seen=found.first_seen, last_seen=found.last_seen,
        evidence=list(found.evidence), remediation=signature.remediation,
        references=[*([signature.kb_link] if signature.kb_link else []),
                    *signature.references],
        facts={"signature": signature.id, "title": signature.title,
               "sources": list(found.sources), "tags": list(signature.tags),
               "origin": signature.origin})
