"""The resources accessor: every shipped name reads, unknown names raise and say what is there."""

from __future__ import annotations

import tomllib

import pytest

import resources
from tests.corpus import ROOT


def shipped_names() -> list[str]:
    folder = ROOT / "resources"
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                  if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts)


@pytest.mark.parametrize("name", shipped_names())
def test_every_shipped_resource_reads_through_the_accessor(name):
    data = resources.read_bytes(name)
    assert data
    with resources.as_file(name) as path:
        assert path.read_bytes() == data
    if name.endswith(".toml"):
        tomllib.loads(resources.read_text(name))


@pytest.mark.parametrize(("name", "words"), [
    ("nope.css", "shipped at the top level"),
    ("signatures/nope.toml", "common.toml"),
    ("signatures", "is a folder"),
    ("../pyproject.toml", "not a resource name"),
    ("/etc/passwd", "not a resource name"),
    ("__init__.py", "no resource named"),
    ("palette.toml/x", "is a file"),
])
def test_unknown_names_raise_and_say_what_is_shipped(name, words):
    with pytest.raises(resources.ResourceNotFound, match=words):
        resources.read_bytes(name)


def test_names_lists_one_folder():
    assert resources.names("signatures", suffix=".toml") == [
        "signatures/common.toml", "signatures/protocols.toml"]
    with pytest.raises(resources.ResourceNotFound):
        resources.names("nowhere")
