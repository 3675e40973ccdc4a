"""The one card gate (issue 8) seen from its doors: the import CLI refuses every kind of card its
scheme refuses (exit 3, ``FILE:ROW:COLUMN: reason``, nothing written), and batch grading never falls
over on a bad card already stored (written by an older version or by hand with sqlite3): that one
employee is ``invalid`` with the reason, everyone else is graded and ranked, ``--apply`` records
nothing until the card is corrected."""

from __future__ import annotations

from datetime import date

import pytest

from cstui.domain import Employee, Incident
from cstui.store import Store
from gate_support import (
    MONTH,
    QUARTER,
    QUARTER_MONTHS,
    QUARTERLY,
    audit_count,
    build_company,
    csv_report,
    delete_card_behind_the_gate,
    expected_ranks,
    rows_of,
    run_cli,
    valid_card,
    write_card_behind_the_gate,
    write_incident_behind_the_gate,
    write_values_text_behind_the_gate,
)

STAR = "employee_id,sales_target,sales_actual\n"
FIVE = "employee_id,follow_up_rate,satisfaction,handling,training,attendance\n"
KPI = "employee_id,conversion,unit_price_ratio,first_response_s,avg_response_s,satisfaction\n"
INCIDENTS = "employee_id,date,code,count,points,note\n"
OCT = "2026-10"  # A1 has a stored card this month
NOV = "2026-11"  # nobody has a card yet


@pytest.fixture
def db(tmp_path):
    """E1, E2 (star-levels), A1 (assistant-class), F1 (five-tier), K1 (ecommerce-kpi); A1 has a stored October card."""
    path = tmp_path / "company.db"
    with Store.open(path, create=True) as store:
        store.import_roster(
            [
                Employee("E1", "王芳", "T1", "agent", date(2024, 1, 5), scheme="star-levels", level="2-star"),
                Employee("E2", "Li Lei", "T1", "agent", date(2024, 2, 5), scheme="star-levels", level="1-star"),
                Employee("A1", "赵敏", "T1", "assistant", date(2023, 6, 1), scheme="assistant-class", level="class-3"),
                Employee("F1", "周杰", "T2", "agent", date(2022, 6, 1), scheme="five-tier", level="junior"),
                Employee("K1", "孙丽", "T2", "agent", date(2022, 6, 1), scheme="ecommerce-kpi", level="junior"),
            ]
        )
        store.save_scorecard("A1", OCT, {"adjustment": "2", "adjustment_reason": "帮助同事", "a_followups": "5"}, 0)
    return path


def stored(db) -> tuple:
    """What a refused import must leave exactly as it was."""
    return rows_of(db, "scorecards"), rows_of(db, "incidents"), audit_count(db)


def refused_import(db, tmp_path, kind: str, text: str, *args: str) -> str:
    """Import ``text`` through the CLI: exit 3, nothing written; returns stderr."""
    path = tmp_path / "file.csv"
    path.write_text(text, encoding="utf-8")
    before = stored(db)
    result = run_cli(db, "import", kind, str(path), *args)
    assert result.exit_code == 3, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert stored(db) == before
    return result.stderr


# ------------------------------------------------------------------------------ scorecard imports

