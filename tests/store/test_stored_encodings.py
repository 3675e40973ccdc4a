"""What an apply stores reads back exactly as before: the encoders that write results' flags and
traces, checkpoint states and audit rows skip the circular-reference bookkeeping (cheaper), and
must still write, byte for byte, the text the plain ``json`` encoders always wrote.

Examples: ``CSTUI_FUZZ_EXAMPLES`` (default 2000) random JSON trees.
"""

from __future__ import annotations

import json
import os
import sqlite3
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.batch import run_batch
from cstui.domain import Period
from cstui.schemes import load_scheme
from cstui.store import Store
from cstui.store.codec import dumps, dumps_each
from test_batch import SCHEMES, build_company

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000"))

# what codec.dumps and periods.lines_json wrote before (json's defaults: circular references checked)
_old_sorted = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode
_old_lines = json.JSONEncoder(ensure_ascii=False, default=str).encode

# texts with quotes, escapes, 中文, the separators dumps_each splits at, and what default=str turns to text
TEXTS = st.one_of(st.text(max_size=12), st.sampled_from(["}, {", '"', "\\", "林 → 分", "\u2028", "\x00"]))
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    TEXTS,
    st.decimals(allow_nan=False, allow_infinity=False, places=4),
    st.builds(Period.month, st.integers(2020, 2030), st.integers(1, 12)),
)
TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(TEXTS, inner, max_size=5)),
    max_leaves=30,
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(TREES)
def test_dumps_writes_what_the_plain_encoder_wrote(value):
    assert dumps(value) == (None if value is None else _old_sorted(value))


@settings(max_examples=EXAMPLES // 4, deadline=None)
@given(st.lists(st.one_of(st.dictionaries(TEXTS, TREES, max_size=4), TREES), max_size=8))
def test_dumps_each_writes_what_the_plain_encoder_wrote(values):
    assert dumps_each(values) == [None if v is None else _old_sorted(v) for v in values]


def test_a_cycle_is_still_an_error_not_a_hang():
    looped: dict = {}
    looped["self"] = looped
    with pytest.raises((ValueError, RecursionError)):
        dumps(looped)


@pytest.fixture(scope="module")
def applied(tmp_path_factory):
    """A seeded company with 2026-05 and the 2026-Q2 quarter applied under every built-in scheme."""
    folder = tmp_path_factory.mktemp("encodings")
    path = folder / "company.db"
    build_company(path, employees_per_team=4)
    with Store.open(path) as store:
        for name in SCHEMES:
            for period in ("2026-05", "2026-Q2"):
                report = folder / f"{name}-{period}.json"
                run_batch(store, load_scheme(name), Period.parse(period), fmt="json", output=report, apply=True, jobs=1)
    return path


def test_stored_results_traces_and_checkpoints_are_the_plain_encoders_text(applied):
    conn = sqlite3.connect(applied)
    results = conn.execute("SELECT flags, trace FROM results").fetchall()
    states = [row[0] for row in conn.execute("SELECT state FROM checkpoints")]
    audits = conn.execute("SELECT before, after FROM audit WHERE entity = 'results'").fetchall()
    conn.close()
    assert results and states and audits
    for flags, trace in results:
        assert _old_lines(json.loads(flags)) == flags and _old_lines(json.loads(trace)) == trace
    for state in states:
        assert _old_sorted(json.loads(state)) == state
    for before, after in audits:
        assert before is None or _old_sorted(json.loads(before)) == before
        assert _old_sorted(json.loads(after)) == after


def test_the_apply_reads_back_as_it_was_graded(applied):
    with Store.open(applied) as store:
        for name in SCHEMES:
            scheme = load_scheme(name)
            stored = [r for r in store.results("2026-Q2", name)]
            assert stored
            for team in ("T1", "T2"):
                graded = {r.employee_id: r for r in _graded(store, scheme, team)}
                for row in (r for r in stored if r["team"] == team):
                    again = graded[row["employee_id"]]
                    assert row["trace"] == again.trace and row["flags"] == again.flags
                    assert row["score"] == again.score and isinstance(row["score"], Decimal | None)


def _graded(store, scheme, team):
    from cstui.grading import graded_teams

    return [r for _, results in graded_teams(store, scheme, Period.parse("2026-Q2"), [team]) for r in results]
