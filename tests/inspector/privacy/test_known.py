"""Known values found again as whole words, whatever their number."""

from __future__ import annotations

from inspector.privacy.known import KnownValues, ascii_lower


def test_whole_words_only_and_the_longest_first():
    known = KnownValues()
    for value in ("svc", "db1.corp.example.com", "corp.example.com", "10.0.0.1"):
        known.add(value, value)
    text = "svc@x svc_sync /svc/ DB1.corp.example.com.log 10.0.0.12 10.0.0.1:80"
    assert [text[s:e] for s, e, _ in known.find(text)] == [
        "svc", "svc", "DB1.corp.example.com", "10.0.0.1"]


def test_many_values_cost_one_pass():
    known = KnownValues()
    for number in range(20_000):
        known.add(f"host{number}.acme-corp.com", number)
    text = "ok " * 100_000 + "host19999.acme-corp.com"
    assert [meaning for _, _, meaning in known.find(text)] == [19999]


def test_ascii_lower_keeps_positions():
    text = "İstanbul DB1"
    assert len(ascii_lower(text)) == len(text) and ascii_lower(text).endswith("db1")