CARD_REFUSALS = [
    pytest.param("star-levels", STAR + "E1,0,90000\n", "2:sales_target:", "above 0", id="star-target-0"),
    pytest.param("star-levels", STAR + "E1,-100000,90000\n", "2:sales_target:", "above 0", id="star-target-negative"),
    pytest.param("star-levels", STAR + "E1,,90000\n", "2:sales_target:", "required", id="star-target-missing"),
    pytest.param("star-levels", STAR + "E1,100000,1E+28\n", "2:sales_actual:", "'1E+28'", id="star-actual-1E+28"),
    pytest.param(
        "assistant-class",
        "employee_id,adjustment\nA1,3\n",
        "2:adjustment_reason:",
        "needs a reason",
        id="adjustment-3-no-reason",
    ),
    pytest.param(
        "assistant-class",
        "employee_id,adjustment,adjustment_reason\nA1,3,\n",
        "2:adjustment_reason:",
        "needs a reason",
        id="adjustment-3-blank-reason",
    ),
    pytest.param(
        "assistant-class",
        "employee_id,adjustment,adjustment_reason\nA1,6,great month\n",
        "2:adjustment:",
        "-5..5",
        id="adjustment-6",
    ),
    pytest.param(
        "assistant-class", "employee_id,a_followups\nA1,1.5\n", "2:a_followups:", "whole count", id="count-1.5"
    ),
    pytest.param(
        "assistant-class",
        "employee_id,a_followups\nA1,1e9999999\n",
        "2:a_followups:",
        "'1e9999999'",
        id="count-1e9999999",
    ),
    pytest.param("assistant-class", "employee_id,b_reports\nA1,1E+28\n", "2:b_reports:", "'1E+28'", id="count-1E+28"),
    pytest.param("assistant-class", "employee_id,suggestions\nA1,NaN\n", "2:suggestions:", "'NaN'", id="count-NaN"),
    pytest.param("assistant-class", "employee_id,a_reports\nA1,inf\n", "2:a_reports:", "'inf'", id="count-inf"),
    pytest.param(
        "assistant-class",
        "employee_id,adjustment,adjustment_reason\nA1,NaN,x\n",
        "2:adjustment:",
        "'NaN'",
        id="adjustment-NaN",
    ),
    pytest.param("five-tier", FIVE + "F1,0.9,0.9,101,80,0.95\n", "2:handling:", "0 to 100", id="rating-101"),
    pytest.param("five-tier", FIVE + "F1,62,0.9,80,80,0.95\n", "2:follow_up_rate:", "'62'", id="rate-62-not-62%"),
    pytest.param("five-tier", FIVE + "F1,0.9,0.9,80,80,\n", "2:attendance:", "required", id="five-required-blank"),
    pytest.param(
        "ecommerce-kpi",
        KPI + "K1,0.5,1.2,-3,30,0.9\n",
        "2:first_response_s:",
        "non-negative seconds",
        id="seconds-negative",
    ),
    pytest.param("ecommerce-kpi", KPI + "K1,0.5,1.2,3,inf,0.9\n", "2:avg_response_s:", "'inf'", id="seconds-inf"),
]


@pytest.mark.parametrize(("scheme", "text", "where", "reason"), CARD_REFUSALS)
def test_import_refuses_a_card_its_scheme_refuses(db, tmp_path, scheme, text, where, reason):
    stderr = refused_import(db, tmp_path, "scorecards", text, "--period", NOV, "--scheme", scheme)
    lines = stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"cstui: {tmp_path / 'file.csv'}:{where} "), lines[0]
    assert reason in lines[0]


def test_one_bad_row_refuses_the_whole_file(db, tmp_path):
    stderr = refused_import(
        db, tmp_path, "scorecards", STAR + "E1,100000,90000\nE2,0,90000\n", "--period", OCT, "--scheme", "star-levels"
    )
    assert stderr.splitlines() == [f"cstui: {tmp_path / 'file.csv'}:3:sales_target: expected a target above 0, got 0"]
    refused = refused_import(
        db,
        tmp_path,
        "scorecards",
        STAR + "E1,100000,90000\nF1,100000,90000\n",
        "--period",
        OCT,
        "--scheme",
        "star-levels",
    )
    assert ":3:employee_id: employee F1 is on scheme five-tier, not star-levels" in refused


@pytest.mark.parametrize(
    ("text", "column", "reason"),
    [
        # the stored card has adjustment 2 with a reason: a file that empties the reason leaves +2 without one
        pytest.param(
            "employee_id,adjustment_reason,a_followups\nA1,,7\n",
            "adjustment_reason",
            "needs a reason",
            id="reason-emptied",
        ),
        # a file that empties the reason and the adjustment's sign alone does not: the stored +2 is still there
        pytest.param(
            "employee_id,adjustment_reason\nA1, \n",
            "adjustment_reason",
            "an adjustment of +2 needs a reason",
            id="reason-blanked",
        ),
    ],
)
def test_a_partial_file_is_judged_merged_with_the_stored_card(db, tmp_path, text, column, reason):
    stderr = refused_import(db, tmp_path, "scorecards", text, "--period", OCT, "--scheme", "assistant-class")
    assert stderr.startswith(f"cstui: {tmp_path / 'file.csv'}:2:{column}: "), stderr
    assert reason in stderr


