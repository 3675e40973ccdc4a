"""Agents in the loop in the TUI, keys only: an agent's own screen (confirm, dispute, refusals),
the supervisors' disputes queue (accept and re-record, reject), the board's sign-off marks, and
closing a period over open disputes. Checked against the store."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import DataTable, Static

from cstui.store import Store
from cstui.tui.modals.confirm import ConfirmModal
from cstui.tui.modals.reason import ReasonModal
from cstui.tui.screens.agent import AgentScreen
from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.screens.disputes import DisputesScreen
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle
from signoff_support import COLLEAGUE_REASON, MONTH, freeze_stamps, latest_sign_off, messages, seed_sign_offs


@pytest.fixture
def signoff_db(company_db, monkeypatch):
    freeze_stamps(monkeypatch)
    return seed_sign_offs(company_db)


def shown(widget: Static) -> str:
    return str(widget.render())


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


# -- the agent's screen -----------------------------------------------------------------------


async def test_an_agent_opens_on_their_own_screen_and_reaches_no_other(make_app, signoff_db):
    app = make_app(login="zhang.wei")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgentScreen)
        for key in ("1", "2", "3", "4", "5", "escape"):
            await press(pilot, key)
            assert isinstance(app.screen, AgentScreen), key
        screen = app.screen
        table = screen.query_one(DataTable)
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == [MONTH]
        assert "81.87" in shown(screen.query_one("#agent-result", Static))
        assert "sales 40,937 / 50,000" in shown(screen.query_one("#agent-trace", Static))
        text = app.export_screenshot()
        for colleague in ("王芳", "E002", "李娜", "E003", "E101", "零投诉", "wang.fang"):
            assert colleague not in text, colleague
        await press(pilot, "ctrl+p")
        palette = app.export_screenshot()
        assert "Board" not in palette and "Roster" not in palette and "Disputes" not in palette


async def test_an_agent_confirms_and_a_second_confirm_is_refused(make_app, signoff_db):
    app = make_app(login="zhang.wei")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "y")
        assert latest_sign_off(signoff_db, "E001")["status"] == "confirmed"
        assert "Confirmed at" in shown(app.screen.query_one("#agent-sign", Static))
        await press(pilot, "c")
        assert isinstance(app.screen, AgentScreen)  # refused before asking
        assert any("you confirmed your result of 2026-10" in m for m in messages(app))
        await press(pilot, "d")
        assert isinstance(app.screen, AgentScreen)
    assert latest_sign_off(signoff_db, "E001")["kind"] == "confirm"


async def test_an_agent_disputes_with_a_reason(make_app, signoff_db):
    app = make_app(login="zhang.wei")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "d")
        assert isinstance(app.screen, ReasonModal)
        await press(pilot, "enter")  # no reason: asked again, nothing sent
        assert "a reason is required" in shown(app.screen.query_one("#reason-error", Static))
        await press(pilot, *"target too high", "enter")
        assert isinstance(app.screen, AgentScreen)
        assert "waiting for your supervisor" in shown(app.screen.query_one("#agent-sign", Static))
        assert "target too high" in shown(app.screen.query_one("#agent-answer", Static))
        await press(pilot, "c")
        assert any("still open" in m for m in messages(app))
    sign = latest_sign_off(signoff_db, "E001")
    assert (sign["kind"], sign["status"], sign["reason"]) == ("dispute", "open", "target too high")


async def test_refusals_are_messages(make_app, signoff_db, monkeypatch):
    monkeypatch.setenv("CSTUI_TODAY", "2026-11-21")  # the window closed on 2026-11-20
    app = make_app(login="zhang.wei")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "window closed on 2026-11-20" in shown(app.screen.query_one("#agent-sign", Static))
        await press(pilot, "c")
        assert any("window of 2026-10 closed on 2026-11-20" in m for m in messages(app))
        await press(pilot, "left_square_bracket", "d")  # September: never applied
        assert isinstance(app.screen, AgentScreen)
        assert "no graded result yet" in shown(app.screen.query_one("#agent-result", Static))
        assert any("no graded result for 2026-09" in m for m in messages(app))
    assert latest_sign_off(signoff_db, "E001") is None


async def test_the_agent_reads_the_answer(make_app, signoff_db):
    with Store.open(signoff_db, login="sup1") as store:
        store.answer_dispute(1, False, "the bonus is in November's card")
    app = make_app(login="wang.fang")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "rejected by sup1" in shown(app.screen.query_one("#agent-sign", Static))
        answer = shown(app.screen.query_one("#agent-answer", Static))
        assert COLLEAGUE_REASON in answer and "the bonus is in November's card" in answer


# -- the disputes queue -----------------------------------------------------------------------


async def open_queue(pilot) -> DisputesScreen:
    await press(pilot, "5")
    assert isinstance(pilot.app.screen, DisputesScreen)
    return pilot.app.screen


async def test_a_supervisor_rejects_a_dispute_with_a_reason(make_app, signoff_db):
    app = make_app(login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        queue = await open_queue(pilot)
        table = queue.query_one(DataTable)
        assert [table.get_row_at(i)[2] for i in range(table.row_count)] == ["E002 王芳"]
        await press(pilot, "x")
        assert isinstance(app.screen, ReasonModal)
        await press(pilot, *"card is right", "enter")
        assert queue.query_one(DataTable).row_count == 0  # the queue lists open ones
        await press(pilot, "v")
        assert "rejected" in shown(queue.query_one("#disputes-detail", Static))
    sign = latest_sign_off(signoff_db, "E002")
    assert (sign["status"], sign["answer"], sign["answered_by"]) == ("rejected", "card is right", "sup1")


async def test_accept_corrects_the_card_and_records_the_result_again(make_app, signoff_db):
    with Store.open(signoff_db, login="admin") as store:
        before = next(r for r in store.results(MONTH) if r["employee_id"] == "E002")
        others = {r["employee_id"]: r["recorded_at"] for r in store.results(MONTH) if r["employee_id"] != "E002"}
    app = make_app(login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_queue(pilot)
        await press(pilot, "a", *"bonus missed", "enter")
        assert isinstance(app.screen, ScorecardScreen) and app.screen.employee_id == "E002"
        await press(pilot, "ctrl+u", "ctrl+k", "5", "ctrl+s")  # the adjustment, +3 -> +5
        await press(pilot, "escape")
        assert isinstance(app.screen, DisputesScreen)
        assert any("recorded again (score " in m for m in messages(app))
    with Store.open(signoff_db, login="admin") as store:
        after = next(r for r in store.results(MONTH) if r["employee_id"] == "E002")
        assert store.scorecard("E002", MONTH).values["adjustment"] == "5"
        assert {
            r["employee_id"]: r["recorded_at"] for r in store.results(MONTH) if r["employee_id"] != "E002"
        } == others
    assert after["score"] == before["score"] - int(before_adjustment(before)) + 5
    assert latest_sign_off(signoff_db, "E002")["status"] == "accepted"


def before_adjustment(result: dict) -> str:
    """The adjustment a result's trace names (``adjustment +3: 月度表现``), signed."""
    line = next(line for line in result["trace"] if line.startswith("adjustment "))
    return line.split()[1].rstrip(":")


