"""Scorecard workflows driven by keys only, checked against the store."""

from __future__ import annotations

from cstui.store import Store
from cstui.tui.modals.conflict import ConflictModal
from cstui.tui.modals.unsaved import UnsavedModal
from cstui.tui.screens.scorecard import ScorecardScreen
from pilot_support import settle
from screens_support import screen_app


def scorecard(company_db, employee_id, **kwargs):
    return screen_app(company_db, lambda ctx: ScorecardScreen(ctx, employee_id), **kwargs)


def sup1_saves(company_db, changes: dict[str, str]) -> None:
    """sup1 saves E001's October card with ``changes``, through a second connection."""
    with Store.open(company_db, login="sup1", create=False) as other:
        card = other.scorecard("E001", "2026-10")
        other.save_scorecard("E001", "2026-10", card.values | changes, card.version)


def stored(company_db, employee_id, month="2026-10"):
    with Store.open(company_db, login="admin", create=False) as store:
        return store.scorecard(employee_id, month)


async def test_enter_a_scorecard_and_save(company_db):
    app = scorecard(company_db, "E101", period="2026-11")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for text in ("90%", "0.85", "80", "75", "1"):
            await pilot.press(*text, "tab")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.screen.dirty
    card = stored(company_db, "E101", "2026-11")
    assert card.version == 1
    assert card.values == {
        "follow_up_rate": "90%",
        "satisfaction": "0.85",
        "handling": "80",
        "training": "75",
        "attendance": "1",
    }


async def test_an_invalid_value_is_shown_and_blocks_the_save(company_db):
    app = scorecard(company_db, "E101")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = stored(company_db, "E101")
        await pilot.press("ctrl+u", "6", "2", "ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#e-follow_up_rate").render())
        assert "rate" in error and "'62'" in error
        assert app.screen.dirty
    assert stored(company_db, "E101").values == before.values


async def test_score_and_trace_follow_the_typing(company_db):
    app = scorecard(company_db, "E001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        summary = app.screen.query_one("#live-summary")
        trace = app.screen.query_one("#live-trace")
        assert "Score: 81.87" in str(summary.render())
        await pilot.press("tab", "ctrl+u", *"60000")  # sales 60,000 of 50,000 → 120
        await settle(pilot)
        assert "Score: 120" in str(summary.render())
        assert "sales 60,000 / 50,000 = 120%" in str(trace.render())
        await pilot.press("ctrl+u", *"abc")  # invalid: shown, not scored, no crash
        await settle(pilot)
        assert "1 field(s) not valid" in str(summary.render())
        assert "expected an amount" in str(app.screen.query_one("#e-sales_actual").render())


async def test_assistant_adjustment_needs_a_reason(company_db):
    app = scorecard(company_db, "E003")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+u", *"-3", "tab", "ctrl+u")  # adjustment -3, reason cleared
        await settle(pilot)
        assert "needs a reason" in str(app.screen.query_one("#e-adjustment_reason").render())
        await pilot.press(*"late twice")
        await settle(pilot)
        assert str(app.screen.query_one("#e-adjustment_reason").render()) == ""
        assert "adjustment -3: late twice" in str(app.screen.query_one("#live-trace").render())


async def test_record_an_incident_then_undo_its_delete(company_db):
    app = scorecard(company_db, "E002")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"late", "enter")  # search, pick "late"
        await pilot.press("tab", *"4", "tab", "tab", *"traffic", "enter")  # points 4 → -4, note
        await settle(pilot)
        codes = [i.code for i in app.screen.incidents]
        assert codes == ["zero-complaints", "late"]
        late = app.screen.incidents[1]
        assert str(late.points) == "-4" and late.note == "traffic"
        assert "late at -4 → -4" in str(app.screen.query_one("#live-trace").render())
        table = app.screen.query_one("#sc-incidents")
        table.focus()
        await pilot.press("down", "x")  # delete the second row
        await settle(pilot)
        assert [i.code for i in stored(company_db, "E002").incidents] == ["zero-complaints"]
        await pilot.press("u")
        await settle(pilot)
        assert [i.code for i in app.screen.incidents] == ["zero-complaints", "late"]
    assert [i.code for i in stored(company_db, "E002").incidents] == ["zero-complaints", "late"]


