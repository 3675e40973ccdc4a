"""A checkpoint's level timelines kept apart from its state (migration m015, issue 14): a dry run
never reads them, everything else reads them as before. Checked against the layout before m015
(each timeline inside its entry of the state, the ``timelines`` column NULL), which readers still
take: on the demo company (level changes, overrides, incidents), every built-in scheme, the
dry run with traces, the level timelines, and the apply's results and checkpoints agree."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cstui.demo import build_demo
from cstui.domain import Period
from cstui.engine.model import UNREAD, Checkpoint
from cstui.grading import apply_period, apply_schemes, graded_results, level_timelines
from cstui.schemes import catalog
from cstui.store import Store
from cstui.store.checkpoints import split_timelines, state_json
from cstui.store.migrations import MIGRATIONS, migrate

END = Period.parse("2026-10")
SCHEMES = ("star-levels", "five-tier", "ecommerce-kpi", "assistant-class")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo company with 2026-06, 2026-08 and 2026-09 applied (checkpoints kept apart)."""
    path = tmp_path_factory.mktemp("timelines") / "demo.db"
    build_demo(path, end=END, login="admin")
    with Store.open(path, login="admin") as store:
        schemes = [catalog().get(name) for name in SCHEMES]
        for month in ("2026-06", "2026-08", "2026-09"):
            for spool in apply_schemes(store, schemes, Period.parse(month)):
                spool.close()
    return path


def copy_of(demo, tmp_path, name: str, rewrite=None):
    path = tmp_path / f"{name}.db"
    shutil.copy(demo, path)
    if rewrite is not None:
        conn = sqlite3.connect(path)
        with conn:
            rewrite(conn)
        conn.close()
    return path


def as_before_m015(conn) -> None:
    """Every checkpoint in the layout before m015: its timelines back inside the state."""
    for key, state, timelines in conn.execute("SELECT rowid, state, timelines FROM checkpoints").fetchall():
        conn.execute(
            "UPDATE checkpoints SET state = ?, timelines = NULL WHERE rowid = ?", (merged(state, timelines), key)
        )


def merged(state: str, timelines: str | None) -> str:
    whole = json.loads(state)
    for employee_id, line in json.loads(timelines or "{}").items():
        whole["employees"][employee_id]["timeline"] = line
    return json.dumps(whole, sort_keys=True)


def dry_run(path, name: str, period: Period = END) -> list:
    with Store.open(path, login="admin") as store:
        scheme = catalog().get(name)
        return [r for team in graded_results(store, scheme, period, explain=True) for r in team.results]


def timelines_of(path, name: str, apart: bool) -> dict:
    with Store.open(path, login="admin") as store:
        scheme = catalog().get(name)
        found = {}
        for history in store.team_histories(name, END, fingerprint=scheme.fingerprint):
            assert history.checkpoint is not None and history.checkpoint.timelines != UNREAD
            assert (history.checkpoint.timelines is not None) == apart  # read from their column, or the state
            found.update(level_timelines(scheme, history, END))
        return found


def applied(path, name: str) -> tuple[list, list]:
    with Store.open(path, login="admin") as store:
        apply_period(store, catalog().get(name), END)
    conn = sqlite3.connect(path)
    results = conn.execute(
        "SELECT * FROM results WHERE period = ? AND scheme = ? ORDER BY employee_id", (str(END), name)
    )
    rows = [row[:-1] for row in results]  # all but recorded_at
    sql = "SELECT team, fingerprint, state, timelines FROM checkpoints WHERE month = ? AND scheme = ? ORDER BY team"
    kept = [
        (team, fp, merged(state, lines), lines is not None)
        for team, fp, state, lines in conn.execute(sql, (str(END), name))
    ]
    conn.close()
    return rows, kept


@pytest.mark.parametrize("name", SCHEMES)
def test_timelines_apart_grade_and_apply_as_the_layout_before(demo, tmp_path, name):
    apart, before = copy_of(demo, tmp_path, "apart"), copy_of(demo, tmp_path, "before", as_before_m015)
    conn = sqlite3.connect(apart)
    assert conn.execute(
        "SELECT count(*) FROM checkpoints WHERE scheme = ? AND timelines IS NULL", (name,)
    ).fetchone() == (0,)
    (state,) = conn.execute("SELECT state FROM checkpoints WHERE scheme = ? LIMIT 1", (name,)).fetchone()
    assert all("timeline" not in entry for entry in json.loads(state)["employees"].values())
    conn.close()
    assert dry_run(apart, name) == dry_run(before, name)
    quarter = Period.parse("2026-Q4")  # resumes from 2026-09
    assert dry_run(apart, name, quarter) == dry_run(before, name, quarter)
    lines = timelines_of(apart, name, apart=True)
    assert lines == timelines_of(before, name, apart=False) and any(len(line) > 1 for line in lines.values())
    rows, kept = applied(apart, name)
    assert (rows, kept) == applied(before, name) and rows and kept
    assert all(is_apart for *_, is_apart in kept)  # the apply writes them apart, whichever it read


