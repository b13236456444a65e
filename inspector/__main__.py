"""``python -m inspector``: the headless command line (no GUI)."""

import sys

from inspector.cli import main

if __name__ == "__main__":
    sys.exit(main())
