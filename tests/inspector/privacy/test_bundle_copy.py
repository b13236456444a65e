"""The redacted copy of a bundle: captures reduced or dropped, dumps redacted by column,
safe and unique names with one manifest, hostile members handled with a recorded problem
in bounded memory and linear time, nothing partial left behind, the original untouched."""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
import tracemalloc
import zipfile

import orjson
import pytest

from inspector.formats.pcap import decode, read_packets
from inspector.model import ArtifactKind
from inspector.privacy import documents
from inspector.privacy.bundle_copy import (
    CAPTURE_KINDS,
    DROPPED_KINDS,
    JSON_KINDS,
    MANIFEST_NAME,
    TEXT_KINDS,
    CaptureMode,
    redact_bundle,
    safe_name,
    survey_bundle,
)
from inspector.privacy.pseudonyms import Identifier
from inspector.privacy.redactor import Redactor
from inspector.testing import Link, make_bundle, zip_bytes
from tests.inspector.privacy.canaries import CANARIES


def _members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_every_kind_of_member_has_exactly_one_way_through_the_copy():
    sets = (TEXT_KINDS, JSON_KINDS, CAPTURE_KINDS, DROPPED_KINDS)
    assert sorted(k for s in sets for k in s) == sorted(ArtifactKind)


def test_members_of_the_newer_text_kinds_are_redacted_not_dropped(tmp_path):
    password = "Yaml-" + "q7Wz" * 4
    source = make_bundle(tmp_path / "b.zip", {
        "k8s/pods.yaml": (b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: api-7f9c\n"
                          b"spec:\n  containers:\n  - env:\n    - name: DB_PASSWORD\n"
                          b"      value: " + password.encode() + b"\n"),
        "etc/app.conf": b"[database]\nhost = db1.corp.example.com\npassword = "
                        + password.encode() + b"\n",
        "sos_commands/ss_-tanp": b"State Recv-Q Send-Q Local Address:Port\n"
                                 b"ESTAB 0 0 10.0.0.7:22 10.9.8.7:51514\n",
    })
    manifest = redact_bundle(source, tmp_path / "out.zip")
    members = _members(tmp_path / "out.zip")
    actions = {m["member"]: m["action"] for m in manifest.members}
    assert all(a.startswith("redacted") for a in actions.values()), actions
    text = b"\n".join(members.values()).decode()
    assert password not in text and "db1.corp.example.com" not in text
    assert "10.9.8.7" not in text and "Local Address:Port" in text


def test_redacted_bundle_captures_keep_headers_only_with_pseudonymous_addresses(
        canary_bundle, tmp_path):
    redactor = Redactor()
    out = tmp_path / "clean.zip"
    redact_bundle(canary_bundle, out, redactor)
    packets = list(read_packets(io.BytesIO(_members(out)["network/capture.pcap"])))
    assert len(packets) == 5
    transports = [decode(p) for p in packets[:4]]
    assert {t.src for t in transports} == {redactor.pseudonyms.known(Identifier.IPV4, ip)
                                           for ip in ("10.20.4.17", "10.20.8.60")}
    assert all(len(t.payload) == 0 for t in transports)
    assert packets[3].wire_length > len(packets[3].data)  # the payload was cut, not lost
    # The later fragment keeps its IP header only: its bytes were payload.
    assert len(packets[4].data) == 14 + 20 and packets[4].wire_length > 34


def test_captures_can_be_dropped_and_the_original_is_untouched(canary_bundle, tmp_path):
    before = canary_bundle.read_bytes()
    manifest = redact_bundle(canary_bundle, tmp_path / "clean.zip", Redactor(),
                             captures=CaptureMode.DROP)
    assert canary_bundle.read_bytes() == before
    actions = {m["member"]: m["action"] for m in manifest.members}
    assert actions["network/capture.pcap"] == "dropped: packet capture"
    members = _members(tmp_path / "clean.zip")
    assert "network/capture.pcap" not in members
    assert orjson.loads(members[MANIFEST_NAME])["members"] == manifest.members


def test_redacting_onto_the_original_is_refused(canary_bundle):
    with pytest.raises(ValueError, match="original"):
        redact_bundle(canary_bundle, canary_bundle)