@pytest.mark.parametrize("name", SCHEMES)
def test_a_dry_run_never_reads_the_timelines(demo, tmp_path, name):
    """The column spoiled: a dry run grades as ever; an apply, which carries them on, cannot."""
    spoiled = copy_of(demo, tmp_path, "spoiled", lambda conn: conn.execute("UPDATE checkpoints SET timelines = 'x'"))
    assert dry_run(spoiled, name) == dry_run(demo, name)
    with Store.open(spoiled, login="admin") as store, pytest.raises(json.JSONDecodeError):
        apply_period(store, catalog().get(name), END)


def test_a_checkpoint_read_without_its_timelines_refuses_them(demo):
    with Store.open(demo, login="admin") as store:
        scheme = catalog().get("star-levels")
        (history, *_) = store.team_histories(scheme.name, END, fingerprint=scheme.fingerprint, timelines=False)
        employee_id = next(iter(history.checkpoint.state["employees"]))
        with pytest.raises(RuntimeError, match="without its timelines"):
            history.checkpoint.timeline(employee_id)


def test_a_checkpoint_stored_before_m015_is_read_after_it(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    migrate(conn, upto=[m.__name__ for m in MIGRATIONS].index("m015_checkpoint_timelines"))
    conn.execute("INSERT INTO teams (id, name) VALUES ('T1', 'One')")
    conn.execute("INSERT INTO users (login, role, teams) VALUES ('olga', 'admin', '[]')")
    whole = {"employees": {"1001": {"level": "2-star", "timeline": [["2026-01", "2-star", '"hired"']], "run": {}}}}
    conn.execute(
        "INSERT INTO checkpoints (scheme, fingerprint, team, month, state, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        ("star-levels", "fp", "T1", "2026-05", json.dumps(whole), "2026-06-01T00:00:00Z"),
    )
    conn.execute("COMMIT")
    conn.close()
    with Store.open(path, login="olga") as store:
        found = store.latest_checkpoint("star-levels", "fp", "T1", "2026-06")
        assert found.timelines is None and found.state == whole
        assert found.timeline("1001") == [["2026-01", "2-star", '"hired"']]


timeline_lists = st.lists(st.tuples(st.sampled_from(["2026-01", "2026-02"]), st.text(max_size=3), st.text(max_size=5)))
entries = st.one_of(
    st.just({}),  # a model's hint for a replay not begun: no timeline
    st.fixed_dictionaries(
        {
            "level": st.text(max_size=3),
            "timeline": timeline_lists.map(lambda t: [list(x) for x in t]),
            "run": st.dictionaries(st.text(max_size=2), st.integers()),
        }
    ),
)


@given(st.dictionaries(st.text(max_size=4), entries), st.booleans())
def test_a_state_split_and_read_back_is_the_state(employees, resume_field):
    """The reference is the whole state: kept apart and read back, every entry and timeline is its own."""
    state = {"employees": employees, **({"resume": "2026-Q1"} if resume_field else {})}
    before = json.dumps(state, sort_keys=True)
    kept, timelines = state_json(state, timelines_apart=True)
    assert json.dumps(state, sort_keys=True) == before  # the model's state is not changed
    stored = Checkpoint(Period.parse("2026-01"), json.loads(kept), json.loads(timelines))
    whole = Checkpoint(Period.parse("2026-01"), state)
    assert merged(kept, timelines) == before
    for employee_id, entry in employees.items():
        assert "timeline" not in stored.state["employees"][employee_id]
        if "timeline" in entry:
            assert stored.timeline(employee_id) == whole.timeline(employee_id) == entry["timeline"]
    whole_text, none = state_json(state)  # a model that keeps them inside: the state whole, as before
    assert none is None and json.dumps(json.loads(whole_text), sort_keys=True) == before
    assert split_timelines(state)[1] == json.loads(timelines)
