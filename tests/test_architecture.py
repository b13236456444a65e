"""Rules about the code base that a test can hold better than prose.

- The import contracts in ``pyproject.toml`` (checked by ``lint-imports`` in ``make test``)
  name every package: a new core package, analyzer or module cannot slip past them.
- The core and the analyzers run without Qt ever being loaded.
- Tests mirror the source tree in both directions (mitmproxy's filename matching): every
  module has ``tests/<same path>/test_<module>.py``, and every test file has its module.
- No module is over 700 lines and no class over 400, except the hot loops listed here.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib

from tests.corpus import ROOT

SOURCES = ("inspector", "analyzers", "ui", "resources")
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui")
MODULE_LINES, CLASS_LINES = 700, 400

# Modules whose behaviour is tested elsewhere, with the reason.
UNMIRRORED = {
    "inspector/__main__.py": "a two-line entry point, exercised by tests/inspector/cli",
    "inspector/testing.py": "the test factories themselves, used by every test",
    "ui/launch.py": "entry point, exercised by tests/inspector/cli/test_analyze.py",
}
# Test files that test a whole package or a cross-cutting property, not one module.
UNMIRRORED_TESTS = {
    "tests/test_architecture.py": "the code base's own rules",
    "tests/analyzers/test_mutated_inputs.py": "every analyzer on mutated sample members",
    "tests/inspector/bundle/test_fuzz.py": "the bundle reader under random archives",
    "tests/inspector/training/test_scenarios.py": "every scenario against its answer key",
    "tests/inspector/training/scenarios/test_cert_expiry_incident.py":
        "the cross-source scenario end to end",
    "tests/inspector/training/scenarios/test_jvm_heap_exhaustion.py":
        "the JVM heap-exhaustion scenario end to end",
}
# One piece on purpose: (path, class or None for the module) -> why.
HOT_LOOPS: dict[tuple[str, str | None], str] = {}


def contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["contracts"]


def contract(name_start: str) -> dict:
    return next(c for c in contracts() if c["name"].startswith(name_start))


def packages(parent: str) -> set[str]:
    """The direct children (modules and packages) of ``parent``, dotted."""
    folder = ROOT / parent.replace(".", "/")
    return {f"{parent}.{path.stem if path.is_file() else path.name}"
            for path in folder.iterdir()
            if (path.suffix == ".py" and path.name != "__init__.py")
            or (path.is_dir() and (path / "__init__.py").exists())}


def test_the_contracts_name_every_package():
    core = packages("inspector")
    composition_roots = {"inspector.cli", "inspector.__main__"}
    assert set(contract("Only the composition roots")["source_modules"]) == \
        core - composition_roots | {"resources"}
    assert set(contract("Analyzers never import each other")["modules"]) == \
        packages("analyzers")
    assert set(contract("No runtime module imports")["source_modules"]) == \
        core - {"inspector.testing", "inspector.__main__"} | {"analyzers", "ui", "resources"}
    layered = {name.strip() for layer in contract("The core is layered")["layers"]
               for name in layer.split("|")}
    assert {f"inspector.{name}" for name in layered} == core


def test_core_runs_without_qt_loaded():
    code = ("import sys, inspector.cli, inspector.engine, analyzers; "
            "from inspector.plugins import load_analyzers; load_analyzers(analyzers.BUILTIN); "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            f"{FORBIDDEN!r}]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_module_has_a_mirrored_test_file():
    missing = []
    for package in SOURCES:
        # A compiled kernel's source (.pyx, inspector/native/) is a module like any other.
        for path in sorted([*(ROOT / package).rglob("*.py"), *(ROOT / package).rglob("*.pyx")]):
            relative = path.relative_to(ROOT).as_posix()
            if path.name == "__init__.py" and path.stat().st_size < 4000:
                continue  # a package's small front door, tested through its modules
            if relative in UNMIRRORED \
                    or relative.startswith("inspector/training/scenarios/"):
                continue  # scenarios: tests/inspector/training/test_scenarios.py, together
            name = "test_" + (path.parent.name if path.name == "__init__.py" else path.stem)
            folder = path.parent.parent if path.name == "__init__.py" else path.parent
            expected = ROOT / "tests" / folder.relative_to(ROOT) / f"{name}.py"
            if not expected.exists():
                missing.append(f"{relative} -> {expected.relative_to(ROOT)}")
    assert not missing


def test_every_test_file_has_its_module():
    orphans = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in UNMIRRORED_TESTS:
            continue
        source = ROOT / path.parent.relative_to(ROOT / "tests") / path.name.removeprefix("test_")
        package = source.with_suffix("") / "__init__.py"
        if not any(path.exists() for path in (source, source.with_suffix(".pyx"), package)):
            orphans.append(relative)
    assert not orphans


def test_modules_and_classes_stay_small():
    too_big = []
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            text = path.read_text()
            if text.count("\n") > MODULE_LINES and (relative, None) not in HOT_LOOPS:
                too_big.append(f"{relative}: {text.count(chr(10))} lines")
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.ClassDef):
                    lines = node.end_lineno - node.lineno + 1
                    if lines > CLASS_LINES and (relative, node.name) not in HOT_LOOPS:
                        too_big.append(f"{relative}: class {node.name} {lines} lines")
    assert not too_big


def test_the_suites_make_test_runs_on_the_twins_exist():
    # `make test` runs these a second time under INSPECTOR_NO_EXTENSIONS=1; a renamed test
    # file would make that run fail only at its very end, after the whole suite.
    makefile = (ROOT / "Makefile").read_text()
    listed = re.search(r"^TWIN_TESTS := (.*?)(?<!\\)$", makefile, re.M | re.S).group(1)
    paths = listed.replace("\\\n", " ").split()
    assert paths and all((ROOT / path).exists() for path in paths), paths