def test_member_names_are_redacted_nested_members_flattened_and_the_rest_dropped(tmp_path):
    log = b"2026-11-17 09:14:01 ERROR login failed for user=jdoe from 10.1.2.3\n"
    bundle = make_bundle(tmp_path / "case.tgz", {
        "logs/db1.corp.example.com/app.log": log,
        "logs/db1.corp.example.com.log": log,
        "nodes/web.zip": zip_bytes({"var/log/app.log": log}),
        "logs/current": Link("db1.corp.example.com/app.log"),
        "bin/agent.exe": b"MZ" + bytes(200),
    })
    out = tmp_path / "clean.zip"
    manifest = redact_bundle(bundle, out, Redactor())
    actions = {m["member"]: m["action"] for m in manifest.members}
    assert actions == {
        "logs/host1.redacted.invalid/app.log": "redacted (text)",
        "logs/host1.redacted.invalid.log": "redacted (text)",
        "nodes/web.zip/var/log/app.log": "redacted (text)",
        "logs/current": "dropped",
        "bin/agent.exe": "dropped: binary content cannot be redacted",
    }
    members = _members(out)
    assert list(members) == ["logs/host1.redacted.invalid/app.log",
                             "logs/host1.redacted.invalid.log",
                             "nodes/web.zip/var/log/app.log", MANIFEST_NAME]
    assert members["nodes/web.zip/var/log/app.log"] == (
        b"2026-11-17 09:14:01 ERROR login failed for user=user1 from 240.0.0.1\n")
    with zipfile.ZipFile(out) as archive:
        assert {info.date_time for info in archive.infolist()[:2]} == {(2026, 1, 1, 0, 0, 0)}
    link = next(m for m in manifest.members if m["member"] == "logs/current")
    assert link["reason"].startswith("not readable: symbolic link")
    assert "db1.corp" not in link["reason"]


def test_names_are_safe_relative_paths_and_the_manifest_is_the_only_one(tmp_path):
    source = tmp_path / "hostile.zip"
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name in ("../../etc/cron.d/evil.log", "/abs/path.log", "..\\..\\win\\x.log",
                     MANIFEST_NAME, "a.log", "./a.log"):
            archive.writestr(name, "2026-11-17 09:14:01 INFO ok\n")
    source.write_bytes(data.getvalue())
    out = tmp_path / "clean.zip"
    redact_bundle(source, out, Redactor())
    names = list(_members(out))
    assert names.count(MANIFEST_NAME) == 1 and names[-1] == MANIFEST_NAME
    assert orjson.loads(_members(out)[MANIFEST_NAME])["format"].startswith(
        "bundle-inspector.privacy.redaction-manifest/")
    assert all(not name.startswith("/") and ".." not in name.split("/") and "\\" not in name
               for name in names)
    assert len(set(names)) == len(names)
    assert f"{MANIFEST_NAME} (duplicate 2)" in names


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd", "etc/passwd"), ("C:\\Users\\x\\..\\a.log", "Users/x/a.log"),
    ("/abs//./b.log", "abs/b.log"), ("outer.zip!/inner.log", "outer.zip/inner.log"),
    ("..", "member"), ("", "member"),
])
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_dumps_are_redacted_by_column_and_the_rest_by_the_detectors(canary_bundle, tmp_path):
    redact_bundle(canary_bundle, tmp_path / "clean.zip", Redactor())
    dump = _members(tmp_path / "clean.zip")["db/dump.sql"].decode()
    insert = next(line for line in dump.splitlines() if line.startswith("INSERT"))
    assert insert.startswith("INSERT INTO `users` VALUES (1,'user")
    assert "'REDACTED:password','REDACTED:token:" in insert
    assert ",'REDACTED:card-number','REDACTED:ssn','REDACTED:phone')" in insert
    assert insert.endswith(",(2,'asmith',NULL,NULL,NULL,NULL,NULL);")
    assert "CREATE TABLE `users`" in dump and "IDENTIFIED BY 'REDACTED:password'" in dump
    copy = _members(tmp_path / "clean.zip")["db/pg_dump.sql"].decode()
    assert "1\tuser1\tREDACTED:password\n2\tasmith\t\\N\n\\.\n" in copy


