"""Export-time redaction as a whole: the promise, and the front door.

The canary test holds the issue's promise: a bundle seeded with secrets of every kind, in
logs, HAR headers, bodies, URLs and SQL, leaves no canary in any export format nor in the
redacted bundle, and the report and the bundle share their pseudonyms.
"""

from __future__ import annotations

import zipfile

import orjson
import pypdf

from inspector.bundle import open_bundle
from inspector.model import Evidence, LineLocator, Severity
from inspector.privacy import redaction
from inspector.privacy.redaction import Identifier, Redactor, redact_bundle
from inspector.report import FORMATS, draft, export
from inspector.rules import Rule
from tests.analyses import analyze
from tests.inspector.privacy.canaries import (
    CANARIES,
    CANARY_JWT_PAYLOAD,
    IDENTIFIERS,
    canary_log,
)

# Not registered: the global registry lists the product's rules only.
CANARY_EVIDENCE = Rule("test.canary-evidence", Severity.HIGH, "test",
                       "A finding built by the redaction tests to carry canary excerpts.")


def _leaks(text: str) -> list[str]:
    return [name for name, value in {**CANARIES, "jwt_payload": CANARY_JWT_PAYLOAD}.items()
            if value in text]


def test_the_front_door_keeps_every_name_the_rest_of_the_code_imports():
    imported_elsewhere = {"ALL_IDENTIFIERS", "MANIFEST_NAME", "CaptureMode", "Identifier",
                          "PseudonymMap", "RedactionRefused", "Redactor", "check",
                          "find_identifiers", "gate", "redact_bundle", "write_checked"}
    assert imported_elsewhere <= set(redaction.__all__)
    assert all(hasattr(redaction, name) for name in redaction.__all__)


# --- the promise: canaries -------------------------------------------------------------------


def test_no_canary_survives_any_export_or_the_redacted_bundle(canary_bundle, tmp_path):
    analysis = analyze(canary_bundle)
    with open_bundle(canary_bundle) as bundle:
        report = draft(analysis, bundle)
    # The engineer adds the raw log lines as evidence, so the report really carries them.
    log_lines = canary_log().decode().splitlines()
    finding = CANARY_EVIDENCE.finding(
        "Authentication errors with credentials in the log", analyzer="test",
        evidence=[Evidence("logs/app.log", LineLocator(n), line)
                  for n, line in enumerate(log_lines, 1)])
    report.add_finding(finding)
    report.reproduction = f"curl https://svc:{CANARIES['url_password']}@erp01.acme-corp.com/"
    report.ask = f"Why does {IDENTIFIERS[Identifier.EMAIL]} get 401 from 10.20.4.17?"
    from inspector.report import render_markdown
    assert len(_leaks(render_markdown(report))) >= 5  # the test can fail

    redactor = Redactor()
    texts = {}
    for fmt in FORMATS:
        target = tmp_path / f"report.{fmt}"
        export(report, fmt, target, redactor)
        if fmt == "pdf":
            texts[fmt] = "\n".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
        else:
            texts[fmt] = target.read_text()
    out = tmp_path / "clean.zip"
    manifest = redact_bundle(canary_bundle, out, redactor)
    with zipfile.ZipFile(out) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members_text = {name: data.decode("utf-8", "replace") for name, data in members.items()}

    for name, text in {**texts, **members_text}.items():
        assert _leaks(text) == [], name
    for name, data in members.items():
        assert not [c for c in CANARIES.values() if c.encode() in data], name
    assert {m["member"] for m in manifest.members if m["action"].startswith("redacted")} == {
        "logs/app.log", "browser/session.har", "db/dump.sql"}

    # Pseudonyms: the same in the report and in the bundle, originals in neither.
    for kind, original in IDENTIFIERS.items():
        pseudonym = redactor.pseudonyms.known(kind, original)
        assert pseudonym, kind
        assert pseudonym in texts["md"] and pseudonym in members_text["logs/app.log"], kind
        for name, text in {**texts, **members_text}.items():
            assert original not in text, (kind, name)
    assert "240.0.0." in texts["pdf"]
    har = orjson.loads(members["browser/session.har"])
    headers = {h["name"]: h["value"] for h in har["log"]["entries"][0]["request"]["headers"]}
    assert headers["Authorization"].startswith("Bearer REDACTED:bearer-token:")
    assert "Windows NT 10.0" in headers["User-Agent"]
    assert "Chrome/131.0.0.0" in headers["User-Agent"]
