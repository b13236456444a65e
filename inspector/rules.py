"""The registry of rules: every kind of finding that exists, declared once.

As in Wireshark's expert info, a finding is always an instance of a registered rule: a
stable dotted id, a default severity, a category and a one-line meaning. The UI, the docs
(``inspector rules``) and the tests list rules from here.

A rule also says what identifies one root cause (``same_cause``: the facts whose values make
two findings the same problem seen in two places, which ``inspector.findings`` merges into
one) and whom its findings concern (``concern``): the customer's system (an outage, an error,
a slow query), or the engineer handling the bundle (credentials it carries, hostile or
unreadable members), which is shown prominently but never as the case's root cause.

A rule that names a cause says which other rules' findings it *explains* when they cite the
same places (``explains=("log.exception", "log.known-issue")``: an OutOfMemoryError
diagnosis explains the stack-trace grouping and the signature match of the same log
records); ``inspector.findings`` then folds those into it. The declarations form no cycle.

>>> rule = Rule("demo.example", Severity.LOW, "demo", "An example rule")
>>> f = rule.finding("3 things happened", analyzer="demo", count=3)
>>> (f.rule, f.severity.value, f.count, f.concern)
('demo.example', 'low', 3, 'system')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from inspector.model import CONCERNS, SYSTEM, Finding, Severity

_RULE_ID = re.compile(r"^[a-z][a-z0-9]*(\.[a-z0-9]+(-[a-z0-9]+)*)+$")


@dataclass(frozen=True, slots=True)
class Rule:
    """A kind of finding.

    Attributes:
        id: stable dotted id, ``area.what-is-wrong``; part of the JSON contract.
        severity: the default severity of its findings.
        category: an independent grouping (``connectivity``, ``security``, ``performance``,
            ``errors``, ``bundle``...).
        summary: what the rule means, in one plain line.
        same_cause: the facts that identify one root cause: findings of this rule whose
            facts agree on all of them are one problem, wherever they were seen. Empty: every
            finding stands alone (a gap, a restart, a burst belong to their source).
        concern: ``system`` (what is wrong in the customer's system) or ``handling`` (what
            the engineer must take care of in the bundle itself).
        explains: ids of rules whose findings, where they cite the same places as one of
            this rule's findings, report the same event in a more generic way (a grouping
            by stack trace or by template): they are folded into this rule's finding.
    """

    id: str
    severity: Severity
    category: str
    summary: str
    same_cause: tuple[str, ...] = ()
    concern: str = SYSTEM
    explains: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _RULE_ID.match(self.id):
            raise ValueError(f"rule id {self.id!r} is not a dotted lower-case id")
        if self.concern not in CONCERNS:
            raise ValueError(f"rule {self.id!r}: concern must be one of {CONCERNS}")
        if self.id in self.explains:
            raise ValueError(f"rule {self.id!r} cannot explain itself")

    def finding(self, title: str, *, analyzer: str, severity: Severity | None = None,
                **fields: Any) -> Finding:
        """A finding of this rule; ``severity`` overrides the default when given."""
        return Finding(rule=self.id, severity=severity or self.severity,
                       category=self.category, title=title, analyzer=analyzer,
                       concern=self.concern, **fields)


class RuleRegistry:
    """All rules, by id. Registering the same id twice with a different meaning is a bug."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def register(self, rule: Rule) -> Rule:
        existing = self._rules.get(rule.id)
        if existing is not None and existing != rule:
            raise ValueError(f"rule {rule.id!r} is registered twice with different meanings")
        if rule.id in explained_by(rule.explains, self._rules):
            raise ValueError(f"rule {rule.id!r} explains a rule that explains it back")
        self._rules[rule.id] = rule
        return rule

    def get(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def find(self, rule_id: str) -> Rule | None:
        """The rule, or ``None`` for an id nothing registered (an analysis written by a
        plugin that is not installed here)."""
        return self._rules.get(rule_id)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self):
        return iter(sorted(self._rules.values(), key=lambda r: r.id))

    def __len__(self) -> int:
        return len(self._rules)


def explained_by(rule_ids: tuple[str, ...], rules: Mapping[str, Rule]) -> set[str]:
    """Every rule that ``rule_ids`` explain, directly or through the rules they explain
    (a rule ``rules`` does not hold explains nothing further).

    >>> oom = Rule("demo.oom", Severity.HIGH, "x", "y", explains=("demo.known",))
    >>> known = Rule("demo.known", Severity.HIGH, "x", "y", explains=("demo.exception",))
    >>> sorted(explained_by(oom.explains, {"demo.known": known}))
    ['demo.exception', 'demo.known']
    """
    found: set[str] = set()
    pending = list(rule_ids)
    while pending:
        rule_id = pending.pop()
        if rule_id not in found:
            found.add(rule_id)
            declared = rules.get(rule_id)
            pending += declared.explains if declared else ()
    return found


REGISTRY = RuleRegistry()


def rule(rule_id: str, severity: Severity, category: str, summary: str, *,
         same_cause: tuple[str, ...] = (), concern: str = SYSTEM,
         explains: tuple[str, ...] = ()) -> Rule:
    """Declare a rule in the global registry (call at module import)."""
    return REGISTRY.register(Rule(rule_id, severity, category, summary, same_cause, concern,
                                  explains))
