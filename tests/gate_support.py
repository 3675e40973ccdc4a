"""Helpers of the card-gate tests (issue 8): a small company per scheme, cards written behind the
store's back (as an older version or a hand edit with sqlite3 would), the CLI, table snapshots."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Employee, Period
from cstui.store import Store
from cstui.store.card_rows import stored_text
from cstui.store.codec import card_values

SCHEMES = ("star-levels", "assistant-class", "five-tier", "ecommerce-kpi")
QUARTERLY = ("assistant-class", "five-tier", "ecommerce-kpi")
LEVEL = {"star-levels": "2-star", "assistant-class": "class-3", "five-tier": "junior", "ecommerce-kpi": "junior"}
ROLE = {"assistant-class": "assistant"}
PREFIX = {"star-levels": "S", "assistant-class": "A", "five-tier": "F", "ecommerce-kpi": "K"}
QUARTER_MONTHS = ("2026-07", "2026-08", "2026-09")
MONTH = "2026-09"  # the last month of 2026-Q3: a review month of the quarterly schemes
QUARTER = "2026-Q3"


def valid_card(scheme: str, i: int, month: int) -> dict[str, str]:
    """A card its scheme accepts; values differ by person (so scores, and ranks, differ)."""
    k = (i * 7 + month * 3) % 10  # i = 0..4 give five different k in a month
    if scheme == "star-levels":
        return {"sales_target": "100000", "sales_actual": str(80000 + k * 5000)}
    if scheme == "assistant-class":
        card = {"a_followups": str(10 + k), "b_followups": str(12 + k), "a_reports": "3", "b_reports": "3"}
        adjustment = k % 5 - 2
        if adjustment:
            card |= {
                "adjustment": str(adjustment),
                "adjustment_reason": "covered a colleague's shift" if adjustment > 0 else "late reports",
            }
        return card
    if scheme == "five-tier":
        return {
            "follow_up_rate": f"0.{60 + k * 4}",
            "satisfaction": f"{70 + k * 3}%",
            "handling": str(55 + k * 4),
            "training": str(60 + k * 4),
            "attendance": "0.95",
        }
    return {
        "conversion": f"0.{35 + k * 3}",
        "unit_price_ratio": "1.2",
        "first_response_s": str(4 + k * 3),
        "avg_response_s": str(28 + k * 3),
        "satisfaction": f"0.{60 + k * 4}",
    }


def roster_of(scheme: str, size: int = 4, team: str = "T1") -> list[Employee]:
    return [
        Employee(
            f"{PREFIX[scheme]}{i}",
            f"张{i}" if i % 2 else f"Agent {i}",
            team,
            ROLE.get(scheme, "agent"),
            date(2023, 3, 1),
            scheme=scheme,
            level=LEVEL[scheme],
        )
        for i in range(size)
    ]


def build_company(path: Path, scheme: str, size: int = 4, months=QUARTER_MONTHS) -> list[Employee]:
    """One team of ``size`` employees on ``scheme`` with valid cards for ``months``, saved through the store."""
    roster = roster_of(scheme, size)
    with Store.open(path, create=True) as store:
        store.import_roster(roster)
        store.save_scorecards(
            (e.id, m, valid_card(scheme, i, Period.parse(m).index)) for i, e in enumerate(roster) for m in months
        )
    return roster


def write_card_behind_the_gate(path: Path, employee_id: str, month: str, values: dict[str, str]) -> None:
    """Store ``values`` as the card with sqlite3 directly: what an older version or a hand edit leaves."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            write_card_rows(conn, employee_id, month, values)
    finally:
        conn.close()


def write_card_rows(conn: sqlite3.Connection, employee_id: str, month: str, values: dict) -> None:
    """The card's rows (migration m011's layout) set to ``values`` with plain SQL: a hand edit
    writes the text and leaves the numbers out."""
    conn.execute(
        "INSERT INTO scorecards (employee_id, period, version) VALUES (?, ?, 1) ON CONFLICT (period, employee_id) DO NOTHING",
        (employee_id, month),
    )
    conn.execute("DELETE FROM scorecard_values WHERE employee_id = ? AND period = ?", (employee_id, month))
    conn.executemany(
        "INSERT INTO scorecard_values (period, employee_id, metric, value) VALUES (?, ?, ?, ?)",
        [(month, employee_id, metric, value) for metric, value in values.items()],
    )


def write_values_text_behind_the_gate(path: Path, employee_id: str, month: str, text: str) -> None:
    """The card as an older cstui's "values" column of ``text`` (JSON or not) comes out of
    migration m011: each JSON value as text, or one field saying why the text was no object."""
    values = {key: stored_text(value) for key, value in card_values(text).items()}
    write_card_behind_the_gate(path, employee_id, month, {k: v for k, v in values.items() if v is not None})


def write_incident_behind_the_gate(
    path: Path, employee_id: str, day: str, code: str, count: int = 1, points: str | None = None
) -> None:
    """An incident row written with sqlite3 directly (the table's own CHECKs still hold: count >= 1)."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(
                "INSERT INTO incidents (employee_id, date, period, code, count, points) VALUES (?, ?, ?, ?, ?, ?)",
                (employee_id, day, day[:7], code, count, points),
            )
    finally:
        conn.close()


def delete_card_behind_the_gate(path: Path, employee_id: str, month: str) -> None:
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute("DELETE FROM scorecards WHERE employee_id = ? AND period = ?", (employee_id, month))
            conn.execute("DELETE FROM scorecard_values WHERE employee_id = ? AND period = ?", (employee_id, month))
    finally:
        conn.close()


def rows_of(path: Path, table: str) -> list[tuple]:
    """Every row of ``table``, sorted: compared before and after a refused write."""
    conn = sqlite3.connect(path)
    try:
        return sorted(map(tuple, conn.execute(f"SELECT * FROM {table}")), key=repr)
    finally:
        conn.close()


def audit_count(path: Path) -> int:
    with Store.open(path) as store:
        return len(store.audit_log(limit=None))


def run_cli(path: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(path), *args])


def csv_report(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def expected_ranks(scores: dict[str, str]) -> dict[str, int]:
    """Ranks by score, highest first, ties sharing a rank (1, 2, 2, 4): the rule of domain.md."""
    from decimal import Decimal

    values = {k: Decimal(v) for k, v in scores.items()}
    return {k: 1 + sum(1 for other in values.values() if other > v) for k, v in values.items()}