def test_a_partial_file_that_merges_into_a_valid_card_is_accepted(db, tmp_path):
    """The control of the two refusals above: the stored reason covers a changed adjustment."""
    path = tmp_path / "file.csv"
    path.write_text("employee_id,adjustment,b_followups\nA1,-4,9\n", encoding="utf-8")
    result = run_cli(db, "import", "scorecards", str(path), "--period", OCT, "--scheme", "assistant-class")
    assert result.exit_code == 0, result.output
    with Store.open(db) as store:
        assert store.scorecard("A1", OCT).values == {
            "adjustment": "-4",
            "adjustment_reason": "帮助同事",
            "a_followups": "5",
            "b_followups": "9",
        }


def test_a_partial_file_over_a_bad_stored_value_is_refused_naming_that_field(db, tmp_path):
    """A card stored behind the gate (a count of 1.5) is not let through by a file without that column."""
    write_card_behind_the_gate(
        db, "A1", OCT, {"adjustment": "2", "adjustment_reason": "帮助同事", "a_followups": "1.5"}
    )
    stderr = refused_import(
        db, tmp_path, "scorecards", "employee_id,b_followups\nA1,3\n", "--period", OCT, "--scheme", "assistant-class"
    )
    assert stderr.splitlines() == [
        f"cstui: {tmp_path / 'file.csv'}:2:a_followups: expected a whole count (0, 1, 2 ...), got 1.5"
    ]


def test_a_file_whose_merge_with_a_bad_stored_card_is_still_bad_is_refused(db, tmp_path):
    """A card stored behind the gate (target 0) is not made acceptable by a file that leaves it as it is."""
    write_card_behind_the_gate(db, "E1", OCT, {"sales_target": "0", "sales_actual": "100"})
    stderr = refused_import(
        db, tmp_path, "scorecards", STAR + "E1,0,90000\n", "--period", OCT, "--scheme", "star-levels"
    )
    assert ":2:sales_target: expected a target above 0" in stderr


# ------------------------------------------------------------------------------ incident imports


@pytest.mark.parametrize(
    ("line", "where", "reason"),
    [
        pytest.param("A1,2026-10-03,napping,1,,", "2:code:", "unknown incident code 'napping'", id="unknown-code"),
        pytest.param("A1,2026-10-03,late,1,-9,", "2:points:", "-9 is outside -5..-2 for late", id="points-below-range"),
        pytest.param("A1,2026-10-03,late,1,-1,", "2:points:", "-1 is outside -5..-2 for late", id="points-above-range"),
        pytest.param("A1,2026-10-03,cover-shift,1,7,", "2:points:", "", id="bonus-points-not-its-own"),
        pytest.param("A1,2026-10-03,late,1,1e9999999,", "2:points:", "'1e9999999'", id="points-huge"),
        pytest.param("A1,2026-10-03,zero-complaints,2,,", "2:count:", "once a month", id="once-a-month-count-2"),
    ],
)
def test_import_refuses_a_bad_incident(db, tmp_path, line, where, reason):
    stderr = refused_import(db, tmp_path, "incidents", INCIDENTS + line + "\n")
    assert stderr.startswith(f"cstui: {tmp_path / 'file.csv'}:{where} "), stderr
    assert reason in stderr


def test_import_refuses_a_once_a_month_code_twice_in_a_file(db, tmp_path):
    text = INCIDENTS + "A1,2026-10-03,zero-complaints,1,,\nA1,2026-10-20,zero-complaints,1,,\n"
    stderr = refused_import(db, tmp_path, "incidents", text)
    assert "zero-complaints" in stderr and "once a month" in stderr


def test_import_refuses_a_once_a_month_code_already_recorded(db, tmp_path):
    with Store.open(db) as store:
        store.add_incident(Incident("A1", date(2026, 10, 3), "zero-complaints"))
    stderr = refused_import(db, tmp_path, "incidents", INCIDENTS + "A1,2026-10-21,zero-complaints,1,,\n")
    assert "zero-complaints" in stderr and "once a month" in stderr


