"""``inspector samples``: list the scenarios, build them, refuse unknown names."""

from __future__ import annotations

import orjson

from inspector.cli import main


def test_samples_list_and_build(tmp_path, capsys):
    assert main(["samples", "list"]) == 0
    assert "bundle_basics" in capsys.readouterr().out
    assert main(["samples", "build", str(tmp_path), "bundle_basics"]) == 0
    assert (tmp_path / "bundle_basics.zip").exists()
    assert main(["samples", "build", str(tmp_path), "nope"]) == 2
    answer = orjson.loads((tmp_path / "bundle_basics.answer.json").read_bytes())
    assert answer["rules"]
