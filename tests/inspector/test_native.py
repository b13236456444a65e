"""Tests for inspector/native/: the switch between the compiled kernels and their twins,
the backend an analysis names, and the same analysis JSON from both backends for every
training sample and every corpus SQL file."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector import native
from inspector.formats import sqlscan
from inspector.model import ArtifactKind
from inspector.testing import make_bundle
from inspector.training import scenarios
from tests.analyses import analyze
from tests.backends import BACKENDS, running
from tests.corpus import CORPUS

SQL_KINDS = {ArtifactKind.SQL_DUMP, ArtifactKind.MYSQL_SLOW_LOG, ArtifactKind.POSTGRES_LOG}


@pytest.mark.parametrize(("value", "disabled"), [("", False), ("0", False), ("1", True),
                                                 ("yes", True)])
def test_the_switch_forces_the_twins_when_set_to_anything_but_empty_or_0(
        monkeypatch, value, disabled) -> None:
    monkeypatch.setenv(native.SWITCH, value)
    assert native.disabled() is disabled
    if disabled:
        assert native.choose("sqlscan", sqlscan) is sqlscan
        assert native.kernel("sqlscan") is None
        assert native.backend() == "python"
        assert native.compiled() == []


def test_set_disabled_sets_and_clears_the_switch(monkeypatch) -> None:
    monkeypatch.delenv(native.SWITCH, raising=False)
    native.set_disabled(True)
    assert native.disabled()
    native.set_disabled(False)
    assert not native.disabled()


def test_an_unknown_kernel_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no kernel named 'nope'"):
        native.kernel("nope")


def test_the_status_names_each_kernel_and_why_its_twin_runs() -> None:
    with running("python"):
        status = native.status()
    assert set(status) == set(native.KERNELS)
    for reason in status.values():
        assert reason.startswith(("twin (INSPECTOR_NO_EXTENSIONS is set)", "not built ("))


def test_the_compiled_kernel_is_chosen_when_built() -> None:
    with running("compiled"):
        module = native.choose("sqlscan", sqlscan)
        assert module is not sqlscan
        assert module.__name__ == "inspector.native.sqlscan"
        assert native.backend() == "compiled"
        assert native.status() == {name: "compiled" for name in native.KERNELS}


def comparable(backend: str, bundle: Path) -> tuple[dict, list]:
    """The analysis document but its timings and backend, and the kinds it read."""
    with running(backend):
        analysis = analyze(bundle)
    document = analysis.to_json()
    assert document["tool"]["backend"] == backend
    del document["timings"], document["tool"]["backend"]
    return document, [artifact.kind for artifact in analysis.artifacts]


def corpus_sql_files() -> dict[str, bytes]:
    folders = ("sql", "slowlog", "pglog")
    return {f"{path.parent.name}/{path.name}": path.read_bytes()
            for folder in folders if (CORPUS / folder).is_dir()
            for path in sorted((CORPUS / folder).iterdir()) if path.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("name", scenarios.CATALOGUE)
def test_every_sample_gives_the_same_json_on_both_backends(name, tmp_path) -> None:
    bundle, _ = scenarios.build(name, tmp_path)
    documents = [comparable(backend, bundle) for backend in BACKENDS]
    assert documents[0] == documents[1]


@pytest.mark.corpus
@pytest.mark.slow
def test_every_corpus_sql_file_gives_the_same_json_on_both_backends(tmp_path) -> None:
    files = corpus_sql_files()
    if not files:
        pytest.skip("corpus absent")
    bundle = make_bundle(tmp_path / "corpus-sql", files)
    (compiled, kinds), (python, _) = (comparable(backend, bundle) for backend in BACKENDS)
    assert ArtifactKind.SQL_DUMP in kinds and set(kinds) <= SQL_KINDS | {ArtifactKind.TEXT,
                                                                          ArtifactKind.LOG}
    assert compiled == python
