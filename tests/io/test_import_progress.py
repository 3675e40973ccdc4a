"""``on_progress(done, total)`` of the three imports: rises with the rows, ends at the row count,
stays quiet on stderr, and is called at most about once per percent."""

from __future__ import annotations

from cstui.domain import Period
from cstui.io.imports import import_incidents, import_roster, import_scorecards
from cstui.schemes import load_scheme

ROSTER = "employee_id,name,team,role,hire_date,scheme,level\n"


def roster_text(n: int) -> str:
    return ROSTER + "".join(f"N{i:04d},员工{i},T9,agent,2025-01-01,star-levels,1-star\n" for i in range(n))


def check_calls(calls: list[tuple[int, int]], rows: int) -> None:
    assert calls[-1] == (rows, rows)
    dones = [done for done, _ in calls]
    assert dones == sorted(dones) and len(set(dones)) == len(dones)
    assert all(0 < done <= total for done, total in calls)
    assert len(calls) <= 101


def test_roster_progress_reaches_every_row_and_keeps_stderr_quiet(store, write, capsys):
    calls: list[tuple[int, int]] = []
    summary = import_roster(store, write("r.csv", roster_text(250)), on_progress=lambda d, t: calls.append((d, t)))
    assert "250 employees" in summary
    check_calls(calls, 250)
    assert calls[0][1] == 250 and len(calls) > 50  # the estimate is known: real steps, not one jump
    assert capsys.readouterr().err == ""


def test_progress_true_still_draws_the_stderr_bar(store, write, capsys):
    import_roster(store, write("r.csv", roster_text(20)), progress=True, on_progress=lambda d, t: None)
    assert "100%" in capsys.readouterr().err


def test_roster_progress_is_reported_for_a_refused_file_too(store, write):
    calls: list[tuple[int, int]] = []
    bad = ROSTER + "N1,a,T9,agent,not-a-date,star-levels,1-star\nN2,b,T9,agent,2025-01-01,star-levels,1-star\n"
    try:
        import_roster(store, write("bad.csv", bad), on_progress=lambda d, t: calls.append((d, t)))
    except Exception:
        pass
    assert calls[-1] == (2, 2)


def test_scorecard_and_incident_imports_report_progress(store, write):
    cards, incidents = [], []
    text = "employee_id,sales_target,sales_actual\nE1,50000,60000\nE2,50000,40000\n"
    import_scorecards(
        store,
        write("c.csv", text),
        Period.parse("2026-10"),
        load_scheme("star-levels"),
        on_progress=lambda d, t: cards.append((d, t)),
    )
    check_calls(cards, 2)
    text = "employee_id,date,code\nA1,2026-10-03,late\nA1,2026-10-04,loud\nA1,2026-10-05,messy-desk\n"
    import_incidents(store, write("i.csv", text), on_progress=lambda d, t: incidents.append((d, t)))
    check_calls(incidents, 3)
