"""What if from the Schemes screen: a scheme file against the selected scheme, nothing written."""

from __future__ import annotations

import hashlib

import pytest
from textual.widgets import DataTable, Input, OptionList, Static

from cstui.domain import Period
from cstui.schemes import load_scheme
from cstui.store import Store
from cstui.tui.screens.whatif import WhatIfModal, WhatIfScreen
from cstui.whatif import whatif, whatif_periods
from pilot_support import settle

PROPOSAL = 'name = "star-levels"\nextends = "star-levels"\nversion = "acme-1"\n[review]\npromote_at = 130\ndemote_below = 130\n'


@pytest.fixture
def proposal(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text(PROPOSAL, encoding="utf-8")
    return path


async def open_modal(pilot, scheme: str = "star-levels") -> None:
    await pilot.press("3")
    await settle(pilot)
    screen = pilot.app.screen
    screen.query_one("#schemes-list", OptionList).highlighted = [s.name for s in screen.schemes].index(scheme)
    await pilot.pause()
    await pilot.press("w")
    await settle(pilot)


async def fill(pilot, file: str, period: str = "2026-10", first: str = "2026-05") -> None:
    modal = pilot.app.screen
    for name, value in (("file", file), ("period", period), ("from", first)):
        modal.query_one(f"#whatif-{name}", Input).value = value
    modal.query_one("#whatif-file", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_whatif_lists_the_same_changes_as_the_core_and_writes_nothing(make_app, company_db, proposal):
    before = hashlib.sha256(company_db.read_bytes()).hexdigest()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_modal(pilot)
        assert isinstance(app.screen, WhatIfModal)
        await fill(pilot, str(proposal))
        assert isinstance(app.screen, WhatIfScreen)
        shown = app.screen.query_one("#whatif-table", DataTable).row_count
    with Store.open(company_db, login="admin") as store:
        expected = whatif(
            store,
            load_scheme(str(proposal)),
            load_scheme("star-levels"),
            whatif_periods(Period.parse("2026-10"), Period.parse("2026-05")),
        )
    assert shown == len(expected.rows) > 0
    assert hashlib.sha256(company_db.read_bytes()).hexdigest() == before


async def test_a_bad_file_or_period_is_named_in_the_dialog(make_app, proposal, tmp_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_modal(pilot)
        await fill(pilot, str(tmp_path / "missing.toml"))
        assert isinstance(app.screen, WhatIfModal)
        assert "no such scheme file" in str(app.screen.query_one("#whatif-error", Static).render())
        await fill(pilot, str(proposal), period="2026-13")
        assert isinstance(app.screen, WhatIfModal)
        assert "2026-13" in str(app.screen.query_one("#whatif-error", Static).render())
        await open_modal_escape(pilot)


async def open_modal_escape(pilot) -> None:
    await pilot.press("escape")
    await settle(pilot)
    assert not isinstance(pilot.app.screen, WhatIfModal)


async def test_a_proposal_of_another_model_is_refused(make_app, proposal):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_modal(pilot, "five-tier")
        await fill(pilot, str(proposal))
        assert isinstance(app.screen, WhatIfModal)
        assert "model star-levels, proposed for five-tier" in str(
            app.screen.query_one("#whatif-error", Static).render()
        )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_whatif_screen_snapshot(make_app, snap_compare, proposal, lang):
    async def go(pilot):
        await open_modal(pilot)
        await fill(pilot, str(proposal))

    assert snap_compare(make_app(lang=lang), terminal_size=(80, 24), run_before=go)


async def test_keys_stay_live_while_it_grades(make_app, proposal, monkeypatch):
    """The comparison runs in a thread worker: while it grades, Esc closes the dialog, and the
    answer that comes later is dropped."""
    import threading

    started, release = threading.Event(), threading.Event()
    real = whatif

    def slow_whatif(*args, **kwargs):
        started.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr("cstui.tui.screens.whatif.whatif", slow_whatif)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_modal(pilot)
        modal = app.screen
        for name, value in (("file", str(proposal)), ("period", "2026-10"), ("from", "2026-10")):
            modal.query_one(f"#whatif-{name}", Input).value = value
        modal.query_one("#whatif-file", Input).focus()
        await pilot.press("enter")
        assert started.wait(10)
        assert "grading" in str(modal.query_one("#whatif-error", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (WhatIfModal, WhatIfScreen))  # answered while the worker waits
        release.set()
        await settle(pilot)
        assert not isinstance(app.screen, WhatIfScreen)
