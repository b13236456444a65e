"""A sanitized copy of a bundle: ``redact_bundle`` writes a new zip with every member
redacted, reduced or dropped, and a manifest saying which and why. The source is only read.

What happens to a member, by its kind:

- text (logs, plain text, SQL dumps, slow and server logs): redacted line by line;
- JSON (HAR, other JSON): parsed whole and redacted structurally (``Redactor.json_value``)
  up to ``MAX_JSON_MEMBER``, else, or when it does not parse, redacted line by line;
- captures: cut to their headers with pseudonymous addresses
  (``inspector.privacy.captures``), or dropped with ``CaptureMode.DROP``;
- anything else (binaries, members the reader skipped): dropped; nested archives appear
  as their members, named ``outer.zip/inner.log``.

Decisions the next engineer needs:

- Text and JSON members are read twice: a first pass only learns identifiers, so a user
  name first seen in the last member is replaced in the first one too.
- Every redacted member passes the gate (``inspector.privacy.gate``) before it is written;
  one that does not is dropped whole and the manifest says so. Member names are
  redacted like text, since they carry host and user names (``nodes/db1.corp.example.com/
  app.log``), and the manifest passes the gate too.
- Members carry one fixed time (2026-01-01 00:00), not their own; only the manifest
  entry carries the time the copy was written.
- The zip is written to a temporary file next to the output and renamed over it once
  complete and synced: a failure leaves no partial copy.
"""

from __future__ import annotations

import enum
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from inspector.bundle import open_bundle
from inspector.formats.pcap import CaptureError
from inspector.model import ArtifactKind, ArtifactStatus
from inspector.privacy.captures import capture_headers
from inspector.privacy.gate import check, gate
from inspector.privacy.redactor import Redactor


class CaptureMode(enum.StrEnum):
    """What ``redact_bundle`` does with packet captures: drop them, or keep their headers."""

    DROP = "drop"
    HEADERS = "headers"


TEXT_KINDS = {ArtifactKind.LOG, ArtifactKind.TEXT, ArtifactKind.SQL_DUMP,
              ArtifactKind.MYSQL_SLOW_LOG, ArtifactKind.POSTGRES_LOG}
JSON_KINDS = {ArtifactKind.HAR, ArtifactKind.JSON}
CAPTURE_KINDS = {ArtifactKind.PCAP, ArtifactKind.PCAPNG}
MAX_JSON_MEMBER = 256 * 2**20  # parsed whole: HAR files are one JSON document


@dataclass
class Manifest:
    """What ``redact_bundle`` did to each member; written into the redacted bundle."""

    source_sha256: str
    members: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"format": "bundle-inspector.privacy.redaction-manifest/1",
                "source_sha256": self.source_sha256, "members": self.members}


MANIFEST_NAME = "REDACTION-MANIFEST.json"


