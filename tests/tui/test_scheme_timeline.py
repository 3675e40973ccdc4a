"""An employee's scheme timeline in the TUI (issue 12): the employee form shows it and assigns a
new scheme from a month at a starting level (store.assign_scheme, as `cstui employee assign`);
the history tells each stretch by its own scheme and says which scheme graded which months.

Every Pilot run here is bounded by ``asyncio.wait_for``: a history whose worker never finishes
(the bug below) fails the test instead of blocking the suite.
"""

from __future__ import annotations

import asyncio

from cstui.domain import Period
from cstui.store import Store
from cstui.store.timeline import Assignment
from cstui.story import Stretch, stretches_of
from cstui.tui.modals.employee_form import EmployeeForm
from cstui.tui.screens.history import HistoryScreen
from cstui.tui.screens.roster import RosterScreen
from pilot_support import settle
from screens_support import screen_app

WITHIN_S = 60  # a Pilot run takes a few seconds even under load; a hang takes forever
SUPERVISOR_CARD = {
    "appearance_violations": "1",
    "complaints": "3",
    "complaint_lapses": "0",
    "team_average": "88",
    "suggestions": "80",
}


async def bounded(run, seconds: float = WITHIN_S) -> None:
    """Run the coroutine function ``run``, failing (TimeoutError) if it takes over ``seconds``."""
    await asyncio.wait_for(run(), seconds)


def promote_e001(company_db, since: str = "2026-11", card: bool = False) -> None:
    """E001 (star-levels, cards 2026-05..10) becomes a supervisor from ``since`` at post-1."""
    with Store.open(company_db, login="admin", create=False) as store:
        store.assign_scheme("E001", "supervisor-kpi", since, "post-1")
        if card:
            store.save_scorecards([("E001", Period.parse(since), SUPERVISOR_CARD)])


def history(company_db, employee_id="E001", **kwargs):
    return screen_app(company_db, lambda ctx: HistoryScreen(ctx, employee_id), **kwargs)


def timeline_of(company_db, employee_id="E001") -> list[tuple[str, str, str | None]]:
    with Store.open(company_db, login="admin", create=False) as store:
        return [(a.since, a.scheme, a.level) for a in store.scheme_assignments(employee_id)]


# -- stretches --------------------------------------------------------------------------------


def test_stretches_of_a_timeline():
    line = [
        Assignment("E1", "2024-03", "star-levels", "3-star"),
        Assignment("E1", "2026-11", "supervisor-kpi", "post-1"),
    ]
    assert stretches_of(line, "supervisor-kpi") == [
        Stretch("star-levels", None, Period.parse("2026-10"), "3-star"),  # the earliest covers the months before it
        Stretch("supervisor-kpi", Period.parse("2026-11"), None, "post-1"),
    ]
    assert stretches_of([], "five-tier") == [Stretch("five-tier", None, None)]  # a row from before timelines


def test_a_stretch_holds_its_months_and_knows_when_it_starts():
    stretch = Stretch("supervisor-kpi", Period.parse("2026-11"), Period.parse("2027-02"))
    assert [stretch.holds(Period.parse(m)) for m in ("2026-10", "2026-11", "2027-02", "2027-03")] == [
        False,
        True,
        True,
        False,
    ]
    assert stretch.starts_after(Period.parse("2026-10")) and not stretch.starts_after(Period.parse("2026-11"))
    assert stretch.starts_after(Period.parse("2026-Q3")) and not stretch.starts_after(Period.parse("2026-Q4"))


# -- history ----------------------------------------------------------------------------------


async def test_history_of_a_month_before_the_new_scheme_starts(company_db):
    """The hang: E001 on supervisor-kpi from 2026-11, history viewed at 2026-10. The story looked
    the employee up in their CURRENT scheme's history, which for 2026-10 does not hold them: a
    StopIteration in the worker thread, which asyncio cannot put in a future, so the worker never
    finished. Now each stretch is told by its own scheme and one that starts later tells nothing."""
    promote_e001(company_db, "2026-11")
    app = history(company_db)  # the default period, 2026-10

    async def run():
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert screen.story is not None and not screen.story.problem
            assert [str(p) for p, _, _ in screen.story.decisions][:2] == ["2026-10", "2026-09"]
            assert {r.scheme for _, r, _ in screen.story.decisions} == {"star-levels"}
            assert "star-levels" in str(screen.query_one("#hist-head").render())  # the scheme grading 2026-10
            schemes = str(screen.query_one("#hist-schemes").render())
            assert "star-levels to 2026-10 · supervisor-kpi from 2026-11" in schemes
            assert screen.scheme.name == "star-levels"  # an override of 2026-10 picks a star level

    await bounded(run)


