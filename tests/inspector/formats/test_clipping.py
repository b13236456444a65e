"""Clipping never cuts a value in two."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from inspector.formats.clipping import ELLIPSIS, clip, clip_middle


def test_a_token_across_the_limit_goes_whole():
    token = "ghp_" + "a1B2" * 9
    text = f"rejected {token} for db1.corp.example.com"
    assert clip(text, 20) == "rejected …"
    assert clip(text, 60) == f"rejected {token} for …"


@given(st.text(alphabet="ab \n", max_size=300), st.integers(2, 200))
def test_every_word_kept_is_whole_and_the_length_is_respected(text, limit):
    clipped = clip(text, limit)
    assert len(clipped) <= max(limit, len(ELLIPSIS))
    if clipped != text:
        kept = clipped[:-len(ELLIPSIS)]
        assert text.startswith(kept)
        assert kept == "" or kept[-1].isspace() or text[len(kept)].isspace()


@given(st.text(alphabet="ab \n", max_size=300), st.integers(12, 200))
def test_a_middle_cut_keeps_whole_words_at_both_ends_and_the_length(text, limit):
    clipped = clip_middle(text, limit)
    assert len(clipped) <= limit
    if clipped != text:
        head, _, tail = clipped.partition(ELLIPSIS)
        assert text.startswith(head) and text.endswith(tail.lstrip(" "))
        assert head == "" or text[len(head)].isspace() or head[-1].isspace()
