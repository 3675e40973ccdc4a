"""The column-wise full replay (issue 14) against the per-card reference, through the store.

``model.skims = False`` turns the fast paths off: every team is read per card and every month
goes through the runs' ``month()`` (the reference). With it on, star-levels replays the months
before the period column-wise (cstui/grading_columns.py, cstui/store/columns.py,
plugins/star_levels/columnar.py). For random companies written in the store's own row layout
(values typed with spaces, commas, percents, too many decimals, text, blanks; cards the scheme
refuses; missing months; probation hires and imported stars; exact bars), results must be the
same in every field, traces included, for months and quarters, explained or not.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from columns_support import both, new_database, reference, spied, states, without_timelines, write_team
from cstui.domain import Period
from cstui.domain.texts import to_json
from cstui.engine.cards import UNREADABLE
from cstui.engine.replay import Later, text
from cstui.grading import graded_results
from cstui.schemes import load_scheme
from cstui.store import Store

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "1000"))
M = Period.parse
FIRST = M("2025-01")
WINDOW = 24
MONTHS = [FIRST.shift(i) for i in range(WINDOW)]
PERIODS = MONTHS[1:] + [FIRST.shift(i).quarter for i in range(0, WINDOW, 3)]
LADDER = ["probation", "1-star", "2-star", "3-star", "4-star", "5-star"]

# completion around the bar (110%: >= counts up, < counts down) on a target of 100,000 yuan
ACTUALS = ["80000", "95000", "109995", "109999.99", "110000", "110,000.00", " 111000 ", "120000", "135000"]
# the same numbers typed with trailing zeros, blanks and commas the parser drops: a streak's
# scores keep the typed decimals ("110000.000" / "100000" -> 110.000), so the state must too
TYPED_ACTUALS = ["80000.0", "109,999.9,9", "\u3000110000.000\u00a0", "110000.", "120000.10", "1,35,000.00"]
ODD_ACTUALS = ["-100", "109125", "12,500.50", "110000.001", "110%", "yes", "", "  ", "0"]
TARGETS = ["100000", "100000", "100000.00", "99999.99", "100,000", "100000.0", " 1,00,000.000\t"]
ODD_TARGETS = ["0", "-5", "1e5", "50%", "100000.005", "", "abc"]


@st.composite
def card_values(draw, pick_actual) -> dict:
    odd = draw(st.integers(0, 30)) == 0
    values = {
        "sales_target": draw(st.sampled_from(ODD_TARGETS if odd else TARGETS)),
        "sales_actual": draw(st.sampled_from(ODD_ACTUALS)) if draw(st.integers(0, 30)) == 0 else draw(pick_actual),
    }
    shape = draw(st.integers(0, 60))
    if shape == 0:
        del values["sales_actual"]  # a required field missing
    elif shape == 1:
        values["note"] = "not a field of the scheme"
    elif shape == 2:
        values[UNREADABLE] = "{not json"
    return values


@st.composite
def company(draw):
    """[(id, hire date, status, level, {month: values})]: one team's staff and cards."""
    staff = []
    for i in range(draw(st.integers(1, 4))):
        hired = draw(st.dates(date(2023, 6, 1), date(2026, 11, 30)))
        level = draw(st.sampled_from([None, None, *LADDER]))
        status = draw(st.sampled_from(["active", "active", "inactive"]))
        low, high = ACTUALS[:4] + TYPED_ACTUALS[:2], ACTUALS[4:] + TYPED_ACTUALS[2:]
        pick = st.sampled_from(draw(st.sampled_from([low, high, ACTUALS + TYPED_ACTUALS])))  # runs fill streaks
        gaps = draw(st.sets(st.integers(0, WINDOW - 1), max_size=3 if draw(st.booleans()) else WINDOW))
        cards = {MONTHS[j]: draw(card_values(pick)) for j in range(WINDOW) if j not in gaps}
        staff.append((i, hired, status, level, cards))
    return staff


def rendered(entries: dict) -> dict:
    """The entries with a pending why as the reference's state stores it (the fast path leaves it
    unrendered, as a skim does: ``_Run.state`` renders it the same way when it is saved)."""
    for entry in entries.values():
        run = entry.get("run") or {}
        if isinstance(run.get("pending_why"), Later):
            run["pending_why"] = to_json(text(run["pending_why"]))
    return entries


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return new_database(tmp_path_factory)


