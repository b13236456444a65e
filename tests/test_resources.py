"""The resources accessor: every shipped name reads, unknown names raise and say what is there."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest
from pypdf import PdfReader

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


# --- the wheel, as users install it --------------------------------------------------------

WHEEL_CHECK = """
import importlib.resources, sys
import inspector, resources
assert "site-packages" in inspector.__file__, inspector.__file__
root = importlib.resources.files("resources")
def walk(node, prefix=""):
    for entry in node.iterdir():
        name = prefix + entry.name
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from walk(entry, name + "/")
        elif not entry.name.endswith((".py", ".pyc")):
            yield name
names = sorted(walk(root))
for name in names:
    assert resources.read_bytes(name), name
print("\\n".join(names))
"""


@pytest.mark.slow
def test_the_wheel_ships_every_resource_and_exports_a_pdf_from_a_fresh_venv(tmp_path):
    """Build the wheel, install it alone into a new virtualenv (its dependencies come from
    this one's site-packages, read-only), read every resource and export a PDF report."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(wheels), str(ROOT)], check=True, timeout=600, cwd=tmp_path)
    [wheel] = wheels.glob("bundle_inspector-*.whl")
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=True)
    python = fresh / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path("
                           "'purelib'))"], capture_output=True, text=True, check=True
                          ).stdout.strip()
    dependencies = sysconfig.get_path("purelib")  # this venv's: PySide6, orjson, fpdf2...
    (Path(site) / "dependencies.pth").write_text(dependencies + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)],
                   check=True, timeout=600, cwd=tmp_path)
    env = {"PATH": f"{fresh / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path),
           "BUNDLE_INSPECTOR_DATA": str(tmp_path / "data")}
    listed = subprocess.run([str(python), "-c", WHEEL_CHECK], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert sorted(listed.stdout.split()) == shipped_names()

    subprocess.run([str(fresh / "bin" / "inspector"), "samples", "build", str(tmp_path),
                    "bundle_basics"], check=True, env=env, cwd=tmp_path, timeout=300,
                   capture_output=True)
    report = tmp_path / "report.pdf"
    exported = subprocess.run([str(fresh / "bin" / "inspector"), "report",
                               str(tmp_path / "bundle_basics.zip"), "--format", "pdf", "-o",
                               str(report)], env=env, cwd=tmp_path, timeout=300,
                              capture_output=True, text=True)
    assert exported.returncode == 0, exported.stderr
    pdf = PdfReader(report)
    assert "bundle_basics" in "".join(page.extract_text() for page in pdf.pages)
    fonts = {str(font.get_object()["/BaseFont"]) for page in pdf.pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVu" in font for font in fonts), fonts  # the shipped font, not the system's
