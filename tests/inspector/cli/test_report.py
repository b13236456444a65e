"""``inspector report`` and ``inspector redact`` on a sample bundle, through argparse."""

from __future__ import annotations

import argparse
import zipfile

import orjson
import pypdf
import pytest

from inspector.cli.report import add_report_parsers, redact_command, report_command
from inspector.privacy.redaction import MANIFEST_NAME, Identifier
from inspector.report import Report
from inspector.training import scenarios
from inspector.workspace import load_workspace, open_workspace

SERVER = "203.0.113.24"  # the expired-certificate server of the sample


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="inspector")
    commands = parser.add_subparsers(dest="command", required=True)
    add_report_parsers(commands)
    return parser.parse_args(argv)


def run(*argv: str) -> int:
    args = parse(*argv)
    return report_command(args) if args.command == "report" else redact_command(args)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    bundle, _ = scenarios.build("cert_expiry_incident", tmp_path_factory.mktemp("samples"))
    return bundle


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path / "data"))
    return tmp_path / "data"


def _sha(bundle) -> str:
    import hashlib
    return hashlib.sha256(bundle.read_bytes()).hexdigest()


def test_report_and_redact_share_pseudonyms_through_the_workspace(sample, tmp_path, capsys):
    assert run("report", str(sample), "--format", "md", "-o", str(tmp_path / "r.md")) == 0
    assert "from a fresh draft" in capsys.readouterr().err
    assert run("redact", str(sample), "-o", str(tmp_path / "clean.zip")) == 0
    saved = load_workspace(_sha(sample))
    pseudonym = saved.pseudonyms.known(Identifier.IPV4, SERVER)
    report = (tmp_path / "r.md").read_text()
    assert pseudonym in report and SERVER not in report
    with zipfile.ZipFile(tmp_path / "clean.zip") as archive:
        log = archive.read("logs/order-sync.log").decode()
        manifest = orjson.loads(archive.read(MANIFEST_NAME))
    assert "api.example.com" not in log
    assert saved.pseudonyms.known(Identifier.HOST, "api.example.com") in log
    assert manifest["source_sha256"] == _sha(sample)
    assert {m["member"] for m in manifest["members"]} == {
        "logs/order-sync.log", "browser/ops-portal.har", "network/order-sync-01-ens192.pcap"}


def test_the_saved_draft_is_what_gets_exported(sample, tmp_path):
    with open_workspace(_sha(sample), str(sample)) as session:
        session.workspace.report = Report(title="Expired certificate on the order API",
                                          ask="Renew the certificate of 10.20.4.17's peer")
    assert run("report", str(sample), "--format", "html", "-o", str(tmp_path / "r.html")) == 0
    page = (tmp_path / "r.html").read_text()
    assert "Expired certificate on the order API" in page
    pseudonym = load_workspace(_sha(sample)).pseudonyms.known(Identifier.IPV4, "10.20.4.17")
    assert "10.20.4.17" not in page and f"{pseudonym}&#x27;s peer" in page
    assert run("report", str(sample), "--fresh", "-o", str(tmp_path / "fresh.md")) == 0
    assert "Expired certificate on the order API" not in (tmp_path / "fresh.md").read_text()


def test_pdf_export_from_the_command_line(sample, tmp_path):
    assert run("report", str(sample), "--format", "pdf", "-o", str(tmp_path / "r.pdf")) == 0
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "r.pdf").pages)
    assert "Findings" in text and SERVER not in text


def test_identifiers_can_be_kept_and_the_preview_lists_changes(sample, tmp_path, capsys):
    assert run("report", str(sample), "--keep-identifiers", "--preview",
               "-o", str(tmp_path / "r.md")) == 0
    assert SERVER in (tmp_path / "r.md").read_text()
    assert run("report", str(sample), "--only-pseudonymize", "ipv4", "--keep", SERVER,
               "--preview", "-o", str(tmp_path / "r2.md")) == 0
    text = (tmp_path / "r2.md").read_text()
    assert SERVER in text and "10.20.4.17" not in text and "api.example.com" in text
    err = capsys.readouterr().err
    assert "pseudonym ipv4" in err and "10.20.4.17 -> 240.0.0." in err


def test_captures_can_be_dropped(sample, tmp_path):
    assert run("redact", str(sample), "--captures", "drop", "-o", str(tmp_path / "c.zip")) == 0
    with zipfile.ZipFile(tmp_path / "c.zip") as archive:
        assert "network/order-sync-01-ens192.pcap" not in archive.namelist()


def test_works_while_the_app_holds_the_workspace(sample, tmp_path, capsys):
    with open_workspace(_sha(sample), str(sample)):
        assert run("report", str(sample), "-o", str(tmp_path / "r.md")) == 0
    assert "open in the app" in capsys.readouterr().err


def test_a_missing_bundle_is_exit_2(tmp_path, capsys):
    assert run("report", str(tmp_path / "nope.zip"), "-o", str(tmp_path / "r.md")) == 2
    assert "cannot open bundle" in capsys.readouterr().err
    assert run("redact", str(tmp_path / "nope.zip"), "-o", str(tmp_path / "c.zip")) == 2


def test_the_gate_refusing_is_exit_3_and_writes_nothing(sample, tmp_path, monkeypatch,
                                                         capsys):
    with open_workspace(_sha(sample), str(sample)) as session:
        session.workspace.report = Report(
            title="Login", summary="Authorization: Bearer abcdefghijklmnop0123456")
    monkeypatch.setattr("inspector.report.exporting.redact_report",
                        lambda report, redactor: report)
    assert run("report", str(sample), "-o", str(tmp_path / "r.md")) == 3
    assert "export refused" in capsys.readouterr().err
    assert not (tmp_path / "r.md").exists()


def test_exports_made_while_the_app_holds_the_workspace_agree(sample, tmp_path):
    with open_workspace(_sha(sample), str(sample)):
        assert run("redact", str(sample), "-o", str(tmp_path / "a.zip")) == 0
        assert run("redact", str(sample), "-o", str(tmp_path / "b.zip")) == 0
    with zipfile.ZipFile(tmp_path / "a.zip") as a, zipfile.ZipFile(tmp_path / "b.zip") as b:
        names = [n for n in a.namelist() if n != MANIFEST_NAME]
        assert names == [n for n in b.namelist() if n != MANIFEST_NAME]
        assert all(a.read(name) == b.read(name) for name in names)
        text = b"".join(a.read(name) for name in names)
    # Nothing was saved, and no pseudonym took a number the saved map could hand out next.
    assert len(load_workspace(_sha(sample)).pseudonyms) == 0
    assert b"240.0.0.1 " not in text and b"host1.redacted.invalid" not in text


def test_redact_lists_its_problems(tmp_path, capsys):
    bundle = tmp_path / "deep.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("deep.json", "[" * 500 + "]" * 500)
    assert run("redact", str(bundle), "-o", str(tmp_path / "c.zip")) == 0
    assert "deep.json: JSON nested deeper than 128 levels" in capsys.readouterr().err
