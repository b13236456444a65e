import random

import orjson

from inspector.cli import main
from inspector.formats.archives import zip_bytes
from inspector.training import scenarios
from tests.inspector.triage.bundles import write_samples


def test_a_variant_of_a_triaged_sample_finds_the_earlier_case(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path / "data"))
    write_samples(tmp_path / "bundles")
    db = ["--db", str(tmp_path / "cases.sqlite3")]
    assert main(["triage", str(tmp_path / "bundles"), "--out", str(tmp_path / "out"),
                 "--quiet", "--format", "json", *db]) == 0
    lines = [orjson.loads(line) for line in capsys.readouterr().out.splitlines()]
    earlier = next(line["case"] for line in lines if "tls_expired" in line["bundle"])
    assert main(["cases", "resolve", earlier, "--resolution", "renewed the certificate",
                 *db]) == 0
    variant = tmp_path / "variant.zip"
    scenario = scenarios.load("tls_expired_certificate")
    variant.write_bytes(zip_bytes(scenario.build(random.Random(99)).files))
    capsys.readouterr()
    assert main(["cases", "similar", str(variant), "--format", "json", *db]) == 0
    found = orjson.loads(capsys.readouterr().out)
    assert found[0]["id"] == earlier and found[0]["resolution"] == "renewed the certificate"
    assert main(["cases", "forget", earlier, *db]) == 0
    assert main(["cases", "show", earlier, *db]) == 2
