"""The period board one scheme at a time (issue 10), by keys: v switches scheme (its name and
score unit in the head line, ranks per scheme), the detail pane shows the selected row in full
(every flag, the previous period, the trace), a team switch or a sort grades nothing again (the
calls to the core are counted), a changed card grades only its team again, and rows are on
screen before every team is graded."""

from __future__ import annotations

import os
import threading
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

import cstui.tui.screens.board as board_module
from cstui.domain import Incident, Period
from cstui.grading import DryRun
from cstui.store import Store
from cstui.tui.screens.board import PeriodBoardScreen, fit_change
from pilot_support import settle
from screens_support import screen_app

SCHEMES = ["assistant-class", "ecommerce-kpi", "five-tier", "star-levels"]


def board(company_db, **kwargs):
    return screen_app(company_db, PeriodBoardScreen, **kwargs)


def head(screen) -> str:
    return str(screen.query_one("#board-head").render())


def detail(screen) -> str:
    return str(screen.query_one("#board-detail").render())


def counting_dry_runs(monkeypatch) -> list[tuple[str, str, list | None]]:
    """Every call the board makes to the core's dry run: (scheme, period, teams)."""
    calls, real = [], board_module.dry_run

    def counted(store, scheme, period, teams=None, **kwargs):
        calls.append((scheme.name, str(period), teams))
        return real(store, scheme, period, teams, **kwargs)

    monkeypatch.setattr(board_module, "dry_run", counted)
    return calls


async def test_v_shows_one_scheme_at_a_time_with_its_unit_and_ranks(company_db):
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        seen = {}
        for _ in SCHEMES:
            rows = screen.visible_rows()
            assert {r.scheme for r in rows} == {screen.scheme_name}
            seen[screen.scheme_name] = head(screen)
            for team in {r.team for r in rows}:  # ranks restart per team within the scheme
                ranks = sorted(r.rank for r in rows if r.team == team and r.rank is not None)
                assert ranks == list(range(1, len(ranks) + 1))
            await pilot.press("v")
            await settle(pilot)
        assert sorted(seen) == SCHEMES and screen.scheme_name == SCHEMES[0]  # round and back
        assert "star-levels 4/4 · score: % of target" in seen["star-levels"]
        assert "ecommerce-kpi 2/4 · score: points, max 110" in seen["ecommerce-kpi"]
        assert "assistant-class 1/4 · score: points, base 80" in seen["assistant-class"]
        assert len(screen.graded.rows) == 10  # A still records every scheme


