"""The one safe way out for a report: redact, render, gate, write atomically, or refuse.

``export`` redacts the report with a ``Redactor`` (``redact_report``), renders it in one of
the ``FORMATS`` (``render``), passes the result through the final gate
(``inspector.privacy.redaction.check``, an independent scan of the rendered document as a
whole: nothing is written while a key, a known token prefix, a random-looking token, a
card number or any value the redactor replaced is still in it) and writes it atomically
(``inspector.privacy.partial``), so a refused, failed or killed export leaves nothing
behind.

Every string of the report is redacted whole: excerpts were cut by the analyzers only at
blanks (``inspector.formats.clipping``), so no value reaches the redactor cut in two.
Before redacting, the whole report is surveyed, so a value the report names in one
place (``user=jdoe``) is replaced where it stands bare in another. A redactor that has
surveyed the bundle first (``inspector.privacy.redaction.survey_bundle``) also knows the
values the bundle names and the report shows without their names.
"""

from __future__ import annotations

from pathlib import Path

from inspector.privacy.partial import PartialFile
from inspector.privacy.redaction import Redactor, check
from inspector.report.document import Report, map_text
from inspector.report.html import render_html
from inspector.report.markdown import render_markdown
from inspector.report.pdf import render_pdf
from inspector.report.text import render_text

FORMATS = ("md", "html", "pdf")


def redact_report(report: Report, redactor: Redactor) -> Report:
    """The report with every string redacted by ``redactor`` (changes recorded there)."""
    def survey(text: str, where: str) -> str:
        redactor.survey(text)
        return text

    map_text(report, survey)  # learn every identifier first, then replace them all
    return map_text(report, lambda text, where: redactor.text(text, f"report: {where}"))


def render(report: Report, fmt: str) -> bytes:
    """``report`` in format ``fmt`` (one of ``FORMATS``), as the bytes of the file."""
    if fmt == "md":
        return render_markdown(report).encode("utf-8")
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def export(report: Report, fmt: str, path: Path, redactor: Redactor) -> Report:
    """Redact, render, gate, write atomically. Returns the redacted report that was written.

    Raises ``RedactionRefused`` (nothing written) when the gate flags the rendered output.
    The PDF is gated through ``render_text`` of the same redacted report, the text it is
    drawn from; Markdown and HTML are gated as written (the gate reads them unescaped
    too, so an escaped secret cannot slip past it).
    """
    clean = redact_report(report, redactor)
    data = render(clean, fmt)
    check(render_text(clean) if fmt == "pdf" else data.decode("utf-8"), redactor)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with PartialFile(target) as partial:
        partial.handle.write(data)
        partial.commit()
    return clean
