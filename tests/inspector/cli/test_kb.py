import argparse
import io

import orjson
import pytest

from inspector.cli.kb import TEST_FORMAT, add_kb_parsers, kb_command
from inspector.files import DATA_DIR_VARIABLE
from inspector.knowledge import KnowledgeBase
from inspector.training import scenarios


def run(*argv):
    parser = argparse.ArgumentParser(prog="inspector")
    add_kb_parsers(parser.add_subparsers(dest="command"))
    out, err = io.StringIO(), io.StringIO()
    code = kb_command(parser.parse_args(["kb", *argv]), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bundles")
    return {name: scenarios.build(name, folder)[0] for name in ("deadlock", "expired_token_401")}


SIGNATURES = '''
[[signature]]
id = "orders.reservation-deadlock"
title = "Stock reservation deadlocks"
severity = "high"
patterns = ['reservation failed: .{0,80}deadlock detected']
remediation = "Reserve stock rows in item order."

[[signature]]
id = "portal.token-expired"
title = "Portal sends an expired token"
severity = "medium"
remediation = "Refresh the token."

[signature.http]
status = [401]
'''


def test_list_shows_shipped_and_user_signatures(data_dir):
    (data_dir / "signatures").mkdir(parents=True)
    (data_dir / "signatures" / "team.toml").write_text(SIGNATURES)
    code, out, err = run("list")
    assert code == 0 and err == ""
    knowledge = KnowledgeBase.load()
    rows = [line.split()[0] for line in out.splitlines()[:-1]]
    assert rows == [s.id for s in knowledge.signatures]
    assert rows[:2] == ["orders.reservation-deadlock", "portal.token-expired"]
    assert str(data_dir / "signatures") in out.splitlines()[-1]
    code, out, _ = run("list", "--format", "json")
    listed = orjson.loads(out)["signatures"]
    assert listed[1]["matches_on"] == ["http"] and listed[1]["origin"] == "user"


def test_list_reports_bad_signatures_and_fails(data_dir):
    (data_dir / "signatures").mkdir(parents=True)
    (data_dir / "signatures" / "bad.toml").write_text(SIGNATURES.replace("[401]", "[1234]"))
    code, out, err = run("list")
    assert code == 1
    assert "portal.token-expired" in err and "http status" in err
    assert "orders.reservation-deadlock" in out


def test_test_reports_matches_with_evidence_locations(tmp_path, bundles):
    signature_file = tmp_path / "team.toml"
    signature_file.write_text(SIGNATURES)
    code, out, err = run("test", str(signature_file), str(bundles["deadlock"]),
                         str(bundles["expired_token_401"]))
    assert code == 0, err
    deadlock_part, token_part = out.split(f"== {bundles['expired_token_401']}")
    assert "orders.reservation-deadlock (high): 1 match(es) in log" in deadlock_part
    assert "app/orders.log line 3:" in deadlock_part
    assert "portal.token-expired" not in deadlock_part
    assert "portal.token-expired (medium)" in token_part and " entry " in token_part


def test_test_json_and_samples(tmp_path):
    signature_file = tmp_path / "team.toml"
    signature_file.write_text(SIGNATURES)
    code, out, _ = run("test", str(signature_file), "--samples", "--format", "json")
    document = orjson.loads(out)
    assert code == 0 and document["format"] == TEST_FORMAT
    by_bundle = {b["bundle"]: {m["signature"]: m for m in b["matches"]}
                 for b in document["bundles"]}
    assert set(by_bundle) == {f"sample:{name}" for name in scenarios.CATALOGUE}
    # A good signature is specific: it hits its own scenario and no other.
    hits = sorted(name for name, found in by_bundle.items()
                  if "orders.reservation-deadlock" in found)
    assert hits == ["sample:deadlock"]
    evidence = by_bundle["sample:deadlock"]["orders.reservation-deadlock"]["evidence"][0]
    assert evidence["locator"] == {"kind": "line", "line": 3, "end_line": 3}


def test_test_exit_codes(tmp_path, bundles):
    nothing = tmp_path / "nothing.toml"
    nothing.write_text(SIGNATURES.replace("deadlock detected", "never logged 4f1c")
                       .replace("[401]", "[418]"))
    assert run("test", str(nothing), str(bundles["deadlock"]))[0] == 1
    invalid = tmp_path / "invalid.toml"
    invalid.write_text("[[signature]]\nid = 'x.y'\n")
    code, _, err = run("test", str(invalid), str(bundles["deadlock"]))
    assert code == 2 and "holds no valid signature" in err and "title" in err
    code, _, err = run("test", str(nothing), str(tmp_path / "missing.zip"))
    assert code == 2 and "cannot open bundle" in err
    assert run("test", str(nothing))[0] == 2
