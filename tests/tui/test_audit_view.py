"""The audit view (managers, key 4 or the palette) and a scorecard's change history (key c)."""

from __future__ import annotations

import pytest

from cstui.store import Store
from cstui.tui.screens.audit import AuditScreen, CardHistoryModal
from cstui.tui.screens.roster import RosterScreen
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle
from screens_support import screen_app

STAMP = "2026-11-14T09:30:00Z"


@pytest.fixture
def audit_db(tmp_path, frozen_clock, monkeypatch, seed_company_at):
    """The seeded company, every audit row stamped at one frozen moment."""
    from cstui.store import cards, checkpoints, core, periods, roster

    for module in (cards, checkpoints, core, periods, roster):
        monkeypatch.setattr(module, "now", lambda: STAMP)
    path = seed_company_at(tmp_path / "company.db")
    with Store.open(path, login="sup1") as store:
        store.save_scorecard(
            "E001", "2026-10", store.scorecard("E001", "2026-10").values | {"sales_actual": "99999"}, 1
        )
    return path


async def idle(pilot):
    await settle(pilot)


def test_audit_view(audit_db, snap_compare):
    app = screen_app(audit_db, lambda ctx: AuditScreen(ctx), login="boss")
    assert snap_compare(app, terminal_size=(80, 24), run_before=idle)


def test_audit_view_in_chinese(audit_db, snap_compare):
    """As test_audit_view, in 中文: incidents by their label_zh, fields by their 中文 names."""
    app = screen_app(audit_db, lambda ctx: AuditScreen(ctx), login="boss", lang="zh")
    assert snap_compare(app, terminal_size=(80, 24), run_before=idle)


def test_audit_view_filtered_in_chinese(audit_db, snap_compare):
    async def filtered(pilot):
        await settle(pilot)
        await pilot.press(*"E001")
        await settle(pilot)

    app = screen_app(audit_db, lambda ctx: AuditScreen(ctx), login="boss", lang="zh")
    assert snap_compare(app, terminal_size=(80, 24), run_before=filtered)


def test_card_history_modal(audit_db, snap_compare):
    async def opened(pilot):
        await settle(pilot)
        pilot.app.screen.set_focus(None)
        await pilot.press("c")
        await settle(pilot)

    app = screen_app(audit_db, lambda ctx: ScorecardScreen(ctx, "E001"), login="sup1")
    assert snap_compare(app, terminal_size=(80, 24), run_before=opened)


def test_card_history_modal_in_chinese(audit_db, snap_compare):
    async def opened(pilot):
        await settle(pilot)
        pilot.app.screen.set_focus(None)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CardHistoryModal)

    app = screen_app(audit_db, lambda ctx: ScorecardScreen(ctx, "E001"), login="sup1", lang="zh")
    assert snap_compare(app, terminal_size=(80, 24), run_before=opened)


async def test_a_manager_opens_the_trail_with_4_filters_it_and_goes_back(company_db, make_app_at):
    app = make_app_at(company_db, login="boss")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen) and len(screen.rows) > 20
        await pilot.press(*"sup")  # typed into the filter, which has the focus
        await settle(pilot)
        assert screen.rows == [] or all(
            "sup" in (r["who"] + r["action"] + r["entity"] + (r["key"] or "")) for r in screen.rows
        )
        await pilot.press("backspace", "backspace", "backspace", *"E103")
        await settle(pilot)
        assert {r["key"] for r in screen.rows} >= {"E103"} and all("E103" in (r["key"] or "") for r in screen.rows)
        await pilot.press("tab", "down")
        await settle(pilot)
        assert "#" in str(screen.query_one("#audit-detail").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)


async def test_the_audit_view_is_not_offered_to_a_supervisor(company_db, make_app_at):
    app = make_app_at(company_db, login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        assert app.check_action("audit", ()) is False


async def test_a_saved_card_shows_in_its_change_history(company_db, make_app_at):
    app = make_app_at(company_db, login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the roster's first row: E001's scorecard
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ScorecardScreen)
        card.set_focus(None)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CardHistoryModal)
        before = app.screen.query_one("#card-history-table").row_count
        await pilot.press("escape")
        await settle(pilot)
        with Store.open(company_db, login="boss") as other:  # a manager corrects the card meanwhile
            current = other.scorecard("E001", str(card.month))
            other.save_scorecard("E001", str(card.month), current.values | {"sales_actual": "12345"}, current.version)
        await pilot.press("ctrl+o")
        await settle(pilot)
        table = app.screen.query_one("#card-history-table")
        assert table.row_count == before + 1
        assert "boss" in [str(c) for c in table.get_row_at(0)]


