import csv
from collections import Counter

import orjson
import pytest

from inspector.formats.logformat import detect, normalize_level
from tests.analyzers.logs.sample_logs import analyze, app_log
from tests.corpus import CORPUS


def test_stats_levels_templates_and_time_range():
    run = analyze(app_log(minutes=5, per_minute=10))
    stats = run.stats
    assert stats["format"] == "timestamp-first" and stats["time_zone"] == "unknown"
    assert stats["lines"] == stats["events"] == 50
    assert stats["levels"] == {"info": 50}
    assert stats["templates"] == 1
    assert stats["top_templates"][0]["template"] == "GET <*> in <*>"
    assert stats["time_range"][0].startswith("2026-11-17T08:00")
    assert stats["exceptions"] == 0
    orjson.dumps(stats)  # JSON-serializable
    assert analyze(app_log(minutes=5, per_minute=10)).stats == stats  # deterministic


@pytest.mark.corpus
@pytest.mark.parametrize("dataset", ["Apache", "HDFS", "Spark", "Zookeeper"])
def test_loghub_corpus(dataset):
    path = CORPUS / "loghub" / f"{dataset}_2k.log"
    if not path.exists():
        pytest.skip("corpus absent")
    with open(CORPUS / "loghub" / f"{dataset}_2k.log_structured.csv", newline="") as table:
        truth = [normalize_level(row["Level"]) for row in csv.DictReader(table)]
    run = analyze(path.read_bytes(), name=path.name)
    assert run.stats["lines"] == 2000 and run.context.warnings == []
    assert run.stats["format"] == "timestamp-first"
    assert run.stats["levels"] == dict(Counter(truth))
    # Line by line too: the same counts could hide swapped lines.
    lines = path.read_text().splitlines()
    log = detect(lines[:200])
    assert [log.parse(line).level for line in lines] == truth


@pytest.mark.corpus
def test_postgres_corpus_logs_are_read():
    folder = CORPUS / "pglog"
    if not folder.exists():
        pytest.skip("corpus absent")
    for path in sorted(folder.glob("*.log")):
        run = analyze(path.read_bytes(), name=path.name)
        assert run.stats["time_zone"] == "explicit", path.name
        assert run.stats["time_range"] is not None


@pytest.mark.corpus
def test_a_zoned_log_says_which_offset_it_writes():
    gc = CORPUS / "realworld" / "jvm" / "gc" / "preunified-parallel"
    if not gc.exists():
        pytest.skip("corpus absent")
    written = {name: analyze((gc / name).read_bytes(), name=name).stats["utc_offset"]
               for name in ("long_pause.log", "memoryleak2.log")}
    assert written == {"long_pause.log": "-05:00", "memoryleak2.log": "+01:00"}
    assert analyze(app_log(minutes=5, per_minute=10)).stats["utc_offset"] is None
