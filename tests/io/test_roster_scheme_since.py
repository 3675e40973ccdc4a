"""Roster import's scheme_since column: a changed scheme from a month on is an assignment."""

from __future__ import annotations

import pytest

from cstui.domain import Period
from cstui.errors import InvalidData
from cstui.io.imports import import_roster, import_scorecards
from cstui.schemes import catalog
from cstui.store import PeriodClosed

ROSTER = "employee_id,name,team,role,hire_date,scheme,level,scheme_since\n"


def test_a_changed_scheme_with_a_since_month_records_an_assignment_once(store, write):
    path = write(
        "roster.csv",
        ROSTER
        + "E1,王芳,T1,agent,2024-01-05,five-tier,senior,2026-07\nE2,Li Lei,T1,agent,2024-02-05,star-levels,,2026-07\n",
    )
    assert (
        import_roster(store, path) == "roster.csv: 2 employees (0 new, 0 updated, 2 unchanged, 1 assigned from a month)"
    )
    assert [(a.since, a.scheme, a.level) for a in store.scheme_assignments("E1")] == [
        ("2024-01", "star-levels", "2-star"),
        ("2026-07", "five-tier", "senior"),
    ]
    assert (store.employee("E1").scheme, store.employee("E1").level) == ("five-tier", "senior")
    assert len(store.scheme_assignments("E2")) == 1  # already on star-levels in July: nothing restarts
    assert import_roster(store, path) == "roster.csv: 2 employees (0 new, 0 updated, 2 unchanged)"


def test_cards_of_the_months_before_still_import_under_the_old_scheme(store, write):
    import_roster(store, write("roster.csv", ROSTER + "E1,王芳,T1,agent,2024-01-05,five-tier,senior,2026-07\n"))
    star = catalog().get("star-levels")
    june = write("june.csv", "employee_id,sales_target,sales_actual\nE1,100,90\n")
    assert "1 new" in import_scorecards(store, june, Period.parse("2026-06"), star)
    with pytest.raises(InvalidData, match="on scheme"):
        import_scorecards(
            store,
            write("july.csv", "employee_id,sales_target,sales_actual\nE1,100,90\n"),
            Period.parse("2026-07"),
            star,
        )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("E1,王芳,T1,agent,2024-01-05,,,2026-07", "roster.csv:2:scheme_since: a scheme_since needs a scheme"),
        ("E1,王芳,T1,agent,2024-01-05,five-tier,,2026-Q3", "roster.csv:2:scheme_since: expected a month YYYY-MM"),
        (
            "E1,王芳,T1,agent,2024-01-05,five-tier,3-star,2026-07",
            "roster.csv:2:level: level '3-star' is not on scheme five-tier",
        ),
    ],
)
def test_bad_scheme_since_cells(store, write, line, expected):
    path = write("roster.csv", ROSTER + line + "\n")
    with pytest.raises(InvalidData) as excinfo:
        import_roster(store, path)
    assert excinfo.value.lines[0].startswith(str(path.parent / expected)), excinfo.value.lines


def test_a_since_month_in_a_closed_period_is_refused_and_nothing_is_written(store, write):
    store.close_period("2026-07")
    path = write(
        "roster.csv", ROSTER + "E2,Li Lei,T9,agent,2024-02-05,,,\nE1,王芳,T1,agent,2024-01-05,five-tier,,2026-07\n"
    )
    with pytest.raises(PeriodClosed, match="roster.csv:3:scheme_since: .*closed"):
        import_roster(store, path)
    assert store.employee("E2").team == "T1" and len(store.scheme_assignments("E1")) == 1
