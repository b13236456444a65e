"""Fixtures the report's tests share: a real analysis and its draft, made once."""

from __future__ import annotations

import pytest

from inspector.bundle import open_bundle
from inspector.report.drafting import draft
from inspector.training import scenarios
from tests.analyses import analyze


@pytest.fixture(scope="package")
def incident(tmp_path_factory):
    """The cross-source certificate-expiry sample: its bundle path and analysis."""
    bundle, _ = scenarios.build("cert_expiry_incident", tmp_path_factory.mktemp("samples"))
    return bundle, analyze(bundle)


@pytest.fixture(scope="package")
def drafted(incident):
    bundle_path, analysis = incident
    with open_bundle(bundle_path) as bundle:
        return draft(analysis, bundle)
