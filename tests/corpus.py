"""Where the suite finds the project and the shared reference corpus.

The corpus (``../shared/corpus`` beside the checkout: real captures, HAR files, logs and the
reference tools' answers) is read in place and never copied into the project.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
