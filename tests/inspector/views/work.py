"""A work function's state outside the app: what the tests of ``inspector.views`` pass."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class WorkState:
    """Hands what the work emits to ``sink`` (dropped without one); never cancelled unless
    told (``cancel``)."""

    def __init__(self, sink: Callable[[Any], None] | None = None) -> None:
        self._sink = sink
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def emit(self, item: Any) -> None:
        if self._sink is not None:
            self._sink(item)
