"""The CSV report's fast paths against the general one (issue 14): ``write_result_csv`` (cells
straight from Results) and ``write_csv`` (lines joined where nothing needs quoting) write
exactly what the csv module writes of ``csv_cell`` of each record of ``Result.as_record``."""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cstui.batch  # noqa: F401  (registers the line the flags use)
from cstui.domain import Period, Result
from cstui.domain.texts import line
from cstui.io import report
from cstui.io.report import columns_for, csv_cell, write_csv, write_csv_rows, write_report, write_result_csv

EXAMPLES = max(20, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 10)

# texts a report meets: formula starts, the csv module's specials, 中文, blanks, control characters
TRICKY = ["", "-", "=1", "+1", "@x", "\t1", "\r", "\n", "\0", "a,b", 'say "hi"', "a\r\nb", "张伟", "欧阳, 娜娜", " E1 "]
texts = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))
decimals = st.one_of(
    st.none(),
    st.decimals(min_value=-100_000, max_value=100_000, places=2, allow_nan=False),
    st.decimals(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("0"), Decimal("-0"), Decimal("2.50"), Decimal("-120"), Decimal("1E+3"), Decimal("83.5")]),
)
flag_lists = st.lists(
    st.one_of(texts, st.builds(lambda period: line("batch.closed", period=period), texts)),
    max_size=3,
)
results = st.builds(
    Result,
    employee_id=texts,
    name=texts,
    team=texts,
    period=st.sampled_from([Period.parse("2026-12"), Period.parse("2026-Q4"), Period.parse("2025-01")]),
    scheme=st.sampled_from(["star-levels", "=evil", "five-tier"]),
    scheme_version=st.sampled_from(["1", "2026.1", "-1", ""]),
    score=decimals,
    grade=st.one_of(st.none(), texts),
    rank=st.one_of(st.none(), st.integers(-3, 200), st.booleans()),
    level_before=st.one_of(st.none(), texts),
    level_after=st.one_of(st.none(), texts),
    decision=st.one_of(texts, st.sampled_from(["stay", "promote", "missing"])),
    pay_delta=decimals,
    flags=st.one_of(flag_lists, flag_lists.map(tuple)),
    trace=st.lists(texts, max_size=3),
)


def general_csv(records: list[dict], columns: list[str]) -> str:
    """The general path: csv_cell of every value of every record, written by the csv module."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in columns])
    writer.writerows([csv_cell(record.get(c)) for c in columns] for record in records)
    return out.getvalue()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(results, max_size=8), st.booleans())
def test_result_csv_is_the_records_csv(graded, explain):
    out = io.StringIO()
    assert write_result_csv(iter(graded), explain, out) == len(graded)
    assert out.getvalue() == general_csv([r.as_record(explain) for r in graded], columns_for(explain))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["employee_id", "name", "score", "flags", "other"]),
            st.one_of(texts, st.none(), st.integers(), st.floats(), st.booleans(), st.lists(texts, max_size=2)),
        ),
        max_size=6,
    ),
    st.lists(st.sampled_from(["employee_id", "name", "score", "flags", "other", ""]), min_size=1, max_size=4),
)
def test_write_csv_is_the_csv_module_on_csv_cells(records, columns):
    out = io.StringIO()
    assert write_csv(records, columns, out) == len(records)
    assert out.getvalue() == general_csv(records, columns)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.lists(st.one_of(texts, st.text(alphabet=',"\r\n\0 \x0b\u2028ab', max_size=6)), max_size=5)))
def test_joined_lines_are_what_the_csv_module_writes(rows):
    header = ["a", "b"]
    out, expected = io.StringIO(), io.StringIO()
    write_csv_rows(header, rows, out)
    csv.writer(expected, lineterminator="\n").writerows([header, *rows])
    assert out.getvalue() == expected.getvalue()


def test_rows_past_one_write_and_before_an_error_are_all_written(monkeypatch):
    monkeypatch.setattr(report, "CSV_ROWS_PER_WRITE", 3)

    def rows():
        for i in range(7):
            yield [f"E{i}", "x"]
        raise RuntimeError("a model failed")

    out = io.StringIO()
    with pytest.raises(RuntimeError):
        write_csv_rows(["employee_id", "name"], rows(), out)
    assert out.getvalue().splitlines() == ["employee_id,name"] + [f"E{i},x" for i in range(7)]


def test_batch_csv_of_results_is_write_report_of_their_records():
    from cstui.batch import _Report

    graded = [
        Result("E1", "=1", "t1", Period.parse("2026-12"), "s", "1", Decimal("-2.50"), None, 1, "a", "b", "stay", None),
        Result(
            "E2", "张伟", "t,1", Period.parse("2026-12"), "s", "1", None, "A", None, None, "b", "-", Decimal("-120")
        ),
    ]
    graded[1].flags = [line("batch.closed", period="2026-12"), "=x"]
    for explain in (False, True):
        fast, general = io.StringIO(), io.StringIO()
        _Report("csv", "en", {}).write_results(iter(graded), fast, explain)
        write_report([r.as_record(explain) for r in graded], "csv", general, columns_for(explain))
        assert fast.getvalue() == general.getvalue()


def test_results_built_positionally_keep_each_value_in_its_field():
    """replay.make_result and PeriodColumns.result call Result positionally (keywords cost a dict
    a row): each value lands in the field the keywords named."""
    from datetime import date
    from types import SimpleNamespace

    from cstui.domain import Employee
    from cstui.engine.period_columns import PeriodColumns
    from cstui.engine.replay import make_result

    scheme = SimpleNamespace(name="star-levels", version="7")
    employee = Employee("E9", "欧阳娜娜", "T1", "agent", date(2020, 1, 1))
    month = Period.parse("2026-12")
    expected = Result(
        employee_id="E9",
        name="欧阳娜娜",
        team="T1",
        period=month,
        scheme="star-levels",
        scheme_version="7",
        score=Decimal("81.5"),
        grade=None,
        rank=None,
        level_before="star-2",
        level_after="star-3",
        decision="promote",
        pay_delta=Decimal("-120"),
        flags=["f"],
        trace=["t"],
    )
    made = make_result(
        scheme, employee, month, Decimal("81.5"), "star-2", "star-3", "promote", Decimal("-120"), ["f"], ["t"]
    )
    assert made == expected
    columns = PeriodColumns(month, [employee], [None], [None], [True], list)
    assert (
        columns.result(
            scheme,
            0,
            Decimal("81.5"),
            ("star-2", "star-3"),
            "promote",
            pay_delta=Decimal("-120"),
            flags=["f"],
            trace=["t"],
        )
        == expected
    )
