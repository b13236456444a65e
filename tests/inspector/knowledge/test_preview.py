"""Trying signatures on finished analyses: the sample scenarios."""

from __future__ import annotations

from inspector.knowledge.preview import match_everywhere


def matched(knowledge, target):
    [result] = match_everywhere(knowledge, [target])
    return {m.signature.id: m for m in result.matches}


def raw_lines(target, artifact):
    with target.view.open(artifact) as stream:
        return stream.read().decode("utf-8", "replace").splitlines()


def test_shipped_signatures_find_each_scenario_by_its_own_source(shipped, sample_targets):
    tls = matched(shipped, sample_targets["tls_expired_certificate"])
    alert = tls["tls.alert-certificate-expired"]
    assert alert.sources == ["tls"]
    stats = {r.artifact.path: r.stats for r in sample_targets[
        "tls_expired_certificate"].view.results()}
    listed = {(path, a["packet"]) for path, s in stats.items() if "tls" in s
              for a in s["tls"]["alerts"] if a["description"] == "certificate_expired"}
    assert {(e.artifact, e.locator.index) for e in alert.evidence} == listed
    assert alert.first_seen is not None and alert.first_seen.tzinfo is not None

    http = matched(shipped, sample_targets["expired_token_401"])["auth.token-expired"]
    waterfall = {r.artifact.path: r.stats["http"]["waterfall"]
                 for r in sample_targets["expired_token_401"].view.results()
                 if "http" in r.stats}
    statuses = {(path, row["entry"]): row["status"] for path, rows in waterfall.items()
                for row in rows}
    assert http.count >= 1
    assert all(statuses[(e.artifact, e.locator.index)] == 401 for e in http.evidence)

    deadlock = matched(shipped, sample_targets["deadlock"])["db.deadlock"]
    assert set(deadlock.sources) == {"log", "sql"}
    for evidence in deadlock.evidence:
        if evidence.locator.kind == "line":
            line = raw_lines(sample_targets["deadlock"], evidence.artifact)[
                evidence.locator.line - 1]
            assert "deadlock" in line.lower()
