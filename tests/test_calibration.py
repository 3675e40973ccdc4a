"""Calibration (issue 11 item 3): each rater's figures against the rest, on hand-computed sets."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.calibration import FLAG_Z_DEFAULT, Touch, calibrate, compare, flag_z_of, sample, t_quantile
from cstui.cli import cli
from cstui.domain import Employee, Incident, Period, Result
from cstui.schemes import SchemeError, load_scheme
from cstui.store import Store

P4 = Decimal("0.0001")


def q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(P4)


def result(employee_id: str, score: str | None, grade: str | None, decision: str = "none") -> Result:
    return Result(
        employee_id,
        employee_id,
        "T1",
        Period.parse("2026-10"),
        "s",
        "1",
        None if score is None else Decimal(score),
        grade,
        None,
        None,
        None,
        decision,
        None,
    )


# The hand-computed set. Scores: e1..e3 = 70, 72, 74 (grade C), e4..e7 = 80, 82, 84, 86 (B);
# e8 has no score (a missing card). li saved e1..e3's cards (adjustments +2 on e1, -1 on e2);
# wu saved e4..e8's; ma recorded incidents on e1 (5 points) and e4 (10 points).
RESULTS = [
    result("e1", "70", "C"),
    result("e2", "72", "C"),
    result("e3", "74", "C"),
    result("e4", "80", "B"),
    result("e5", "82", "B"),
    result("e6", "84", "B"),
    result("e7", "86", "B"),
    result("e8", None, None, "missing"),
]
TOUCHES = [
    Touch("li", "e1", adjustment=Decimal(2)),
    Touch("li", "e2", adjustment=Decimal(-1)),
    Touch("li", "e3"),
    *(Touch("wu", e) for e in ("e4", "e5", "e6", "e7", "e8")),
    Touch("ma", "e1", deduction=Decimal(5)),
    Touch("ma", "e4", deduction=Decimal(10)),
    Touch("li", "x9", adjustment=Decimal(5)),  # not on this scheme: ignored
]


@pytest.fixture(scope="module")
def hand():
    department, grades, rows = calibrate(RESULTS, TOUCHES, FLAG_Z_DEFAULT)
    return department, grades, {row.rater: row for row in rows}, [row.rater for row in rows]


def test_department_figures(hand):
    department, grades, _, _ = hand
    # 7 scores, sum 548: mean 548/7 = 78.285714...; sum of squares 43136 - 548^2/7 = 1648/7,
    # variance 1648/42 = 39.238095..., sd 6.264032
    assert (department.n, q(department.mean), q(department.sd)) == (7, Decimal("78.2857"), Decimal("6.2640"))
    assert {k: q(v) for k, v in grades.items()} == {"B": Decimal("0.5714"), "C": Decimal("0.4286")}  # 4/7, 3/7


def test_a_harsh_rater(hand):
    li = hand[2]["li"]
    # li: 70, 72, 74: mean 72, deviations -2, 0, 2: variance 8/2 = 4, sd 2.
    assert (li.people, li.scores.n, li.scores.mean, li.scores.sd) == (3, 3, Decimal(72), Decimal(2))
    # the rest (wu's four, 80..86): mean 83, variance (9+1+1+9)/3 = 20/3
    assert (li.rest.n, li.rest.mean, q(li.rest.sd)) == (4, Decimal(83), Decimal("2.5820"))
    # difference 72 - 83 = -11; SE^2 = 4/3 + (20/3)/4 = 3, SE = 1.7320508; z = -11 / SE = -6.350853
    # Welch df = 3^2 / ((4/3)^2/2 + (5/3)^2/3) = 243/49 = 4.959184; t(0.975, df) = 2.576958
    # (between the table's 2.7764 at df 4 and 2.5706 at df 5); half-width 2.576958 x 1.7320508 = 4.463423
    c = li.comparison
    assert (c.difference, q(c.z), q(c.df)) == (Decimal(-11), Decimal("-6.3509"), Decimal("4.9592"))
    assert (q(c.ci_low), q(c.ci_high)) == (Decimal("-15.4634"), Decimal("-6.5366"))
    assert li.flag == "harsh"
    assert li.grades == {"C": Decimal(1)} and li.decisions == {"none": Decimal(1)}
    assert (li.adjustments, li.adjustment_total, li.deductions, li.deductions_per_person) == (
        2,
        Decimal(1),
        Decimal(0),
        Decimal(0),
    )


def test_a_lenient_rater_with_an_unscored_person(hand):
    wu = hand[2]["wu"]
    # five people rated, four scored (e8 has no card): mean 83, sd sqrt(20/3) = 2.581989
    assert (wu.people, wu.scores.n, wu.scores.mean, q(wu.scores.sd)) == (5, 4, Decimal(83), Decimal("2.5820"))
    assert (wu.comparison.difference, q(wu.comparison.z), wu.flag) == (Decimal(11), Decimal("6.3509"), "lenient")
    assert wu.grades == {"B": Decimal(1)}  # shares of the people with a grade
    assert wu.decisions == {"missing": Decimal("0.2"), "none": Decimal("0.8")}


def test_a_rater_of_incidents_only_within_the_threshold(hand):
    ma = hand[2]["ma"]
    # ma: e1 70, e4 80: mean 75, variance 50, sd 7.0711; rest 72, 74, 82, 84, 86: mean 79.6,
    # variance (57.76 + 31.36 + 5.76 + 19.36 + 40.96)/4 = 38.8. Difference -4.6;
    # SE^2 = 50/2 + 38.8/5 = 32.76, SE = 5.723635; z = -0.803685 (|z| < 2: no flag)
    assert (ma.people, ma.scores.mean, q(ma.scores.sd)) == (2, Decimal(75), Decimal("7.0711"))
    assert (ma.rest.n, ma.rest.mean, q(ma.rest.sd)) == (5, Decimal("79.6"), Decimal("6.2290"))
    assert (ma.comparison.difference, q(ma.comparison.z), ma.flag) == (Decimal("-4.6"), Decimal("-0.8037"), "")
    # df = 32.76^2 / (25^2/1 + 7.76^2/4) = 1073.2176 / 640.0544 = 1.676760
    assert q(ma.comparison.df) == Decimal("1.6768")
    assert (ma.deductions, ma.deductions_per_person, ma.adjustments) == (Decimal(15), Decimal("7.5"), 0)


def test_raters_run_harshest_first(hand):
    assert hand[3] == ["li", "ma", "wu"]


def test_the_threshold_decides_the_flag():
    _, _, rows = calibrate(RESULTS, TOUCHES, Decimal("6.36"))  # |z| = 6.3509 is below it
    assert [row.flag for row in rows] == ["", "", ""]
    _, _, rows = calibrate(RESULTS, TOUCHES, Decimal("0.8"))  # ma's |z| = 0.8037 reaches it
    assert [row.flag for row in rows] == ["harsh", "harsh", "lenient"]


def test_too_few_scores_give_no_interval():
    assert sample([]).mean is None
    one = sample([Decimal(70)])
    assert (one.n, one.mean, one.sd) == (1, Decimal(70), None)
    c = compare(one, sample([Decimal(80), Decimal(90)]))
    assert (c.difference, c.ci_low, c.z) == (Decimal(-15), None, None)
    flat = compare(sample([Decimal(80), Decimal(80)]), sample([Decimal(90), Decimal(90)]))
    assert (flat.difference, flat.z) == (Decimal(-10), None)  # no spread anywhere: nothing to measure by


@pytest.mark.parametrize(
    "df, table",
    [(1, "12.7062"), (2, "4.3027"), (4, "2.7764"), (5, "2.5706"), (10, "2.2281"), (30, "2.0423"), (10**6, "1.9600")],
)
def test_t_quantiles_match_the_printed_table(df, table):
    assert Decimal(f"{t_quantile(0.975, df):.4f}") == Decimal(table)


@settings(max_examples=200)
@given(
    st.lists(st.decimals(min_value=0, max_value=110, places=2), min_size=2, max_size=12),
    st.lists(st.decimals(min_value=0, max_value=110, places=2), min_size=2, max_size=12),
)
def test_z_and_the_interval_agree(mine, rest):
    """The interval excludes 0 exactly when |z| exceeds the t quantile: both come from one SE."""
    c = compare(sample(mine), sample(rest))
    if c.z is None:
        return
    assert c.ci_low <= c.difference <= c.ci_high
    t = Decimal(f"{t_quantile(0.975, float(c.df)):.9f}")
    if abs(c.z) > t + Decimal("1e-6"):
        assert c.ci_low > 0 or c.ci_high < 0
    elif abs(c.z) < t - Decimal("1e-6"):
        assert c.ci_low < 0 < c.ci_high


# -- the scheme's threshold -----------------------------------------------------------------


def variant(tmp_path, body: str):
    path = tmp_path / "calibrated.toml"
    path.write_text(f'name = "calibrated"\nextends = "assistant-class"\n{body}', encoding="utf-8")
    return path


def test_a_scheme_sets_flag_z(tmp_path):
    assert flag_z_of(load_scheme("assistant-class")) == FLAG_Z_DEFAULT
    assert flag_z_of(load_scheme(str(variant(tmp_path, "[calibration]\nflag_z = 3.5\n")))) == Decimal("3.5")


def test_a_wrong_flag_z_is_refused(tmp_path):
    with pytest.raises(SchemeError, match="calibration.flag_z: expected a number"):
        load_scheme(str(variant(tmp_path, '[calibration]\nflag_z = "high"\n')))
    with pytest.raises(SchemeError, match="calibration.flag_zz"):
        load_scheme(str(variant(tmp_path, "[calibration]\nflag_zz = 2\n")))
    from cstui.errors import InvalidData

    with pytest.raises(InvalidData, match="above 0"):
        flag_z_of(load_scheme(str(variant(tmp_path, "[calibration]\nflag_z = 0\n"))))


# -- end to end: a store, two supervisors, the CLI ------------------------------------------


@pytest.fixture
def company(tmp_path):
    """T1 (supervisor li) and T2 (supervisor wu), three assistant-class assistants each; li's
    adjustments and one incident give 75, 77, 79; wu's adjustments give 85, 83, 81 (2026-10)."""
    path = tmp_path / "company.db"
    with Store.open(path, login="alice", create=True) as admin:
        for team in ("T1", "T2"):
            admin.add_team(team, team)
            for i in (1, 2, 3):
                admin.add_employee(
                    Employee(
                        f"{team}-{i}",
                        f"员工{team}{i}",
                        team,
                        "assistant",
                        date(2025, 1, 1),
                        scheme="assistant-class",
                        level="class-3",
                    )
                )
        admin.add_user("li", "supervisor", ["T1"])
        admin.add_user("wu", "supervisor", ["T2"])
        admin.add_user("boss", "manager")
    for login, team, adjustments in (("li", "T1", ("-1", "-3", "-1")), ("wu", "T2", ("5", "3", "1"))):
        with Store.open(path, login=login) as store:
            for i, adjustment in zip((1, 2, 3), adjustments):
                store.save_scorecard(
                    f"{team}-{i}", "2026-10", {"adjustment": adjustment, "adjustment_reason": "calibration test"}, 0
                )
    with Store.open(path, login="li") as store:
        store.add_incident(Incident("T1-1", date(2026, 10, 5), "late", 1, Decimal(-4), "迟到"))
    return path


