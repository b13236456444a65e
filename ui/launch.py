"""Entry point of the ``inspector`` console script.

Subcommands (``analyze``, ``samples``...) go to the Qt-free ``inspector.cli`` and never
load Qt; ``inspector`` alone or ``inspector BUNDLE`` opens the desktop app, and so does
``inspector demo`` where there is a display (without one it prints the analysis). When there is no
display to open it on, it says so and exits with 2 rather than crashing inside Qt.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from inspector import cli


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["demo"] and len(argv) == 1 and has_display():
        from ui.app import run_app

        return run_app(str(cli.demo_bundle(cli.samples.CATALOGUE[0])))
    if argv and (argv[0] in cli.COMMANDS or argv[0].startswith("-")):
        return cli.main(argv)
    if not has_display():
        print("inspector: no display to open the desktop app on; use "
              "`inspector analyze BUNDLE` for a headless analysis", file=sys.stderr)
        return 2
    from ui.app import run_app

    return run_app(argv[0] if argv else None)


if __name__ == "__main__":
    sys.exit(main())
