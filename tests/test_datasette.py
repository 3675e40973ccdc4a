"""Datasette and sqlite-utils read a company's file as it is and sort scores as numbers
(docs/data.md): results_view's score is REAL and its pay INTEGER fen, where results keeps
exact TEXT decimals, which sort "97.10" above "125.00"."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
import sqlite_utils
from click.testing import CliRunner

from cstui.cli import cli
from test_batch import build_company


@pytest.fixture(scope="module")
def applied(tmp_path_factory):
    """A company whose June star-levels results were recorded by cstui itself (`--apply`)."""
    path = tmp_path_factory.mktemp("datasette") / "company.db"
    build_company(path, employees_per_team=3)
    result = CliRunner().invoke(cli, ["--db", str(path), "--scheme", "star-levels", "--period", "2026-06", "--apply"])
    assert result.exit_code == 0, result.output
    stored = [r["score"] for r in sqlite_utils.Database(path)["results"].rows_where("score IS NOT NULL")]
    # the case that sorted wrongly: scores of two and of three digits
    assert min(Decimal(s) for s in stored) < 100 <= max(Decimal(s) for s in stored), stored
    return path


def _numeric(scores):
    return [Decimal(str(s)) for s in scores]


def test_datasette_sorts_results_view_by_score_as_numbers(applied):
    datasette = pytest.importorskip("datasette.app")

    async def rows(query: str) -> list[dict]:
        ds = datasette.Datasette([str(applied)])
        await ds.invoke_startup()
        response = await ds.client.get(f"/company/results_view.json?{query}")
        assert response.status_code == 200, response.text
        return response.json()

    ascending = asyncio.run(rows("_sort=score&score__notblank=1&_shape=array"))
    descending = asyncio.run(rows("_sort_desc=score&score__notblank=1&_shape=array"))
    scores = [r["score"] for r in ascending]
    assert all(isinstance(s, float) for s in scores)  # REAL, not text
    assert _numeric(scores) == sorted(_numeric(scores)) and len(scores) >= 6
    assert [r["score"] for r in descending] == scores[::-1]
    assert all(isinstance(r["pay_delta_fen"], (int, type(None))) for r in ascending)
    # what the table itself gives, for contrast: text, in text order
    as_text = [r["score"] for r in asyncio.run(rows_of_table(datasette, applied))]
    assert as_text == sorted(as_text) and _numeric(as_text) != sorted(_numeric(as_text))


async def rows_of_table(datasette, path) -> list[dict]:
    ds = datasette.Datasette([str(path)])
    await ds.invoke_startup()
    response = await ds.client.get("/company/results.json?_sort=score&score__notblank=1&_shape=array")
    return response.json()


def test_sqlite_utils_sorts_and_facets_results_view(applied):
    db = sqlite_utils.Database(applied)
    scores = [r["score"] for r in db["results_view"].rows_where("score IS NOT NULL", order_by="score")]
    assert _numeric(scores) == sorted(_numeric(scores))
    by_team = dict(db.execute("SELECT team, count(*) FROM results_view GROUP BY team").fetchall())
    assert by_team == {"T1": 3, "T2": 3}
