"""Every second-wave scheme through the real batch CLI (cstui --db X --scheme NAME --period P
--format json --explain): the store's card check lets the cards in, and the report carries the
decision and the trace the golden tests check through grade()."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Employee, Period
from cstui.schemes import load_scheme
from cstui.store import Store

OCT = Period.parse("2026-10")
FORM = {"courtesy": "80", "teamwork": "80", "responsibility": "80", "discipline": "80", "service": "80", "skills": "80"}
G_CARD = {"follow_up_rate": "0.85", "satisfaction": "0.85", "handling": "85", "training": "85", "attendance": "0.85"}

# scheme → [(employee, {month: card values})]
COMPANY = {
    "placement": [
        # doc 000: score 73.75 (hard 11/20 × 25 = 13.75, form 80 × 0.75 = 60) → 助理二级 (71-80)
        (
            Employee("P1", "新员工甲", "物业前台", "agent", date(2026, 10, 8), scheme="placement"),
            {
                OCT: {
                    "education": "bachelor",
                    "experience_years": "2",
                    "post": "front-desk",
                    "certificates": "2",
                    **FORM,
                }
            },
        ),
    ],
    "five-tier-g": [
        # doc 000: 6 complete months in post on 2026-10-01 → G1-G2; average 85 > 80 → G2
        (
            Employee("G1", "客服乙", "热线一组", "agent", date(2026, 4, 1), scheme="five-tier-g"),
            {Period.month(2026, m): G_CARD for m in (7, 8, 9)},
        ),
    ],
    "probation-test": [
        # doc 000: theory 80, practice 85, typing 40 → pass, regular pay from 2026-11
        (
            Employee("T1", "试用丙", "热线一组", "agent", date(2026, 9, 7), scheme="probation-test"),
            {OCT: {"theory": "80", "practice": "85", "typing": "40"}},
        ),
        (
            Employee("T2", "试用丁", "热线一组", "agent", date(2026, 9, 7), scheme="probation-test"),
            {OCT: {"theory": "79.5", "practice": "90", "typing": "45", "retry_date": "2026-10-20"}},
        ),
    ],
    "front-desk": [
        # doc 001 #2: 4 appearance violations (> 3) take all 5 points
        (
            Employee("F1", "前台戊", "物业前台", "agent", date(2024, 1, 1), scheme="front-desk"),
            {OCT: {"appearance_violations": "4", "discipline_lapses": "0", "service": "90", "satisfaction": "0.9"}},
        ),
    ],
    "plan-and-form": [
        (
            Employee("A1", "专员己", "电商客服组", "agent", date(2024, 1, 1), scheme="plan-and-form"),
            {
                OCT: {
                    "plan_completion": "0.9",
                    "service_self": "100",
                    "service": "80",
                    "attitude_self": "90",
                    "attitude": "90",
                    "knowledge_self": "70",
                    "knowledge": "75",
                }
            },
        ),
    ],
    "supervisor-kpi": [
        (
            Employee(
                "S1", "王主管", "热线一组", "supervisor", date(2020, 1, 1), scheme="supervisor-kpi", level="post-2"
            ),
            {
                OCT: {
                    "appearance_violations": "0",
                    "complaints": "5",
                    "complaint_lapses": "1",
                    "team_average": "90",
                    "suggestions": "80",
                }
            },
        ),
    ],
    "manager-kpi": [
        (
            Employee("M1", "李经理", "热线一组", "manager", date(2019, 1, 1), scheme="manager-kpi"),
            {
                OCT: {
                    "follow_up_rate": "1",
                    "complaint_lapses": "0",
                    "team_average": "85",
                    "training_hours": "10",
                    "conversion": "0.6",
                    "process": "80",
                }
            },
        ),
    ],
    "rank-streak": [
        (
            Employee(f"R{i}", f"电商{i}", "电商客服组", "agent", date(2025, 1, 1), scheme="rank-streak"),
            {
                Period.month(2026, m): {
                    "kpi_score": str(90 - 5 * i),
                    "conversion": "0.5",
                    "response_rate": "0.9",
                    "unit_price_ratio": "1.1",
                    "valid_complaints": "0",
                }
                for m in (8, 9, 10)
            },
        )
        for i in range(4)
    ],
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("second-wave") / "company.db"
    with Store.open(path, create=True) as store:
        store.import_roster([e for rows in COMPANY.values() for e, _ in rows])
        for scheme, rows in COMPANY.items():
            cards = [(e.id, month, values) for e, months in rows for month, values in months.items()]
            store.save_scorecards(cards, scheme=load_scheme(scheme))
    return path


def report(db, scheme: str, period: str = "2026-10") -> dict[str, dict]:
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--scheme", scheme, "--period", period, "--format", "json", "--explain"]
    )
    assert result.exit_code == 0, result.output
    return {r["employee_id"]: r for r in json.loads(result.stdout)}


def test_placement_places_the_hire_on_the_ladder(db):
    r = report(db, "placement")["P1"]
    assert (r["score"], r["decision"], r["level_before"], r["level_after"]) == (
        73.75,
        "placed",
        "unplaced",
        "assistant-2",
    )
    assert "hard items: 11 / 20 × 25 = 13.75" in r["trace"] and "score 73.75 >= 71, < 81 → assistant-2" in r["trace"]


def test_five_tier_g_enters_the_first_band_by_tenure(db):
    r = report(db, "five-tier-g", "2026-09")["G1"]
    assert (r["decision"], r["level_before"], r["level_after"]) == ("promote", "ungraded", "G2")
    assert any("6 months in post on 2026-10-01 (>= 6) → band G1-G2" in line for line in r["trace"])


def test_probation_test_passes_and_proposes_a_retry(db):
    rows = report(db, "probation-test")
    assert (rows["T1"]["decision"], rows["T1"]["level_after"]) == ("pass", "regular")
    assert "passed → regular, regular post pay from 2026-11" in rows["T1"]["trace"]
    assert (rows["T2"]["decision"], rows["T2"]["level_after"], rows["T2"]["flags"]) == (
        "retry",
        "probation",
        ["retry 2026-10-20"],
    )


def test_front_desk_appearance_item(db):
    r = report(db, "front-desk")["F1"]
    assert "Appearance: 4 violations > 3 → all 5 points lost → 0" in r["trace"]
    assert r["score"] == 0 + 10 + 40.5 + 36


def test_plan_and_form_blends_self_and_supervisor(db):
    r = report(db, "plan-and-form")["A1"]
    assert r["score"] == 86.7 and r["pay_delta"] == 200
    assert "Service attitude: self 100 × 20% + supervisor 80 × 80% = 84 × 15% = 12.6" in r["trace"]


def test_supervisor_kpi_pays_the_post_allowance(db):
    r = report(db, "supervisor-kpi")["S1"]
    assert (r["score"], r["pay_delta"], r["level_after"]) == (87, 1200, "post-2")
    assert "Team score 90 >= 90 → 20" in r["trace"]
    assert any(line.startswith("post allowance (post-2): +1000 yuan a month") for line in r["trace"])


def test_manager_kpi(db):
    r = report(db, "manager-kpi")["M1"]
    # follow-up 5 + handling 30 + department 85 → 10 + training 5 + conversion 60% → 10 + process 16
    assert r["score"] == 76 and r["pay_delta"] == 100


def test_rank_streak_promotes_the_top_three(db):
    rows = report(db, "rank-streak")
    assert [rows[f"R{i}"]["decision"] for i in range(4)] == ["promote", "promote", "promote", "stay"]
    assert [rows[f"R{i}"]["level_after"] for i in range(4)] == ["C", "C", "C", "D"]


def test_rank_streaks_level_now_is_the_boards(db):
    """rank-streak's runs read the team's ranks (team_relative): the level now (roster, history)
    comes from the team's grading, never from one person replayed alone (everyone first)."""
    from cstui.levels import CurrentLevels

    rows = report(db, "rank-streak")
    with Store.open(db) as store:
        levels = CurrentLevels(store, load_scheme)
        now = {f"R{i}": levels.one(store.employee(f"R{i}"), OCT) for i in range(4)}  # a roster row, a history
    assert [now[f"R{i}"] for i in range(4)] == [rows[f"R{i}"]["level_after"] for i in range(4)] == ["C", "C", "C", "D"]
