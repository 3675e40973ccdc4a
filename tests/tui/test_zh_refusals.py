"""Refusals in 中文: a value the scheme refuses, a closed month, another team's employee read in the
user's language in the TUI, while the command line's English stays as it was (the store raises a
template line whose English is its text)."""

from __future__ import annotations

import re

import pytest

from cstui.domain import Period, Result
from cstui.domain.values import ValueProblem, parse_rate
from cstui.store import AccessDenied, Store
from cstui.tui.guard import user_message
from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle
from screens_support import screen_app

# what a 中文 message may still spell in Latin letters: logins, months, ids, values typed
LOGINS = {"admin", "sup"}


def english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in LOGINS]


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_the_english_of_a_refusal_is_the_command_lines_and_zh_renders_it():
    try:
        parse_rate("62")
    except ValueProblem as problem:
        assert str(problem) == "expected a rate between 0 and 1 (or 0% to 100%), got '62'"
        assert user_message(problem) == str(problem)
        assert user_message(problem, "zh") == "应为 0 到 1（或 0% 到 100%）之间的比率，实际为 '62'"


async def test_a_refused_value_reads_in_chinese(company_db):
    app = screen_app(company_db, lambda ctx: ScorecardScreen(ctx, "E101"), lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+u", "6", "2", "ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#e-follow_up_rate").render())
        assert "比率" in error and "'62'" in error and english_words(error) == []


async def test_an_apply_into_a_month_closed_meanwhile_says_so_in_chinese(company_db):
    app = screen_app(company_db, PeriodBoardScreen, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        with Store.open(company_db, login="admin") as other:
            other.close_period("2026-10")
        await pilot.press("y")
        await settle(pilot)
        refused = [m for m in messages(app) if "已关闭" in m]
        assert refused and english_words(refused[0]) == [], refused


async def test_another_teams_employee_is_refused_in_chinese(company_db, monkeypatch):
    app = screen_app(company_db, PeriodBoardScreen, login="sup1", lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        other = Result(
            "E101", "Alice Chen", "kf2", Period.parse("2026-10"), "five-tier", "1", *[None] * 5, "stay", None
        )
        monkeypatch.setattr(app.screen, "current_row", lambda: other)
        await pilot.press("h")
        await settle(pilot)
        refused = [m for m in messages(app) if "不能查看" in m]
        assert refused and english_words(refused[0]) == [], refused
        assert "Alice" not in refused[0]  # never another person's data in an error
        assert "客服二组" in refused[0] and "kf2" not in refused[0]  # the team by its label, not its key


def test_a_write_refusal_names_the_teams_by_their_labels_in_zh_and_keys_in_english(company_db):
    with Store.open(company_db, login="sup1") as store, pytest.raises(AccessDenied) as refused:
        store.save_scorecard("E101", Period.parse("2026-10"), {"follow_up_rate": "0.9"}, 1)
    error = refused.value
    assert str(error) == (
        "cannot change the scorecard of employee E101 of team kf2: login 'sup1' (supervisor) may only change "
        "teams 客服一组"
    )
    chinese = user_message(error, "zh")  # the command line's labels: no team list needed
    assert "组别 客服二组 的" in chinese and "只能修改组别 客服一组" in chinese and english_words(chinese) == []


async def refuse_a_rate(pilot) -> None:
    await settle(pilot)
    await pilot.press("ctrl+u", "6", "2", "ctrl+s")
    await settle(pilot)


def test_a_refused_value_snapshot_in_chinese(company_db, snap_compare):
    app = screen_app(company_db, lambda ctx: ScorecardScreen(ctx, "E101"), lang="zh")
    assert snap_compare(app, terminal_size=(80, 24), run_before=refuse_a_rate)


def test_a_refused_value_snapshot(company_db, snap_compare):
    app = screen_app(company_db, lambda ctx: ScorecardScreen(ctx, "E101"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=refuse_a_rate)


async def test_an_incident_the_month_refuses_reads_in_chinese(company_db):
    app = screen_app(company_db, lambda ctx: ScorecardScreen(ctx, "E002"), lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"zero-complaints", "enter", "ctrl+s")  # E002 has it this month already
        await settle(pilot)
        refused = [m for m in messages(app) if "每月只能记录一次" in m]
        assert refused and english_words(refused[0].replace("zero-complaints", "")) == [], messages(app)


async def test_a_mistyped_incident_count_reads_in_chinese(company_db):
    app = screen_app(company_db, lambda ctx: ScorecardScreen(ctx, "E002"), lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"late", "enter", "ctrl+u", *"x", "ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#incident-error").render())
        assert "'x'" in error and english_words(error) == [], error
