"""Imports: every kind of bad cell, all-or-nothing, idempotence, encodings, XLSX, plugin readers."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from cstui.cli import cli
from cstui.domain import Period
from cstui.errors import InvalidData
from cstui.io.imports import MAX_PROBLEMS, import_incidents, import_roster, import_scorecards
from cstui.plugins import get_registry
from cstui.schemes import load_scheme
from cstui.store import PeriodClosed

OCT = Period.parse("2026-10")
STAR = "employee_id,sales_target,sales_actual\n"
FIVE = "employee_id,follow_up_rate,satisfaction,handling,training,attendance\n"


def problems(excinfo) -> list[str]:
    return excinfo.value.lines


def only_problem(call) -> str:
    with pytest.raises(InvalidData) as excinfo:
        call()
    assert len(problems(excinfo)) == 1, problems(excinfo)
    return problems(excinfo)[0]


# ------------------------------------------------------------------------------ roster


ROSTER = "employee_id,name,team,role,hire_date,scheme,level\n"


def test_roster_import_and_reimport(store, write):
    path = write("roster.csv", ROSTER + "N1,陈静,T3,agent,2026-01-15,star-levels,\nE1,王芳,T1,team-lead,2024-01-05,,\n")
    assert import_roster(store, path) == "roster.csv: 2 employees (1 new, 1 updated)"
    assert store.employee("N1").team == "T3"
    e1 = store.employee("E1")
    assert (e1.role, e1.scheme, e1.level) == ("team-lead", "star-levels", "2-star")  # empty cells keep stored values
    assert import_roster(store, path) == "roster.csv: 2 employees (0 new, 0 updated, 2 unchanged)"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("N1,陈静,T3,boss,2026-01-15,,", "roster.csv:2:role: unknown role 'boss'"),
        ("N1,陈静,T3,agent,2026/01/15,,", "roster.csv:2:hire_date: expected a date YYYY-MM-DD"),
        ("N1,陈静,T3,agent,2026-01-15,gold-stars,", "roster.csv:2:scheme: unknown scheme 'gold-stars'"),
        (
            "N1,陈静,T3,agent,2026-01-15,five-tier,3-star",
            "roster.csv:2:level: level '3-star' is not on scheme five-tier",
        ),
        ("N1,,T3,agent,2026-01-15,,", "roster.csv:2:name: required"),
        ("N1,陈静,T3,agent,2026-01-15,,1-star", "roster.csv:2:level: a level needs a scheme"),
        ("N1,陈静,T3,agent,2026-01-15,,,extra", "roster.csv:2:(extra cells): more cells than header columns"),
    ],
)
def test_roster_bad_cells(store, write, line, expected):
    path = write("roster.csv", ROSTER + line + "\n")
    assert only_problem(lambda: import_roster(store, path)).startswith(str(path.parent / expected))


def test_roster_header_problems(store, write):
    path = write("roster.csv", "employee_id,name,role,hire_date,grade\nN1,陈静,agent,2026-01-15,A\n")
    with pytest.raises(InvalidData) as excinfo:
        import_roster(store, path)
    lines = problems(excinfo)
    assert any(
        line.endswith(
            ":1:grade: unknown column; expected employee_id, name, team, role, hire_date, login, scheme, level, scheme_since"
        )
        for line in lines
    )
    assert any(line.endswith(":1:team: missing required column") for line in lines)


def test_roster_duplicate_id_and_nothing_written(store, write):
    path = write(
        "roster.csv", ROSTER + "N1,陈静,T3,agent,2026-01-15,,\nN2,a,T3,agent,2026-01-15,,\nN1,b,T3,agent,2026-01-15,,\n"
    )
    line = only_problem(lambda: import_roster(store, path))
    assert line.endswith("roster.csv:4:employee_id: employee 'N1' appears twice (also row 2)")
    assert store.count_employees() == 5


def test_roster_problems_are_capped(store, write):
    rows = "".join(f"N{i},x,T3,boss,2026-01-15,,\n" for i in range(MAX_PROBLEMS + 10))
    path = write("roster.csv", ROSTER + rows)
    with pytest.raises(InvalidData) as excinfo:
        import_roster(store, path)
    assert len(problems(excinfo)) == MAX_PROBLEMS and excinfo.value.more == 10
    assert "... and 10 more problems" in str(excinfo.value)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-8"])
def test_roster_encodings(store, write, encoding):
    path = write("roster.csv", ROSTER + "N1,欧阳娜娜,客服一组,agent,2026-01-15,star-levels,1-star\n", encoding)
    assert import_roster(store, path) == "roster.csv: 1 employee (1 new, 0 updated)"
    e = store.employee("N1")
    assert (e.name, e.team) == ("欧阳娜娜", "客服一组")


def test_roster_from_xlsx_with_date_cells(store, tmp_path):
    path = tmp_path / "roster.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["employee_id", "name", "team", "role", "hire_date", "scheme", "level"])
    ws.append([1001, "欧阳娜娜", "T3", "agent", datetime(2026, 1, 15), "star-levels", "1-star"])
    ws.append([None, None, None, None, None, None, None])
    ws.append(["1002", "Li", "T3", "agent", "2026-02-01", None, None])
    wb.save(path)
    assert import_roster(store, path) == "roster.xlsx: 2 employees (2 new, 0 updated)"
    assert store.employee("1001").hire_date == date(2026, 1, 15)


# ------------------------------------------------------------------------------ scorecards


def test_scorecards_are_normalised_and_reimport_changes_nothing(store, write):
    path = write("f.csv", FIVE + "F1,62%,0.9,80,75.5,98%\n")
    scheme = load_scheme("five-tier")
    assert (
        import_scorecards(store, path, OCT, scheme)
        == "f.csv: 1 scorecard for 2026-10 (five-tier): 1 new, 0 updated, 0 unchanged"
    )
    card = store.scorecard("F1", OCT)
    assert card.values == {
        "follow_up_rate": "0.62",
        "satisfaction": "0.9",
        "handling": "80",
        "training": "75.5",
        "attendance": "0.98",
    }
    audits = len(store.audit_log(limit=None))
    assert import_scorecards(store, path, OCT, scheme).endswith("0 new, 0 updated, 1 unchanged")
    assert len(store.audit_log(limit=None)) == audits
    changed = write("g.csv", FIVE + "F1,63%,0.9,80,75.5,98%\n")
    assert import_scorecards(store, changed, OCT, scheme).endswith("0 new, 1 updated, 0 unchanged")
    last = store.audit_log(limit=1, entity="scorecards")[0]  # the file's one entry: what it replaced
    assert last["action"] == "import-file" and last["key"] == f"g.csv/{OCT}"
    assert last["before"] == [["F1", str(OCT), card.values]]
    assert (last["after"]["file"], last["after"]["new"], last["after"]["changed"]) == ("g.csv", 0, 1)
    assert store.scorecard("F1", OCT).values["follow_up_rate"] == "0.63"


@pytest.mark.parametrize(
    ("scheme", "text", "expected"),
    [
        ("five-tier", FIVE + "F1,62,0.9,80,75,0.98\n", "2:follow_up_rate: expected a rate between 0 and 1"),
        (
            "ecommerce-kpi",
            "employee_id,conversion,unit_price_ratio,first_response_s,avg_response_s,satisfaction\n"
            "K1,0.5,1.2,-3,30,0.9\n",
            "2:first_response_s: expected non-negative seconds",
        ),
        (
            "star-levels",
            STAR + "E1,100000,12.345\n",
            "2:sales_actual: expected an amount in yuan with at most 2 decimals",
        ),
        ("star-levels", STAR + "X9,100000,90000\n", "2:employee_id: unknown employee 'X9'"),
        (
            "star-levels",
            STAR + "F1,100000,90000\n",
            "2:employee_id: employee F1 is on scheme five-tier, not star-levels",
        ),
        (
            "star-levels",
            STAR + "E1,100000,90000\nE1,100000,91000\n",
            "3:employee_id: employee 'E1' appears twice (also row 2)",
        ),
        ("star-levels", "employee_id,sales_target,sales_actual,bonus\nE1,1,1,1\n", "1:bonus: unknown column"),
        ("star-levels", "employee_id,sales_target\nE1,1\n", "1:sales_actual: missing required column"),
        ("star-levels", "employee_id,sales_target,sales_actual\n,1,1\n", "2:employee_id: required"),
    ],
)
def test_scorecard_bad_cells(store, write, scheme, text, expected):
    path = write("cards.csv", text)
    line = only_problem(lambda: import_scorecards(store, path, OCT, load_scheme(scheme)))
    assert line.startswith(f"{path}:{expected}"), line


def test_scorecards_all_or_nothing(store, write):
    path = write("cards.csv", STAR + "E1,100000,90000\nE2,100000,lots\n")
    line = only_problem(lambda: import_scorecards(store, path, OCT, load_scheme("star-levels")))
    assert ":3:sales_actual:" in line
    assert store.scorecard("E1", OCT).version == 0


def test_scorecards_row_numbers_are_file_lines(store, write):
    path = write("cards.csv", STAR + "E1,100000,90000\n\n\nE2,100000,x\n")
    assert ":5:sales_actual:" in only_problem(lambda: import_scorecards(store, path, OCT, load_scheme("star-levels")))


def test_partial_file_keeps_other_metrics(store, write):
    scheme = load_scheme("assistant-class")
    store.save_scorecard("A1", OCT, {"adjustment": "2", "adjustment_reason": "帮助同事", "a_followups": "5"}, 0)
    path = write("a.csv", "employee_id,a_followups,b_followups\nA1,12,14\n")
    import_scorecards(store, path, OCT, scheme)
    assert store.scorecard("A1", OCT).values == {
        "adjustment": "2",
        "adjustment_reason": "帮助同事",
        "a_followups": "12",
        "b_followups": "14",
    }


def test_scorecards_into_closed_period_are_refused(store, write):
    store.close_period(OCT)
    path = write("cards.csv", STAR + "E1,100000,90000\n")
    with pytest.raises(PeriodClosed):
        import_scorecards(store, path, OCT, load_scheme("star-levels"))


def test_scorecards_need_a_month(store, write):
    path = write("cards.csv", STAR + "E1,100000,90000\n")
    with pytest.raises(InvalidData, match="belong to a month"):
        import_scorecards(store, path, Period.parse("2026-Q4"), load_scheme("star-levels"))


def test_scorecards_from_xlsx_percent_cells(store, tmp_path):
    path = tmp_path / "cards.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["employee_id", "follow_up_rate", "satisfaction", "handling", "training", "attendance"])
    ws.append(["F1", 0.62, "90%", 80, 75.5, 0.98])
    ws["B2"].number_format = "0%"  # shows 62%, holds 0.62
    wb.save(path)
    import_scorecards(store, path, OCT, load_scheme("five-tier"))
    assert store.scorecard("F1", OCT).values == {
        "follow_up_rate": "0.62",
        "satisfaction": "0.9",
        "handling": "80",
        "training": "75.5",
        "attendance": "0.98",
    }


def test_scorecards_through_a_plugin_importer(store, tmp_path, monkeypatch):
    def tsv(path):
        lines = path.read_text(encoding="utf-8").splitlines()
        header = lines[0].split("\t")
        for number, line in enumerate(lines[1:], start=2):
            yield number, dict(zip(header, line.split("\t")))

    monkeypatch.setitem(get_registry().importers, "tsv", tsv)
    path = tmp_path / "cards.tsv"
    path.write_text("employee_id\tsales_target\tsales_actual\nE1\t100000\t90000\nE2\t100000\tbad\n", encoding="utf-8")
    line = only_problem(lambda: import_scorecards(store, path, OCT, load_scheme("star-levels"), fmt="tsv"))
    assert line.startswith(f"{path}:3:sales_actual:")
    path.write_text("employee_id\tsales_target\tsales_actual\nE1\t100000\t90000\n", encoding="utf-8")
    assert "1 new" in import_scorecards(store, path, OCT, load_scheme("star-levels"), fmt="tsv")
    with pytest.raises(InvalidData, match="unknown import format 'xml'"):
        import_scorecards(store, path, OCT, load_scheme("star-levels"), fmt="xml")


# ------------------------------------------------------------------------------ incidents


INCIDENTS = "employee_id,date,code,count,points,note\n"


def test_incidents_import_and_reimport_does_not_duplicate(store, write):
    path = write(
        "inc.csv",
        INCIDENTS
        + "A1,2026-10-03,late,1,-3,迟到10分钟\nA1,2026-10-09,cover-shift,2,,\nA1,2026-10-09,cover-shift,2,,\n",
    )
    assert import_incidents(store, path) == "inc.csv: 3 incidents (3 new, 0 already recorded)"
    assert import_incidents(store, path) == "inc.csv: 3 incidents (0 new, 3 already recorded)"
    stored = store.incidents("A1", OCT)
    assert len(stored) == 3
    late = next(i for i in stored if i.code == "late")
    assert (late.points, late.note) == (-3, "迟到10分钟")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A1,2026-10-03,napping,1,,", "2:code: unknown incident code 'napping'"),
        ("A1,2026-10-03,late,1,-9,", "2:points: -9 is outside -5..-2 for late"),
        ("A1,2026-10-03,late,1,3,", "2:points: 3 is outside -5..-2 for late (deductions are negative)"),
        ("A1,03/10/2026,late,1,,", "2:date: expected a date YYYY-MM-DD"),
        ("A1,2026-10-03,late,0,,", "2:count: expected 1 or more"),
        ("X9,2026-10-03,late,1,,", "2:employee_id: unknown employee 'X9'"),
        (
            "E1,2026-10-03,late,1,,",
            "2:employee_id: employee E1 is on scheme star-levels, which keeps no incident catalogue",
        ),
        ("A1,2026-10-03,zero-complaints,2,,", "2:count: zero-complaints may be recorded once a month"),
        ("A1,2026-10-03,sleeping-on-duty,1,-5,", "2:points: sleeping-on-duty is a dismissal-review flag"),
    ],
)
def test_incident_bad_cells(store, write, line, expected):
    path = write("inc.csv", INCIDENTS + line + "\n")
    result = only_problem(lambda: import_incidents(store, path))
    assert result.startswith(f"{path}:{expected}"), result
    assert store.incidents("A1", OCT) == []


# ------------------------------------------------------------------------------ the command line


def test_cli_import_errors_exit_3_with_file_row_column(db, write):
    path = write("cards.csv", STAR + "E1,100000,62%\n")
    result = CliRunner().invoke(
        cli, ["--db", str(db), "import", "scorecards", str(path), "--period", "2026-10", "--scheme", "star-levels"]
    )
    assert result.exit_code == 3
    assert f"cstui: {path}:2:sales_actual: expected an amount in yuan" in result.stderr


def test_cli_import_roster_summary(db, write):
    path = write("roster.csv", ROSTER + "N1,陈静,T3,agent,2026-01-15,,\n")
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "roster", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "roster.csv: 1 employee (1 new, 0 updated)\n"
