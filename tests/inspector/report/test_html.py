"""The report as one self-contained HTML page, styled from the shipped style sheet."""

from __future__ import annotations

import html
import re
import tomllib
from html.parser import HTMLParser

import resources
from inspector.report.html import PALETTE, STYLESHEET, render_html, stylesheet
from tests.inspector.report.test_document import HOSTILE, hostile_report


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)


def test_html_is_self_contained_and_escapes_everything():
    page = render_html(hostile_report())
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags and "a" not in parser.tags
    assert not [value for name, value in parser.attributes if name in ("src", "href")]
    assert "default-src 'none'" in page
    assert html.escape(HOSTILE) in page
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert not re.search(r"(?i)url\(|@import|https?:", style)


def palette():
    return tomllib.loads(resources.read_text(PALETTE))


def test_the_page_inlines_the_shipped_style_sheet_with_the_palette_colours():
    page = render_html(hostile_report())
    assert f"<style>\n{stylesheet()}</style>" in page
    assert "$" not in stylesheet()
    colours = palette()
    for value in (*colours["report"].values(), *colours["severity_text"].values()):
        assert value in stylesheet()
    template = resources.read_text(STYLESHEET)
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", template)  # every colour is the palette's


def test_severities_sharing_a_style_rule_share_their_palette_colour():
    # The style sheet colours .critical with .high and .info with .low, one rule each.
    severity = palette()["severity_text"]
    template = resources.read_text(STYLESHEET)
    assert ".critical,.high{color:${severity_text.high}}" in template
    assert ".low,.info{color:${severity_text.low}}" in template
    assert severity["critical"] == severity["high"] and severity["info"] == severity["low"]