async def test_the_scheme_name_and_unit_in_chinese(company_db):
    app = board(company_db, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v", "v", "v")
        await settle(pilot)
        assert "星级客服" in head(app.screen) and "目标完成率%" in head(app.screen)


async def test_the_detail_pane_has_every_flag_the_previous_period_and_the_trace(company_db):
    with Store.open(company_db, login="admin", create=False) as store:
        store.add_incident(Incident("E002", date(2026, 10, 9), "sleeping-on-duty", note="值班睡觉"))
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        index = [r.employee_id for r in screen.visible_rows()].index("E002")
        await pilot.press(*["down"] * index)
        await settle(pilot)
        row = screen.current_row()
        assert row.employee_id == "E002" and row.flags
        text = detail(screen)
        for flag in row.flags:
            assert f"⚑ {flag}" in text  # whole, however long
        assert "2026-10: " in text and "2026-09 (previous): " in text
        assert "Trace:" in text and "base 80" in text and "sleeping-on-duty" in text
        assert "⚑" in [c.title for c in screen.query_one("#board-table").columns]
        await pilot.press("d")  # the pane tall and focused, to read a long trace
        assert screen.query_one("#board-detail-box").has_class("tall")
        await pilot.press("escape")
        assert not screen.query_one("#board-detail-box").has_class("tall")
        assert screen.current_row().employee_id == "E002"


async def test_a_team_switch_a_sort_or_a_scheme_switch_grades_nothing_again(company_db, monkeypatch):
    calls = counting_dry_runs(monkeypatch)
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        graded = [c for c in calls if c[1] == "2026-10"]
        assert sorted(c[0] for c in graded) == SCHEMES and all(c[2] is None for c in graded)
        before = len(calls)
        await pilot.press("t", "t", "t", "t", "s", "s", "slash", *"王", "enter", "slash", "escape", "r")
        await settle(pilot)
        await pilot.press("v")  # another scheme: graded already; only its previous period is read
        await settle(pilot)
        assert [c for c in calls[before:] if c[1] == "2026-10"] == []
        assert app.screen.team is None and app.screen.visible_rows()
        shown = app.screen.scheme_name  # its Prev column read once the switched rows were painted
        assert list(app.screen._previous) == [(Period.parse("2026-09"), shown)]


async def test_a_changed_card_grades_only_its_team_again(company_db, monkeypatch):
    calls = counting_dry_runs(monkeypatch)
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with Store.open(company_db, login="admin", create=False) as store:  # another supervisor's save
            card = store.scorecard("E103", Period.parse("2026-10"))
            store.save_scorecard("E103", Period.parse("2026-10"), dict(card.values, a_followups="40"), card.version)
        before = len(calls)
        await pilot.press("r")
        await settle(pilot)
        assert [c for c in calls[before:] if c[1] == "2026-10"] == [("assistant-class", "2026-10", ["kf2"])]
        e103 = next(r for r in app.screen.graded.rows if r.employee_id == "E103")
        assert e103.score is not None


async def test_rows_appear_before_every_team_is_graded(company_db, monkeypatch):
    first_team_out, go_on = threading.Event(), threading.Event()
    real = board_module.dry_run

    def held(store, scheme, period, teams=None, **kwargs):
        run = real(store, scheme, period, teams, **kwargs)

        def teams_held():
            for n, graded in enumerate(run.teams):
                if n == 1:  # the second team waits until the test has looked
                    first_team_out.set()
                    go_on.wait(10)
                yield graded

        return DryRun(teams_held(), run.notice)

    monkeypatch.setattr(board_module, "dry_run", held)
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        assert first_team_out.wait(10)
        await pilot.pause(0.3)  # FLUSH_S: the first team is sent at once
        screen = app.screen
        shown = screen.visible_rows()
        assert screen.loading_board and [r.team for r in shown] == ["kf2"]
        assert "grading" in head(screen)
        await pilot.press("down", "s")  # keys work while it grades
        go_on.set()
        await settle(pilot)
        assert {r.team for r in screen.visible_rows()} == {"kf2", "客服一组"} and not screen.loading_board


@settings(max_examples=int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "300")), deadline=None)
@given(
    before=st.text(st.sampled_from("abcdefghij中文级别-★"), max_size=14),
    after=st.one_of(st.none(), st.text(st.sampled_from("abcdefghij中文级别-★"), min_size=1, max_size=14)),
    width=st.integers(1, 30),
)
def test_a_level_change_is_never_cut_without_an_ellipsis(before, after, width):
    whole = before if after is None else f"{before}→{after}"
    text = fit_change(before, after, width)
    assert text == whole or (cell_len(text) <= width and "…" in text)
    if text != whole and after is not None and cell_len(after) + 3 <= width:
        assert text.endswith(f"→{after}")  # the new level stays whole where it fits


def test_fit_change_examples():
    assert fit_change("intermediate", "senior", 13) == "inter…→senior"
    assert fit_change("intermediate", "senior", 19) == "intermediate→senior"
    assert fit_change("3-star", None, 15) == "3-star"


async def test_a_changed_card_of_last_month_grades_its_team_of_last_month_again(company_db, monkeypatch):
    calls = counting_dry_runs(monkeypatch)
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.scheme_name == "assistant-class"
        assert [c for c in calls if c[1] == "2026-09"] == [("assistant-class", "2026-09", None)]
        before = len(calls)
        await pilot.press("r")  # nothing changed: last month is not graded again
        await settle(pilot)
        assert calls[before:] == []
        prev = Period.parse("2026-09")
        shown = screen._previous[prev, "assistant-class"]["E103"].score
        with Store.open(company_db, login="admin", create=False) as store:  # last month's card corrected
            card = store.scorecard("E103", prev)
            store.save_scorecard(
                "E103", prev, dict(card.values, adjustment="5", adjustment_reason="补录"), card.version
            )
        before = len(calls)
        await pilot.press("r")
        await settle(pilot)
        assert [c for c in calls[before:] if c[1] == "2026-09"] == [("assistant-class", "2026-09", ["kf2"])]
        assert screen._previous[prev, "assistant-class"]["E103"].score != shown  # the Prev column moved
