"""The case database's tests run against SQLite and PostgreSQL alike.

``database_url`` (a fixture, parametrized) gives a fresh, empty database of each kind:
a SQLite file in the test's folder, and a new database on the PostgreSQL server named by
``$INSPECTOR_TEST_POSTGRES_URL`` (``.ci/run`` starts a throwaway one), dropped afterwards.
Without that variable the PostgreSQL cases skip, unless ``INSPECTOR_REQUIRE_REFERENCE=1``
(CI) makes a missing or unreachable server a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from inspector.analysis import Analysis
from inspector.bundle import BundleInfo
from inspector.cases.database import connect
from inspector.model import Finding, Severity

POSTGRES_VARIABLE = "INSPECTOR_TEST_POSTGRES_URL"
REQUIRE_VARIABLE = "INSPECTOR_REQUIRE_REFERENCE"


def _postgres_server() -> str:
    url = os.environ.get(POSTGRES_VARIABLE)
    if not url:
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(f"{REQUIRE_VARIABLE}=1 but {POSTGRES_VARIABLE} is not set")
        pytest.skip(f"no PostgreSQL server ({POSTGRES_VARIABLE} unset)")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "cases.sqlite3")
        return
    server = make_url(_postgres_server()).set(drivername="postgresql+psycopg")
    name = f"inspector_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(f"the PostgreSQL server at {server} cannot be used: {exc}")
        pytest.skip(f"the PostgreSQL server at {server} cannot be used: {exc}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def connected(url: str) -> Iterator[Engine]:
    """``inspector.cases.database.connect(url)``, disposed of afterwards."""
    engine = connect(url)
    try:
        yield engine
    finally:
        engine.dispose()


def finding(rule: str, title: str, severity: Severity = Severity.HIGH,
            category: str = "network", **facts: object) -> Finding:
    return Finding(rule, severity, category, title, rule.split(".")[0], facts=dict(facts))


def analysis(name: str, sha_seed: str, findings: list[Finding]) -> Analysis:
    """An analysis of a bundle called ``name`` whose SHA-256 is made from ``sha_seed``."""
    import hashlib
    sha256 = hashlib.sha256(sha_seed.encode()).hexdigest()
    return Analysis(BundleInfo(f"/cases/{name}", sha256, 1000), findings=findings,
                    timings={"when": datetime.now(UTC).isoformat()})


EXPIRED = [finding("tls.handshake-failure", "TLS handshake with 203.0.113.10:443 failed",
                   alert="certificate_expired", sender="client", server="203.0.113.10:443"),
           finding("log.exception", "javax.net.ssl.SSLHandshakeException x3",
                   Severity.MEDIUM, "logs", signature="15ddff221344",
                   type="javax.net.ssl.SSLHandshakeException")]
REFUSED = [finding("tcp.connection-refused", "10.1.7.31 refused 44 connections on port 8080",
                   port=8080, server="10.1.7.31", attempts=44)]
FAVICON = finding("http.client-errors", "2 request(s) to portal.example.com/favicon.ico got 404",
                  Severity.LOW, "http", host="portal.example.com", path="/favicon.ico",
                  status=404)
