from inspector.cli import main
from tests.inspector.triage.bundles import write_samples


def test_triage_prints_a_summary_and_exits_by_what_it_found(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path / "data"))
    write_samples(tmp_path / "bundles", ("deadlock",))
    arguments = ["triage", str(tmp_path / "bundles"), "--out", str(tmp_path / "out"),
                 "--db", str(tmp_path / "cases.sqlite3"), "--jobs", "1"]
    assert main([*arguments, "--fail-on", "high"]) == 1
    captured = capsys.readouterr()
    assert "Triage summary" in captured.out and "deadlock.zip" in captured.out
    assert "[1/1] analysed deadlock.zip" in captured.err
    assert main(arguments) == 0
    assert "done before" in capsys.readouterr().out


def test_nothing_to_triage_is_a_usage_error(tmp_path, capsys):
    assert main(["triage", str(tmp_path / "none-*.zip")]) == 2
    assert "no bundle matches" in capsys.readouterr().err
