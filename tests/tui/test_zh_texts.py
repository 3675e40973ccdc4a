"""中文 all the way: traces, flags and labels rendered from their templates on the board,
history and scorecard; the board's filter matches flags in both languages; Textual's own
palette texts in 中文."""

from __future__ import annotations

from cstui.domain import Override, Period
from cstui.store import Store
from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.screens.history import HistoryScreen
from pilot_support import settle
from screens_support import screen_app


async def test_history_trace_in_zh(company_db):
    app = screen_app(company_db, lambda ctx: HistoryScreen(ctx, "E001"), lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        periods = [str(p) for p, _, _ in screen.story.decisions]
        table = screen.query_one("#hist-decisions")
        table.focus()
        for _ in range(periods.index("2026-07")):
            await pilot.press("down")
        await settle(pilot)
        trace = str(screen.query_one("#hist-trace").render())
        assert "2026-07: 晋升" in trace
        assert "连续 3 个月 >= 110" in trace and "三星客服员 → 四星客服员，自 2026-08 起" in trace
        assert "months" not in trace and "3-star" not in trace
        timeline = str(screen.query_one("#hist-timeline").render())
        assert "连续 3 个月" in timeline and "months" not in timeline


async def test_board_flags_in_zh_and_the_filter_finds_them_in_either_language(company_db):
    with Store.open(company_db, login="admin", create=False) as store:
        store.add_override(Override("E101", Period.parse("2026-10"), "senior", "outstanding", "admin"))
    app = screen_app(company_db, PeriodBoardScreen, lang="zh")
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        [row] = [r for r in screen.graded.rows if r.employee_id == "E101"]
        assert row.flags == ["override"]
        assert screen.ctx.show_all(row.flags, row.scheme) == "手动调整"
        await pilot.press("v", "v")  # five-tier: the board shows one scheme at a time
        await settle(pilot)
        for word in ("override", "手动调整"):
            screen.filter_text = word
            screen._refresh_view()
            assert [r.employee_id for r in screen.visible_rows()] == ["E101"], word


async def test_the_command_palette_speaks_chinese(make_app):
    from textual.command import CommandPalette

    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "退出" in titles and "主题" in titles and "Quit" not in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one("CommandInput").placeholder == "搜索命令…"
        await pilot.press(*"zzzzqqq")
        await pilot.pause(1.2)
        options = palette.query_one("CommandList")
        assert any("没有匹配的命令" in str(options.get_option_at_index(i).prompt) for i in range(options.option_count))


async def test_the_command_palette_in_english_is_textuals(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Quit" in [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one("CommandInput").placeholder == "Search for commands…"


async def test_the_roster_names_schemes_by_their_chinese_label(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        first = [str(cell) for cell in app.screen.table.row(0)]
        assert first[0] == "E001" and first[4] == "星级客服"  # star-levels' label_zh


def test_the_palette_in_chinese_finds_quit(make_app, snap_compare):
    async def search_quit(pilot):
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        pilot.app.screen.query_one("CommandInput").value = "退出"
        await pilot.pause(0.8)

    assert snap_compare(make_app(lang="zh"), terminal_size=(80, 24), run_before=search_quit)


KEY_NAMES = {"ctrl", "shift", "alt", "super", "home", "end", "pgup", "pgdn", "del", "space", "tab", "enter", "esc"}


async def open_key_panel(pilot) -> None:
    """The palette's Keys command, by keys: ctrl+p, its 中文 or English title, Enter."""
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    pilot.app.screen.query_one("CommandInput").value = "按键" if pilot.app.ctx.lang == "zh" else "Keys"
    await pilot.pause(0.8)
    await pilot.press("enter")
    await settle(pilot)


def key_panel_text(app) -> str:
    from textual.widgets._key_panel import BindingsTable

    table = app.screen.query_one(BindingsTable)
    return "\n".join(segment.text for line in app.console.render_lines(table.render()) for segment in line)


async def test_the_key_panel_speaks_chinese(make_app):
    import re

    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")  # the roster's search field: Textual's Input keys in the panel
        await open_key_panel(pilot)
        text = key_panel_text(app)
        assert "输入框" in text and "光标左移" in text and "删除左侧字符" in text
        words = {w for w in re.findall(r"[A-Za-z]{3,}", text)}
        assert words <= KEY_NAMES, words  # the keys themselves, as the footer shows them


async def test_the_key_panel_in_english_is_textuals(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await open_key_panel(pilot)
        assert "Move cursor left" in key_panel_text(app)


def test_the_key_panel_in_chinese_snapshot(make_app, snap_compare):
    async def keys(pilot):
        await settle(pilot)
        await open_key_panel(pilot)

    assert snap_compare(make_app(lang="zh"), terminal_size=(80, 24), run_before=keys)


def test_the_key_panel_snapshot(make_app, snap_compare):
    async def keys(pilot):
        await settle(pilot)
        await open_key_panel(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=keys)


async def test_the_scorecard_header_names_team_and_scheme_by_their_chinese_labels(company_db):
    from cstui.tui.screens.scorecard import ScorecardScreen

    for lang, team, scheme in (("zh", "客服二组", "客服岗位定级"), ("en", "kf2", "five-tier")):
        app = screen_app(company_db, lambda ctx: ScorecardScreen(ctx, "E101"), login="viewer", lang=lang)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            head = str(app.screen.query_one("#sc-head").render())
            banner = str(app.screen.query_one("#sc-banner").render())
        assert f" · {team} · {scheme} · 2026-10" in head, head
        if lang == "zh":  # the read-only banner too: the viewer's role and the team by their labels
            assert "kf2" not in head + banner and "viewer（只读用户）" in banner and "客服二组" in banner, banner
