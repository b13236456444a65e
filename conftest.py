"""Settings for every test and doctest of the suite.

- **Isolation**: every test runs with its own data folder (``BUNDLE_INSPECTOR_DATA``) and
  XDG folders, so nothing reads or writes the user's workspaces, signatures, training
  progress or case database, and a signature in the user's folder cannot change a result.
- **Reference checks**: locally, a check whose corpus (``../shared/corpus``), reference tool
  (tshark) or server (PostgreSQL) is missing skips, and the run ends with one line saying
  what was skipped and why. Under ``INSPECTOR_REQUIRE_REFERENCE=1`` (CI, ``.ci/run``) a skip
  is a failure: CI's green means every reference check ran.
- **Hypothesis** derandomizes under CI (``CI`` set): each property test explores the same
  examples every run, so a submission's result does not depend on luck. Developers' runs
  stay random and keep exploring; a failure they find goes into the test as an ``@example``.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import settings

REQUIRE_REFERENCE = os.environ.get("INSPECTOR_REQUIRE_REFERENCE") == "1"

settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path, monkeypatch):
    """The data folder and the XDG folders of one test, under its temporary folder."""
    data = tmp_path / "user-data"
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(data))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.delenv("BUNDLE_INSPECTOR_CASES_DB", raising=False)
    return data


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_REFERENCE and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = (f"skipped under INSPECTOR_REQUIRE_REFERENCE=1, where every "
                           f"reference check must run: {_skip_reason(report)}")


def pytest_terminal_summary(terminalreporter):
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if not hasattr(r, "wasxfail")]
    if skipped:
        reasons = Counter(_skip_reason(report) for report in skipped)
        listed = "; ".join(f"{reason} ({count})" for reason, count in reasons.most_common())
        terminalreporter.write_line(f"reference checks skipped here: {len(skipped)}: {listed}")
