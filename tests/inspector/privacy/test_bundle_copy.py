"""The redacted copy of a bundle: captures reduced or dropped, the manifest, and the
original never touched."""

from __future__ import annotations

import io
import zipfile

import orjson
import pytest

from inspector.formats.pcap import decode, read_packets
from inspector.privacy.bundle_copy import MANIFEST_NAME, CaptureMode, redact_bundle
from inspector.privacy.pseudonyms import Identifier
from inspector.privacy.redactor import Redactor
from inspector.testing import Link, make_bundle, zip_bytes


def test_redacted_bundle_captures_keep_headers_only_with_pseudonymous_addresses(
        canary_bundle, tmp_path):
    redactor = Redactor()
    out = tmp_path / "clean.zip"
    redact_bundle(canary_bundle, out, redactor)
    with zipfile.ZipFile(out) as archive:
        capture = archive.read("network/capture.pcap")
    packets = list(read_packets(io.BytesIO(capture)))
    assert len(packets) == 4
    transports = [decode(p) for p in packets]
    assert {t.src for t in transports} == {redactor.pseudonyms.known(Identifier.IPV4, ip)
                                           for ip in ("10.20.4.17", "10.20.8.60")}
    assert all(len(t.payload) == 0 for t in transports)
    assert packets[-1].wire_length > len(packets[-1].data)  # the payload was cut, not lost


def test_captures_can_be_dropped_and_the_original_is_untouched(canary_bundle, tmp_path):
    before = canary_bundle.read_bytes()
    manifest = redact_bundle(canary_bundle, tmp_path / "clean.zip", Redactor(),
                             captures=CaptureMode.DROP)
    assert canary_bundle.read_bytes() == before
    actions = {m["member"]: m["action"] for m in manifest.members}
    assert actions["network/capture.pcap"] == "dropped: packet capture"
    with zipfile.ZipFile(tmp_path / "clean.zip") as archive:
        assert "network/capture.pcap" not in archive.namelist()
        assert orjson.loads(archive.read(MANIFEST_NAME))["members"] == manifest.members


def test_redacting_onto_the_original_is_refused(canary_bundle):
    with pytest.raises(ValueError, match="original"):
        redact_bundle(canary_bundle, canary_bundle)


def test_member_names_are_redacted_nested_members_flattened_and_the_rest_dropped(tmp_path):
    log = b"2026-11-17 09:14:01 ERROR login failed for user=jdoe from 10.1.2.3\n"
    bundle = make_bundle(tmp_path / "case.tgz", {
        "logs/db1.corp.example.com/app.log": log,
        "nodes/web.zip": zip_bytes({"var/log/app.log": log}),
        "logs/current": Link("db1.corp.example.com/app.log"),
        "bin/agent.exe": b"MZ" + bytes(200),
    })
    out = tmp_path / "clean.zip"
    manifest = redact_bundle(bundle, out, Redactor())
    actions = {m["member"]: m["action"] for m in manifest.members}
    assert actions == {
        "logs/host1.redacted.invalid/app.log": "redacted (text)",
        "nodes/web.zip/var/log/app.log": "redacted (text)",
        "logs/current": "dropped",
        "bin/agent.exe": "dropped: binary content cannot be redacted",
    }
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["logs/host1.redacted.invalid/app.log",
                                      "nodes/web.zip/var/log/app.log", MANIFEST_NAME]
        assert archive.read("nodes/web.zip/var/log/app.log") == (
            b"2026-11-17 09:14:01 ERROR login failed for user=user1 from 240.0.0.1\n")
        assert {info.date_time for info in archive.infolist()[:2]} == {(2026, 1, 1, 0, 0, 0)}
    link = next(m for m in manifest.members if m["member"] == "logs/current")
    assert link["reason"].startswith("not readable: symbolic link")
    assert "db1.corp" not in link["reason"]
