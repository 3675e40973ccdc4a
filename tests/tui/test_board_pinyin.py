"""The board's names sort and filter as the roster's do (issue 10: pinyin sort order and
search, full and initials): 张伟 sorts as zhangwei, after 王芳 (wangfang), though 张's code
point comes first, and ``zw`` finds him."""

from __future__ import annotations

from cstui.store.pinyin import name_pinyin
from cstui.tui.screens.board import PeriodBoardScreen
from pilot_support import settle
from screens_support import screen_app


async def names_read(pilot, screen) -> None:
    waited = 0.0  # the keys are read in a thread once the board is idle
    while not screen._pinyin and waited < 10:
        await pilot.pause(0.05)
        waited += 0.05


async def test_names_sort_in_pinyin_order(company_db):
    app = screen_app(company_db, PeriodBoardScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await names_read(pilot, screen)
        while screen.sort != "name":
            await pilot.press("s")
        names = [r.name for r in screen.visible_rows()]
        chinese = [n for n in names if not n.isascii()]
        assert len(chinese) >= 2
        assert chinese == sorted(chinese, key=name_pinyin)
        assert chinese != sorted(chinese)  # code point order differs here: the test can fail


async def test_the_filter_finds_a_name_by_its_pinyin_initials(company_db):
    app = screen_app(company_db, PeriodBoardScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await names_read(pilot, screen)
        every = screen.visible_rows()
        target = next(r for r in every if not r.name.isascii())
        initials = name_pinyin(target.name).split()[-1]
        await pilot.press("slash", *initials, "enter")
        await settle(pilot)
        shown = screen.visible_rows()
        assert target in shown
        assert len(shown) < len(every)  # a filter, not everyone