@pytest.mark.parametrize("already_recorded", [False, True], ids=["twice-in-the-file", "once-stored-once-in-the-file"])
def test_once_a_month_twice_names_the_file_row_and_column(db, tmp_path, already_recorded):
    if already_recorded:
        with Store.open(db) as store:
            store.add_incident(Incident("A1", date(2026, 10, 3), "zero-complaints"))
        text, row = INCIDENTS + "A1,2026-10-21,zero-complaints,1,,\n", 2
    else:
        text, row = INCIDENTS + "A1,2026-10-03,zero-complaints,1,,\nA1,2026-10-20,zero-complaints,1,,\n", 3
    stderr = refused_import(db, tmp_path, "incidents", text)
    assert stderr.startswith(f"cstui: {tmp_path / 'file.csv'}:{row}:"), stderr


# ------------------------------------------------------------------------------ grading stored data

# One card per scheme that its scheme refuses, stored behind the gate for employee 1.
BAD_STORED = [
    pytest.param(
        "star-levels",
        {"sales_target": "0", "sales_actual": "90000"},
        "sales_target: expected a target above 0",
        id="star-target-0",
    ),
    pytest.param(
        "star-levels", {"sales_target": "100000", "sales_actual": "1E+28"}, "sales_actual:", id="star-actual-1E+28"
    ),
    pytest.param("star-levels", {"sales_target": "100000"}, "sales_actual: required", id="star-actual-missing"),
    pytest.param(
        "assistant-class",
        {"adjustment": "6", "adjustment_reason": "x"},
        "adjustment: expected -5..5",
        id="assistant-adjustment-6",
    ),
    pytest.param(
        "assistant-class",
        {"adjustment": "3", "a_followups": "4"},
        "adjustment_reason:",
        id="assistant-adjustment-3-no-reason",
    ),
    pytest.param("assistant-class", {"b_reports": "1E+28"}, "b_reports:", id="assistant-count-1E+28"),
    pytest.param(
        "five-tier",
        {"follow_up_rate": "62", "satisfaction": "0.9", "handling": "80", "training": "80", "attendance": "0.9"},
        "follow_up_rate: expected a rate",
        id="five-rate-62",
    ),
    pytest.param(
        "five-tier",
        {"follow_up_rate": "0.6", "satisfaction": "0.9", "handling": "NaN", "training": "80", "attendance": "0.9"},
        "handling:",
        id="five-rating-NaN",
    ),
    pytest.param(
        "ecommerce-kpi",
        {
            "conversion": "0.5",
            "unit_price_ratio": "1.2",
            "first_response_s": "-3",
            "avg_response_s": "30",
            "satisfaction": "0.9",
        },
        "first_response_s: expected non-negative seconds",
        id="kpi-seconds-negative",
    ),
]
BAD_ID = "1"  # the employee number whose card is bad (S1, A1, F1, K1)
SIZE = 5


def periods_of(scheme: str) -> list[str]:
    return [MONTH, QUARTER] if scheme in QUARTERLY else [MONTH]


@pytest.fixture
def company(tmp_path, request):
    scheme, values = request.param
    path = tmp_path / f"{scheme}.db"
    roster = build_company(path, scheme, SIZE)
    bad = next(e for e in roster if e.id.endswith(BAD_ID))
    write_card_behind_the_gate(path, bad.id, MONTH, values)
    return path, scheme, roster, bad


def bad_store_params():
    for param in BAD_STORED:
        scheme, values, reason = param.values
        for period in periods_of(scheme):
            yield pytest.param((scheme, values), reason, period, id=f"{param.id}-{period}")


def grade(path, scheme, period, *more):
    return run_cli(path, "--scheme", scheme, "--period", period, "--format", "csv", *more)


