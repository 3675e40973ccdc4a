"""Snapshots of the help modal (English and 中文)."""

from __future__ import annotations

import pytest

from pilot_support import settle


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_help_on_the_roster(make_app, snap_compare, lang):
    async def help(pilot):
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(lang=lang), terminal_size=(80, 24), run_before=help)
