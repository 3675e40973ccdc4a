"""The history screen is kept and shown again for the next person (composing a new one is most
of what opening a history costs): what it shows is exactly what a new screen shows, a history
opened while the kept one is on the stack is a new screen, and a worker's late result for the
previous person is dropped. A story graded alone is told at mount (no loading frame)."""

from __future__ import annotations

import threading

import cstui.story
import cstui.tui.screens.history as history_module
from cstui.schemes import SchemeError, catalog
from cstui.store import Store
from cstui.story import told_alone
from cstui.tui.navigation import make_screen
from cstui.tui.screens.history import HistoryScreen
from pilot_support import settle
from screens_support import screen_app


def shown(screen: HistoryScreen) -> tuple:
    """Everything the history shows of its person: head, timeline, table rows, trace, chart."""
    table = screen.query_one("#hist-decisions")
    rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
    texts = tuple(str(screen.query_one(f"#{box}").render()) for box in ("hist-head", "hist-timeline", "hist-trace"))
    return texts, rows, screen.query_one("#hist-chart").plt.build()


async def reopened(pilot, employee_id: str) -> HistoryScreen:
    pilot.app.pop_screen()
    await settle(pilot)
    pilot.app.push_screen(make_screen(pilot.app.ctx, "history", employee_id))
    await settle(pilot)
    return pilot.app.screen


async def fresh(pilot, employee_id: str) -> tuple:
    """What a new (never kept) history screen shows for ``employee_id``."""
    pilot.app.pop_screen()
    await settle(pilot)
    pilot.app.push_screen(HistoryScreen(pilot.app.ctx, employee_id))
    await settle(pilot)
    return shown(pilot.app.screen)


