"""``inspector templates FILE [--format csv|json]``: every line's message template."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import orjson

from inspector.bundle.sniff import HEAD_BYTES, text_encoding_of
from inspector.bundle.streams import transcoded
from inspector.formats.templates import mine


def read_lines(path: Path) -> Iterator[str]:
    """The lines of a text file, without line ends; invalid UTF-8 becomes U+FFFD. UTF-16
    files (``inspector.bundle.sniff.text_encoding_of``) are read as the bundle reader reads them."""
    with path.open("rb") as raw_stream:
        encoding = text_encoding_of(raw_stream.read(HEAD_BYTES))
        raw_stream.seek(0)
        stream = transcoded(raw_stream, encoding) if encoding else raw_stream
        for raw in stream:
            yield raw.rstrip(b"\r\n").decode("utf-8", "replace")


def templates_command(path: Path, fmt: str, out: TextIO) -> int:
    """``inspector templates FILE [--format csv|json]``: every line's template.

    csv: a ``line,template_id,template`` header, then one row per line (1-based line
    numbers). json: a list of ``{"line", "template_id", "template"}`` objects. Returns the
    process exit status (2 when the file cannot be read).
    """
    try:
        results = mine(read_lines(path))
    except OSError as exc:
        print(f"inspector templates: cannot read {path}: {exc.strerror or exc}", file=out)
        return 2
    if fmt == "json":
        rows = [{"line": number, "template_id": template_id, "template": template}
                for number, (template_id, template) in enumerate(results, 1)]
        out.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
        out.write("\n")
        return 0
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["line", "template_id", "template"])
    for number, (template_id, template) in enumerate(results, 1):
        writer.writerow([number, template_id, template])
    return 0
