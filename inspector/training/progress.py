"""The trainee's progress: every attempt, kept in a JSON file in the app's data directory.

``TrainingProgress`` keeps the attempts in ``training-progress.json`` in a data directory
the caller chooses (the app's), written atomically (``inspector.files.write_atomically``),
so a crash leaves the old file or the new one, whole.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from inspector.files import write_atomically
from inspector.model import format_time
from inspector.training.scoring import Score

PROGRESS_FILE = "training-progress.json"
PROGRESS_FORMAT = "bundle-inspector.training-progress/1"


class TrainingProgress:
    """The trainee's attempts, kept in ``<data_dir>/training-progress.json``.

    A file that cannot be read (corrupt, or from a newer format) is moved aside as
    ``training-progress.json.unreadable`` and progress starts empty; ``problem`` then says
    so, for the UI to show. Nothing is lost silently and nothing crashes.

    Attributes:
        path: the progress file.
        attempts: every recorded attempt, oldest first, as JSON dicts (``Score.to_json``
            plus ``time``).
        problem: why the previous file could not be read, or ``None``.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / PROGRESS_FILE
        self.attempts: list[dict[str, Any]] = []
        self.problem: str | None = None
        self._load()

    def _load(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        try:
            document = orjson.loads(data)
            if document.get("format") != PROGRESS_FORMAT:
                raise ValueError(f"unknown format {document.get('format')!r}")
            attempts = [a for a in document["attempts"] if isinstance(a, dict)
                        and isinstance(a.get("scenario"), str)
                        and isinstance(a.get("points"), int)]
        except (orjson.JSONDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
            aside = self.path.with_name(self.path.name + ".unreadable")
            os.replace(self.path, aside)
            self.problem = (f"training progress could not be read ({exc}); it was moved to "
                            f"{aside.name} and progress starts afresh")
            return
        self.attempts = attempts

    def record(self, result: Score, when: datetime | None = None) -> dict[str, Any]:
        """Add an attempt and save at once; returns the stored attempt."""
        attempt = {"time": format_time(when or datetime.now(UTC)), **result.to_json()}
        self.attempts.append(attempt)
        write_atomically(self.path, orjson.dumps(
            {"format": PROGRESS_FORMAT, "attempts": self.attempts},
            option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
        return attempt

    def attempts_for(self, scenario: str) -> list[dict[str, Any]]:
        return [a for a in self.attempts if a["scenario"] == scenario]

    def best(self, scenario: str) -> int | None:
        """The best points for ``scenario``, or ``None`` when never attempted."""
        return max((a["points"] for a in self.attempts_for(scenario)), default=None)

    def passed(self) -> set[str]:
        """Names of the scenarios passed at least once."""
        return {a["scenario"] for a in self.attempts if a.get("passed")}
