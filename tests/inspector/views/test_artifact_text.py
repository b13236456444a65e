"""Members as citable plain text: masked, capped, each line standing for its evidence."""

from __future__ import annotations

import importlib

import orjson
import pytest

from inspector import training
from inspector.bundle import open_bundle
from inspector.model import (
    EntryLocator,
    Evidence,
    LineLocator,
    OffsetLocator,
    PacketLocator,
    WholeLocator,
    locator_from_json,
)
from inspector.testing import make_bundle, zip_bytes
from inspector.training import scenarios
from inspector.views.artifact_text import MAX_VIEW_LINES, render_artifact


def rendered(tmp_path, files: dict[str, bytes]) -> dict:
    with open_bundle(make_bundle(tmp_path / "case.zip", files)) as bundle:
        return {a.path: render_artifact(bundle, a) for a in bundle.artifacts}


def test_customer_text_stays_text_and_secrets_are_masked(tmp_path):
    hostile = b"<b>bold</b> <img src=x onerror=alert(1)> Authorization: Bearer " + b"A" * 40
    (view,) = rendered(tmp_path, {"logs/<i>app</i>.log": hostile + b"\n"}).values()
    assert view.text.startswith("<b>bold</b> <img src=x onerror=alert(1)>")
    assert "A" * 40 not in view.text  # the bearer token is masked
    assert view.locators == [LineLocator(1)]


def test_long_text_is_cut_and_says_so(tmp_path):
    log = b"".join(b"2024-05-01 10:00:00 INFO line %d\n" % n for n in range(MAX_VIEW_LINES + 5))
    (view,) = rendered(tmp_path, {"app.log": log}).values()
    assert len(view.locators) == MAX_VIEW_LINES
    assert view.note == f"only the first {MAX_VIEW_LINES:,} lines are shown"


def test_a_har_is_one_line_per_entry_with_urls_masked(tmp_path):
    entry = {"startedDateTime": "2024-05-01T09:14:02.000Z", "time": 12.4,
             "request": {"method": "GET", "url": "https://api.test/v1?access_token=abcdef123456"},
             "response": {"status": 0, "_error": "net::ERR_CERT_DATE_INVALID"}}
    har = orjson.dumps({"log": {"entries": [entry, entry]}})
    views = rendered(tmp_path, {"a.har": har, "cut.har": har[:-30], "bad.har": b"{\"log\": 1}"})
    lines = views["a.har"].text.splitlines()
    assert lines[0] == ("    1  2024-05-01T09:14:02.000Z  GET https://api.test/v1?access_token="
                        "…[12 chars]  → 0 net::ERR_CERT_DATE_INVALID  12 ms")
    assert views["a.har"].locators == [EntryLocator(1), EntryLocator(2)]
    assert views["cut.har"].locators == [EntryLocator(1)]
    assert views["cut.har"].note.startswith("the HAR is damaged after entry 1")
    assert views["bad.har"].locators == [LineLocator(1)]  # not a HAR: shown as text


def test_packets_are_described_with_the_analyzers_names(tmp_path):
    bundle_path, _ = scenarios.build("tls_expired_certificate", tmp_path)
    with open_bundle(bundle_path) as bundle:
        capture = next(a for a in bundle.artifacts if a.kind.value.startswith("pcap"))
        view = render_artifact(bundle, capture)
    assert all(isinstance(locator, PacketLocator) for locator in view.locators)
    assert "[SYN, ACK]" in view.text and "Client Hello" in view.text
    assert "Alert (fatal, certificate_expired)" in view.text


def test_binary_skipped_and_archives(tmp_path):
    views = rendered(tmp_path, {"core.bin": bytes(range(256)) * 20,
                                "inner.zip": zip_bytes({"a.log": b"x\n"})})
    assert views["core.bin"].locators[:2] == [OffsetLocator(0), OffsetLocator(16)]
    assert views["core.bin"].note == "binary: only the first 4,096 bytes are shown"
    assert views["inner.zip"].locators == [WholeLocator()]


def built_case(name, directory):
    """Bundle and answer key of any scenario module, listed in the catalogue yet or not."""
    scenario = importlib.import_module(f"inspector.training.scenarios.{name}").SCENARIO
    built = scenario.build(scenario.rng())
    bundle = directory / f"{name}.zip"
    bundle.write_bytes(zip_bytes(built.files))
    return bundle, scenario.answer(built)


@pytest.mark.parametrize("name", sorted({*scenarios.CATALOGUE, "cert_expiry_incident"}))
def test_every_key_evidence_item_can_be_cited_from_the_views(name, tmp_path):
    bundle_path, answer_key = built_case(name, tmp_path)
    with open_bundle(bundle_path) as bundle:
        views = {a.path: render_artifact(bundle, a) for a in bundle.artifacts}
    for item in answer_key["evidence"]:
        key_locator = locator_from_json(item["locator"])
        citable = [locator for locator in views[item["artifact"]].locators
                   if training.points_at(Evidence(item["artifact"], locator),
                                         item["artifact"], key_locator)]
        assert citable, f"{name}: {item['artifact']} {key_locator.describe()} cannot be cited"
