"""``run_analysis``: open a bundle, load the analyzers, run the engine, put the result in order.

The one way every caller analyzes a bundle: the CLI (``analyze``, ``demo``, ``report``,
``kb test``), the app's analysis task, the signature editor's preview over the samples.
The caller passes the built-in analyzers (``analyzers.BUILTIN``): only the composition roots
(the CLI and the UI) know them, so the core never imports them; third-party analyzers come
from their entry points unless ``plugins=False``.

A path is opened (and closed again) here; an already opened ``Bundle`` is analyzed and left
open, for callers that go on reading its members (the knowledge-base preview).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from inspector.analysis import Analysis
from inspector.bundle import Bundle, open_bundle
from inspector.bundle.streams import Limits
from inspector.engine.progress import RunHandle, UpdateCallback
from inspector.engine.run import Engine, EngineLimits
from inspector.model import Problem
from inspector.plugins import load_analyzers, select

OpenedCallback = Callable[[Bundle, list[Problem]], None]


def run_analysis(source: Path | Bundle, builtin: Sequence[Any], *,
                 only: Sequence[str] | None = None, plugins: bool = True,
                 limits: Limits | None = None, engine_limits: EngineLimits | None = None,
                 isolation: str = "process", on_opened: OpenedCallback | None = None,
                 on_update: UpdateCallback | None = None,
                 handle: RunHandle | None = None) -> Analysis:
    """Analyze ``source`` with ``builtin`` (and plugin) analyzers, ``only`` those named.

    ``on_opened(bundle, load_problems)`` is called once the member list is known, before
    any analyzer runs. Raises ``BundleOpenError`` when a path cannot be opened and
    ``ValueError`` for an unknown name in ``only``.
    """
    analyzers, load_problems = load_analyzers(builtin, include_entry_points=plugins)
    analyzers = select(analyzers, only)
    engine = Engine(analyzers, engine_limits, isolation=isolation)

    def run(bundle: Bundle) -> Analysis:
        if on_opened is not None:
            on_opened(bundle, list(load_problems))
        analysis = engine.run(bundle, on_update=on_update, handle=handle)
        analysis.problems.extend(load_problems)
        analysis.sort()
        return analysis

    if isinstance(source, Bundle):
        return run(source)
    with open_bundle(source, limits) as bundle:
        return run(bundle)
