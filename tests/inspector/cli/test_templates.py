"""``inspector templates``: csv and JSON output, a file that cannot be read."""

from __future__ import annotations

import csv
import io

import orjson

from inspector.cli.templates import templates_command


def test_templates_command_csv(tmp_path):
    log = tmp_path / "app.log"
    log.write_bytes(b"2026-11-17 09:00:01 INFO worker 3 started\n"
                    b"2026-11-17 09:00:02 INFO worker 4 started\n"
                    b"2026-11-17 09:00:03 ERROR disk \xff full\n")
    out = io.StringIO()
    assert templates_command(log, "csv", out) == 0
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["line", "template_id", "template"]
    assert rows[1] == ["1", "1", "worker <*> started"]
    assert rows[2][1] == "1" and rows[3][1] == "2"
    assert rows[3][2] == "disk \ufffd full"


def test_templates_command_json_and_missing_file(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("a 1\na 2\n")
    out = io.StringIO()
    assert templates_command(log, "json", out) == 0
    assert orjson.loads(out.getvalue()) == [
        {"line": 1, "template_id": 1, "template": "a <*>"},
        {"line": 2, "template_id": 1, "template": "a <*>"}]
    assert templates_command(tmp_path / "missing.log", "csv", io.StringIO()) == 2