async def test_a_reopened_history_shows_the_next_person_as_a_new_screen_would(company_db):
    app = screen_app(company_db, lambda ctx: make_screen(ctx, "history", "E001"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        kept = app.screen
        assert kept.kept and kept.employee_id == "E001" and kept.painted
        seen = {}
        for employee_id in ("E101", "E002", "E001"):  # five-tier and star-levels alone, assistant-class with its team
            screen = await reopened(pilot, employee_id)
            assert screen is kept and screen.employee_id == employee_id and screen.painted
            seen[employee_id] = shown(screen)
            assert employee_id in seen[employee_id][0][0]
        for employee_id, texts in seen.items():
            assert texts == await fresh(pilot, employee_id), employee_id


async def test_a_history_opened_over_the_kept_one_is_a_new_screen(company_db):
    app = screen_app(company_db, lambda ctx: make_screen(ctx, "history", "E001"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        kept = app.screen
        app.push_screen(make_screen(app.ctx, "history", "E101"))  # e.g. history > scorecard > history
        await settle(pilot)
        over = app.screen
        assert over is not kept and not over.kept and over.employee_id == "E101"
        assert kept.employee_id == "E001" and "E001" in shown(kept)[0][0]
        app.pop_screen()
        await settle(pilot)
        assert app.screen is kept and not over.is_attached  # the new one was not kept


async def test_a_late_result_for_the_previous_person_is_dropped(company_db):
    app = screen_app(company_db, lambda ctx: make_screen(ctx, "history", "E001"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.screen.story
        screen = await reopened(pilot, "E101")
        now = shown(screen)
        late = {(period, result.scheme): 99 for period, result, _ in screen.story.decisions}  # its periods, even
        screen._show_ranks(late, app.ctx.period, before)  # E001's team ranks arriving after the reopen
        screen._after_paint(app.ctx.period, [], before)
        assert shown(screen) == now and "99" not in str(now[1])


async def test_a_story_graded_alone_is_shown_at_mount(company_db):
    app = screen_app(company_db, lambda ctx: HistoryScreen(ctx, "E001"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.story is not None and screen.query_one("#hist-decisions").row_count
        assert not [w for w in app.workers if w.group == "history"]  # no worker told it


def test_told_alone_is_whether_every_scheme_of_the_timeline_replays_alone(company_db):
    def try_scheme(name):
        try:
            return catalog().get(name), None
        except SchemeError as error:
            return None, str(error)

    with Store.open(company_db, login="admin", create=False) as store:
        assert told_alone(store, try_scheme, "E001")  # star-levels
        assert told_alone(store, try_scheme, "E101")  # five-tier
        assert not told_alone(store, try_scheme, "E002")  # assistant-class: ranks decide


async def test_a_story_graded_with_its_team_shows_its_ranks_without_the_rank_worker(company_db, monkeypatch):
    """assistant-class (the story graded the team) shows the story's ranks and starts no worker
    to grade the team again, also for its team lead E003 (ranks none: leads are not ranked);
    star-levels (E001, told alone) still asks the worker for its ranks."""
    asked: list[str] = []
    monkeypatch.setattr(HistoryScreen, "_load_ranks", lambda screen, *args: asked.append(args[-1]))
    app = screen_app(company_db, lambda ctx: make_screen(ctx, "history", "E003"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert set(app.screen.story.ranks.values()) == {None}  # the lead: every period unranked
        for employee_id in ("E003", "E002"):
            screen = await reopened(pilot, employee_id)
            assert screen.painted and screen.story.ranks and asked == [], employee_id
            table = screen.query_one("#hist-decisions")
            for index, (period, result, _recorded) in enumerate(screen.story.decisions):
                rank = screen.story.ranks.get((period, result.scheme), result.rank)
                assert str(table.get_row_at(index)[2]) == ("" if rank is None else str(rank))
        await reopened(pilot, "E001")
        assert asked == ["E001"]


async def test_a_small_teams_story_is_told_before_the_first_frame(company_db):
    """assistant-class E002's team is small (told_quickly): its story is on the screen at mount,
    no worker told it and no "loading" frame came first."""
    app = screen_app(company_db, lambda ctx: HistoryScreen(ctx, "E002"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.story is not None and screen.story.ranks and screen.query_one("#hist-decisions").row_count
        assert not [w for w in app.workers if w.group == "history"]


async def test_a_large_teams_story_is_told_by_a_worker(company_db, monkeypatch):
    monkeypatch.setattr(cstui.story, "QUICK_TEAM_CARDS", 0)
    told_by_worker: list[str] = []
    load = HistoryScreen._load

    def recorded_load(screen, until, employee_id):
        told_by_worker.append(employee_id)
        return load(screen, until, employee_id)

    monkeypatch.setattr(HistoryScreen, "_load", recorded_load)
    app = screen_app(company_db, lambda ctx: HistoryScreen(ctx, "E002"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.story is not None and app.screen.painted and told_by_worker == ["E002"]


async def test_the_last_persons_rank_worker_stops_when_the_history_is_reopened(company_db, monkeypatch):
    """A star-levels person's ranks (a worker grading the team after the paint) are not graded on
    once the screen shows someone else: the worker is cancelled and team_ranks asked to stop."""
    stopped, started = threading.Event(), threading.Event()

    def waiting_ranks(store, try_scheme, employee_id, wanted, stop=bool):
        started.set()
        for _ in range(500):  # at most 5 s
            if stop():
                stopped.set()
                return {}
            threading.Event().wait(0.01)
        return {}

    monkeypatch.setattr(history_module, "team_ranks", waiting_ranks)
    app = screen_app(company_db, lambda ctx: make_screen(ctx, "history", "E001"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        while not started.is_set():
            await pilot.pause(0.01)
        assert not stopped.is_set()
        app.pop_screen()
        await pilot.pause()
        app.push_screen(make_screen(app.ctx, "history", "E101"))
        for _ in range(300):  # cancelled workers are not waited for (settle would raise)
            if stopped.is_set():
                break
            await pilot.pause(0.01)
        assert stopped.is_set() and app.screen.employee_id == "E101"
