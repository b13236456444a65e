"""Analyzing in tests as the CLI does: the built-in analyzers through ``run_analysis``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analyzers import BUILTIN
from inspector.analysis import Analysis
from inspector.bundle import Bundle
from inspector.engine import run_analysis


def analyze(source: Path | Bundle, **options: Any) -> Analysis:
    """``run_analysis(source, analyzers.BUILTIN, **options)``."""
    return run_analysis(source, BUILTIN, **options)
