"""The headless command line: a module per command group, wired here.

``analyze``/``rules``/``demo`` (``inspector.cli.analyze``), ``samples``, ``templates``,
``kb`` (the knowledge base), ``report``/``redact``. This package never imports Qt. The
``inspector`` console script enters through ``ui.launch``, which hands every subcommand here
and starts the GUI only for ``inspector [BUNDLE]``; ``python -m inspector`` is the same
without the GUI.

The CLI is one of the two composition roots (the UI is the other): it is the only part of
the core that imports the built-in analyzers (in ``inspector.cli.analyze``), and hands them
to ``inspector.engine.run_analysis``.

``inspector.cli.main`` holds the parser, the dispatch and the clean stop on SIGINT and
SIGTERM (exit 130 or 143, workers stopped, nothing partial written).
"""

from inspector.cli.main import COMMANDS, build_parser, main

__all__ = ["COMMANDS", "build_parser", "main"]