def redact_bundle(source: Path, output: Path, redactor: Redactor | None = None, *,
                  captures: CaptureMode = CaptureMode.HEADERS) -> Manifest:
    """Write a sanitized zip copy of a bundle to ``output``; the source is only read.

    Text members are redacted line by line, JSON members structurally, captures cut to
    headers (or dropped), anything else (binaries, members the reader skipped) dropped.
    Text and JSON members are read twice: a first pass learns every identifier, so a user
    name first seen in the last member is replaced in the first one too.
    Every redacted member passes the gate before the zip is written; a member that does
    not is dropped and the manifest says so. Raises ``BundleOpenError`` when the bundle
    cannot be opened.
    """
    redactor = redactor or Redactor()
    output = Path(output)
    if output.resolve() == Path(source).resolve():
        raise ValueError("the redacted copy must not overwrite the original bundle")
    with open_bundle(source) as bundle:
        assert bundle.info is not None
        manifest = Manifest(bundle.info.sha256)
        for artifact in bundle.artifacts:
            if artifact.status is ArtifactStatus.ANALYZED and (
                    artifact.kind in TEXT_KINDS or artifact.kind in JSON_KINDS):
                try:
                    _survey_member(bundle, artifact, redactor)
                except (OSError, ValueError):
                    continue  # the redaction pass meets the same error and records it
        descriptor, temporary = tempfile.mkstemp(prefix=f".{output.name}.",
                                                 dir=output.parent or ".")
        os.close(descriptor)
        try:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
                for artifact in bundle.artifacts:
                    if artifact.kind is ArtifactKind.ARCHIVE:
                        continue
                    # Names carry host and user names too (nodes/db1.corp.example.com/app.log).
                    name = redactor.text(artifact.path, "member names").replace("!/", "/")
                    entry = {"member": name, "kind": artifact.kind.value}
                    if artifact.status is ArtifactStatus.SKIPPED:
                        entry |= {"action": "dropped", "reason": "not readable: "
                                  + redactor.text(artifact.reason or "skipped by the reader")}
                        manifest.members.append(entry)
                        continue
                    before = sum(redactor.change_counts.values())
                    try:
                        data, action = _redact_member(bundle, artifact, redactor, name,
                                                      captures)
                    except (OSError, CaptureError, ValueError) as exc:
                        data, action = None, f"dropped: could not be read ({type(exc).__name__})"
                    entry["changes"] = sum(redactor.change_counts.values()) - before
                    entry["action"] = action
                    if data is not None:
                        info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
                        info.compress_type = zipfile.ZIP_DEFLATED
                        archive.writestr(info, data)
                    manifest.members.append(entry)
                summary = orjson.dumps(manifest.to_json(), option=orjson.OPT_INDENT_2)
                check(summary.decode(), redactor)
                archive.writestr(MANIFEST_NAME, summary)
            with open(temporary, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(temporary, output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return manifest


def _survey_member(bundle: Any, artifact: Any, redactor: Redactor) -> None:
    with bundle.open(artifact) as stream:
        if artifact.kind in JSON_KINDS and artifact.size <= MAX_JSON_MEMBER:
            raw = stream.read()
            try:
                redactor.survey_json(orjson.loads(raw))
                return
            except orjson.JSONDecodeError:
                stream = io.BytesIO(raw)
        for raw_line in stream:
            redactor.survey(raw_line.decode("utf-8", "replace"))


def _redact_member(bundle: Any, artifact: Any, redactor: Redactor, name: str,
                   captures: CaptureMode) -> tuple[bytes | None, str]:
    if artifact.kind in CAPTURE_KINDS:
        if captures is CaptureMode.DROP:
            return None, "dropped: packet capture"
        with bundle.open(artifact) as stream:
            data, frames = capture_headers(stream, redactor)
        return data, f"reduced to headers: {frames} frame(s), payloads removed"
    if artifact.kind in JSON_KINDS and artifact.size <= MAX_JSON_MEMBER:
        with bundle.open(artifact) as stream:
            raw = stream.read()
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError:
            document = None
        if document is not None:
            text = orjson.dumps(redactor.json_value(document, name),
                                option=orjson.OPT_INDENT_2).decode()
            leaks = gate(text, redactor.pseudonyms, redactor.pseudonymize, redactor.keep)
            if leaks:
                return None, f"dropped: {leaks[0].describe()} still flagged after redaction"
            return text.encode(), "redacted (JSON)"
        return _redact_lines(io.BytesIO(raw), redactor, name)
    if artifact.kind in TEXT_KINDS or artifact.kind in JSON_KINDS:
        with bundle.open(artifact) as stream:
            return _redact_lines(stream, redactor, name)
    return None, f"dropped: {artifact.kind.value} content cannot be redacted"


def _redact_lines(stream: Any, redactor: Redactor, name: str) -> tuple[bytes | None, str]:
    out = io.BytesIO()
    for number, raw in enumerate(stream, 1):
        line = raw.decode("utf-8", "replace")
        clean = redactor.text(line, f"{name}:{number}")
        leaks = gate(clean, redactor.pseudonyms, redactor.pseudonymize, redactor.keep)
        if leaks:
            return None, (f"dropped: line {number} still flagged after redaction "
                          f"({leaks[0].kind} {leaks[0].masked})")
        out.write(clean.encode("utf-8"))
    return out.getvalue(), "redacted (text)"
