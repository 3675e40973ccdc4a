"""The shared apply path: applying month by month, then grading the next period from the
checkpoints, gives exactly what grading it from the full history gives."""

from __future__ import annotations

import random
from datetime import date

import pytest

from cstui.batch import run_batch
from cstui.domain import Employee, Incident, Period
from cstui.engine.model import TeamHistory
from cstui.grading import apply_period, graded_teams
from cstui.schemes import load_scheme
from cstui.store import PeriodClosed, Store

M = Period.parse
SCHEMES = ("star-levels", "five-tier", "assistant-class")
MONTHS = [M("2025-07").shift(i) for i in range(12)]  # 2025-07 .. 2026-06
LEVELS = {
    "star-levels": (None, "1-star", "3-star", "5-star"),
    "five-tier": ("junior", "intermediate", "senior"),
    "assistant-class": ("class-3", "class-2"),
}
CODES = ("late", "messy-desk", "cover-shift", "zero-complaints", "games-at-work")


def values(scheme: str, rnd: random.Random) -> dict[str, str]:
    if scheme == "star-levels":
        return {"sales_target": "100000", "sales_actual": str(rnd.choice((90000, 105000, 110000, 115000, 125000)))}
    if scheme == "five-tier":
        score = rnd.choice((45, 60, 72, 79, 81, 90))
        rate = f"{score / 100:.2f}"
        return {
            "follow_up_rate": rate,
            "satisfaction": rate,
            "handling": str(score),
            "training": str(score),
            "attendance": rate,
        }
    return {k: str(rnd.randint(5, 20)) for k in ("a_followups", "b_followups")} | {
        k: str(rnd.randint(2, 6)) for k in ("a_reports", "b_reports")
    }


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """Two teams per scheme of 6 employees, a year of scorecards with gaps, incidents for assistants."""
    path = tmp_path_factory.mktemp("grading") / "company.db"
    rnd = random.Random(7)
    with Store.open(path, login="boss", create=True) as store:
        employees, cards, incidents = [], [], []
        for s, scheme in enumerate(SCHEMES):
            for t in range(2):
                team = f"T{s}{t}"
                store.add_team(team, team)
                for i in range(6):
                    hired = date(rnd.choice((2022, 2024, 2025)), rnd.randint(1, 12), rnd.choice((1, 15)))
                    role = "assistant" if scheme == "assistant-class" else "agent"
                    employees.append(
                        Employee(
                            f"{team}-{i}",
                            f"员工{i}",
                            team,
                            role,
                            hired,
                            scheme=scheme,
                            level=rnd.choice(LEVELS[scheme]),
                        )
                    )
        store.import_roster(employees)
        for e in employees:
            for month in MONTHS:
                if rnd.random() < 0.9:
                    cards.append((e.id, month, values(e.scheme, rnd)))
                if e.scheme == "assistant-class" and rnd.random() < 0.4:
                    incidents.append(Incident(e.id, month.first_day, rnd.choice(CODES)))
        store.save_scorecards(cards)
        store.add_incidents(incidents)
    return path


def records(results) -> list[dict]:
    return sorted((r.as_record(explain=True) for r in results), key=lambda r: r["employee_id"])


def from_scratch(store, scheme, period) -> list[dict]:
    results = []
    for history in store.team_histories(scheme.name, period):
        assert history.checkpoint is None
        results.extend(scheme.model.grade(scheme, history, period))
    return records(results)


def resumed(store, scheme, period) -> tuple[list[dict], list[TeamHistory]]:
    results, histories = [], []
    for history, graded in graded_teams(store, scheme, period):
        histories.append(history)
        results.extend(graded)
    return records(results), histories


@pytest.mark.parametrize("name", SCHEMES)
def test_month_by_month_apply_then_the_next_period_equals_a_full_replay(company, tmp_path, name):
    path = tmp_path / "copy.db"
    path.write_bytes(company.read_bytes())
    scheme = load_scheme(name)
    with Store.open(path, login="boss") as store:
        for month in MONTHS[:-4]:  # applied up to 2026-02
            apply_period(store, scheme, month)
        for period in (M("2026-03"), M("2026-Q2")):
            got, histories = resumed(store, scheme, period)
            if scheme.model.checkpoint(scheme, histories[0], period.last_month) is not None:
                assert {str(h.checkpoint.month) for h in histories} == {"2026-02"}  # it did resume
            assert got == from_scratch(store, scheme, period)
        # applying the next month (through run_batch, as the CLI does) resumes and keeps resuming
        run_batch(store, scheme, M("2026-03"), output=tmp_path / "report.csv", apply=True)
        got, histories = resumed(store, scheme, M("2026-04"))
        assert got == from_scratch(store, scheme, M("2026-04"))
        assert got == records(r for r in _recorded_as_results(store, scheme, M("2026-04"), histories))


def _recorded_as_results(store, scheme, period, histories):
    # grading again from the same histories gives the same records: nothing was written by a dry run
    assert store.results(period, scheme=scheme.name) == []
    for history in histories:
        yield from scheme.model.grade(scheme, history, period)


def test_a_change_before_the_checkpoint_makes_the_next_grading_replay_that_team(company, tmp_path):
    path = tmp_path / "copy.db"
    path.write_bytes(company.read_bytes())
    scheme = load_scheme("star-levels")
    with Store.open(path, login="boss") as store:
        for month in MONTHS[:6]:
            apply_period(store, scheme, month)
        # the newest four checkpoints per team are kept (MONTHS[2..5]); a change in MONTHS[4]
        # drops T00's from MONTHS[4] on, so T00 resumes from MONTHS[3] and replays the rest
        store.save_scorecards([("T00-0", MONTHS[4], {"sales_target": "100000", "sales_actual": "200000"})])
        got, histories = resumed(store, scheme, MONTHS[6])
        assert {h.team: h.checkpoint.month if h.checkpoint else None for h in histories} == {
            "T00": MONTHS[3],
            "T01": MONTHS[5],
        }
        assert got == from_scratch(store, scheme, MONTHS[6])


def test_apply_records_results_and_checkpoints_together(company, tmp_path):
    path = tmp_path / "copy.db"
    path.write_bytes(company.read_bytes())
    scheme = load_scheme("five-tier")
    with Store.open(path, login="boss") as store:
        count = apply_period(store, scheme, M("2025-Q4"))
        assert count == len(store.results("2025-Q4", scheme="five-tier")) > 0
        assert [(c["team"], c["month"], c["fingerprint"]) for c in store.checkpoints("five-tier")] == [
            ("T10", "2025-12", scheme.fingerprint),
            ("T11", "2025-12", scheme.fingerprint),
        ]
        store.close_period("2026-01")
        with pytest.raises(PeriodClosed):
            apply_period(store, scheme, M("2026-01"))
        assert [c["month"] for c in store.checkpoints("five-tier")] == [
            "2025-12",
            "2025-12",
        ]  # nothing of the refused run
