"""--apply encodes each result once, in the form it is stored in, and reports from that form:
what it records, what it reports (with and without the trace, in English and 中文) and the
audit it writes are what grading gave."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from decimal import Decimal

import pytest

from cstui.domain import Period, Result, texts
from cstui.domain.texts import Line, line
from cstui.store import Store
from cstui.store.periods import result_of_stored, stored_result
from test_batch import build_company, run

texts.register({"test-stored.kpi": ("{label} {value} → {part}", "{label} {value} → {part} 分", {"label": "metric"})})


def graded(employee_id: str = "1001", period: str = "2026-Q4", score: str | None = "81.50") -> Result:
    kpi = line("test-stored.kpi", label="sales", value="97%", part="19.4")
    return Result(
        employee_id,
        "Lin 林",
        "T1",
        Period.parse(period),
        "star-levels",
        "2",
        None if score is None else Decimal(score),
        "B",
        None,
        "1-star",
        "2-star",
        "promote",
        Decimal("-12.50"),
        [line("test-stored.kpi", label="x", value="1", part="2"), "plain flag"],
        [kpi, texts.joined([kpi, "old text"]), "plain line"],
    )


@pytest.mark.parametrize("score", ["81.50", None])
def test_a_result_comes_back_from_its_stored_form(score):
    result = graded(score=score)
    back = result_of_stored(stored_result(result), result.name)
    assert back == result
    assert [type(t) for t in back.trace] == [Line, Line, str] and back.trace[0].key == "test-stored.kpi"
    assert texts.render(back.trace[1], "zh") == "sales 97% → 19.4 分；old text"
    assert str(back.score) == str(result.score) and str(back.pay_delta) == "-12.50"  # exact, zeros kept
    assert result_of_stored(stored_result(result), result.name, trace=False).trace == []


def test_the_stored_trace_is_the_documented_json():
    """docs/data.md: flags and trace are JSON lists; a templated line is {"text", "key", "args"}."""
    trace = json.loads(stored_result(graded())[13])
    assert trace[0] == {
        "text": "sales 97% → 19.4",
        "key": "test-stored.kpi",
        "args": {"label": "sales", "value": "97%", "part": "19.4"},
    }
    assert trace[2] == "plain line" and trace[1]["key"] == "join"


def test_record_results_and_record_stored_results_write_the_same(tmp_path):
    rows = {}
    for way in ("results", "stored"):
        path = tmp_path / f"{way}.db"
        build_company(path)
        with Store.open(path) as store:
            mine = [e for e in store.employees() if e.team == "T1"][:3]
            results = [dataclasses.replace(graded(e.id, "2026-06"), team=e.team) for e in mine]
            if way == "results":
                store.record_results(results)
            else:
                store.record_stored_results([stored_result(r) for r in results])
        conn = sqlite3.connect(path)
        rows[way] = conn.execute("SELECT * FROM results ORDER BY employee_id").fetchall()
        audit = "SELECT action, entity, key, before, after FROM audit WHERE entity = 'results' ORDER BY id"
        rows[way + " audit"] = conn.execute(audit).fetchall()
        conn.close()
    assert [row[:-1] for row in rows["results"]] == [row[:-1] for row in rows["stored"]]  # but recorded_at
    assert len(rows["results"]) == 3
    assert rows["results audit"] == rows["stored audit"] and len(rows["results audit"]) == 4


@pytest.fixture
def company(tmp_path):
    path = tmp_path / "company.db"
    build_company(path)
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_apply_reports_from_its_spool_what_a_dry_run_reports(company, lang):
    """The report of an --apply (read back from the spool's stored form) equals the dry run's
    of the same month, trace and all, in either language; without --explain it has no trace."""
    args = ["--scheme", "five-tier", "--period", "2026-06", "--format", "json", "--explain", "--lang", lang]
    dry = run(company, *args)
    applied = run(company, *args, "--apply")
    assert dry.exit_code == 0 and applied.exit_code == 0, applied.output
    assert json.loads(applied.stdout) == json.loads(dry.stdout)
    assert any(r["trace"] for r in json.loads(applied.stdout))
    plain = run(company, "--scheme", "five-tier", "--period", "2026-06", "--format", "json", "--apply")
    assert plain.exit_code == 0 and all("trace" not in r for r in json.loads(plain.stdout))
