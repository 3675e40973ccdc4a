"""Export from the TUI (e): the board's current view and a person's history to CSV or XLSX with the
batch report's formula-safe writers; an existing file replaced only once confirmed; refusals as
messages. Snapshots of the modal at 80×24 in English and 中文."""

from __future__ import annotations

import csv
from dataclasses import replace

from cstui.store import Store
from cstui.tui.modals.confirm import ConfirmModal
from cstui.tui.modals.export import ExportModal
from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.screens.history import HistoryScreen
from pilot_support import settle
from screens_support import screen_app


def board(company_db, **kwargs):
    return screen_app(company_db, PeriodBoardScreen, **kwargs)


async def export_to(pilot, path, *, replace: bool | None = None) -> None:
    """Press e, type ``path`` over the proposed name, Enter (and answer the replace question)."""
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ExportModal)
    pilot.app.screen.query_one("#export-path").value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    if replace is not None:
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("y" if replace else "n")
        await settle(pilot)


def read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


async def test_the_board_view_exports_as_shown_and_reads_back(company_db, tmp_path):
    with Store.open(company_db, login="admin") as store:  # a name a spreadsheet would run as a formula
        e = store.employee("E002")
        store.update_employee(replace(e, name="=HYPERLINK(1)"), e.version)
    app = board(company_db)
    target = tmp_path / "board.csv"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("s")  # sorted by score: the file keeps the order shown
        shown = [r.employee_id for r in screen.visible_rows()]
        await export_to(pilot, target)
        assert isinstance(app.screen, PeriodBoardScreen)
        rows = read_csv(target)
        assert [r["employee_id"] for r in rows] == shown and len(rows) >= 3  # one scheme at a time
        first = screen.visible_rows()[0]
        assert rows[0]["score"] == str(first.as_record()["score"]) and rows[0]["trace"]
        assert "'=HYPERLINK(1)" in {r["name"] for r in rows}  # defused, as batch --format csv does
        assert any(f"Exported {len(rows)} rows" in n.message for n in app._notifications)


async def test_an_existing_file_is_replaced_only_when_confirmed(company_db, tmp_path):
    app = board(company_db)
    target = tmp_path / "board.csv"
    target.write_text("keep me\n", encoding="utf-8")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await export_to(pilot, target, replace=False)
        assert target.read_text(encoding="utf-8") == "keep me\n"
        await export_to(pilot, target, replace=True)
        assert read_csv(target)[0]["employee_id"].startswith("E")


async def test_refusals_are_messages_and_write_nothing(company_db, tmp_path):
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await export_to(pilot, tmp_path / "no-such-folder" / "board.csv")
        await export_to(pilot, company_db, replace=True)  # the database itself: never written over
        messages = [n.message for n in app._notifications]
        assert any("no-such-folder" in m and "cannot write" in m for m in messages)
        assert any("is the database" in m for m in messages)
        assert isinstance(app.screen, PeriodBoardScreen) and app.is_running
    with Store.open(company_db, login="admin") as store:
        assert store.employee("E001").name == "张伟"


async def test_a_history_exports_to_xlsx_and_reads_back(company_db, tmp_path):
    from openpyxl import load_workbook

    app = screen_app(company_db, lambda ctx: HistoryScreen(ctx, "E001"))
    target = tmp_path / "history.xlsx"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        decisions = app.screen.story.decisions
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#export-path").value = str(target)
        await settle(pilot)
        assert app.screen.query_one("#export-format").value == "xlsx"  # the name picks the format
        await pilot.press("enter")
        await settle(pilot)
    sheet = load_workbook(target, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("employee_id", "name", "team") and "trace" in header
    assert [r[header.index("period")] for r in body] == [str(p) for p, _, _ in decisions]
    assert {r[0] for r in body} == {"E001"}


async def test_plugin_formats_are_offered(company_db, monkeypatch):
    from cstui.plugins import get_registry

    monkeypatch.setitem(get_registry().exporters, "ndjson-test", lambda records, stream: None)
    app = board(company_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        options = [value for _, value in app.screen.query_one("#export-format")._options]
        assert options == ["csv", "xlsx", "ndjson-test"]


def _export_modal(lang: str):
    async def opened(pilot):
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)

    return opened


def test_export_modal_snapshot(company_db, snap_compare):
    assert snap_compare(board(company_db), terminal_size=(80, 24), run_before=_export_modal("en"))


def test_export_modal_snapshot_in_chinese(company_db, snap_compare):
    app = screen_app(company_db, lambda ctx: HistoryScreen(ctx, "E001"), lang="zh")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_export_modal("zh"))