def run_as(monkeypatch, path, login, *args):
    from cstui.store import identity

    monkeypatch.setattr(identity, "os_login", lambda: login)
    return CliRunner().invoke(cli, ["--db", str(path), "calibration", "--period", "2026-10", *args])


def test_a_manager_sees_every_rater_compared(company, monkeypatch):
    result = run_as(monkeypatch, company, "boss", "--scheme", "assistant-class", "--format", "json")
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    raters = {r["rater"]: r for r in report["raters"]}
    assert sorted(raters) == ["li", "wu"]
    li, wu = raters["li"], raters["wu"]
    # li: 75 (80 - 1 adjustment - 4 late), 77, 79: mean 77, sd 2; wu: 85, 83, 81: mean 83, sd 2.
    # difference -6; SE^2 = 4/3 + 4/3 = 8/3, SE = 1.632993; z = -3.674235; df = (8/3)^2 / (2 (4/3)^2 / 2) = 4;
    # t(0.975, 4) = 2.776445; half-width 4.533916
    assert (li["people"], li["mean"], li["sd"], li["difference"], li["z"]) == (3, 77, 2, -6, -3.6742)
    assert (li["ci_low"], li["ci_high"], li["flag"]) == (-10.5339, -1.4661, "harsh")
    assert (li["deductions"], li["deductions_per_person"], li["adjustments"], li["adjustment_total"]) == (
        4,
        1.3333,
        3,
        -5,
    )
    assert li["grades"] == {"C": 1} and wu["grades"] == {"B": 1}
    assert (wu["mean"], wu["z"], wu["flag"], wu["adjustment_total"], wu["deductions"]) == (83, 3.6742, "lenient", 9, 0)
    assert (report["harshest"], report["most_lenient"]) == ("li", "wu")
    # the department: 75, 77, 79, 81, 83, 85: mean 80, squares 2 (25 + 9 + 1) = 70, variance 70/5 = 14
    assert report["department"] == {"scored": 6, "mean": 80, "sd": 3.7417, "grades": {"B": 0.5, "C": 0.5}}


