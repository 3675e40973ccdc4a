"""An imported file's one audit entry in the TUI: the trail shows the file, its counts and the
cards it replaced; a card's change history shows the import with that card's values before."""

from __future__ import annotations

from cstui.domain import Period
from cstui.io.imports import import_scorecards
from cstui.schemes import load_scheme
from cstui.store import Store
from cstui.tui.screens.audit import AuditScreen, CardHistoryModal
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle

OCT = "2026-10"  # the default period under frozen_clock


def _reimport_e001(path, tmp_path) -> dict:
    """boss re-imports E001's October card with a new sales_actual; returns the card before."""
    with Store.open(path, login="boss") as store:
        before = store.scorecard("E001", OCT).values
        csv = tmp_path / "oct.csv"
        new = int(before["sales_actual"]) + 1
        csv.write_text(
            f"employee_id,sales_target,sales_actual\nE001,{before['sales_target']},{new}\n", encoding="utf-8"
        )
        import_scorecards(store, csv, Period.parse(OCT), load_scheme("star-levels"))
    return before


async def test_the_trail_shows_the_file_and_what_it_replaced(company_db, make_app_at, tmp_path):
    before = _reimport_e001(company_db, tmp_path)
    app = make_app_at(company_db, login="boss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen) and screen.rows[0]["action"] == "import-file"
        row = [str(c) for c in screen.query_one("#audit-table").get_row_at(0)]
        assert row[2] == "import-file" and row[3] == f"scorecards oct.csv/{OCT}"
        assert row[4].startswith(f"oct.csv {OCT} (star-levels): 0 new, 1 changed")
        detail = str(screen.query_one("#audit-detail").render())
        # the replaced values named by the scheme's metric labels (the CLI's English keeps the keys)
        assert f"replaced: E001/{OCT} Sales: {before['sales_actual']}, Sales target: {before['sales_target']}" in detail


async def test_a_card_history_shows_the_import_with_the_card_before(company_db, make_app_at, tmp_path):
    before = _reimport_e001(company_db, tmp_path)
    app = make_app_at(company_db, login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the roster's first row: E001's scorecard
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        app.screen.set_focus(None)
        await pilot.press("c")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, CardHistoryModal)
        newest = [str(c) for c in modal.query_one("#card-history-table").get_row_at(0)]
        assert newest[1:3] == ["boss", "import-file"]
        assert newest[3].startswith(f"oct.csv {OCT} (star-levels)")
        (entry,) = [r for r in app.ctx.store.card_history("E001", OCT) if r["action"] == "import-file"]
        assert entry["before"] == before


async def test_in_chinese_the_entry_reads_as_an_imported_file(company_db, make_app_at, tmp_path):
    _reimport_e001(company_db, tmp_path)
    app = make_app_at(company_db, login="boss", lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert str(app.screen.query_one("#audit-table").get_row_at(0)[2]) == "导入文件"


async def test_enter_on_the_entry_lists_the_cards_it_wrote(company_db, make_app_at, tmp_path):
    from cstui.tui.screens.audit import ImportedFileModal

    before = _reimport_e001(company_db, tmp_path)
    app = make_app_at(company_db, login="boss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("tab", "enter")  # the table, its first row: the import
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ImportedFileModal)
        (row,) = [[str(c) for c in modal.query_one("#imported-file-table").get_row_at(0)]]
        assert (
            row[0] == f"E001/{OCT}"
            and row[1] == f"Sales: {before['sales_actual']}; Sales target: {before['sales_target']}"
        )
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AuditScreen)


async def test_a_large_files_cards_are_shown_up_to_a_limit_and_the_rest_counted(company_db):
    from cstui.tui.screens.audit import CARDS_SHOWN, ImportedFileModal
    from screens_support import screen_app

    ids = [f"X{i:04d}" for i in range(CARDS_SHOWN + 100)]
    account = {"file": "big.csv", "sha256": "ab" * 32, "scheme": "star-levels", "periods": [OCT]}
    after = account | {"new": len(ids), "changed": 0, "unchanged": 0, "new_cards": [[OCT, ids]]}
    row = {"action": "import-file", "before": None, "after": after}
    app = screen_app(company_db, lambda ctx: ImportedFileModal(ctx, row), login="boss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#imported-file-table").row_count == CARDS_SHOWN
        more = str(app.screen.query_one("#imported-file-more").render())
        assert more == "… and 100 more cards (cstui audit --format json)"


async def test_the_file_entry_reads_in_chinese(company_db, make_app_at, tmp_path):
    before = _reimport_e001(company_db, tmp_path)
    app = make_app_at(company_db, login="boss", lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        row = [str(c) for c in app.screen.query_one("#audit-table").get_row_at(0)]
        assert row[2] == "导入文件"
        assert row[4].startswith(f"oct.csv {OCT}（star-levels）：新增 0，更改 1，未变 0")
        detail = str(app.screen.query_one("#audit-detail").render())
        assert f"覆盖：E001/{OCT} 实际销售额: {before['sales_actual']}, 销售目标: {before['sales_target']}" in detail
