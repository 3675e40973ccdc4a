"""How a full replay reads its teams column-wise (issue 14): blocks of teams, their members in one
query, and every month of a block's numbers in one query.

The block's members must be exactly what the per-team timelines give (``_members_on``), for
employees with no timeline, one stretch, or several on and off the scheme; a block with an
employee the layout does not cover is read per card; and a team whose members' timelines hold
other schemes, or whose cards hold fields the scheme does not read, still grades as the
reference, on the fast path.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cstui.grading_columns as grading_columns
from columns_support import both, new_database, spied, write_team
from cstui.domain import Period
from cstui.grading_columns import block_sizes
from cstui.schemes import load_scheme
from cstui.store import Store
from cstui.store.codec import dumps
from cstui.store.columns import _members, _members_per_team, plan_block

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "1000"))
M = Period.parse
MONTHS = [M("2025-01").shift(i) for i in range(6)]
SCHEMES = ["star-levels", "five-tier", "ecommerce-kpi", None]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return new_database(tmp_path_factory)


@settings(max_examples=min(EXAMPLES, 500), deadline=None)
@given(teams=st.integers(0, 600), first=st.integers(1, 4), most=st.sampled_from([1, 2, 4, 8, 16, 32]))
def test_blocks_hold_every_team_once_growing_then_shrinking(teams, first, most):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grading_columns, "FIRST_BLOCK", first)
        patch.setattr(grading_columns, "TEAMS_PER_BLOCK", most)
        sizes = block_sizes(teams)
    assert sum(sizes) == teams and all(0 < size <= most for size in sizes)
    if teams:
        assert sizes[0] == min(first, most, teams)  # the read the grading waits for stays small
    if first < most and teams >= 4 * most:
        assert sizes[-1] == first  # so does the grading nothing is read beside
        assert max(sizes) == most


def write_timeline(path, employee_id: str, stretches: list[tuple[str, str | None, str | None]]) -> None:
    """Replace the employee's scheme timeline by ``stretches`` [(since month, scheme, level)]."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DELETE FROM scheme_assignments WHERE employee_id = ?", (employee_id,))
    conn.executemany(
        "INSERT INTO scheme_assignments (employee_id, since_month, scheme, level) VALUES (?, ?, ?, ?)",
        [(employee_id, since, scheme, level) for since, scheme, level in stretches],
    )
    conn.close()


stretch = st.tuples(
    st.sampled_from([str(m) for m in MONTHS]), st.sampled_from(SCHEMES), st.sampled_from([None, "2-star"])
)


@settings(max_examples=max(EXAMPLES // 20, 10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines=st.lists(st.lists(stretch, max_size=3, unique_by=lambda s: s[0]), min_size=1, max_size=4))
def test_a_blocks_members_are_the_per_team_timelines_members(database, timelines):
    """One query for the block gives each team's members at their starting levels exactly as the
    timelines read per team do, or declines (None) where one of them must decide per team."""
    teams = []
    for _ in range(2):
        staff = [(i, date(2024, 1, 1), "active", "1-star", {}) for i in range(len(timelines))]
        team = write_team(database, "star-levels", staff)
        for i, stretches in enumerate(timelines):
            write_timeline(database, f"{team}E{i}", stretches)
        teams.append(team)
    for scheme in SCHEMES[:3]:
        with Store.open(database) as store:
            fast = _members(store, scheme, teams, dumps(teams))
            slow = _members_per_team(store, scheme, teams, "2025-07", "2025-07")
            unbounded = [
                store._members_on(scheme, team, "2025-07", "2025-07")[0] for team in teams
            ]  # members whichever their windows
        several_on_scheme = any(len(s) > 1 and any(x[1] == scheme for x in s) for s in timelines)
        assert (fast is None) == several_on_scheme, (scheme, timelines)
        if fast is not None:
            assert slow == fast == list(zip(teams, unbounded, strict=True))


def test_a_team_with_other_schemes_in_timelines_and_cards_takes_the_fast_path(database, monkeypatch):
    """An employee who moved between two other schemes is no member (and does not send the block
    per card); cards with fields the scheme does not read are left out of the numbers."""
    import cstui_plugins.star_levels.columnar as columnar

    scheme = load_scheme("star-levels")
    taken = spied(monkeypatch, columnar)
    months = [M("2025-01").shift(i) for i in range(24)]
    runs = {m: {"sales_target": "100000", "sales_actual": "120000", "first_response_s": "7"} for m in months}
    other = {m: {"conversion": "0.5", "satisfaction": "0.9"} for m in months}
    staff = [(0, date(2024, 1, 1), "active", "1-star", runs), (1, date(2024, 3, 15), "active", None, other)]
    team = write_team(database, "star-levels", staff)
    write_timeline(database, f"{team}E1", [("2024-03", "five-tier", None), ("2025-06", "ecommerce-kpi", None)])
    with Store.open(database) as store:
        block = plan_block(store, "star-levels", [team], M("2026-12"), scheme.fingerprint)
    assert [e.id for e in block.employees] == [f"{team}E0"]
    for period in (M("2026-12"), M("2026-10").quarter):
        taken.clear()
        fast, slow = both(database, scheme, period, team, True)
        assert fast == slow
        assert taken == [Period.from_ordinal(period.months()[0].ordinal - 1)]
        assert [r.employee_id for r in fast] == [f"{team}E0"]
