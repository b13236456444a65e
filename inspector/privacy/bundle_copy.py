"""A sanitized copy of a bundle: ``redact_bundle`` writes a new zip with every member
redacted, reduced or dropped, and a manifest saying which and why. The source is only read.

What happens to a member, by its kind:

- text (logs of every kind, plain text, SQL dumps, configuration, YAML, Kubernetes
  material, command output, thread dumps): redacted as a document, in
  pieces of whole lines (``inspector.privacy.documents``), so private key blocks and
  continuation lines are seen whole and no line is ever read whole into memory; in SQL
  dumps, the values of columns whose names say secret or personal are removed too
  (``inspector.privacy.dumps``);
- JSON (HAR, other JSON): parsed whole and redacted structurally up to
  ``MAX_JSON_MEMBER`` and ``structured.MAX_DEPTH`` levels, else (too big, too deep, not
  JSON) redacted as text, and the manifest says why;
- captures: cut to their headers with pseudonymous addresses
  (``inspector.privacy.captures``), or dropped with ``CaptureMode.DROP``;
- anything else (binaries, members the reader skipped): dropped; nested archives appear
  as their members, named ``outer.zip/inner.log``.

Decisions the next engineer needs:

- Text and JSON members are read twice: a first pass only learns identifiers and secrets,
  so a user name first seen in the last member is replaced in the first one too.
- Every redacted piece passes the independent gate (``inspector.privacy.gate``) before it
  is kept; a member with a flagged piece is dropped whole and the manifest says where.
  Member names are redacted like text (they carry host and user names:
  ``nodes/db1.corp.example.com/app.log``) and gated too, and the manifest is gated last.
- Names in the copy are safe relative paths: ``..``, ``.``, empty parts, leading slashes,
  drive letters and backslashes go; a name taken twice gets `` (duplicate N)``; a
  customer file named like the manifest is renamed, so the tool's manifest is the only one.
- Members carry one fixed time (2026-01-01 00:00), not their own; only the manifest
  entry carries the time the copy was written.
- Nothing partial is ever visible: redacted members are spooled to anonymous temporary
  files, and the zip is built in an anonymous file (``O_TMPFILE``) in the output's folder
  and linked into place once complete and synced. A killed ``inspector redact`` leaves
  nothing behind; where ``O_TMPFILE`` is missing, a named ``.partial`` file is used and
  the next run removes the ones whose writer is gone.
- Problems (a line cut because it is too long, JSON redacted as text) are listed per
  member under ``problems`` in the manifest.
"""

from __future__ import annotations

import enum
import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import orjson

from inspector.bundle import open_bundle
from inspector.formats.pcap import CaptureError
from inspector.model import ArtifactKind, ArtifactStatus
from inspector.privacy.captures import capture_headers
from inspector.privacy.documents import text_pieces
from inspector.privacy.dumps import SensitiveColumns
from inspector.privacy.gate import Gate, RedactionRefused, check, gate_for
from inspector.privacy.matches import make_match
from inspector.privacy.partial import PartialFile
from inspector.privacy.redactor import Redactor
from inspector.privacy.structured import TooDeep


class CaptureMode(enum.StrEnum):
    """What ``redact_bundle`` does with packet captures: drop them, or keep their headers."""

    DROP = "drop"
    HEADERS = "headers"


# Every kind is in exactly one of these sets (a test holds them to ``ArtifactKind``), so a
# kind added to the model is a decision here, not a member silently dropped or misread.
TEXT_KINDS = {ArtifactKind.LOG, ArtifactKind.TEXT, ArtifactKind.SQL_DUMP,
              ArtifactKind.MYSQL_SLOW_LOG, ArtifactKind.POSTGRES_LOG, ArtifactKind.JOURNAL,
              ArtifactKind.KERNEL_LOG, ArtifactKind.GC_LOG, ArtifactKind.THREAD_DUMP,
              ArtifactKind.KUBERNETES, ArtifactKind.COMMAND_OUTPUT, ArtifactKind.CONFIG,
              ArtifactKind.YAML, ArtifactKind.DOCUMENT}
JSON_KINDS = {ArtifactKind.HAR, ArtifactKind.JSON}
CAPTURE_KINDS = {ArtifactKind.PCAP, ArtifactKind.PCAPNG}
DROPPED_KINDS = {ArtifactKind.BINARY, ArtifactKind.ARCHIVE}
MAX_JSON_MEMBER = 64 * 2**20  # parsed whole (HAR files are one JSON document); else text
MANIFEST_NAME = "REDACTION-MANIFEST.json"
_TIME = (2026, 1, 1, 0, 0, 0)


@dataclass
class Manifest:
    """What ``redact_bundle`` did to each member; written into the redacted bundle."""

    source_sha256: str
    members: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"format": "bundle-inspector.privacy.redaction-manifest/1",
                "source_sha256": self.source_sha256, "members": self.members}


