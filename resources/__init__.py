"""Data the product ships, and the one way to read it.

Everything here is data: known-issue signatures, the report's stylesheet and PDF fonts, the
colour palette, the Qt stylesheet, icons, the training catalogue. Code reads it only through
this accessor, by a ``/``-separated name relative to this folder, so it works the same from
a checkout, an installed wheel or a zipped install. A name that is not shipped raises
``ResourceNotFound`` at once, naming what is shipped nearby, rather than failing later with
an empty file.

>>> "[[signature]]" in read_text("signatures/common.toml")
True
>>> names("signatures", suffix=".toml")
['signatures/common.toml', 'signatures/protocols.toml']
>>> read_bytes("signatures/nope.toml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
resources.ResourceNotFound: no resource named 'signatures/nope.toml' (shipped in signatures/: ...)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources as _importlib_resources
from importlib.abc import Traversable
from pathlib import Path, PurePosixPath


class ResourceNotFound(LookupError):
    """The product does not ship a resource by that name."""


def _root() -> Traversable:
    return _importlib_resources.files(__name__)


def _shipped(node: Traversable) -> list[str]:
    return sorted(entry.name for entry in node.iterdir()
                  if not entry.name.startswith(("_", ".")))


def _find(name: str) -> Traversable:
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or any(part in ("..", ".") for part in parts):
        raise ResourceNotFound(f"not a resource name: {name!r}")
    node = _root()
    for depth, part in enumerate(parts):
        child = node / part
        if not (child.is_file() or child.is_dir()) or part.startswith(("_", ".")):
            where = f"in {'/'.join(parts[:depth])}/" if depth else "at the top level"
            raise ResourceNotFound(f"no resource named {name!r} (shipped {where}: "
                                   f"{', '.join(_shipped(node))})")
        if child.is_file() and depth < len(parts) - 1:
            raise ResourceNotFound(f"no resource named {name!r} ({part} is a file)")
        node = child
    if node.is_dir():
        raise ResourceNotFound(f"{name!r} is a folder of resources, not one resource")
    return node


def read_bytes(name: str) -> bytes:
    return _find(name).read_bytes()


def read_text(name: str) -> str:
    return _find(name).read_text(encoding="utf-8")


def names(folder: str, *, suffix: str = "") -> list[str]:
    """The resources in ``folder`` (not below it) whose names end with ``suffix``, sorted."""
    node = _root()
    for part in PurePosixPath(folder).parts:
        node = node / part
    if not node.is_dir():
        raise ResourceNotFound(f"no resource folder named {folder!r}")
    return sorted(f"{folder}/{entry.name}" for entry in node.iterdir()
                  if entry.is_file() and entry.name.endswith(suffix)
                  and not entry.name.startswith(("_", ".")))


@contextlib.contextmanager
def as_file(name: str) -> Iterator[Path]:
    """A real file holding the resource, for libraries that want a path (PDF fonts)."""
    with _importlib_resources.as_file(_find(name)) as path:
        yield Path(path)
