"""Grade quotas in batch (issue 11 item 4): a team that breaks them is told on stderr after the
report with the exit status unchanged; an enforcing scheme moves grades down in the report and in
what --apply records, with the trace line."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Employee, Incident, Period
from cstui.store import Store

JUNE = Period.parse("2026-06")
BONUS = ("top-performer", "perfect-test", "cover-shift", "extra-work")
# employee → bonus incidents (+5 each on the base 80) or a late (-2): 100 A, 95 A, 90 B, 80 B, 78 C, 78 C
PLAN = {"E1": 4, "E2": 3, "E3": 2, "E4": 0, "E5": -1, "E6": -1}
CARD = {"a_followups": "10", "b_followups": "12", "a_reports": "3", "b_reports": "3"}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "company.db"
    roster = [
        Employee(i, f"Agent {i}", "T1", "assistant", date(2023, 3, 1), scheme="assistant-class", level="class-3")
        for i in PLAN
    ]
    incidents = []
    for i, plan in PLAN.items():
        if plan < 0:
            incidents.append(Incident(i, date(2026, 6, 3), "late", 1, None, ""))
        incidents.extend(Incident(i, date(2026, 6, 4 + k), BONUS[k], 1, None, "") for k in range(max(plan, 0)))
    with Store.open(path, create=True) as store:
        store.import_roster(roster)
        store.save_scorecards((e.id, JUNE, CARD) for e in roster)
        store.add_incidents(incidents)
    return path


def scheme_file(tmp_path, enforce: bool):
    path = tmp_path / f"quota-{enforce}.toml"
    path.write_text(
        'name = "assistant-class"\nextends = "assistant-class"\nversion = "q1"\n[distribution]\n'
        f'max = {{ A = 0.2 }}\nmin = {{ "D-F" = 0.1 }}\nenforce = {str(enforce).lower()}\n',
        encoding="utf-8",
    )
    return str(path)


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def test_the_team_is_as_planned(db):
    result = run(db, "--scheme", "assistant-class", "--period", "2026-06", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["employee_id"]: (r["score"], r["grade"]) for r in rows} == {
        "E1": (100, "A"),
        "E2": (95, "A"),
        "E3": (90, "B"),
        "E4": (80, "B"),
        "E5": (78, "C"),
        "E6": (78, "C"),
    }
    assert "distribution" not in result.stderr


def test_a_broken_quota_is_reported_after_the_report_and_exits_0(db, tmp_path):
    result = run(db, "--scheme", scheme_file(tmp_path, False), "--period", "2026-06", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [r["grade"] for r in json.loads(result.stdout)].count("A") == 2  # reported, not changed
    assert result.stderr.splitlines() == [
        "cstui: distribution: team T1: 2 of 6 graded A (33.3%), quota at most 20% A [assistant-class]",
        "cstui: distribution: team T1: 0 of 6 graded D-F (0%), quota at least 10% D-F [assistant-class]",
    ]


def test_an_enforced_quota_moves_the_lowest_ranked_in_the_report_and_in_apply(db, tmp_path):
    scheme = scheme_file(tmp_path, True)
    result = run(db, "--scheme", scheme, "--period", "2026-06", "--format", "json", "--explain")
    assert result.exit_code == 0, result.output
    rows = {r["employee_id"]: r for r in json.loads(result.stdout)}
    # 1 A of 6 allowed: E2 (rank 2) becomes B; 1 D-F needed: E5 and E6 tie at the bottom, both move
    assert {i: r["grade"] for i, r in rows.items()} == {
        "E1": "A",
        "E2": "B",
        "E3": "B",
        "E4": "B",
        "E5": "D",
        "E6": "D",
    }
    assert (
        "forced distribution: grade A → B: at most 20% A of the team (1 of 6 graded); rank 2 of 2 graded A"
        in rows["E2"]["trace"]
    )
    assert rows["E2"]["pay_delta"] == 150  # the pay float follows the score, not the grade
    assert result.stderr == ""
    applied = run(db, "--scheme", scheme, "--period", "2026-06", "--format", "csv", "--apply")
    assert applied.exit_code == 0, applied.output
    with Store.open(db) as store:
        recorded = {r["employee_id"]: (r["grade"], r["trace"]) for r in store.results(JUNE)}
    assert {i: g for i, (g, _) in recorded.items()} == {i: r["grade"] for i, r in rows.items()}
    assert any(line.startswith("forced distribution: grade C → D") for line in recorded["E6"][1])