def test_every_action_and_table_the_store_audits_has_a_chinese_name(tmp_path):
    """The pairs the store writes as literals (``("import", "scorecards", ...)``, any table of
    the schema) and the actions it chooses by name (``action = "delete" if ... else "restore"``,
    ``action="bootstrap-admin"``, ``_sign(..., "confirm", ...)``)."""
    import re
    from pathlib import Path

    import cstui.store
    from cstui.tui.screens.audit import ACTIONS_ZH, TABLES_ZH

    with Store.open(tmp_path / "c.db", login="root", create=True) as store:
        schema = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    writers = [p for p in Path(cstui.store.__file__).parent.glob("*.py") if p.name != "migrations.py"]
    source = "\n".join(p.read_text() for p in writers)
    pairs = re.findall(r'(?<!for table in \()"([a-z][a-z-]*)",\s*"([a-z_]+)",', source)
    audited = {(a, t) for a, t in pairs if t in schema}
    chosen = re.findall(r'action\s*=\s*"([a-z-]+)"(?:\s*if .*? else "([a-z-]+)")?', source)
    chosen += [(a, "") for a in re.findall(r'(?:_rewrite_employee|_sign)\(.*?, "([a-z-]+)"', source)]
    actions = {a for a, _ in audited} | {name for pair in chosen for name in pair if name}
    assert {"save", "import", "delete", "restore", "update", "deactivate", "bootstrap-admin", "confirm"} <= actions
    assert actions - set(ACTIONS_ZH) == set()
    assert {t for _, t in audited} - set(TABLES_ZH) == set()


async def test_in_chinese_actions_read_in_chinese_and_the_filter_finds_them(company_db, make_app_at):
    from cstui.tui.screens.audit import ACTIONS_ZH

    app = make_app_at(company_db, login="boss", lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#audit-table")
        shown = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert shown and shown <= set(ACTIONS_ZH.values())
        await pilot.press(*"导入")
        await settle(pilot)
        assert screen.rows and {r["action"] for r in screen.rows} == {"import"}
        assert str(table.get_row_at(0)[3]).startswith(("考核表 ", "员工 ", "奖惩 "))


def test_what_changed_names_fields_as_given_and_keeps_keys_without_names():
    from cstui.io.audit import change_summary

    before, after = {"sales_actual": "1", "note": "x"}, {"sales_actual": "2", "note": "x"}
    assert change_summary(before, after) == "sales_actual: 1 → 2"  # the CLI's, as it always read
    assert change_summary(before, after, {"sales_actual": "实际销售额"}) == "实际销售额: 1 → 2"
    assert change_summary(after, after, words={"(no change)": "（无变化）"}) == "（无变化）"
    assert change_summary({"a": 1}, None, words={"removed": "已删除"}) == "已删除"


async def test_in_chinese_what_changed_names_no_field_by_its_key(audit_db):
    import re

    app = screen_app(audit_db, lambda ctx: AuditScreen(ctx), login="boss", lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        changes = [screen.fields.change(row) for row in screen.rows]
        assert any(c.startswith("实际销售额: 40937 → 99999") for c in changes)
        assert any(c.startswith("代码: 未填写交接班记录") for c in changes)  # an incident by its label_zh
        keys = {key for c in changes for key in re.findall(r"(?:^|; )([A-Za-z_]+):", c)}
        assert keys == set(), keys
        detail = str(screen.query_one("#audit-detail").render())
        assert "实际销售额: 40937 → 99999" in detail


def test_every_field_the_store_audits_has_a_chinese_name():
    """The keys of the before/after dicts the store writes (grepped from its source) are named."""
    import re
    from pathlib import Path

    import cstui.store
    from cstui.io.audit import FIELDS_ZH

    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(cstui.store.__file__).parent.glob("*.py"))
    audited = set(
        re.findall(
            r'"([a-z_]+)": (?:row\[|record|override\.|self\.login|now\(\)|snapshot\.|a\.|stamp|at\b|expires|reason|status|kind|period|employee_id|recorded_by|len\(|changed|id\b|name\b|name_zh|user\.|inc\.|e\.)',
            source,
        )
    )
    audited |= {"score", "grade", "level_before", "level_after", "decision", "pay_delta"}  # results (_OUTCOME)
    from cstui.store.codec import employee_values, incident_record  # noqa: F401  (their keys: below)

    audited |= {"id", "name", "team", "role", "hire_date", "status", "login", "scheme", "level"}
    audited |= {"employee_id", "date", "period", "code", "count", "points", "note", "copy"}
    assert sorted(audited - set(FIELDS_ZH)) == []
