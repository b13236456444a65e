"""Export-time redaction as a whole: the promise, and the front door.

The canary suite holds the issue's promise: a bundle seeded with secrets, personal data and
identifiers of every kind, in every artifact kind (``tests/inspector/privacy/canaries.py``),
leaves no canary in any report format (Markdown, HTML, the PDF's text read back with
pypdf) nor in the redacted bundle (member contents, member names, the manifest); the
report and the bundle share their pseudonyms; and the gate refuses an export into which a
secret is slipped behind the redactor's back.
"""

from __future__ import annotations

import html
import re
import zipfile

import orjson
import pypdf
import pytest

from inspector.bundle import open_bundle
from inspector.model import Evidence, LineLocator, Severity
from inspector.privacy import bundle_copy, redaction
from inspector.privacy.redaction import (
    MANIFEST_NAME,
    Identifier,
    RedactionRefused,
    Redactor,
    redact_bundle,
    survey_bundle,
)
from inspector.report import FORMATS, draft, export, exporting
from inspector.rules import Rule
from tests.analyses import analyze
from tests.inspector.privacy.canaries import (
    CANARIES,
    EMAIL_IN_NAME,
    HOST_IN_NAME,
    HOST_WITHOUT_KNOWN_TLD,
    IDENTIFIERS,
    leaks,
)

# Not registered: the global registry lists the product's rules only.
CANARY_EVIDENCE = Rule("test.canary-evidence", Severity.HIGH, "test",
                       "A finding built by the redaction tests to carry canary excerpts.")
TEXT_MEMBERS = ("logs/app.log", "logs/events.jsonl", "config/app.env",
                "config/service-account.json", "cluster/secrets.yaml", "keys/deploy_key",
                "browser/session.har",
                "db/dump.sql", "db/pg_dump.sql", "db/slow.log", "db/postgresql.log",
                "nested/node.tar.gz!/var/log/agent.log")


def test_the_front_door_keeps_every_name_the_rest_of_the_code_imports():
    imported_elsewhere = {"ALL_IDENTIFIERS", "MANIFEST_NAME", "CaptureMode", "Identifier",
                          "PseudonymMap", "RedactionRefused", "Redactor", "check",
                          "find_identifiers", "gate", "redact_bundle", "write_checked"}
    assert imported_elsewhere <= set(redaction.__all__)
    assert all(hasattr(redaction, name) for name in redaction.__all__)


def _canary_report(bundle_path):
    """The drafted report, plus every line of every text member as evidence (what an
    engineer citing the raw lines would export), and canaries typed into free fields."""
    analysis = analyze(bundle_path)
    with open_bundle(bundle_path) as bundle:
        report = draft(analysis, bundle)
        evidence = []
        for path in TEXT_MEMBERS:
            with bundle.open(path) as stream:
                lines = stream.read().decode().splitlines()
            evidence += [Evidence(path, LineLocator(n), line) for n, line in enumerate(lines, 1)
                         if line.strip()]
    report.add_finding(CANARY_EVIDENCE.finding(
        "Credentials and personal data in the bundle", analyzer="test", evidence=evidence),
        evidence)
    report.reproduction = f"curl https://svc:{CANARIES['url_password']}@erp01.acme-corp.com/"
    report.ask = (f"Why does {IDENTIFIERS[Identifier.EMAIL]} get 401 from 10.20.4.17 with "
                  f"{CANARIES['github']}?")
    report.customer = f"ACME, contact {CANARIES['phone_nanp']}"
    return report


def _texts_of_exports(report, redactor, folder):
    texts = {}
    for fmt in FORMATS:
        target = folder / f"report.{fmt}"
        export(report, fmt, target, redactor)
        if fmt == "pdf":
            texts[fmt] = "\n".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
        elif fmt == "html":
            texts[fmt] = html.unescape(target.read_text())
        else:
            texts[fmt] = target.read_text().replace("\\", "")
    return texts


def _has_word(text: str, value: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(value)}(?![\w])", text, re.IGNORECASE) is not None


