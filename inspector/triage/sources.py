"""Which bundles a triage run takes: folders of bundles, globs, manifests.

Each ``SOURCE`` of ``inspector triage SOURCE...`` is:

- a folder: every file and folder directly in it is one bundle (names starting with ``.``
  are left out; a folder bundle is a folder inside it);
- a glob (``cases/2026-12-*/*.tgz``, ``**`` for any depth), expanded here;
- a manifest, named ``@FILE`` or ``*.manifest``: one bundle per line, ``PATH`` or
  ``PATH<TAB>CASE``, ``#`` comments and blank lines ignored, relative paths taken from the
  manifest's folder. Its paths are not checked here: with a Dask cluster they only need to
  exist where the workers read them;
- any other file: that one bundle.

Paths are made absolute, so a worker with another working folder finds them, and a bundle
named twice is taken once.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.zip").write_bytes(b"PK"), (folder / ".hidden").write_bytes(b"")
>>> _ = (folder / "list.manifest").write_text("a.zip\\tSR-1\\n# done: b.zip\\nb.zip\\n")
>>> [(pathlib.Path(r.path).name, r.case) for r in bundle_refs([str(folder / "list.manifest")])[0]]
[('a.zip', 'SR-1'), ('b.zip', None)]
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MANIFEST_SUFFIX = ".manifest"
GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class BundleRef:
    """One bundle to triage: its path (absolute) and its case id, if the source named one."""

    path: str
    case: str | None = None

    @property
    def name(self) -> str:
        return os.path.basename(self.path.rstrip("/")) or self.path


def _manifest(path: Path) -> list[BundleRef]:
    refs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        bundle, _, case = line.partition("\t")
        bundle_path = Path(bundle.strip()).expanduser()
        if not bundle_path.is_absolute():
            bundle_path = path.parent / bundle_path
        refs.append(BundleRef(os.path.abspath(bundle_path), case.strip() or None))
    return refs


def _folder(path: Path) -> list[BundleRef]:
    return [BundleRef(os.path.abspath(entry)) for entry in sorted(path.iterdir())
            if not entry.name.startswith(".")]


def _one(source: str) -> list[BundleRef]:
    """The bundles of one source; ``ValueError`` says why there are none."""
    if source.startswith("@") or source.endswith(MANIFEST_SUFFIX):
        path = Path(source.removeprefix("@")).expanduser()
        try:
            return _manifest(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read the manifest {path}: "
                             f"{getattr(exc, 'strerror', None) or exc}") from None
    path = Path(source).expanduser()
    if path.is_dir():
        return _folder(path)
    if path.exists():
        return [BundleRef(os.path.abspath(path))]
    if GLOB_CHARACTERS & set(source):
        matches = sorted(glob.glob(os.path.expanduser(source), recursive=True))
        if not matches:
            raise ValueError(f"no bundle matches {source}")
        return [BundleRef(os.path.abspath(match)) for match in matches]
    raise ValueError(f"{source}: no such file or folder")


def bundle_refs(sources: Sequence[str]) -> tuple[list[BundleRef], list[str]]:
    """Every bundle the sources name, each once, in order; and why a source gave none."""
    refs: dict[str, BundleRef] = {}
    problems = []
    for source in sources:
        try:
            found = _one(source)
        except (ValueError, OSError) as exc:
            problems.append(str(exc))
            continue
        for ref in found:
            refs.setdefault(ref.path, ref)
    return list(refs.values()), problems
