"""HAR entries: masking of every credential, the one reader, entries kept when it breaks."""

from __future__ import annotations

import base64

import orjson
import pytest

from inspector.formats.har import HarFormatError
from inspector.model import ArtifactKind
from inspector.views.har import (
    HarEntry,
    HarFilter,
    har_entry,
    har_matches,
    load_har,
    response_body,
    status_class,
    status_group,
)
from tests.inspector.views.work import WorkState

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl"


def secret_entry() -> dict:
    return {
        "startedDateTime": "2024-05-01T09:14:02.000Z", "time": 230,
        "request": {"method": "POST", "url": "https://user:hunter2@api.test/login?api_key="
                                              "k3y-very-secret-value",
                    "headers": [{"name": "Authorization", "value": f"Bearer {TOKEN}"},
                                {"name": "Cookie", "value": "sid=4f2a9c81d0e3aa77; lang=en"}],
                    "cookies": [{"name": "sid", "value": "4f2a9c81d0e3aa77"}],
                    "postData": {"mimeType": "application/json",
                                 "text": '{"user": "ann", "password": "correct horse"}'}},
        "response": {"status": 401, "statusText": "Unauthorized",
                     "headers": [{"name": "Set-Cookie", "value": "sid=99aa88bb77cc66dd; Path=/"}],
                     "content": {"size": 120, "mimeType": "application/json"}},
        "timings": {"dns": 10, "connect": 20, "ssl": 30, "send": 1, "wait": 150, "receive": 19},
    }


def test_every_credential_is_masked_before_it_is_kept():
    entry = har_entry(1, secret_entry())
    shown = entry.url + entry.headers
    for secret in (TOKEN, "hunter2", "k3y-very-secret-value", "4f2a9c81d0e3aa77",
                   "99aa88bb77cc66dd", "correct horse"):
        assert secret not in shown
    assert "lang=en" in entry.headers  # not a secret: kept readable
    assert entry.status == 401 and entry.timings["wait"] == 150


@pytest.mark.parametrize(("status", "expected"), [
    (0, "failed"), (502, "failed"), (404, "client_error"), (200, None), (304, None)])
def test_status_classes(status, expected):
    entry = HarEntry(1, None, "GET", "/", status, "", "", 0, 0.0)
    assert status_class(entry) == expected


def test_a_sample_har_reads_entry_by_entry_numbered_as_evidence(sample_member):
    source = sample_member("gateway_502", ArtifactKind.HAR)
    with source.open() as stream:
        entries = orjson.loads(stream.read())["log"]["entries"]
    result = load_har(WorkState(), source)
    assert result.error is None
    assert [entry.number for entry in result.entries] == list(range(1, len(entries) + 1))
    assert result.entries[50].method == entries[50]["request"]["method"]


def test_a_broken_har_keeps_the_entries_before_the_break(member):
    entries = [secret_entry(), "not an entry", secret_entry()]
    data = orjson.dumps({"log": {"entries": entries}})
    result = load_har(WorkState(), member("cut.har", data[:-40]))
    assert [entry.number for entry in result.entries] == [1]
    assert result.error and "byte" in result.error
    whole = load_har(WorkState(), member("whole.har", data))
    assert [entry.number for entry in whole.entries] == [1, 3]  # numbers follow the file


def test_a_file_that_is_not_a_har_says_why(member):
    with pytest.raises(HarFormatError, match=r"log\.entries"):
        load_har(WorkState(), member("x.har", b'{"log": {"pages": []}}'))


def test_cancelling_stops_reading(sample_member):
    state = WorkState()
    state.cancel()
    assert load_har(state, sample_member("gateway_502", ArtifactKind.HAR)).entries == []


def test_a_failed_request_reads_as_devtools_writes_it():
    entry = har_entry(1, {**secret_entry(), "response": {
        "status": 0, "statusText": "", "_error": "net::ERR_CERT_DATE_INVALID",
        "content": {"size": 0}}})
    assert entry.status_label == "(failed) net::ERR_CERT_DATE_INVALID"
    assert status_group(entry) == "failed"
    assert "Error: net::ERR_CERT_DATE_INVALID" in entry.headers


def test_payload_and_timing_tabs_mask_what_the_headers_mask():
    entry = har_entry(1, secret_entry())
    assert "Query string parameters:" in entry.payload
    assert "k3y-very-secret-value" not in entry.payload
    assert "correct horse" not in entry.payload and "Request body (application/json)" in \
        entry.payload
    assert entry.timing_rows()[0] == ("DNS lookup", 10.0)
    assert [name for name, _ in entry.timing_rows()][-1] == "Content download"


@pytest.mark.parametrize(("text", "statuses", "types", "kept"), [
    ("", (), (), True),
    ("api.test", ("4xx",), (), True),
    ("api.test", ("5xx",), (), False),
    ("-login", (), (), False),
    ("status-code:401 method:post", (), (), True),
    ("domain:other.test", (), (), False),
    ("mime-type:json", (), ("fetch",), True),
    ("", (), ("image",), False),
])
def test_the_filter_bar(text, statuses, types, kept):
    entry = har_entry(1, {**secret_entry(), "_resourceType": "xhr"})
    entry = HarEntry(**{**entry.__dict__, "mime_type": "application/json"})
    assert har_matches(entry, HarFilter(text, frozenset(statuses), frozenset(types))) is kept


def test_the_response_body_is_read_for_one_entry_masked_and_decoded(member):
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    text = orjson.dumps({"token": token, "ok": True}).decode()
    encoded = base64.b64encode(text.encode()).decode()
    entries = [secret_entry(), {**secret_entry(), "response": {
        "status": 200, "content": {"mimeType": "application/json", "text": encoded,
                                   "encoding": "base64"}}},
        {**secret_entry(), "response": {"status": 200, "content": {
            "mimeType": "image/png", "text": base64.b64encode(b"\x89PNG").decode(),
            "encoding": "base64"}}}]
    source = member("bodies.har", orjson.dumps({"log": {"entries": entries}}))
    body = response_body(WorkState(), source, 2)
    assert '"ok":true' in body and token not in body
    assert response_body(WorkState(), source, 3) == "Binary body (image/png), not shown."
    assert response_body(WorkState(), source, 1) == \
        "This request has no response data in the HAR."
    assert response_body(WorkState(), source, 9) == "Entry 9 is not in the HAR."