@pytest.mark.parametrize(("company", "reason", "period"), list(bad_store_params()), indirect=["company"])
def test_a_bad_stored_card_costs_one_employee_a_flag(company, reason, period):
    path, scheme, roster, bad = company
    result = grade(path, scheme, period)
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output and "InvalidOperation" not in result.output
    rows = {row["employee_id"]: row for row in csv_report(result.stdout)}
    assert sorted(rows) == sorted(e.id for e in roster)  # every employee is reported
    assert rows[bad.id]["decision"] == "invalid"
    assert rows[bad.id]["flags"].startswith(f"invalid-scorecard {MONTH}: {reason}"), rows[bad.id]["flags"]
    assert rows[bad.id]["score"] == rows[bad.id]["rank"] == ""
    for employee_id, row in rows.items():
        if employee_id != bad.id:
            assert row["decision"] != "invalid" and row["score"] and row["rank"], row
            assert "invalid-scorecard" not in row["flags"]
    named = [line for line in result.stderr.splitlines() if "invalid-scorecard" in line]
    assert named == [
        f"cstui: {bad.id} {bad.name}: invalid-scorecard {MONTH}: {rows[bad.id]['flags'].split(': ', 1)[1]}"
    ]
    assert "1 scorecard problem in " + period in result.stderr
    # the pooled path gives the same report, stderr and exit
    pooled = grade(path, scheme, period, "--jobs", "2")
    assert (pooled.exit_code, pooled.stdout, pooled.stderr) == (result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize(("company", "reason", "period"), list(bad_store_params()), indirect=["company"])
def test_the_others_are_ranked_without_the_invalid_one(company, reason, period):
    path, scheme, roster, bad = company
    rows = {row["employee_id"]: row for row in csv_report(grade(path, scheme, period).stdout)}
    others = {k: row for k, row in rows.items() if k != bad.id}
    ranks = {k: int(row["rank"]) for k, row in others.items()}
    assert ranks == expected_ranks({k: row["score"] for k, row in others.items()})
    assert min(ranks.values()) == 1 and max(ranks.values()) <= len(others)


@pytest.mark.parametrize(("company", "reason", "period"), list(bad_store_params()), indirect=["company"])
def test_apply_refuses_until_the_card_is_corrected(company, reason, period):
    path, scheme, roster, bad = company
    results_before, audit_before = rows_of(path, "results"), audit_count(path)
    for jobs in ("1", "2"):
        refused = grade(path, scheme, period, "--apply", "--jobs", jobs)
        assert refused.exit_code == 3, refused.output
        assert "nothing was recorded" in refused.stderr
        assert f"cstui: {bad.id} {bad.name}: invalid-scorecard {MONTH}: {reason}" in refused.stderr
        assert rows_of(path, "results") == results_before == []
        assert rows_of(path, "checkpoints") == []
        assert audit_count(path) == audit_before
    with Store.open(path) as store:
        version = store.scorecard(bad.id, MONTH).version
        store.save_scorecard(bad.id, MONTH, valid_card(scheme, int(BAD_ID), 9), version)
    applied = grade(path, scheme, period, "--apply")
    assert applied.exit_code == 0, applied.output
    assert "invalid" not in applied.stderr
    recorded = rows_of(path, "results")
    assert len(recorded) == len(roster)
    assert all("invalid" not in repr(row) for row in recorded)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('{"sales_target": 100000.5, "sales_actual": 1e400}', id="json-numbers-inf"),
        pytest.param('{"sales_target": null, "sales_actual": "90000"}', id="json-null-field"),
        pytest.param('{"sales_target": [1], "sales_actual": {"a": 1}}', id="json-list-and-object-fields"),
        pytest.param('{"sales_target": true, "sales_actual": "90000"}', id="json-true"),
        pytest.param("[]", id="not-an-object-list"),
        pytest.param("null", id="not-an-object-null"),
        pytest.param("not json", id="not-json"),
    ],
)
def test_a_hand_edited_values_column_costs_one_employee_a_flag(tmp_path, text):
    """A hand edit may leave JSON of other types in the card's values column, or no JSON at all."""
    path = tmp_path / "star.db"
    roster = build_company(path, "star-levels", SIZE)
    write_values_text_behind_the_gate(path, "S1", MONTH, text)
    result = grade(path, "star-levels", MONTH)
    assert result.exit_code == 3, result.output
    rows = {row["employee_id"]: row for row in csv_report(result.stdout)}
    assert sorted(rows) == sorted(e.id for e in roster)
    assert rows["S1"]["decision"] == "invalid" and rows["S1"]["flags"].startswith(f"invalid-scorecard {MONTH}: ")
    assert all(row["decision"] != "invalid" and row["score"] for k, row in rows.items() if k != "S1")
    assert "cstui: S1 张1: invalid-scorecard" in result.stderr


# ------------------------------------------------------------------------------ incidents stored behind the gate


