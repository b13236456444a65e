"""Back and forward through the places visited."""

from __future__ import annotations

from inspector.views.history import History


def test_back_and_forward_walk_the_visits_without_recording_them():
    history: History[str] = History()
    for place in ("a", "b", "c"):
        history.visit(place)
    assert history.back() == "b" and history.can_go_forward()
    assert history.forward() == "c" and not history.can_go_forward()
    history.visit("c")  # the place shown already: nothing new
    assert history.places == ["a", "b", "c"]


def test_a_visit_after_going_back_drops_the_forward_places_and_the_oldest_go():
    history: History[int] = History(limit=3)
    for place in range(5):
        history.visit(place)
    assert history.places == [2, 3, 4]
    history.back()
    history.visit(9)
    assert history.places == [2, 3, 9] and history.forward() is None
    history.clear()
    assert history.back() is None and not history.can_go_back()
