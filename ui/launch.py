"""Entry point of the ``inspector`` console script.

Subcommands (``analyze``, ``samples``...) go to the Qt-free ``inspector.cli`` and never
load Qt; ``inspector`` alone or ``inspector BUNDLE`` opens the desktop app, and so does
``inspector demo`` where there is a display (without one it prints the analysis). When there is no
display to open it on, it says so and exits with 2 rather than crashing inside Qt.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Sequence

from inspector import cli
from inspector.cli.analyze import demo_bundle

# What Qt's X11 platform plugin (xcb) loads; a minimal Linux install may lack some, and Qt
# then aborts the process instead of raising. Debian: libxcb-cursor0 libxcb-icccm4
# libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xkb1
# libxkbcommon-x11-0.
XCB_LIBRARIES = ("xcb-cursor", "xcb-icccm", "xcb-keysyms", "xcb-image", "xcb-render-util",
                 "xcb-shape", "xcb-randr", "xcb-xkb", "xkbcommon-x11")


def has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def missing_display_libraries() -> list[str]:
    """Libraries Qt needs for an X11 window that this machine lacks (Linux, X11 only)."""
    if sys.platform != "linux" or os.environ.get("WAYLAND_DISPLAY"):
        return []
    if os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb":
        return []
    return [name for name in XCB_LIBRARIES if ctypes.util.find_library(name) is None]


def gui_unavailable() -> str | None:
    """Why the desktop app cannot open here, or None when it can."""
    if not has_display():
        return "no display to open the desktop app on"
    missing = missing_display_libraries()
    if missing:
        return ("the desktop app needs system libraries this machine lacks: "
                + ", ".join(f"lib{name}" for name in missing))
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    reason = gui_unavailable()
    if argv[:1] == ["demo"] and len(argv) == 1:
        if reason is None:
            from ui.app import run_app

            return run_app(str(demo_bundle()))
        print(f"inspector: {reason}; showing the analysis in the terminal", file=sys.stderr)
        return cli.main(argv)
    if argv and (argv[0] in cli.COMMANDS or argv[0].startswith("-")):
        return cli.main(argv)
    if reason is not None:
        print(f"inspector: {reason}; use `inspector analyze BUNDLE` for a headless "
              "analysis", file=sys.stderr)
        return 2
    from ui.app import run_app

    return run_app(argv[0] if argv else None)


if __name__ == "__main__":
    sys.exit(main())
