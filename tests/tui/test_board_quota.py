"""The board's one-line notice for a team that breaks a grade quota ([distribution], issue 11
item 4): shown under the detail line while a row of that team is selected, hidden otherwise."""

from __future__ import annotations

from cstui.schemes import load_scheme
from cstui.tui.screens.board import PeriodBoardScreen
from pilot_support import settle
from screens_support import ScreenApp, open_ctx

# the seeded assistants are graded A-C (B 87, C 78 in 客服一组; C 74 in kf2): at most half A-C breaks in both
QUOTA = '[distribution]\nmax = { "A-C" = 0.5 }\n'


def quota_app(company_db, tmp_path, lang: str = "en") -> ScreenApp:
    path = tmp_path / "quota.toml"
    path.write_text(f'name = "assistant-class"\nextends = "assistant-class"\nversion = "q1"\n{QUOTA}', encoding="utf-8")
    ctx = open_ctx(company_db, lang=lang)
    ctx._schemes["assistant-class"] = load_scheme(str(path))  # the company's scheme, as the app would load it
    return ScreenApp(ctx, PeriodBoardScreen)


async def select(pilot, screen, wanted) -> None:
    index = next(i for i, r in enumerate(screen.visible_rows()) if wanted(r))
    await pilot.press("home", *["down"] * index)
    await settle(pilot)


async def test_a_team_that_breaks_a_quota_has_a_notice_line(company_db, tmp_path):
    app = quota_app(company_db, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        notice = screen.query_one("#board-quota")
        assert set(screen.graded.quotas) == {
            r.team for r in screen.visible_rows() if r.scheme == "assistant-class" and r.grade
        }
        broken = sorted(screen.graded.quotas)[0]
        graded = [r for r in screen.visible_rows() if r.team == broken and r.scheme == "assistant-class" and r.grade]
        assert broken == "kf2" and len(graded) == 1
        await select(pilot, screen, lambda r: r.team == broken)
        assert notice.display
        assert str(notice.render()) == "⚠ quota: team kf2: 1 of 1 graded A-C (100%); at most 50% allowed"
        await pilot.press("v")  # ecommerce-kpi (shop): no quotas, no notice
        await settle(pilot)
        assert screen.scheme_name == "ecommerce-kpi" and not notice.display
        await pilot.press("v", "v", "v")
        await settle(pilot)
        await select(pilot, screen, lambda r: r.team == "客服一组")
        assert str(notice.render()) == "⚠ quota: team 客服一组: 2 of 2 graded A-C (100%); at most 50% allowed"


async def test_without_quotas_there_is_no_notice(company_db):
    app = ScreenApp(open_ctx(company_db), PeriodBoardScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.graded.quotas == {}
        assert not app.screen.query_one("#board-quota").display


def test_the_notice_at_80x24(company_db, tmp_path, snap_compare):
    async def on_a_broken_team(pilot):
        await settle(pilot)

    assert snap_compare(quota_app(company_db, tmp_path), terminal_size=(80, 24), run_before=on_a_broken_team)


def test_the_notice_in_chinese(company_db, tmp_path, snap_compare):
    async def on_a_broken_team(pilot):
        await settle(pilot)

    assert snap_compare(quota_app(company_db, tmp_path, lang="zh"), terminal_size=(80, 24), run_before=on_a_broken_team)