async def test_a_viewer_and_an_agent_have_no_queue_and_see_no_key(make_app, signoff_db):
    app = make_app(login="viewer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "5")
        assert not isinstance(app.screen, DisputesScreen)


async def test_another_teams_supervisor_sees_none_of_it(make_app, signoff_db):
    app = make_app(login="sup2")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        queue = await open_queue(pilot)
        await press(pilot, "v")
        assert queue.query_one(DataTable).row_count == 0
        assert "王芳" not in app.export_screenshot()


# -- the board and the close ------------------------------------------------------------------


async def open_board(pilot) -> PeriodBoardScreen:
    await press(pilot, "2")
    assert isinstance(pilot.app.screen, PeriodBoardScreen)
    return pilot.app.screen


async def test_the_board_marks_each_recorded_result(make_app, signoff_db):
    with Store.open(signoff_db, login="zhang.wei") as store:
        from cstui.store.signoff import installed_window_days

        store.confirm_result(MONTH, installed_window_days)
    app = make_app(login="boss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = await open_board(pilot)
        cells = {}
        for _ in board.schemes:  # one scheme at a time: v shows the next
            cells |= {cell[1:5]: cell[0] for cell in (board._cells(r)[0] for r in board.view)}  # the first column
            await press(pilot, "v")
        assert (cells["E001"], cells["E002"], cells["E003"]) == ("✓", "!", "·")
        await press(pilot, "s", "s")  # by name: 刘洋 ... the detail line names the selected row's sign-off
        assert "sign-off: " in shown(board.query_one("#board-detail", Static))


async def test_closing_over_an_open_dispute_needs_a_managers_reason(make_app, signoff_db):
    app = make_app(login="boss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        await press(pilot, "C")
        assert isinstance(app.screen, ReasonModal)
        await press(pilot, "enter")  # no reason: the store refuses, with its message
        assert any("1 open dispute(s)" in m for m in messages(app))
        with Store.open(signoff_db, login="admin") as store:
            assert store.period_status(MONTH) == "open"
        await press(pilot, "C", *"payroll cut-off", "enter")
        assert "closed" in shown(app.screen.query_one("#board-head", Static))
    with Store.open(signoff_db, login="admin") as store:
        closed = next(p for p in store.periods() if p["period"] == MONTH)
    assert (closed["status"], closed["reason"], closed["closed_by"]) == ("closed", "payroll cut-off", "boss")


async def test_a_supervisor_is_not_offered_the_close(make_app, signoff_db):
    app = make_app(login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        await press(pilot, "C")
        assert isinstance(app.screen, PeriodBoardScreen)
    with Store.open(signoff_db, login="admin") as store:
        assert store.period_status(MONTH) == "open"


# -- snapshots --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_agent_screen_snapshot(make_app, signoff_db, snap_compare, lang):
    with Store.open(signoff_db, login="sup1") as store:
        store.answer_dispute(1, False, "十月的卡片没有问题")
    assert snap_compare(make_app(login="wang.fang", lang=lang), terminal_size=(80, 24), run_before=settle)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_disputes_queue_snapshot(make_app, signoff_db, snap_compare, lang):
    async def go(pilot):
        await settle(pilot)
        await press(pilot, "5")

    assert snap_compare(make_app(login="sup1", lang=lang), terminal_size=(80, 24), run_before=go)


async def test_an_agent_tied_to_no_employee_sees_nothing_and_is_told(make_app, signoff_db):
    with Store.open(signoff_db, login="admin") as store:
        e = store.employee("E001")
        store.update_employee(replace(e, login=None), e.version)  # the roster lost the login
    app = make_app(login="zhang.wei")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgentScreen)
        assert "roster login of no employee" in shown(app.screen.query_one("#agent-head", Static))
        assert app.screen.query_one(DataTable).row_count == 0
        await press(pilot, "c")
        assert any("only an agent tied to one employee" in m for m in messages(app))
        assert "张伟" not in app.export_screenshot()
