"""The optional compiled kernels (docs/native.md); everything else is in pyproject.toml.

Each ``inspector/native/*.pyx`` becomes the extension module of the same name, compiled by
Cython with the safety directives written in its first lines (bounds checking on). They
are optional: where one cannot be built (no C compiler, no Python headers) setuptools says
so and the install goes on without it, and its pure-Python twin runs. Declared here because
setuptools reads extension modules from pyproject.toml only experimentally.
"""

from pathlib import Path

from setuptools import Extension, setup

KERNELS = sorted(Path(__file__).parent.glob("inspector/native/*.pyx"))

setup(ext_modules=[
    Extension(f"inspector.native.{source.stem}", [source.relative_to(Path(__file__).parent)
                                                  .as_posix()], optional=True)
    for source in KERNELS
])
