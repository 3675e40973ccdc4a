"""Roster import by keys: the modal's bar follows the rows checked with a real percentage."""

from __future__ import annotations

from cstui.tui.modals.roster_import import RosterImport
from pilot_support import settle

ROWS = 300


def write_roster(folder, rows: int = ROWS):
    lines = ["employee_id,name,team,role,hire_date,scheme,level"]
    lines += [f"N{i:04d},新员工{i},kf2,agent,2026-01-05,five-tier,junior" for i in range(rows)]
    (folder / "big.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


async def test_import_by_keys_shows_a_rising_percentage(make_app, tmp_path, monkeypatch):
    write_roster(tmp_path)
    monkeypatch.chdir(tmp_path)
    seen: list[tuple[int, int, float | None, str]] = []
    original = RosterImport.progressed

    def watch(self, name, done, total):
        original(self, name, done, total)
        bar = self.query_one("#import-progress")
        seen.append((done, total, bar.percentage, str(self.query_one("#import-status").render())))

    monkeypatch.setattr(RosterImport, "progressed", watch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i", *"big.csv", "enter")
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "RosterScreen"  # imported: the modal closed
        assert app.ctx.store.count_employees() == 11 + ROWS
    percentages = [p for _, _, p, _ in seen]
    assert percentages == sorted(percentages) and len(seen) > 50
    assert 0 < percentages[0] < 0.05 and percentages[-1] == 1.0
    assert "Checking big.csv: row 150 of about 300" in [s for _, _, _, s in seen][49]
    assert "saving" in seen[-1][3]


async def test_a_refused_import_hides_the_bar_and_lists_problems(make_app, tmp_path, monkeypatch):
    (tmp_path / "bad.csv").write_text(
        "employee_id,name,team,role,hire_date\nE9,x,kf2,agent,2026-13-01\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i", *"bad.csv", "enter")
        await settle(pilot)
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, RosterImport) and not modal.running
        assert not modal.query_one("#import-progress").display
        assert "bad.csv:2:hire_date" in str(modal.query_one("#import-error-text").render())


def test_import_modal_mid_import_snapshot(make_app, snap_compare, tmp_path, monkeypatch):
    write_roster(tmp_path)
    monkeypatch.chdir(tmp_path)

    async def half_checked(pilot):
        await pilot.press("i", *"big.csv")
        await settle(pilot)
        modal = pilot.app.screen
        modal.running = True  # as start() leaves it while the worker checks rows
        modal.query_one("#import-progress").display = True
        modal.progressed("big.csv", 120, 300)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=half_checked)


async def test_a_refused_import_lists_its_problems_in_chinese(make_app, tmp_path, monkeypatch):
    (tmp_path / "bad.csv").write_text(
        "employee_id,name,team,role,hire_date\nE9,x,kf2,boss,2026-13-01\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i", *"bad.csv", "enter")
        await settle(pilot)
        await settle(pilot)
        shown = str(app.screen.query_one("#import-error-text").render())
        assert "bad.csv:2:role：未知的岗位 'boss'" in shown and "bad.csv:2:hire_date：" in shown, shown
        assert "unknown" not in shown and "expected" not in shown