async def test_history_tells_each_stretch_by_its_own_scheme(company_db):
    promote_e001(company_db, "2026-11", card=True)
    app = history(company_db, period="2026-11")

    async def run():
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            story = app.screen.story
            schemes = {str(p): r.scheme for p, r, _ in story.decisions}
            assert schemes["2026-11"] == "supervisor-kpi" and schemes["2026-10"] == "star-levels"
            assert dict((str(p), s) for p, s in story.scores)["2026-11"] == 86  # the supervisor card's score
            levels = [(str(p), level) for p, level, _ in story.timeline]
            assert levels[-1] == ("2026-11", "post-1")  # the new stretch starts at its starting level
            assert ("2026-08", "4-star") in levels  # the old stretch's promotion stays told
            assert "Supervisor, post grade 1" in str(app.screen.query_one("#hist-timeline").render())
            assert "4-star agent" in str(app.screen.query_one("#hist-timeline").render())

    await bounded(run)


async def test_one_stretch_shows_no_schemes_line(company_db):
    app = history(company_db)

    async def run():
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert not app.screen.query_one("#hist-schemes").display

    await bounded(run)


def _idle_within(seconds: float = WITHIN_S):
    async def idle(pilot):
        await asyncio.wait_for(settle(pilot), seconds)

    return idle


def test_history_before_the_new_scheme_snapshot(company_db, snap_compare):
    promote_e001(company_db, "2026-11")
    assert snap_compare(history(company_db), terminal_size=(80, 24), run_before=_idle_within())


def test_history_with_two_schemes(company_db, snap_compare):
    promote_e001(company_db, "2026-11", card=True)
    assert snap_compare(history(company_db, period="2026-11"), terminal_size=(80, 24), run_before=_idle_within())


def test_history_with_two_schemes_in_chinese(company_db, snap_compare):
    promote_e001(company_db, "2026-11", card=True)
    app = history(company_db, period="2026-11", lang="zh")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_idle_within())


# -- the employee form ------------------------------------------------------------------------


async def pick(pilot, select_id: str, value: str) -> None:
    """Open the focused select with Enter and choose ``value`` with the arrow keys."""
    options = [v for _label, v in pilot.app.screen.query_one(select_id)._options]
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*["down"] * options.index(value), "enter")
    await pilot.pause()


async def assign_by_keys(pilot, scheme: str, since: str, level: str) -> None:
    """From the roster (cursor on E001): e, tab to the new-scheme fields, fill them, Assign."""
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(pilot.app.screen, EmployeeForm)
    await pilot.press(*["tab"] * 8)  # name → team, role, hired, scheme, level, login, status → new scheme
    assert pilot.app.focused.id == "f-assign_scheme"
    await pick(pilot, "#f-assign_scheme", scheme)
    await pilot.press("tab", *since, "tab")
    await pick(pilot, "#f-assign_level", level)
    await pilot.press("tab", "enter")  # the Assign button
    await settle(pilot)


async def test_a_supervisor_assigns_a_new_scheme_from_the_form_by_keys(make_app, company_db):
    app = make_app(login="sup1")  # supervisor of 客服一组 (E001's team)

    async def run():
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await assign_by_keys(pilot, "supervisor-kpi", "2026-11", "post-2")
            form = app.screen
            assert isinstance(form, EmployeeForm)  # stays open, showing the new timeline
            assert [
                str(form.query_one(f"#err-{f}").render()) for f in ("assign_scheme", "assign_since", "assign_level")
            ] == ["", "", ""]
            lines = str(form.query_one("#f-timeline").render()).splitlines()
            assert lines[-1].split() == ["2026-11", "supervisor-kpi", "post-2"]
            assert form.query_one("#f-scheme").value == "supervisor-kpi"  # the row follows the latest assignment
            assert any("E001 on supervisor-kpi from 2026-11" in n.message for n in app._notifications)
            await pilot.press("ctrl+s")  # saving the form after it keeps the assignment (the new version)
            await settle(pilot)
            assert isinstance(app.screen, RosterScreen)

    await bounded(run)
    assert timeline_of(company_db) == [("2024-03", "star-levels", "3-star"), ("2026-11", "supervisor-kpi", "post-2")]
    with Store.open(company_db, login="admin", create=False) as store:
        assert (store.employee("E001").scheme, store.employee("E001").level) == ("supervisor-kpi", "post-2")
        [row] = store.audit_log(entity="scheme_assignments", key="E001")
        assert (row["action"], row["who"], row["after"]["since"]) == ("assign-scheme", "sup1", "2026-11")


