"""A member any thread (or child process) can read, and views that never load Qt."""

from __future__ import annotations

import pickle
import subprocess
import sys

from tests.corpus import ROOT


def test_each_open_reads_the_member_again_from_the_bundle(member):
    source = member("logs/app.log", b"one\ntwo\n")
    with source.open() as first, source.open() as second:
        assert first.read() == second.read() == b"one\ntwo\n"
    assert source.path == "logs/app.log"


def test_a_source_pickles_for_a_child_process(member):
    source = member("app.log", b"x\n")
    again = pickle.loads(pickle.dumps(source))
    assert again == source
    with again.open() as stream:
        assert stream.read() == b"x\n"


def test_no_view_model_loads_qt():
    modules = sorted(f"inspector.views.{path.stem}" for path in
                     (ROOT / "inspector" / "views").glob("*.py") if path.stem != "__init__")
    code = (f"import sys, importlib; [importlib.import_module(m) for m in {modules!r}]; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