def test_hostile_json_is_redacted_as_text_with_a_problem(tmp_path):
    bundle = make_bundle(tmp_path / "case.zip", {
        "deep.json": b"[" * 1000 + b'"user=jdoe password=Hunter-22x"' + b"]" * 1000,
        "pair.json": orjson.dumps({"name": ["a", "b"], "value": "password=Hunter-22x"}),
    })
    manifest = redact_bundle(bundle, tmp_path / "clean.zip", Redactor())
    entries = {m["member"]: m for m in manifest.members}
    assert entries["deep.json"]["action"] == "redacted (text)"
    assert entries["deep.json"]["problems"] == [
        "JSON nested deeper than 128 levels: redacted as text, not by its structure"]
    assert entries["pair.json"]["action"] == "redacted (JSON)"
    for data in _members(tmp_path / "clean.zip").values():
        assert b"Hunter-22x" not in data and b"jdoe" not in data


def _one_long_line(kilobytes: int) -> bytes:
    rng = random.Random(kilobytes)
    words = " ".join(f"req={rng.getrandbits(32):08x} took {rng.randrange(999)} ms user=jdoe "
                     f"status=ok" for _ in range(200))
    return ("2026-11-17T09:14:00Z INFO " + (words + " ") * ((kilobytes << 10) // len(words))
            + f"password=Hunter-{kilobytes}x").encode()


def _measure(tmp_path, kilobytes: int) -> tuple[float, int, dict]:
    bundle = make_bundle(tmp_path / f"line{kilobytes}.zip",
                         {"app.log": _one_long_line(kilobytes)})
    tracemalloc.start()
    started = time.process_time()
    manifest = redact_bundle(bundle, tmp_path / f"clean{kilobytes}.zip", Redactor())
    spent = time.process_time() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return spent, peak, manifest.members[0]


@pytest.mark.slow
def test_a_line_with_no_end_is_redacted_in_bounded_memory_and_linear_time(tmp_path,
                                                                          monkeypatch):
    # Pieces of 64 KiB, so that n and 4n are both many pieces and the test stays short;
    # the preview's change records are capped (MAX_CHANGES): both sizes pass a low cap.
    # Reads of 64 KiB too: with reads of 1 MiB, the small input would fit one read and
    # measure a lower floor than the large one.
    monkeypatch.setattr(documents, "PIECE_CHARS", 64 << 10)
    monkeypatch.setattr(documents, "READ_BYTES", 64 << 10)
    monkeypatch.setattr(Redactor, "MAX_CHANGES", 100)
    # Times are the best of two runs: the machine is shared, and one slow run is noise.
    small_time, small_peak, small = _measure(tmp_path, 512)
    small_time = min(small_time, _measure(tmp_path, 512)[0])
    large_time, large_peak, large = _measure(tmp_path, 2048)
    large_time = min(large_time, _measure(tmp_path, 2048)[0])
    assert small["problems"] == large["problems"] == [
        "line 1 is too long to read whole: redacted in pieces"]
    assert large_peak < 1.5 * small_peak  # memory does not follow the input
    assert large_time < 8 * small_time  # 4x the input, far from 16x
    text = _members(tmp_path / "clean2048.zip")["app.log"]
    assert b"Hunter-2048x" not in text and b"jdoe" not in text and text.count(b"\n") == 0


@pytest.mark.slow
def test_a_killed_redact_leaves_nothing_behind(tmp_path):
    bundle = make_bundle(tmp_path / "big.zip", {"app.log": _one_long_line(16 << 10)})
    out = tmp_path / "out" / "clean.zip"
    out.parent.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "inspector", "redact", str(bundle),
                                "-o", str(out)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL,
                               env={**os.environ, "BUNDLE_INSPECTOR_DATA": str(tmp_path)})
    time.sleep(3)
    assert process.poll() is None, "the command ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert list(out.parent.iterdir()) == []


def test_survey_bundle_learns_what_the_bundle_names(canary_bundle):
    redactor = Redactor()
    survey_bundle(canary_bundle, redactor)
    known = set(redactor.known_values())
    assert {CANARIES["sql_users_password"].lower(), "jdoe", "10.20.4.17"} <= known
    assert redactor.text(f"he typed {CANARIES['sql_users_password']}") == (
        "he typed REDACTED:password")
