"""The one HAR reader: streaming, windows, broken documents, lenient repairs."""

from __future__ import annotations

import base64
import io
import random

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats.har import HarFormatError, HarReader
from tests.analyzers.http.hars import entry, har


def test_reader_yields_entries_in_order_and_keeps_log_members():
    data = har(entry(at=0), entry(at=1, status=404),
               pages=[{"id": "page_1", "title": "x", "startedDateTime": "2026-11-17T09:00:00Z",
                       "pageTimings": {}}])
    reader = HarReader(io.BytesIO(data))
    assert [e["response"]["status"] for e in reader.entries()] == [200, 404]
    assert reader.log["pages"][0]["id"] == "page_1" and reader.offset == len(data)


class Trickle(io.RawIOBase):
    """A stream that hands out at most ``step`` bytes per read, like a slow pipe."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.step, self.position = data, step, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.data[self.position:self.position + min(self.step, max(size, 1))]
        self.position += len(chunk)
        return chunk


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20)


@settings(max_examples=40, deadline=None)
@given(entries=st.lists(st.dictionaries(st.text(max_size=10), json_values, max_size=5),
                        max_size=8),
       step=st.integers(1, 5000), indent=st.booleans())
def test_reader_matches_a_whole_document_parse(entries, step, indent):
    data = orjson.dumps({"log": {"entries": entries, "version": "1.2"}},
                        option=orjson.OPT_INDENT_2 if indent else 0)
    assert list(HarReader(Trickle(data, step)).entries()) == orjson.loads(data)["log"]["entries"]


def test_reader_handles_values_larger_than_its_window_and_multibyte_text():
    big = base64.b64encode(random.Random(1).randbytes(3 * 1024 * 1024)).decode()
    accents = "é€😀" * 40_000  # 4-byte and 3-byte characters across window edges
    entries = [entry(body=accents), entry(body=big), entry(body=accents[1:]), entry()]
    data = har(*entries)
    got = list(HarReader(io.BytesIO(data)).entries())
    assert [e["response"]["content"].get("text") for e in got] == [
        accents, big, accents[1:], None]


def test_an_entry_bigger_than_a_read_is_read_whole():
    # The window then grows past one read, and the buffer ends exactly at its edge (a
    # 20 MB body once raised IndexError and the HAR gave no finding at all).
    body = "x" * (20 * 1024 * 1024)
    got = list(HarReader(io.BytesIO(har(entry(body=body), entry()))).entries())
    assert len(got) == 2 and got[0]["response"]["content"]["text"] == body


@pytest.mark.parametrize(("data", "words"), [
    (b"", "not a JSON object"),
    (b"[1, 2]", "not a JSON object"),
    (b'{"log": {"version": "1.2"}}', "no log.entries"),
    (b'{"log": {"entries": [{"a": 1}, {"b": ', "ends"),
    (b'{"log": {"entries": [{"a": 1} {"b": 2}]}}', "expected ','"),
    (b'{"log": {"entries": [{"a": tru}]}}', "invalid JSON"),
    (b'{"log": {"entries": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}}", "nested"),
])
def test_reader_reports_broken_documents(data, words):
    with pytest.raises(HarFormatError, match=words):
        list(HarReader(io.BytesIO(data)).entries())


def test_reader_repairs_what_orjson_refuses():
    data = (b'{"log": {"entries": [{"url": "https://a.test/\\ud800x", "n": NaN, '
            b'"big": ' + b"9" * 5000 + b', "raw": "caf\xe9"}, {"ok": 1}]}}')
    reader = HarReader(io.BytesIO(data))
    first, second = list(reader.entries())
    assert first["url"] == "https://a.test/\ufffdx" and first["raw"] == "caf\ufffd"
    assert first["big"] == float("inf") and second == {"ok": 1}
    assert reader.repaired == 1
    orjson.dumps(first["url"])  # clean UTF-8 again: safe to put in JSON stats
