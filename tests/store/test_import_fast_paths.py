"""The bulk import's fast paths (issue 14) against their references.

- the scheme of an employee at a month, walked in SQL (the gate, ``scheme_members``), against
  :func:`cstui.store.timeline.scheme_at` on the same timelines;
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.store.timeline import Assignment, scheme_at

EXAMPLES = max(20, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 10)
IDS = ("1001", "1002", "1003", "2001", "2002")
SCHEMES = st.sampled_from(["star-levels", "five-tier", None])
MONTHS = st.sampled_from(["2024-12", "2025-01", "2025-06", "2025-07", "2026-01", "2026-12"])
TIMELINE = st.dictionaries(MONTHS, SCHEMES, max_size=4)  # since month -> scheme; empty: no timeline rows


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    current=st.tuples(*[SCHEMES] * len(IDS)),
    timelines=st.tuples(*[TIMELINE] * len(IDS)),
    month=MONTHS,
    scheme=st.sampled_from(["star-levels", "five-tier"]),
)
def test_the_scheme_at_a_month_in_sql_is_the_timelines(store, current, timelines, month, scheme):
    lines = {}
    with store.write():
        store.conn.execute("DELETE FROM scheme_assignments")
        for employee_id, now, timeline in zip(IDS, current, timelines):
            store.conn.execute("UPDATE employees SET scheme = ? WHERE id = ?", (now, employee_id))
            rows = [(employee_id, since, s) for since, s in sorted(timeline.items())]
            store.conn.executemany(
                "INSERT INTO scheme_assignments (employee_id, since_month, scheme) VALUES (?, ?, ?)", rows
            )
            lines[employee_id] = [Assignment(e, since, s, None) for e, since, s in rows]
    expected = {e: scheme_at(lines[e], month) if lines[e] else now for e, now in zip(IDS, current)}
    assert store._schemes_at((e, month) for e in IDS) == {(e, month): s for e, s in expected.items()}
    members = {e for e, s in expected.items() if s == scheme}
    assert set(store.scheme_members(scheme, month)) == members
