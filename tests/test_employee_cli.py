"""``cstui employee assign|timeline`` and ``cstui place`` (issue 12)."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Employee
from cstui.store import Store

RATED = ("courtesy", "teamwork", "responsibility", "discipline", "service", "skills")
# seed 000 l.684-701: hard items 8 points (bachelor 3, 2 years 2, 3 certificates), the form 81.34
# rated: 8 / 20 × 25 + 81.34 × 0.75 = 71.005 → 助理二级 (71-80)
FORM = ["education=bachelor", "experience_years=2", "post=none", "certificates=3", *(f"{k}=81.34" for k in RATED)]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "company.db"
    with Store.open(path, create=True) as store:
        store.add_employee(
            Employee("E1", "王芳", "T1", "agent", date(2024, 1, 5), scheme="star-levels", level="2-star")
        )
        store.add_employee(Employee("H1", "新员工", "物业前台", "agent", date(2026, 3, 9), scheme="placement"))
    return path


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def test_employee_assign_and_timeline(db):
    result = run(db, "employee", "assign", "E1", "--scheme", "five-tier", "--since", "2026-07", "--level", "senior")
    assert result.exit_code == 0, result.output
    assert "E1: on five-tier from 2026-07 at senior (now: five-tier)" in result.output
    shown = run(db, "employee", "timeline", "E1").output
    assert "(from the start)" in shown and "star-levels" in shown and "2026-07" in shown and "senior" in shown


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (
            ("--scheme", "five-tier", "--since", "2026-07", "--level", "3-star"),
            3,
            "level '3-star' is not on scheme five-tier",
        ),
        (("--scheme", "gold", "--since", "2026-07"), 3, "gold"),
        (("--scheme", "five-tier", "--since", "July"), 3, "July"),
    ],
)
def test_employee_assign_refusals_are_one_line(db, args, code, said):
    result = run(db, "employee", "assign", "E1", *args)
    assert result.exit_code == code, result.output
    assert said in result.output and "Traceback" not in result.output


def test_place_shows_score_level_and_trace_and_applies_with_the_trace_audited(db):
    dry = run(db, "place", "H1", *(a for f in FORM for a in ("--set", f)))
    assert dry.exit_code == 0, dry.output
    assert "H1: score 71.005 → assistant-2" in dry.output and "0.75" in dry.output
    with Store.open(db) as store:
        assert store.employee("H1").level is None  # a dry run records nothing
    applied = run(db, "place", "H1", "--apply", *(a for f in FORM for a in ("--set", f)))
    assert applied.exit_code == 0, applied.output
    with Store.open(db) as store:
        assert (store.employee("H1").scheme, store.employee("H1").level) == ("placement", "assistant-2")
        assert [(a.since, a.level) for a in store.scheme_assignments("H1")] == [("2026-03", "assistant-2")]
        (entry,) = store.audit_log(entity="scheme_assignments")
        assert "placement form" in str(entry["after"]) and "0.75" in str(entry["after"])


def test_place_refuses_a_missing_field_an_unknown_field_and_a_score_that_places_no_one(db):
    missing = run(db, "place", "H1", "--set", "education=college")
    assert missing.exit_code == 3 and "experience_years" in missing.output
    unknown = run(db, "place", "H1", "--set", "height=170")
    assert unknown.exit_code == 3 and "--set height=170" in unknown.output
    low = [f.replace("81.34", "10") for f in FORM]
    result = run(db, "place", "H1", "--apply", *(a for f in low for a in ("--set", f)))
    assert result.exit_code == 3 and "places no level; nothing recorded" in result.output
    not_placement = run(db, "place", "H1", "--scheme", "star-levels", *(a for f in FORM for a in ("--set", f)))
    assert not_placement.exit_code == 3 and "not placement" in not_placement.output
