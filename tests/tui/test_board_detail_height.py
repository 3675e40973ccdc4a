"""The board's detail pane is laid out again only when its height may change (same_height)."""

from __future__ import annotations

from cstui.tui.screens.board import same_height


def test_same_lines_that_fit_keep_the_height():
    assert same_height("E1 张伟 · rank 1\ntrace", "E2 王芳 · rank 2\nother", 40)


def test_another_count_of_lines_changes_it():
    assert not same_height("a\nb", "a\nb\nc", 40)
    assert not same_height("a\nb\nc", "a\nb", 40)


def test_a_line_that_wraps_may_change_it_counted_in_cells():
    assert not same_height("short", "x" * 41, 40)
    assert not same_height("x" * 41, "short", 40)  # the old text wrapped: the height may shrink
    assert same_height("张" * 20, "王" * 20, 40)  # 40 cells: fits
    assert not same_height("张" * 20, "王" * 21, 40)  # 42 cells: wraps


def test_nothing_shown_yet_or_no_width_lays_out():
    assert not same_height(None, "a", 40)
    assert not same_height("a", "b", 0)