@pytest.mark.parametrize(
    ("code", "count", "points", "reason"),
    [
        pytest.param("napping", 1, None, "incident napping: unknown incident code", id="unknown-code"),
        pytest.param(
            "zero-complaints",
            3,
            None,
            "incident zero-complaints: may be recorded once a month",
            id="once-a-month-count-3",
        ),
        pytest.param("late", 1, "-99", "incident late: points -99 outside -5..-2", id="points-out-of-range"),
        pytest.param("late", 1, "1E+28", "incident late:", id="points-1E+28"),
        pytest.param("late", 1, "NaN", "incident late:", id="points-NaN"),
        pytest.param("late", 1, "abc", "incident late:", id="points-not-a-number"),
    ],
)
def test_a_bad_stored_incident_costs_one_employee_a_flag(tmp_path, code, count, points, reason):
    path = tmp_path / "assistant.db"
    roster = build_company(path, "assistant-class", SIZE)
    write_incident_behind_the_gate(path, "A1", "2026-09-03", code, count, points)
    for period in (MONTH, QUARTER):
        result = grade(path, "assistant-class", period)
        assert result.exit_code == 3, result.output
        rows = {row["employee_id"]: row for row in csv_report(result.stdout)}
        assert sorted(rows) == sorted(e.id for e in roster)
        assert rows["A1"]["decision"] == "invalid" and rows["A1"]["flags"].startswith(
            f"invalid-scorecard {MONTH}: {reason}"
        )
        assert all(row["decision"] != "invalid" and row["score"] for k, row in rows.items() if k != "A1")
        assert f"cstui: A1 张1: invalid-scorecard {MONTH}: {reason}" in result.stderr
    applied = grade(path, "assistant-class", MONTH, "--apply")
    assert applied.exit_code == 3 and rows_of(path, "results") == []


# ------------------------------------------------------------------------------ earlier months


def star_results(path, period=MONTH):
    result = grade(path, "star-levels", period)
    return result, {row["employee_id"]: row for row in csv_report(result.stdout)}


@pytest.mark.parametrize(
    "bad_values",
    [
        pytest.param({"sales_target": "0", "sales_actual": "120000"}, id="target-0"),
        pytest.param({"sales_target": "100000", "sales_actual": "1E+28"}, id="actual-1E+28"),
        pytest.param({"sales_target": "100000"}, id="actual-missing"),
    ],
)
def test_a_bad_card_in_an_earlier_month_breaks_the_streak_like_a_missing_month(tmp_path, bad_values):
    """Three months at 120% promote; a refused July card is a missing July, and September is still valid."""
    paths = {}
    for case in ("good", "bad", "missing"):
        path = paths[case] = tmp_path / f"{case}.db"
        roster = build_company(path, "star-levels", 3, months=())
        with Store.open(path) as store:
            store.save_scorecards(
                (e.id, m, {"sales_target": "100000", "sales_actual": "120000"}) for e in roster for m in QUARTER_MONTHS
            )
        if case == "bad":
            write_card_behind_the_gate(path, "S1", "2026-07", bad_values)
        elif case == "missing":
            delete_card_behind_the_gate(path, "S1", "2026-07")

    good, good_rows = star_results(paths["good"])
    assert good.exit_code == 0 and good_rows["S1"]["decision"] == "promote", (
        good.output
    )  # the control: the streak promotes

    bad, bad_rows = star_results(paths["bad"])
    missing, missing_rows = star_results(paths["missing"])
    assert bad.exit_code == 0, bad.output  # the period's own cards are all valid
    assert "invalid" not in bad.stderr
    s1, gone = bad_rows["S1"], missing_rows["S1"]
    assert s1["decision"] == gone["decision"] != "promote"
    assert (
        (s1["score"], s1["rank"], s1["level_after"])
        == (gone["score"], gone["rank"], gone["level_after"])
        == ("120", "1", "2-star")
    )
    assert "invalid-scorecard" not in s1["flags"]
    for other in ("S0", "S2"):
        assert bad_rows[other] == good_rows[other]  # nobody else is touched

    # July itself, graded, is the invalid one
    july, july_rows = star_results(paths["bad"], "2026-07")
    assert july.exit_code == 3 and july_rows["S1"]["decision"] == "invalid"
    applied = grade(paths["bad"], "star-levels", MONTH, "--apply")
    assert applied.exit_code == 0, applied.output  # a refused earlier card does not block September's apply
