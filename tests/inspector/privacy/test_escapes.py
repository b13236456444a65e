"""Decoded views: what each undoes, and spans mapped back onto the escaped text."""

from __future__ import annotations

from inspector.privacy.escapes import decoded_views


def test_percent_and_json_views_map_back():
    text = 'a%3Db "x\\"y\\u0041z" %40 c'
    views = list(decoded_views(text))
    assert [v.text for v in views] == ['a=b "x\\"y\\u0041z" @ c', 'a%3Db "x"yAz" %40 c']
    percent, json = views
    start = percent.text.index("@")
    assert text[slice(*percent.original(start, start + 1))] == "%40"
    start = json.text.index('x"yAz')
    assert text[slice(*json.original(start, start + 5))] == 'x\\"y\\u0041z'


def test_plain_text_has_no_view():
    assert list(decoded_views("100% plain, c:\\Users and 50%")) == []
