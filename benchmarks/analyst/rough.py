"""A rougher copy of the bench company for the equality check (``bench_baseline.py --rough``).

The bench company is regular: everyone has a card every month, a star level, a hire date
years ago, values well inside the bands. The rules' edges are where a baseline and cstui can
differ, so this copy adds them: missing months, probation agents hired on the 1st, the 15th
and the 30th (and one after the graded month), tier staff hired a day either side of a tenure
bar, inactive staff, values exactly at a threshold or a rounding half (110%, 109.995%,
109.125%, an average of exactly 80, 70 and 50, band edges), typed with spaces, thousands
separators and percents, quarters below 50 (probation, then a dismissal review), and ties.
Every card stays one cstui accepts.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

STAR_HIRES = ("2025-03-01", "2025-03-15", "2024-11-30", "2025-11-30", "2026-08-31", "2026-09-01", "2027-01-05")
TIER_HIRES = (
    "2025-01-01",
    "2025-01-02",
    "2024-01-01",
    "2024-01-02",
    "2024-10-01",
    "2024-10-31",
    "2025-05-20",
    "2022-10-01",
    "2022-10-02",
)
STAR_EDGES = (
    ("109995", "100000"),
    ("110000", "100000"),
    ("1,100,000.00", "1000000"),
    (" 88000 ", "80000"),
    ("109125", "100000"),
    ("87,712.50", "80000"),
    ("0", "100000"),
    ("110000.01", "100000"),
)
TIER_EVEN = {  # a card whose five-tier score is exactly the key
    80: {"follow_up_rate": "0.8", "satisfaction": "80%", "handling": "80", "training": "80", "attendance": "0.80"},
    70: {"follow_up_rate": "70%", "satisfaction": "0.7", "handling": "70", "training": "70", "attendance": "0.7"},
    50: {"follow_up_rate": "0.5", "satisfaction": "50%", "handling": "50", "training": "50", "attendance": "50%"},
    16: {"follow_up_rate": "0.10", "satisfaction": "20%", "handling": "10", "training": "10", "attendance": "0.5"},
}
SHOP_EDGES = {
    "conversion": ("0.60", "0.5999", "45%", "0.38", "0.3799"),
    "unit_price_ratio": ("1.35", "1.3499", "1.10", "1.0999", "1.16"),
    "first_response_s": ("6", "6.5", "12", "30", "30.01"),
    "avg_response_s": ("30", "35", "45.5", "55", "55.1"),
    "satisfaction": ("90%", "0.8999", "0.80", "0.6", "0.5999"),
}


def rough_company(db: Path) -> Path:
    rough = db.with_name("rough.db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(rough) + suffix).unlink(missing_ok=True)
    shutil.copyfile(db, rough)
    rnd = random.Random(14)
    conn = sqlite3.connect(rough, isolation_level=None)
    conn.execute("BEGIN")
    staff = conn.execute("SELECT id, scheme, team FROM employees ORDER BY id").fetchall()
    _hires(conn, staff, rnd)
    _values(conn, staff, rnd)
    cards = conn.execute("SELECT employee_id, period FROM scorecards").fetchall()
    gone = rnd.sample(cards, len(cards) // 30)
    conn.executemany("DELETE FROM scorecard_values WHERE employee_id = ? AND period = ?", gone)
    conn.executemany("DELETE FROM scorecards WHERE employee_id = ? AND period = ?", gone)
    conn.executemany(
        "UPDATE employees SET status = 'inactive' WHERE id = ?", [(e[0],) for e in rnd.sample(staff, len(staff) // 50)]
    )
    conn.execute("COMMIT")
    conn.close()
    return rough


def _hires(conn, staff, rnd: random.Random) -> None:
    for employee_id, scheme, _ in rnd.sample(staff, len(staff) // 12):
        if scheme == "assistant-class":
            continue
        star = scheme == "star-levels"
        hired = rnd.choice(STAR_HIRES if star else TIER_HIRES)
        level = None if star else rnd.choice((None, "junior", "intermediate", "senior", "principal"))
        conn.execute("UPDATE employees SET hire_date = ?, level = ? WHERE id = ?", (hired, level, employee_id))
        conn.execute(
            "UPDATE scheme_assignments SET since_month = ?, level = ? WHERE employee_id = ?",
            (hired[:7], level, employee_id),
        )


def _values(conn, staff, rnd: random.Random) -> None:
    """Edge values on some cards; whole quarters at an exact average for some tier staff."""
    months = [row[0] for row in conn.execute("SELECT DISTINCT period FROM scorecards ORDER BY period")]
    by_team: dict[str, list[str]] = {}
    for employee_id, scheme, team in staff:
        by_team.setdefault(team, []).append(employee_id)
        if scheme == "star-levels":
            for month in rnd.sample(months, 4):
                actual, target = rnd.choice(STAR_EDGES)
                _set(conn, employee_id, month, {"sales_actual": actual, "sales_target": target})
        elif scheme == "five-tier" and rnd.random() < 0.3:
            even = TIER_EVEN[rnd.choice(tuple(TIER_EVEN))]
            first = rnd.randrange(0, len(months) - 2, 3)
            for month in months[first : first + 3 + rnd.randint(0, 1)]:  # a quarter, and sometimes the next month
                _set(conn, employee_id, month, even)
        elif scheme == "ecommerce-kpi":
            for month in rnd.sample(months, 6):
                _set(conn, employee_id, month, {k: rnd.choice(v) for k, v in SHOP_EDGES.items()})
    for ids in by_team.values():  # ties: a few of each team share the last month's card
        rows = conn.execute(
            "SELECT metric, value FROM scorecard_values WHERE employee_id = ? AND period = ?", (ids[0], months[-1])
        ).fetchall()
        for employee_id in ids[1:4]:
            if rows:
                _set(conn, employee_id, months[-1], dict(rows))


def _set(conn, employee_id: str, month: str, values: dict) -> None:
    """Replace the card's values (the store's own row layout, so cstui reads them as saved)."""
    from cstui.store.card_rows import CLEAR_VALUES, INSERT_VALUE, value_rows

    if conn.execute("SELECT 1 FROM scorecards WHERE period = ? AND employee_id = ?", (month, employee_id)).fetchone():
        conn.execute(CLEAR_VALUES, (month, employee_id))
        conn.executemany(INSERT_VALUE, value_rows(employee_id, month, values))