async def test_in_chinese_an_incident_reads_by_its_label(company_db):
    app = scorecard(company_db, "E002", lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        entries = {e.code: e for e in app.screen.entries}
        table = app.screen.query_one("#sc-incidents")
        assert [str(table.get_row_at(0)[1])] == [entries["zero-complaints"].label_zh]
        await pilot.press("ctrl+n", *"late", "enter", "tab", *"4", "ctrl+s")
        await settle(pilot)
        late = str(table.get_row_at(1)[1])
        assert late == entries["late"].label_zh or (
            late.endswith("…") and entries["late"].label_zh.startswith(late[:-1])
        )
        assert "late" not in late and entries["late"].label_zh in [n.message for n in app._notifications][-1]
    english = scorecard(company_db, "E002")
    async with english.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert str(english.screen.query_one("#sc-incidents").get_row_at(0)[1]) == "zero-complaints"


async def test_points_outside_the_range_are_refused(company_db):
    app = scorecard(company_db, "E002")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", *"late", "enter", "tab", *"9", "ctrl+s")
        await settle(pilot)
        assert "outside -5..-2" in str(app.screen.query_one("#incident-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert [i.code for i in app.screen.incidents] == ["zero-complaints"]


async def test_conflicting_save_shows_who_and_does_not_overwrite(company_db, monkeypatch):
    import cstui.store.cards as cards

    monkeypatch.setattr(cards, "now", lambda: "2026-11-15T09:30:00")
    app = scorecard(company_db, "E001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sup1_saves(company_db, {"sales_actual": "70000"})
        await pilot.press("tab", "ctrl+u", *"99999", "ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConflictModal)
        who = str(modal.query_one("#conflict-who").render())
        assert "sup1" in who and "2026-11-15T09:30:00" in who
        assert "version 2; you started from 1" in who  # theirs, and the one this screen loaded
        assert stored(company_db, "E001").values["sales_actual"] == "70000"
        await pilot.press("r")  # reload theirs
        await settle(pilot)
        assert app.screen.query_one("#m-sales_actual").value == "70000"
        assert not app.screen.dirty


async def test_keep_mine_then_save_replaces_theirs_knowingly(company_db):
    app = scorecard(company_db, "E001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sup1_saves(company_db, {"sales_actual": "70000"})
        await pilot.press("tab", "ctrl+u", *"99999", "ctrl+s")
        await settle(pilot)
        await pilot.press("k", "ctrl+s")
        await settle(pilot)
    assert stored(company_db, "E001").values["sales_actual"] == "99999"


async def test_leaving_with_changes_asks_and_can_save(company_db):
    app = scorecard(company_db, "E001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+u", *"55000", "escape")
        await settle(pilot)
        assert isinstance(app.screen, UnsavedModal)
        await pilot.press("escape")  # stay
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        await pilot.press("escape", "s")
        await settle(pilot)
        assert not isinstance(app.screen, (ScorecardScreen, UnsavedModal))
    assert stored(company_db, "E001").values["sales_target"] == "55000"


async def test_leaving_and_discarding_keeps_the_store_unchanged(company_db):
    before = stored(company_db, "E001")
    app = scorecard(company_db, "E001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+u", *"55000", "escape", "d")
        await settle(pilot)
        assert not isinstance(app.screen, ScorecardScreen)
    assert stored(company_db, "E001").values == before.values


async def test_a_viewer_sees_no_save_and_cannot_type(company_db):
    app = scorecard(company_db, "E001", login="viewer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert not screen.editable
        assert all(field.disabled for field in screen.query("Input"))
        assert "save" not in {b.binding.action for b in screen.active_bindings.values()}
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert stored(company_db, "E001").version == 1


async def test_edits_of_different_fields_merge_and_save(company_db):
    """Someone saved the sales; I changed the target: both stay, saved, and I am told whose."""
    app = scorecard(company_db, "E001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sup1_saves(company_db, {"sales_actual": "70000"})
        await pilot.press("ctrl+u", *"65000", "ctrl+s")  # the target
        await settle(pilot)
        assert not isinstance(app.screen, ConflictModal)
        assert any("sup1 saved first" in n.message and "merged" in n.message for n in app._notifications)
        assert not app.screen.dirty
    card = stored(company_db, "E001")
    assert (card.values["sales_target"], card.values["sales_actual"], card.version) == ("65000", "70000", 3)


async def test_keep_mine_keeps_their_change_to_another_field(company_db):
    """Both changed the sales (asked; I keep mine), they also changed the target: theirs stays."""
    app = scorecard(company_db, "E001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sup1_saves(company_db, {"sales_actual": "70000", "sales_target": "61000"})
        await pilot.press("tab", "ctrl+u", *"99999", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("k", "ctrl+s")
        await settle(pilot)
    card = stored(company_db, "E001")
    assert (card.values["sales_target"], card.values["sales_actual"]) == ("61000", "99999")


async def test_an_open_card_learns_that_someone_else_saved_it(company_db):
    app = scorecard(company_db, "E001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sup1_saves(company_db, {"sales_actual": "70000"})
        app.screen._watch_card()  # what the screen's timer does every few seconds
        await settle(pilot)
        assert app.screen.query_one("#m-sales_actual").value == "70000"  # untouched: shown at once
        assert any("sup1 saved this card" in n.message for n in app._notifications)
        await pilot.press("ctrl+u", *"65000")  # now editing the target
        sup1_saves(company_db, {"sales_actual": "71000"})
        app.screen._watch_card()
        await settle(pilot)
        assert app.screen.query_one("#m-sales_target").value == "65000"  # my typing is kept
        assert any("while you edit it" in n.message for n in app._notifications)
