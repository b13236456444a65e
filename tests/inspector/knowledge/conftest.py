"""Fixtures the knowledge base's tests share: the shipped signatures, sample scenarios."""

from __future__ import annotations

import pytest

from analyzers import BUILTIN
from inspector.knowledge.matching import KnowledgeBase
from inspector.knowledge.preview import SampleTargets

# Analyzed once for the whole package: building and analyzing them takes seconds.
SCENARIOS = ("tls_expired_certificate", "expired_token_401", "deadlock", "gateway_502")


@pytest.fixture(scope="package")
def shipped():
    return KnowledgeBase.load()


@pytest.fixture(scope="package")
def sample_targets():
    with SampleTargets(BUILTIN, SCENARIOS) as samples:
        yield {target.name.removeprefix("sample:"): target for target in samples.targets()}
