"""Back and forward through the places the engineer has looked at, as a browser does.

Every jump to evidence (F4, a click on an evidence line, a timeline mark) is ``visit``\\ ed;
``back`` and ``forward`` (Alt+Left, Alt+Right) return the place to show again, without
recording it as a new visit. Visiting after going back drops the forward places, and the
oldest places go once there are ``limit``. Visiting the place already shown records nothing.

>>> places = History()
>>> for place in ("packet 5", "line 12", "entry 3"):
...     places.visit(place)
>>> places.back(), places.back(), places.back()
('line 12', 'packet 5', None)
>>> places.forward()
'line 12'
>>> places.visit("line 40"); places.forward() is None, places.back()
(True, 'line 12')
"""

from __future__ import annotations

from typing import Generic, TypeVar

Place = TypeVar("Place")
LIMIT = 200


class History(Generic[Place]):
    """Visited places and where in them we are now."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.places: list[Place] = []
        self.position = -1

    def visit(self, place: Place) -> None:
        if self.position >= 0 and self.places[self.position] == place:
            return
        del self.places[self.position + 1:]
        self.places.append(place)
        if len(self.places) > self.limit:
            del self.places[0]
        self.position = len(self.places) - 1

    def can_go_back(self) -> bool:
        return self.position > 0

    def can_go_forward(self) -> bool:
        return self.position < len(self.places) - 1

    def back(self) -> Place | None:
        if not self.can_go_back():
            return None
        self.position -= 1
        return self.places[self.position]

    def forward(self) -> Place | None:
        if not self.can_go_forward():
            return None
        self.position += 1
        return self.places[self.position]

    def clear(self) -> None:
        self.places = []
        self.position = -1
