"""Export-time redaction: secrets removed, identifiers pseudonymized, and a last gate.

Everything that leaves the building (a rendered report, a sanitized bundle) goes through a
``Redactor`` and then through ``gate``. This module is the front door the report, the CLI,
the workspace and the UI import from; the work lives in:

- ``inspector.privacy.pseudonyms``: the identifier kinds, finding them in text, and the
  ``PseudonymMap`` that gives each value one pseudonym shaped like it;
- ``inspector.privacy.redactor``: the ``Redactor`` over text and JSON, with its change
  records for the preview, over the detectors (``secrets`` and the modules it gathers,
  ``personal``, ``entropy``) and the values it has seen (``known``); JSON by its
  structure in ``structured``;
- ``inspector.privacy.gate``: the independent final scan of a rendered export (``gate``,
  ``check``, ``write_checked``, ``RedactionRefused``);
- ``inspector.privacy.bundle_copy``: ``redact_bundle``, the sanitized zip and its manifest,
  over ``documents`` (text read in bounded pieces), ``dumps`` (SQL columns by name),
  ``captures`` (captures cut to headers) and ``partial`` (nothing partial left behind).

>>> names = PseudonymMap()
>>> redactor = Redactor(names)
>>> redactor.text("alice@corp.example.com logged in from 10.1.2.3 with password=hunter2")
'user1@redacted.invalid logged in from 240.0.0.1 with password=REDACTED:password'
>>> clean = redactor.text("token=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.c2ln")
>>> clean, gate(clean, redactor.known_values())
('token=REDACTED:jwt:a92fec', [])
"""

from __future__ import annotations

from inspector.privacy.bundle_copy import (
    MANIFEST_NAME,
    CaptureMode,
    Manifest,
    redact_bundle,
    survey_bundle,
)
from inspector.privacy.captures import capture_headers
from inspector.privacy.gate import Gate, Leak, RedactionRefused, check, gate, write_checked
from inspector.privacy.pseudonyms import (
    ALL_IDENTIFIERS,
    Identifier,
    PseudonymMap,
    Span,
    find_identifiers,
)
from inspector.privacy.redactor import Change, ChangeCategory, Redactor, secret_replacement

__all__ = [
    "ALL_IDENTIFIERS", "MANIFEST_NAME", "CaptureMode", "Change", "ChangeCategory", "Gate",
    "Identifier", "Leak", "Manifest", "PseudonymMap", "RedactionRefused", "Redactor", "Span",
    "capture_headers", "check", "find_identifiers", "gate", "redact_bundle",
    "secret_replacement", "survey_bundle", "write_checked",
]
