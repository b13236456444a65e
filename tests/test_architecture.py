"""Rules about the code base that a test can hold better than prose.

- ``inspector/`` and ``analyzers/`` never import Qt or ``ui`` (checked statically, so a
  lazy import inside a function is caught too, and at run time).
- Every module has its tests at the mirrored path (mitmproxy's filename matching).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT_FREE = ("inspector", "analyzers")
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant)):
            names.add(str(node.args[0].value))
    return names


@pytest.mark.parametrize("package", QT_FREE)
def test_core_and_analyzers_never_import_qt_or_ui(package):
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in imported_modules(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders


def test_core_runs_without_qt_loaded():
    code = ("import sys, inspector.cli, inspector.engine, analyzers; "
            "from inspector.plugins import load_analyzers; load_analyzers(); "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            f"{FORBIDDEN!r}]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


# Modules whose behaviour is tested elsewhere, with the reason.
UNMIRRORED = {
    "inspector/__main__.py": "a two-line entry point, exercised by tests/inspector/test_cli.py",
    "inspector/testing.py": "the test factories themselves, used by every test",
    "ui/launch.py": "entry point, exercised by tests/inspector/test_cli.py",
    "bench/run.py": "benchmarks are not tests",
}


def test_every_module_has_a_mirrored_test_file():
    missing = []
    for package in ("inspector", "analyzers", "ui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if path.name == "__init__.py" or relative in UNMIRRORED:
                continue
            if relative.startswith("inspector/samples/"):
                continue  # scenarios are checked together by tests/inspector/test_samples.py
            expected = ROOT / "tests" / path.parent.relative_to(ROOT) / f"test_{path.name}"
            if not expected.exists():
                missing.append(f"{relative} -> {expected.relative_to(ROOT)}")
    assert not missing
