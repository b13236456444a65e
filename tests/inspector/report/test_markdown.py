"""The report as Markdown: customer text stays text, sections in the design's order."""

from __future__ import annotations

import re

from inspector.report.markdown import render_markdown
from tests.inspector.report.test_document import hostile_report


def test_markdown_never_turns_customer_text_into_markup():
    text = render_markdown(hostile_report())
    # Inside code spans markup is inert (shown literally); everywhere else it is escaped.
    outside_code = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text)
    assert "<script>" in text  # the excerpt, in a code span
    assert "<script>" not in outside_code and "<img" not in outside_code
    assert "](http" not in outside_code.replace("\\](http", "")
    table_rows = [line for line in text.splitlines() if line.startswith("| OS")]
    assert len(table_rows) == 1 and table_rows[0].count(" | ") == 2  # the pipe is escaped
    assert "```" not in [line.strip() for line in text.splitlines()]  # fences stay inline


def test_markdown_sections_follow_the_design_and_skip_empty_ones(drafted):
    headings = [line[3:] for line in render_markdown(drafted).splitlines()
                if line.startswith("## ")]
    assert headings == ["Severity and business impact", "Environment", "Summary", "Timeline",
                        "Findings", "Attachments"]
