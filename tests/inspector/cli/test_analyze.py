"""The headless command line and its JSON contract, run as users run it."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest

from inspector.analysis import FORMAT, Analysis
from inspector.cli import main
from inspector.testing import make_bundle
from inspector.training import scenarios
from tests.backends import BACKENDS, running

LOG = b"2026-11-17 09:14:01,233 ERROR [main] pool exhausted\n" * 5


@pytest.fixture(scope="module")
def sample_bundle(tmp_path_factory):
    bundle, answer = scenarios.build("bundle_basics", tmp_path_factory.mktemp("samples"))
    return bundle, orjson.loads(answer.read_bytes())


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "inspector", *args], capture_output=True,
                          timeout=300)


def test_analyze_json_follows_the_contract(sample_bundle):
    bundle, answer = sample_bundle
    result = run_cli("analyze", str(bundle), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = orjson.loads(result.stdout)
    assert document["format"] == FORMAT
    assert set(document) == {"format", "tool", "bundle", "artifacts", "findings", "stats",
                             "timeline", "problems", "layouts", "timings"}
    assert document["tool"]["name"] == "bundle-inspector"
    assert document["bundle"]["size"] == bundle.stat().st_size
    for artifact in document["artifacts"]:
        assert set(artifact) >= {"path", "kind", "size", "status", "reason", "analyzers"}
    for finding in document["findings"]:
        assert set(finding) >= {"rule", "severity", "title", "detail", "analyzer", "count",
                                "first_seen", "last_seen", "evidence", "facts", "remediation",
                                "references"}
    assert set(answer["rules"]) <= {f["rule"] for f in document["findings"]}
    # The document reads back into the model without loss.
    assert Analysis.from_json(document).to_json() == document


def test_analyze_markdown_to_a_file(sample_bundle, tmp_path):
    bundle, _ = sample_bundle
    output = tmp_path / "triage.md"
    assert main(["analyze", str(bundle), "--format", "md", "-o", str(output), "--quiet"]) == 0
    text = output.read_text()
    assert text.startswith("# Bundle Inspector triage summary")
    assert "decompression bomb" in text and "`../../tmp/collector-cleanup.sh`" in text


def test_fail_on_severity_sets_the_exit_code(sample_bundle):
    bundle, _ = sample_bundle
    assert run_cli("analyze", str(bundle), "--fail-on", "high").returncode == 1
    assert run_cli("analyze", str(bundle), "--fail-on", "critical").returncode == 0


def test_unopenable_bundle_exits_2_with_one_line(tmp_path):
    result = run_cli("analyze", str(tmp_path / "missing.zip"))
    assert result.returncode == 2
    assert result.stderr.decode().strip().count("\n") == 0
    assert "no such file" in result.stderr.decode()


def test_rules_lists_the_bundle_rules(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule_id in ("bundle.member-skipped", "bundle.archive-bomb", "bundle.unsafe-path",
                    "bundle.unreadable"):
        assert rule_id in out


def test_demo_removes_its_scratch_folder(tmp_path):
    scratch = tmp_path / "tmp"  # tmp_path also holds the isolated XDG folders
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    result = subprocess.run([sys.executable, "-m", "inspector", "demo", "--format", "json"],
                            capture_output=True, timeout=300, env=env)
    assert result.returncode == 0
    assert orjson.loads(result.stdout)["format"] == FORMAT
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_analyze_says_which_backend_ran(tmp_path, backend):
    bundle = make_bundle(tmp_path / "dump", {"db/dump.sql": b"SELECT 1;\nSELECT 2;\n"})
    with running(backend):
        result = run_cli("analyze", str(bundle), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert orjson.loads(result.stdout)["tool"]["backend"] == backend