def test_no_canary_survives_any_export_or_the_redacted_bundle(canary_bundle, tmp_path):
    report = _canary_report(canary_bundle)
    from inspector.report import render_markdown
    planted = leaks(render_markdown(report))
    assert len(planted) >= 0.8 * len(CANARIES), sorted(set(CANARIES) - set(planted))

    redactor = Redactor()
    survey_bundle(canary_bundle, redactor)
    texts = _texts_of_exports(report, redactor, tmp_path)
    out = tmp_path / "clean.zip"
    manifest = redact_bundle(canary_bundle, out, redactor)
    with zipfile.ZipFile(out) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members_text = {name: data.decode("utf-8", "replace") for name, data in members.items()}
    names = "\n".join(members)

    for name, text in {**texts, **members_text, "member names": names}.items():
        assert leaks(text) == [], name
    for name, data in members.items():  # the capture's bytes too, not only its text
        assert leaks(data.decode("latin-1")) == [], name

    actions = {m["member"]: m["action"] for m in manifest.members}
    assert {name for name, action in actions.items() if action.startswith("dropped")} == set()
    assert actions["network/capture.pcap"].startswith("reduced to headers")
    assert sum(1 for name in members if name == MANIFEST_NAME) == 1

    # Pseudonyms: the same in the report and in the bundle, originals in neither.
    for kind, original in IDENTIFIERS.items():
        pseudonym = redactor.pseudonyms.known(kind, original)
        assert pseudonym, kind
        assert pseudonym in members_text["logs/app.log"], kind
        for name, text in {**texts, **members_text, "member names": names}.items():
            assert not _has_word(text, original), (kind, name)
    assert redactor.pseudonyms.known(Identifier.IPV4, "10.20.4.17") in texts["pdf"]
    for original in (HOST_IN_NAME, EMAIL_IN_NAME, CANARIES["email_percent_local"]):
        assert not _has_word(names + texts["md"] + members_text["logs/app.log"], original)
    for name, text in {**texts, **members_text, "member names": names}.items():
        assert not _has_word(text, HOST_WITHOUT_KNOWN_TLD), name

    # What must stay: diagnosis needs the shape of things, not their secrets.
    har = orjson.loads(members["browser/session.har"])
    request = har["log"]["entries"][0]["request"]
    headers = {h["name"]: h["value"] for h in request["headers"]}
    assert headers["Authorization"].startswith("Bearer REDACTED:bearer-token:")
    assert "Chrome/131.0.0.0" in headers["User-Agent"]
    log = members_text["logs/app.log"]
    assert "order 4111111111111112 shipped at 2026-11-17 09:14:02, build 2026.11.17.1234" in log
    assert log.count("\n") == 31
    dump = members_text["db/dump.sql"]
    assert "INSERT INTO `users` VALUES (1,'user" in dump and ",'REDACTED:password'," in dump


def test_the_gate_refuses_a_report_with_a_secret_slipped_in_behind_the_redactor(
        canary_bundle, tmp_path, monkeypatch):
    report = _canary_report(canary_bundle)
    real = exporting.redact_report

    def redact_then_slip(report, redactor):
        clean = real(report, redactor)
        clean.summary += f"\nPS: the deploy token is {CANARIES['github']}"
        return clean

    monkeypatch.setattr(exporting, "redact_report", redact_then_slip)
    for fmt in FORMATS:
        with pytest.raises(RedactionRefused, match=r"line \d+, column \d+: github-token") \
                as refused:
            export(report, fmt, tmp_path / f"report.{fmt}", Redactor())
        assert leaks(str(refused.value)) == []
    assert list(tmp_path.iterdir()) == []


def test_the_gate_drops_a_member_with_a_value_slipped_in_behind_the_redactor(
        canary_bundle, tmp_path, monkeypatch):
    original_text = Redactor.text

    def text_then_slip(self, text, where="", secrets=None, line=None):
        clean = original_text(self, text, where, secrets, line)
        if where == "logs/app.log":
            clean += f"leftover {CANARIES['curl_password']}\n"
        return clean

    monkeypatch.setattr(Redactor, "text", text_then_slip)
    out = tmp_path / "clean.zip"
    manifest = redact_bundle(canary_bundle, out, Redactor())
    actions = {m["member"]: m["action"] for m in manifest.members}
    assert actions["logs/app.log"] == ("dropped: line 32: value-seen-in-the-bundle still "
                                       "flagged after redaction")
    with zipfile.ZipFile(out) as archive:
        assert "logs/app.log" not in archive.namelist()
        assert all(leaks(archive.read(name).decode("latin-1")) == []
                   for name in archive.namelist())


def test_a_refused_manifest_writes_nothing(canary_bundle, tmp_path, monkeypatch):
    monkeypatch.setattr(bundle_copy, "check", _refuse)
    with pytest.raises(RedactionRefused):
        redact_bundle(canary_bundle, tmp_path / "clean.zip", Redactor())
    assert list(tmp_path.iterdir()) == []


def _refuse(text, redactor):
    raise RedactionRefused([])