async def fill_assignment(pilot, scheme: str, since: str, level=None) -> EmployeeForm:
    await pilot.press("e")
    await settle(pilot)
    form = pilot.app.screen
    form.query_one("#f-assign_scheme").value = scheme
    await pilot.pause()
    if level is not None:
        form.query_one("#f-assign_level").value = level
    form.query_one("#f-assign_since").focus()
    await pilot.press(*since, "enter")  # Enter in the month assigns
    await settle(pilot)
    return form


def errors_of(form: EmployeeForm) -> dict[str, str]:
    fields = ("assign_scheme", "assign_since", "assign_level")
    return {f: str(form.query_one(f"#err-{f}").render()).strip() for f in fields} | {
        "form": str(form.query_one("#form-error").render()).strip()
    }


async def test_a_closed_month_is_refused_beside_the_month(make_app, company_db):
    with Store.open(company_db, login="admin", create=False) as store:
        store.close_period(Period.parse("2026-10"))
    before = timeline_of(company_db)
    app = make_app(lang="zh")

    async def run():
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            form = await fill_assignment(pilot, "supervisor-kpi", "2026-10")
            assert errors_of(form)["assign_since"].startswith("2026-10 已关闭")
            assert isinstance(app.screen, EmployeeForm)
            form.query_one("#f-assign_since").value = ""
            await pilot.press(*"2026-13", "enter")
            await settle(pilot)
            assert errors_of(form)["assign_since"] == "应为月份，如 2026-11"

    await bounded(run)
    assert timeline_of(company_db) == before


async def test_the_store_refusing_the_cards_is_said_in_the_form(make_app, company_db):
    """five-tier from 2026-10 would judge E001's star-levels card of 2026-10: the store refuses
    (as for `cstui employee assign`) and the form says why, keeping what was typed."""
    before = timeline_of(company_db)
    app = make_app()

    async def run():
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            form = await fill_assignment(pilot, "five-tier", "2026-10", "junior")
            errors = errors_of(form)
            assert errors["form"] and "E001" in errors["form"], errors
            assert form.query_one("#f-assign_since").value == "2026-10"

    await bounded(run)
    assert timeline_of(company_db) == before


async def test_a_level_not_on_the_scheme_is_refused_beside_the_level(make_app):
    app = make_app()

    async def run():
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("e")
            await settle(pilot)
            form = app.screen
            problems = form.assign_problems("supervisor-kpi", "2026-11", "4-star")
            assert problems == {"assign_level": "not on supervisor-kpi: post-1, post-2, post-3"}
            assert form.assign_problems("", "2026-11", "")["assign_scheme"] == "pick a scheme"
            assert form.assign_problems("supervisor-kpi", "2026-11", "") == {}  # the entry level

    await bounded(run)


def test_employee_form_with_a_timeline(make_app, company_db, snap_compare):
    promote_e001(company_db, "2026-11")

    async def edit(pilot):
        await pilot.press("e")
        await asyncio.wait_for(settle(pilot), WITHIN_S)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=edit)


def test_employee_form_with_a_timeline_in_chinese(make_app, company_db, snap_compare):
    promote_e001(company_db, "2026-11")
    with Store.open(company_db, login="admin", create=False) as store:
        store.close_period(Period.parse("2026-10"))

    async def refused(pilot):  # the closed month's reason beside the month, in 中文
        await asyncio.wait_for(fill_assignment(pilot, "supervisor-kpi", "2026-10"), WITHIN_S)

    assert snap_compare(make_app(lang="zh"), terminal_size=(80, 24), run_before=refused)


async def test_a_story_that_stops_early_is_reported_not_hung(make_app, crash_log, monkeypatch):
    """Any StopIteration leaking from the story (the hang's mechanism) ends the worker as an
    unexpected error: a toast naming the log, the app still running."""

    def stops(*args, **kwargs):
        raise StopIteration

    monkeypatch.setattr("cstui.tui.screens.history.tell_story", stops)
    app = make_app()

    async def run():
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("h")
            await settle(pilot)
            assert isinstance(app.screen, HistoryScreen) and app.is_running
            assert any("Something went wrong" in n.message for n in app._notifications)
            assert "StopIteration" in crash_log.read_text(encoding="utf-8")

    await bounded(run)
