"""HAR entries: masking of every credential, the one reader, entries kept when it breaks."""

from __future__ import annotations

import orjson
import pytest

from inspector.formats.har import HarFormatError
from inspector.model import ArtifactKind
from inspector.views.har import HarEntry, har_entry, load_har, status_class
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