def redact_bundle(source: Path, output: Path, redactor: Redactor | None = None, *,
                  captures: CaptureMode = CaptureMode.HEADERS) -> Manifest:
    """Write a sanitized zip copy of a bundle to ``output``; the source is only read.

    See the module doc for what happens to each member. Raises ``BundleOpenError`` when
    the bundle cannot be opened, ``RedactionRefused`` when the manifest itself would
    carry something flagged (nothing is written then).
    """
    redactor = redactor or Redactor()
    output = Path(output)
    if output.resolve() == Path(source).resolve():
        raise ValueError("the redacted copy must not overwrite the original bundle")
    with open_bundle(source) as bundle:
        assert bundle.info is not None
        manifest = Manifest(bundle.info.sha256)
        _survey(bundle, redactor)
        copy = _Copy(redactor, output.parent, captures)
        with PartialFile(output) as partial, \
                zipfile.ZipFile(partial.handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for artifact in bundle.artifacts:
                if artifact.kind is not ArtifactKind.ARCHIVE:
                    manifest.members.append(copy.member(bundle, artifact, archive))
            summary = orjson.dumps(manifest.to_json(), option=orjson.OPT_INDENT_2)
            check(summary.decode(), redactor)
            archive.writestr(zipfile.ZipInfo(MANIFEST_NAME, _TIME), summary)
            archive.close()
            partial.commit()
    return manifest


def survey_bundle(source: Path, redactor: Redactor) -> None:
    """Teach ``redactor`` every identifier and secret of a bundle's names, text and JSON
    members, changing nothing: then a report exported with it has every value the bundle
    names replaced, even where the report shows it without its name. Raises
    ``BundleOpenError`` when the bundle cannot be opened."""
    with open_bundle(source) as bundle:
        _survey(bundle, redactor)


def _survey(bundle: Any, redactor: Redactor) -> None:
    for artifact in bundle.artifacts:
        redactor.survey(artifact.path)
        # Members no analyzer reads are copied redacted all the same, so they are surveyed.
        if artifact.status in (ArtifactStatus.ANALYZED, ArtifactStatus.NOT_ANALYZED) and (
                artifact.kind in TEXT_KINDS or artifact.kind in JSON_KINDS):
            try:
                _survey_member(bundle, artifact, redactor)
            except (OSError, ValueError):
                continue  # the redaction pass meets the same error and records it


def _survey_member(bundle: Any, artifact: Any, redactor: Redactor) -> None:
    with bundle.open(artifact) as stream:
        if artifact.kind in JSON_KINDS and artifact.size <= MAX_JSON_MEMBER:
            raw = stream.read(MAX_JSON_MEMBER + 1)
            try:
                redactor.survey_json(orjson.loads(raw))
                return
            except (orjson.JSONDecodeError, TooDeep):
                stream = io.BytesIO(raw)
        columns = SensitiveColumns() if artifact.kind is ArtifactKind.SQL_DUMP else None
        for piece in text_pieces(stream):
            redactor.survey(piece.text, _column_matches(columns, piece.text))


def _column_matches(columns: SensitiveColumns | None, text: str) -> list | None:
    if columns is None:
        return None
    return [make_match(kind, text, start, end, name=column)
            for start, end, kind, column in columns.spans(text)] or None


class _Copy:
    """Writes the members of one bundle into the redacted zip."""

    def __init__(self, redactor: Redactor, folder: Path, captures: CaptureMode) -> None:
        self.redactor = redactor
        self.folder = folder
        self.captures = captures
        self.names: set[str] = {MANIFEST_NAME.lower()}
        self._gate: Gate | None = None
        self._gate_size = -1

    def gate(self) -> Gate:
        """The gate over what the redactor knows now (rebuilt when it learned more)."""
        size = self.redactor.known_count()
        if self._gate is None or size != self._gate_size:
            self._gate, self._gate_size = gate_for(self.redactor), size
        return self._gate

    def name(self, path: str) -> str:
        """The member's name in the copy: redacted, gated, safe and unique."""
        redacted = self.redactor.text(path, "member names")
        name = safe_name(redacted)
        if self.gate().leaks(name):
            name = "member"  # a name the gate still flags is not shown at all
        # The manifest's name is taken from the start: a customer file of that name is
        # renamed like any duplicate, and the tool's manifest stays the only one.
        candidate, number = name, 1
        while candidate.lower() in self.names:
            number += 1
            candidate = f"{name} (duplicate {number})"
        self.names.add(candidate.lower())
        return candidate

    def member(self, bundle: Any, artifact: Any, archive: zipfile.ZipFile) -> dict[str, Any]:
        name = self.name(artifact.path)
        entry: dict[str, Any] = {"member": name, "kind": artifact.kind.value}
        if artifact.status is ArtifactStatus.SKIPPED:
            reason = self.redactor.text(artifact.reason or "skipped by the reader")
            return entry | {"action": "dropped", "reason": f"not readable: {reason}"}
        before = sum(self.redactor.change_counts.values())
        problems: list[str] = []
        with tempfile.TemporaryFile(dir=self.folder) as spool:
            try:
                action = self._redact(bundle, artifact, name, spool, problems)
            except (OSError, CaptureError, ValueError) as exc:
                action = f"dropped: could not be read ({type(exc).__name__})"
            if not action.startswith("dropped"):
                spool.seek(0)
                info = zipfile.ZipInfo(name, _TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w", force_zip64=True) as target:
                    shutil.copyfileobj(spool, target, 1 << 20)
        entry["changes"] = sum(self.redactor.change_counts.values()) - before
        entry["action"] = action
        if problems:
            entry["problems"] = problems
        return entry

    def _redact(self, bundle: Any, artifact: Any, name: str, spool: IO[bytes],
                problems: list[str]) -> str:
        if artifact.kind in CAPTURE_KINDS:
            if self.captures is CaptureMode.DROP:
                return "dropped: packet capture"
            with bundle.open(artifact) as stream:
                data, frames = capture_headers(stream, self.redactor)
            spool.write(data)
            return f"reduced to headers: {frames} frame(s), payloads removed"
        if artifact.kind in JSON_KINDS:
            with bundle.open(artifact) as stream:
                return self._json(stream, artifact, name, spool, problems)
        if artifact.kind in TEXT_KINDS:
            with bundle.open(artifact) as stream:
                return self._text(stream, artifact.kind, name, spool, problems)
        return f"dropped: {artifact.kind.value} content cannot be redacted"

    def _json(self, stream: Any, artifact: Any, name: str, spool: IO[bytes],
              problems: list[str]) -> str:
        if artifact.size > MAX_JSON_MEMBER:
            problems.append(f"larger than {MAX_JSON_MEMBER >> 20} MiB: redacted as text, "
                            "not by its structure")
            return self._text(stream, artifact.kind, name, spool, problems)
        raw = stream.read(MAX_JSON_MEMBER + 1)
        try:
            document = self.redactor.json_value(orjson.loads(raw), name)
        except (orjson.JSONDecodeError, TooDeep) as exc:
            why = "not valid JSON" if isinstance(exc, orjson.JSONDecodeError) else str(exc)
            problems.append(f"{why}: redacted as text, not by its structure")
            return self._text(io.BytesIO(raw), artifact.kind, name, spool, problems)
        text = orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
        leaks = self.gate().leaks(text)
        if leaks:
            return f"dropped: {leaks[0].describe()} still flagged after redaction"
        spool.write(text.encode())
        return "redacted (JSON)"

    def _text(self, stream: Any, kind: ArtifactKind, name: str, spool: IO[bytes],
              problems: list[str]) -> str:
        columns = SensitiveColumns() if kind is ArtifactKind.SQL_DUMP else None
        cut_lines = 0
        for piece in text_pieces(stream):
            clean = self.redactor.text(piece.text, name, _column_matches(columns, piece.text),
                                       line=piece.line)
            leaks = self.gate().leaks(clean)
            if leaks:
                leak = leaks[0]
                return (f"dropped: line {piece.line + leak.line - 1}: {leak.kind} still "
                        "flagged after redaction")
            if piece.cut_line:
                cut_lines += 1
                if cut_lines == 1:
                    problems.append(f"line {piece.line + piece.text.count(chr(10))} is too "
                                    "long to read whole: redacted in pieces")
            spool.write(clean.encode("utf-8"))
        return "redacted (text)"


def safe_name(name: str) -> str:
    """A relative zip member name that cannot leave the folder it is extracted into.

    >>> safe_name("../../etc/passwd"), safe_name("C:\\\\Users\\\\x\\\\..\\\\a.log")
    ('etc/passwd', 'Users/x/a.log')
    >>> safe_name("/abs//./b.log"), safe_name("outer.zip!/inner.log"), safe_name("..")
    ('abs/b.log', 'outer.zip/inner.log', 'member')
    """
    parts = name.replace("!/", "/").replace("\\", "/").split("/")
    if parts and len(parts[0]) == 2 and parts[0][1] == ":" and parts[0][0].isalpha():
        parts = parts[1:]  # a drive letter
    kept = [part for part in parts if part not in ("", ".", "..")]
    return str(PurePosixPath(*kept)) if kept else "member"


__all__ = ["MANIFEST_NAME", "CaptureMode", "Manifest", "RedactionRefused", "redact_bundle",
           "safe_name", "survey_bundle"]
