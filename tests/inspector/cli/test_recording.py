from inspector.cases import open_store
from inspector.cli import main
from tests.inspector.triage.bundles import write_samples


def test_analyze_record_puts_the_bundle_in_its_case(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path / "data"))
    [bundle] = write_samples(tmp_path, ("deadlock",))
    db = str(tmp_path / "cases.sqlite3")
    assert main(["analyze", str(bundle), "--quiet", "--case", "SR-5", "--db", db]) == 0
    assert "recorded in case SR-5" in capsys.readouterr().err
    with open_store(db) as store:
        assert store.case("SR-5").summary.bundles == 1


def test_report_record_keeps_the_reports_words_and_place(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path / "data"))
    [bundle] = write_samples(tmp_path, ("deadlock",))
    db = str(tmp_path / "cases.sqlite3")
    report = tmp_path / "report.md"
    assert main(["report", str(bundle), "-o", str(report), "--record", "--db", db]) == 0
    with open_store(db) as store:
        [case] = store.cases()
    assert case.report == str(report)