@pytest.mark.slow
@settings(max_examples=max(EXAMPLES // 20, 10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staff=company(), periods=st.lists(st.sampled_from(PERIODS), min_size=1, max_size=4, unique=True))
def test_the_column_wise_replay_gives_the_references_results_and_traces(database, staff, periods):
    scheme = load_scheme("star-levels")
    team = write_team(database, "star-levels", staff)
    for period in [MONTHS[-1], *periods]:
        fast_state, slow_state = states(database, scheme, period, team)
        if fast_state is not None:  # declined: a card the columns do not model (the results still compare)
            assert rendered(without_timelines(fast_state)) == without_timelines(slow_state), period
        for explain in (True, False):
            fast, slow = both(database, scheme, period, team, explain)
            assert fast == slow, (period, explain)


def test_the_fast_path_is_taken_and_declines_what_it_does_not_model(database, monkeypatch):
    """The property above compares two paths only if the columns are really used; a team with an
    incident or an override is read per card (and still graded alike)."""
    import cstui_plugins.star_levels.columnar as columnar

    scheme = load_scheme("star-levels")
    taken = spied(monkeypatch, columnar)
    runs = {m: {"sales_target": "100000", "sales_actual": "120000"} for m in MONTHS}
    staff = [(0, date(2024, 1, 1), "active", "1-star", runs), (1, date(2024, 3, 15), "active", None, runs)]
    plain = write_team(database, "star-levels", staff)
    fast, slow = both(database, scheme, M("2026-12"), plain, True)
    assert fast == slow
    assert taken == [M("2026-11")]
    assert [r.level_after for r in fast] == ["5-star", "5-star"]
    for extra in ("incident", "override"):
        taken.clear()
        team = write_team(database, "star-levels", staff, extra, override_level="3-star")
        fast, slow = both(database, scheme, M("2026-12"), team, True)
        assert fast == slow
        assert taken == []


def test_blocks_read_ahead_on_a_second_connection_give_the_references_results(database, monkeypatch):
    """Several blocks of teams: each block's numbers are read on the reader thread's own
    connection while the block before is graded; every team still grades as the reference."""
    import cstui.grading_columns as grading_columns
    import cstui.store.columns as store_columns

    monkeypatch.setattr(grading_columns, "TEAMS_PER_BLOCK", 1)
    monkeypatch.setattr(grading_columns, "FIRST_BLOCK", 1)  # 3 blocks: 2 queued while the first is graded
    readers = []
    real = store_columns._reader_connection

    def spy(store):
        conn = real(store)
        readers.append(conn)
        return conn

    monkeypatch.setattr(store_columns, "_reader_connection", spy)
    scheme = load_scheme("star-levels")
    highs, lows = (
        {m: {"sales_target": "100000", "sales_actual": actual} for m in MONTHS} for actual in ("120000", "80000")
    )
    teams = [
        write_team(
            database,
            "star-levels",
            [(0, date(2024, 1, 1), "active", "2-star", runs), (1, date(2025, 2, 3), "active", None, runs)],
        )
        for runs in (highs, lows, highs)
    ]
    for period in (M("2026-12"), M("2026-10").quarter):
        with Store.open(database) as store:
            fast = [r for t in graded_results(store, scheme, period, teams, explain=True, jobs=1) for r in t.results]
        with reference(scheme.model), Store.open(database) as store:
            slow = [r for t in graded_results(store, scheme, period, teams, explain=True, jobs=1) for r in t.results]
        assert fast == slow
        assert [r.team for r in fast] == [t for t in teams for _ in range(2)]
    assert readers and all(conn is not None for conn in readers)


def test_a_store_inside_a_transaction_reads_every_block_on_its_own_connection(database):
    """A second connection cannot see what an open transaction holds: no reader thread then."""
    from cstui.store.columns import _reader_connection

    with Store.open(database) as store:
        conn = _reader_connection(store)
        assert conn is not None
        conn.close()
        store.conn.execute("BEGIN")
        try:
            assert _reader_connection(store) is None
        finally:
            store.conn.execute("ROLLBACK")
