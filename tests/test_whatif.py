"""Schemes remembered with applied periods, `cstui scheme diff`, and `cstui whatif` (issue 11 item 2)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from decimal import Decimal

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.cli import cli
from cstui.domain import Period
from cstui.schemes import load_scheme
from cstui.store import Store
from cstui.whatif import WHATIF_COLUMNS, param_diff, whatif, whatif_periods
from test_batch import build_company

VARIANTS = {
    # scheme: (TOML body of a variant that moves decisions, the periods a batch run grades)
    "star-levels": ("[review]\npromote_at = 100\ndemote_below = 95\n", ["2026-03", "2026-04", "2026-05", "2026-06"]),
    "five-tier": ("[review]\npromote_above = 75\ndemote_below = 72\n", ["2026-Q1", "2026-Q2"]),
    "assistant-class": ("[ledger]\nbase = 84\n", ["2026-04", "2026-05", "2026-06", "2026-Q2"]),
}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "company.db"
    build_company(path)
    return path


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def variant_file(tmp_path, scheme: str, body: str | None = None, version: str = "proposal-1"):
    path = tmp_path / f"{scheme}-{version}.toml"
    body = VARIANTS[scheme][0] if body is None else body
    path.write_text(f'name = "{scheme}"\nextends = "{scheme}"\nversion = "{version}"\n{body}', encoding="utf-8")
    return path


def batch(db, scheme, period) -> dict[str, dict]:
    result = run(db, "--scheme", str(scheme), "--period", period, "--format", "json")
    assert result.exit_code == 0, result.output
    return {r["employee_id"]: r for r in json.loads(result.stdout)}


def database_bytes(path) -> dict[str, str]:
    """The sha256 of the database file and of each sidecar that exists."""
    return {
        str(p): hashlib.sha256(open(p, "rb").read()).hexdigest()
        for p in (path, f"{path}-wal", f"{path}-shm")
        if os.path.exists(p)
    }


# -- schemes remembered ----------------------------------------------------------------------


def test_an_apply_remembers_its_schemes_parameters_and_they_survive_a_reopen(db, tmp_path):
    acme = variant_file(tmp_path, "star-levels")
    assert run(db, "--scheme", str(acme), "--period", "2026-05", "--apply").exit_code == 0
    assert run(db, "period", "close", "2026-05").exit_code == 0
    fingerprint = load_scheme(str(acme)).fingerprint
    acme.unlink()  # the file is gone: the period can still be re-explained

    with Store.open(db) as store:
        (applied,) = store.applied_schemes("2026-05")
        assert (applied.snapshot.scheme, applied.snapshot.version, applied.teams) == (
            "star-levels",
            "proposal-1",
            ("T1", "T2"),
        )
        assert applied.snapshot.fingerprint == fingerprint
    listed = run(db, "scheme", "applied", "--period", "2026-05", "--json")
    assert json.loads(listed.stdout)[0] | {"applied_at": None} == {
        "scheme": "star-levels",
        "version": "proposal-1",
        "model": "star-levels",
        "fingerprint": fingerprint,
        "teams": ["T1", "T2"],
        "applied_by": applied.applied_by,
        "applied_at": None,
    }
    shown = run(db, "scheme", "show", "star-levels@2026-05", "--toml")
    assert shown.exit_code == 0, shown.output
    assert "promote_at = 100" in shown.stdout
    copy = tmp_path / "remembered.toml"
    copy.write_text(shown.stdout, encoding="utf-8")
    assert load_scheme(str(copy)).fingerprint == fingerprint  # the full effective parameters, exactly


def test_the_snapshot_is_written_in_the_results_transaction(db, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "remember_scheme", refuse)
    assert run(db, "--scheme", "star-levels", "--period", "2026-05", "--apply").exit_code == 1
    with Store.open(db) as store:
        assert store.results("2026-05") == []  # recorded before the snapshot, rolled back with it
        assert store.applied_schemes("2026-05") == []


def test_teams_applied_under_different_parameters_are_told_apart(db, tmp_path):
    acme = variant_file(tmp_path, "star-levels")
    assert run(db, "--scheme", "star-levels", "--period", "2026-05", "--apply", "--team", "T1").exit_code == 0
    assert run(db, "--scheme", str(acme), "--period", "2026-05", "--apply", "--team", "T2").exit_code == 0
    with Store.open(db) as store:
        assert [(a.snapshot.version, a.teams) for a in store.applied_schemes("2026-05", "star-levels")] == [
            ("1", ("T1",)),
            ("proposal-1", ("T2",)),
        ]
    ambiguous = run(db, "scheme", "show", "star-levels@2026-05")
    assert ambiguous.exit_code == 3
    assert "2 parameter sets" in ambiguous.stderr and "for T1" in ambiguous.stderr and "for T2" in ambiguous.stderr
    # a second apply of T1 under the variant replaces T1's record, as it replaces its results
    assert run(db, "--scheme", str(acme), "--period", "2026-05", "--apply", "--team", "T1").exit_code == 0
    assert run(db, "scheme", "show", "star-levels@2026-05", "--toml").exit_code == 0


def test_a_supervisor_sees_only_their_teams_records(db):
    assert run(db, "--scheme", "star-levels", "--period", "2026-05", "--apply").exit_code == 0
    with Store.open(db) as store:
        store.add_user("sup1", "supervisor", ["T1"])
    with Store.open(db, login="sup1") as store:
        assert [a.teams for a in store.applied_schemes("2026-05")] == [("T1",)]


def test_a_period_never_applied_has_no_remembered_scheme(db):
    result = run(db, "scheme", "diff", "star-levels@2026-04", "star-levels")
    assert result.exit_code == 3
    assert "no scheme remembered for star-levels in 2026-04" in result.stderr
    assert "Traceback" not in result.output


# -- scheme diff ------------------------------------------------------------------------------


def test_scheme_diff_lists_key_paths_with_old_and_new_values(db, tmp_path):
    acme = variant_file(tmp_path, "star-levels")
    assert run(db, "--scheme", "star-levels", "--period", "2026-05", "--apply").exit_code == 0
    for a in ("star-levels", "star-levels@2026-05"):
        result = run(db, "scheme", "diff", a, str(acme), "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == [
            {"key": "review.demote_below", "old": 110, "new": 95},
            {"key": "review.promote_at", "old": 110, "new": 100},
            {"key": "version", "old": "1", "new": "proposal-1"},
        ]
    table = run(db, "scheme", "diff", "star-levels", str(acme))
    assert table.stdout.splitlines()[2].split() == ["review.demote_below", "110", "95"]
    assert "3 parameters differ" in table.stderr
    rows = list(
        csv.DictReader(io.StringIO(run(db, "scheme", "diff", str(acme), "star-levels", "--format", "csv").stdout))
    )
    assert rows[2] == {"key": "version", "old": '"proposal-1"', "new": '"1"'}
    same = run(db, "scheme", "diff", "star-levels", "star-levels", "--format", "json")
    assert (same.exit_code, json.loads(same.stdout)) == (0, [])


def test_param_diff_walks_tables_and_arrays():
    old = {"a": {"b": 1, "c": [1, 2]}, "levels": [{"key": "x"}, {"key": "y"}], "gone": "z", "t": 110}
    new = {"a": {"b": 2, "c": [1, 2, 3]}, "levels": [{"key": "x"}, {"key": "w", "label": "W"}], "t": 110.0}
    assert [(c.key, c.old, c.new) for c in param_diff(old, new)] == [
        ("a.b", 1, 2),
        ("a.c", [1, 2], [1, 2, 3]),
        ("gone", "z", None),
        ("levels[1].key", "y", "w"),
        ("levels[1].label", None, "W"),
        ("t", 110, 110.0),
    ]


TREES = st.recursive(
    st.integers(-3, 3) | st.sampled_from(["a", "b", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("xyz"), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "300")))
@given(
    st.dictionaries(st.sampled_from("pqr"), TREES, max_size=3),
    st.dictionaries(st.sampled_from("pqr"), TREES, max_size=3),
)
def test_param_diff_is_empty_exactly_for_equal_schemes_and_symmetric(old, new):
    forward, backward = param_diff(old, new), param_diff(new, old)
    assert (forward == []) == (old == new)
    assert [(c.key, c.new, c.old) for c in forward] == [(c.key, c.old, c.new) for c in backward]


# -- what-if ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", sorted(VARIANTS))
def test_whatif_equals_the_batch_runs_it_replaces_and_writes_nothing(db, tmp_path, scheme):
    body, periods = VARIANTS[scheme]
    proposal = variant_file(tmp_path, scheme)
    before = database_bytes(db)
    with Store.open(db) as store:
        version = store.data_version()
        report = whatif(store, load_scheme(str(proposal)), load_scheme(scheme), [Period.parse(p) for p in periods])
        assert store.data_version() == version
    assert database_bytes(db) == before  # not a byte written
    changed = {(r.either.employee_id, str(r.either.period)): r.record() for r in report.rows}
    assert changed, "the variant must move some decision, or this test proves nothing"
    graded = 0
    for period in periods:
        current, proposed = batch(db, scheme, period), batch(db, proposal, period)
        assert current.keys() == proposed.keys()
        for employee_id in current:
            graded += 1
            a, b = current[employee_id], proposed[employee_id]
            outcome = lambda r: (r["decision"], r["level_after"], r["grade"], r["pay_delta"])  # noqa: E731
            row = changed.get((employee_id, period))
            if outcome(a) == outcome(b):
                assert row is None
                continue
            assert row is not None, (employee_id, period)
            assert (row["decision"], row["level"], row["grade"], row["pay_delta"]) == outcome(a)
            assert (row["decision_new"], row["level_new"], row["grade_new"], row["pay_delta_new"]) == outcome(b)
    assert report.totals.graded == graded


def test_whatif_totals_count_promotions_demotions_and_pay(db, tmp_path):
    proposal = variant_file(tmp_path, "assistant-class")
    periods = VARIANTS["assistant-class"][1]
    with Store.open(db) as store:
        report = whatif(
            store, load_scheme(str(proposal)), load_scheme("assistant-class"), [Period.parse(p) for p in periods]
        )
    ladder = load_scheme("assistant-class").level_keys
    expected = {
        "promotions": 0,
        "demotions": 0,
        "pay": Decimal(0),
        "promotions_new": 0,
        "demotions_new": 0,
        "pay_new": Decimal(0),
    }
    for period in periods:
        for suffix, source in (("", "assistant-class"), ("_new", proposal)):
            for r in batch(db, source, period).values():
                step = ladder.index(r["level_after"]) - ladder.index(r["level_before"])
                expected["promotions" + suffix] += step > 0
                expected["demotions" + suffix] += step < 0
                expected["pay" + suffix] += Decimal(str(r["pay_delta"] or 0))
    totals = report.totals
    assert {k: getattr(totals, k) for k in expected} == expected
    assert totals.pay_new - totals.pay == Decimal(4 * 10) * len(periods[:3]) * 6  # base 80 -> 84: +40 yuan a month each


def test_whatif_never_resumes_from_the_current_schemes_checkpoints(db, tmp_path, monkeypatch):
    proposal = variant_file(tmp_path, "star-levels")
    for month in ("2026-01", "2026-02", "2026-03", "2026-04"):
        assert run(db, "--scheme", "star-levels", "--period", month, "--apply").exit_code == 0
    current, proposed = load_scheme("star-levels"), load_scheme(str(proposal))
    periods = [Period.parse("2026-05"), Period.parse("2026-06")]
    with Store.open(db) as store:
        assert store.latest_checkpoint("star-levels", current.fingerprint, "T1", "2026-05") is not None
        assert store.latest_checkpoint("star-levels", proposed.fingerprint, "T1", "2026-05") is None
        resumed = [r.record() for r in whatif(store, proposed, current, periods).rows]
    replayed_db = tmp_path / "replayed.db"
    shutil.copy(db, replayed_db)
    with Store.open(replayed_db) as store:
        store.conn.execute("DELETE FROM checkpoints")  # a full replay of every month
        assert [r.record() for r in whatif(store, proposed, current, periods).rows] == resumed
        # and the test can tell: resuming the proposal from the current scheme's state differs
        real = Store._latest_checkpoint
    with Store.open(db) as store:
        monkeypatch.setattr(
            Store,
            "_latest_checkpoint",
            lambda self, scheme, fingerprint, team, before, timelines=True: real(
                self, scheme, current.fingerprint, team, before, timelines
            ),
        )
        assert [r.record() for r in whatif(store, proposed, current, periods).rows] != resumed


def test_whatif_periods_run_from_the_first_to_the_last():
    p = Period.parse
    assert whatif_periods(p("2026-Q3"), p("2026-01")) == [p("2026-Q1"), p("2026-Q2"), p("2026-Q3")]
    assert whatif_periods(p("2026-02"), p("2025-12")) == [p("2025-12"), p("2026-01"), p("2026-02")]
    assert whatif_periods(p("2026-Q3")) == [p("2026-Q3")]


def test_whatif_command_reports_table_csv_and_json(db, tmp_path):
    proposal = variant_file(tmp_path, "star-levels")
    before = database_bytes(db)
    args = ("whatif", "--scheme", str(proposal), "--period", "2026-06", "--from", "2026-03")
    as_json = run(db, *args, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    assert document["totals"]["periods"] == ["2026-03", "2026-04", "2026-05", "2026-06"]
    assert document["totals"]["changed"] == len(document["changes"]) > 0
    assert document["proposed"]["version"] == "proposal-1" and document["current"]["version"] == "1"
    rows = list(csv.DictReader(io.StringIO(run(db, *args, "--format", "csv").stdout)))
    assert list(rows[0]) == WHATIF_COLUMNS
    assert [r["employee_id"] for r in rows] == [c["employee_id"] for c in document["changes"]]
    table = run(db, *args)
    assert table.exit_code == 0
    assert (
        f"{document['totals']['changed']} of {document['totals']['graded']} results change over 4 period(s)"
        in table.stdout
    )
    assert " → " in table.stdout
    assert database_bytes(db) == before


def test_whatif_against_a_remembered_scheme(db, tmp_path):
    proposal = variant_file(tmp_path, "star-levels")
    assert run(db, "--scheme", str(proposal), "--period", "2026-05", "--apply").exit_code == 0
    # the proposal against what graded May (the proposal itself): nothing changes
    same = run(
        db,
        "whatif",
        "--scheme",
        "star-levels@2026-05",
        "--against",
        str(proposal),
        "--period",
        "2026-06",
        "--format",
        "json",
    )
    assert same.exit_code == 0, same.output
    assert json.loads(same.stdout)["changes"] == []
    other = run(
        db,
        "whatif",
        "--scheme",
        "star-levels",
        "--against",
        "star-levels@2026-05",
        "--period",
        "2026-06",
        "--format",
        "json",
    )
    assert json.loads(other.stdout)["changes"] != []


@pytest.mark.parametrize(
    "args, message",
    [
        (("--period", "2026-03", "--from", "2026-05"), "after --period 2026-03"),
        (("--period", "2026-13"), "2026-13"),
        (("--period", "2026-06", "--against", "no-such-scheme"), "unknown scheme 'no-such-scheme'"),
    ],
)
def test_whatif_refuses_bad_input_with_exit_3(db, tmp_path, args, message):
    result = run(db, "whatif", "--scheme", str(variant_file(tmp_path, "star-levels")), *args)
    assert result.exit_code == 3, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_proposal_under_a_new_name_needs_against(db, tmp_path):
    renamed = tmp_path / "acme-stars.toml"
    renamed.write_text(
        'name = "acme-stars"\nextends = "star-levels"\nversion = "a1"\n[review]\npromote_at = 100\ndemote_below = 95\n',
        encoding="utf-8",
    )
    refused = run(db, "whatif", "--scheme", str(renamed), "--period", "2026-06")
    assert refused.exit_code == 3
    assert "no installed scheme is named 'acme-stars'" in refused.stderr and "--against" in refused.stderr
    named = run(
        db, "whatif", "--scheme", str(renamed), "--against", "star-levels", "--period", "2026-06", "--format", "json"
    )
    assert named.exit_code == 0, named.output
    proposed = batch(
        db, variant_file(tmp_path, "star-levels", "[review]\npromote_at = 100\ndemote_below = 95\n"), "2026-06"
    )
    changes = json.loads(named.stdout)["changes"]
    assert changes and all(proposed[c["employee_id"]]["decision"] == c["decision_new"] for c in changes)


def test_whatif_refuses_a_proposal_of_another_model(db, tmp_path):
    result = run(
        db,
        "whatif",
        "--scheme",
        str(variant_file(tmp_path, "star-levels")),
        "--against",
        "five-tier",
        "--period",
        "2026-06",
    )
    assert result.exit_code == 3
    assert "a scheme of model star-levels, proposed for five-tier (model five-tier)" in result.stderr


def test_the_boards_apply_of_several_schemes_remembers_each(db):
    from cstui.grading import apply_schemes

    schemes = [load_scheme("star-levels"), load_scheme("five-tier")]
    with Store.open(db) as store:
        for spool in apply_schemes(store, schemes, Period.parse("2026-06")):
            spool.close()
        remembered = {a.snapshot.scheme: (a.snapshot.fingerprint, a.teams) for a in store.applied_schemes("2026-06")}
    assert remembered == {s.name: (s.fingerprint, ("T1", "T2")) for s in schemes}


def test_whatif_periods_are_bounded():
    from cstui.errors import InvalidData
    from cstui.whatif import MAX_PERIODS

    p = Period.parse
    assert len(whatif_periods(p("2026-12"), p("2026-12").shift(1 - MAX_PERIODS))) == MAX_PERIODS
    with pytest.raises(InvalidData, match="more than"):
        whatif_periods(p("2026-12"), p("2026-12").shift(-MAX_PERIODS))
    with pytest.raises(InvalidData, match="more than"):
        whatif_periods(p("9999-Q4"), p("1000-01"))
