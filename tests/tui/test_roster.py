"""Roster workflows, keys only: add, filter, sort, team scoping, viewer rights, import."""

from __future__ import annotations

from cstui.tui.modals.employee_form import EmployeeForm
from cstui.tui.modals.roster_import import RosterImport


def ids(app) -> list[str]:
    table = app.screen.table
    return [table.row(i)[0] for i in range(table.count)]


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def test_roster_lists_every_visible_employee_sorted_by_id(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert ids(app) == ["E001", "E002", "E003", "E004", "E101", "E102", "E103", "E104", "E201", "E202", "E203"]
        assert app.screen.table.row(0)[1] == "张伟"


async def test_add_an_employee_through_the_form(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        assert isinstance(app.screen, EmployeeForm)
        await type_text(pilot, "E900")
        await pilot.press("tab")
        await type_text(pilot, "Eve Wang")
        await pilot.press("tab", "enter")  # team select opens
        await pilot.pause()
        await pilot.press("down", "enter")  # first team by id: kf2
        await pilot.press("tab", "tab")  # role keeps "agent"
        await type_text(pilot, "2026-02-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "RosterScreen"
        assert "E900" in ids(app)
        stored = app.ctx.store.employee("E900")
        assert (stored.name, stored.team, stored.role, str(stored.hire_date)) == (
            "Eve Wang",
            "kf2",
            "agent",
            "2026-02-01",
        )


async def test_the_form_shows_errors_beside_fields_and_keeps_the_input(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await type_text(pilot, "E001")  # exists already
        await pilot.press("tab")
        await type_text(pilot, "Dup")
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EmployeeForm)
        assert "required" in str(form.query_one("#err-team").render())
        assert "required" in str(form.query_one("#err-hire_date").render())
        form.query_one("#f-hire_date").value = "2026-13-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "YYYY-MM-DD" in str(form.query_one("#err-hire_date").render())
        assert form.query_one("#f-name").value == "Dup"


async def test_the_store_refusal_is_shown_in_the_form(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        form = app.screen
        form.query_one("#f-id").value = "E001"
        form.query_one("#f-name").value = "Dup"
        form.query_one("#f-team").value = "kf2"
        form.query_one("#f-hire_date").value = "2025-01-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "already exists" in str(form.query_one("#form-error").render())


async def test_an_edit_that_lost_a_race_shows_who_changed_it(make_app):
    from dataclasses import replace

    from cstui.store import Store

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")  # E001
        form = app.screen
        with Store.open(app.ctx.store.path, login="boss") as other:
            e = other.employee("E001")
            other.update_employee(replace(e, name="张伟伟"), expected_version=e.version)
        form.query_one("#f-name").value = "张大伟"
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(form.query_one("#form-error").render())
        assert "boss" in message and "nothing was saved" in message
        assert form.query_one("#f-name").value == "张大伟"


async def test_filter_as_you_type(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "kf2")
        await settle(pilot, 0.3)
        assert ids(app) == ["E101", "E102", "E103", "E104"]
        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "王")
        await settle(pilot, 0.3)
        assert ids(app) == ["E002"]
        await pilot.press("escape", "escape")  # leave the filter, then clear it
        await settle(pilot, 0.3)
        assert len(ids(app)) == 11


async def test_stale_filter_results_are_discarded(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        screen._apply(screen._generation - 1, "zzz", 0, [], False)  # an old query arrives late
        await pilot.pause()
        assert len(ids(app)) == 11


async def test_sort_cycles_columns_and_reverses(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")  # by name
        await settle(pilot)
        from cstui.store.pinyin import name_pinyin

        names = [app.screen.table.row(i)[1] for i in range(app.screen.table.count)]
        assert names == sorted(names, key=name_pinyin)  # 中文 names in pinyin order
        assert app.screen.table.sort_key == "name"
        await pilot.press("S")
        await settle(pilot)
        assert [app.screen.table.row(i)[1] for i in range(app.screen.table.count)] == names[::-1]
        await pilot.press("s")  # by team
        await settle(pilot)
        teams = [app.screen.table.row(i)[2] for i in range(app.screen.table.count)]
        assert teams == sorted(teams)


async def test_a_supervisor_sees_only_their_team(make_app):
    app = make_app(login="sup2")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert ids(app) == ["E101", "E102", "E103", "E104"]


async def test_a_supervisor_may_add_only_to_their_team(make_app):
    app = make_app(login="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        teams = [
            value
            for _label, value in app.screen.query_one("#f-team")._options
            if value is not app.screen.query_one("#f-team").NULL
        ]
        assert teams == ["客服一组"]


async def test_a_viewer_is_offered_no_changes(make_app):
    from cstui.tui.commands import binding_rows

    app = make_app(login="viewer")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        actions = {row.action for row in binding_rows(app.screen)}
        assert not actions & {"add", "edit", "deactivate", "import"}
        assert "focus_filter" in actions
        await pilot.press("a", "e", "i")
        assert type(app.screen).__name__ == "RosterScreen"


async def test_deactivate_after_confirmation(make_app, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        assert type(app.screen).__name__ == "ConfirmModal"
        await pilot.press("y")
        await settle(pilot)
        assert app.ctx.store.employee("E001").status == "inactive"
        assert app.screen.table.row(0)[8] == "inactive"


async def test_import_refused_lists_problems_and_keeps_the_path(make_app, tmp_path, settle):
    bad = tmp_path / "roster.csv"
    bad.write_text(
        "employee_id,name,team,role,hire_date\nE500,新人,kf2,agent,2026-02-30\nE501,,kf2,boss,2026-01-01\n",
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, RosterImport)
        app.screen.query_one("#import-path").value = str(bad)
        await pilot.press("enter")
        await settle(pilot)
        text = str(app.screen.query_one("#import-error-text").render())
        assert "roster.csv:2:hire_date" in text and "roster.csv:3:" in text
        assert app.screen.query_one("#import-path").value == str(bad)
        assert app.ctx.store.count_employees() == 11


async def test_import_adds_the_employees(make_app, tmp_path, settle):
    good = tmp_path / "roster.csv"
    good.write_text("employee_id,name,team,role,hire_date\nE500,新人,kf2,agent,2026-02-01\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        app.screen.query_one("#import-path").value = str(good)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "RosterScreen"
        assert "E500" in ids(app)


async def test_enter_opens_the_scorecard_and_h_the_history(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ScorecardScreen"
        assert app.screen.employee_id == "E002"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert type(app.screen).__name__ == "HistoryScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "RosterScreen"


async def test_a_read_only_database_is_reported_in_the_form(make_app, monkeypatch):
    import sqlite3

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        form = app.screen

        def refuse(*args, **kwargs):
            raise sqlite3.OperationalError("attempt to write a readonly database")

        monkeypatch.setattr(app.ctx.store, "update_employee", refuse)
        form.query_one("#f-name").value = "张大伟"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.is_running and app.screen is form
        assert "read-only" in str(form.query_one("#form-error").render())
        assert form.query_one("#f-name").value == "张大伟"


async def test_fixing_a_field_clears_its_error(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
        form = app.screen
        assert "required" in str(form.query_one("#err-name").render())
        form.query_one("#f-name").value = "新人"
        await pilot.pause()
        assert str(form.query_one("#err-name").render()) == ""