def test_a_supervisor_sees_only_their_teams_raters(company, monkeypatch):
    result = run_as(monkeypatch, company, "li", "--format", "json")
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert [r["rater"] for r in report["raters"]] == ["li"]
    assert report["department"]["scored"] == 3  # the rest is what li may read: nobody
    assert report["raters"][0]["difference"] is None and "wu" not in result.output


def test_the_table_and_csv_name_the_figures(company, monkeypatch):
    table = run_as(monkeypatch, company, "boss", "--scheme", "assistant-class")
    assert table.exit_code == 0, table.output
    assert "harshest: li: mean 77.00, -6.00 [-10.53, -1.47] from the rest, z -3.67" in table.output
    assert "most lenient: wu: mean 83.00" in table.output
    assert "flagged at |z| >= 2.0" in table.output
    csv_out = run_as(monkeypatch, company, "boss", "--scheme", "assistant-class", "--format", "csv")
    assert csv_out.exit_code == 0, csv_out.output
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("scheme,period,rater,people,scored,mean,sd,grades")
    assert lines[1].startswith("assistant-class,2026-10,li,3,3,77,2,C 100.0%,")


def test_a_closed_period_reports_the_recorded_results(company, monkeypatch):
    assert run_as(monkeypatch, company, "boss").exit_code == 0
    from cstui.store import identity

    monkeypatch.setattr(identity, "os_login", lambda: "alice")
    applied = CliRunner().invoke(
        cli, ["--db", str(company), "--scheme", "assistant-class", "--period", "2026-10", "--apply", "--format", "csv"]
    )
    assert applied.exit_code == 0, applied.output
    with Store.open(company, login="alice") as store:
        store.close_period("2026-10")
    result = run_as(monkeypatch, company, "boss", "--format", "json")
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert {r["rater"]: r["mean"] for r in report["raters"]} == {"li": 77, "wu": 83}


def test_bad_input_is_one_line_not_a_traceback(company, monkeypatch):
    result = run_as(monkeypatch, company, "boss", "--scheme", "no-such-scheme")
    assert result.exit_code == 3 and "Traceback" not in result.output
    result = run_as(monkeypatch, company, "boss", "--period", "2026-13")
    assert result.exit_code != 0 and "Traceback" not in result.output
