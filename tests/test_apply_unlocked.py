"""--apply grades with no lock held, records in one short transaction, then writes the report."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time

import pytest

from cstui import grading
from cstui.demo import build_demo
from cstui.domain import Period
from cstui.schemes import load_scheme
from cstui.store import ChangedMeanwhile, Store


@pytest.fixture(scope="module")
def big_demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("apply") / "demo.db"
    build_demo(path, employees=1200, months=2, seed=7)  # five-tier's --explain JSON is ~160 KB: more than a pipe holds
    return path


def recorded(path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT COUNT(*) FROM results WHERE period = '2026-10' AND scheme = 'five-tier'"
        ).fetchone()[0]
    finally:
        conn.close()


def test_a_report_nobody_reads_yet_does_not_block_another_writer(big_demo):
    command = [
        sys.executable,
        "-m",
        "cstui",
        "--db",
        str(big_demo),
        "--scheme",
        "five-tier",
        "--period",
        "2026-10",
        "--apply",
        "--explain",
        "--format",
        "json",
        "--jobs",
        "1",
    ]
    apply = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while recorded(big_demo) == 0:
            assert apply.poll() is None, apply.stderr.read().decode()
            assert time.monotonic() < deadline, "the apply never recorded its results"
            time.sleep(0.05)
        time.sleep(0.3)
        assert apply.poll() is None  # recorded, and now stuck writing a report nobody reads
        with Store.open(big_demo) as other:
            other.conn.execute("PRAGMA busy_timeout = 1000")  # a writer would wait at most 1 s
            employee = other.employees(scheme="star-levels", limit=1)[0]
            card = other.scorecard(employee.id, "2026-11")
            assert (
                other.save_scorecard(employee.id, "2026-11", {"sales_target": "100", "sales_actual": "1"}, card.version)
                == card.version + 1
            )
        assert apply.poll() is None  # the second writer succeeded while the report was still unread
        out, err = apply.communicate(timeout=60)
    finally:
        if apply.poll() is None:
            apply.kill()
    assert apply.returncode == 0, err.decode()
    assert len(json.loads(out)) == recorded(big_demo) > 0


def test_an_apply_whose_data_keeps_changing_is_refused_and_records_nothing(big_demo, tmp_path, monkeypatch):
    path = tmp_path / "copy.db"
    path.write_bytes(big_demo.read_bytes())
    versions = iter(range(100))
    monkeypatch.setattr(Store, "data_version", lambda self: next(versions))  # a commit between every two looks
    with Store.open(path) as store:
        before = store.results("2026-10", scheme="assistant-class")
        with pytest.raises(ChangedMeanwhile, match="refused: the data kept changing"):
            grading.apply_period(store, load_scheme("assistant-class"), Period.parse("2026-10"))
        assert store.results("2026-10", scheme="assistant-class") == before == []
    assert next(versions) == 2 * grading.APPLY_ATTEMPTS  # graded three times, then gave up


def test_a_pooled_apply_grades_in_workers_with_no_lock_held(big_demo, tmp_path, monkeypatch):
    path = tmp_path / "copy.db"
    path.write_bytes(big_demo.read_bytes())
    held = []
    real = grading.graded_results

    def watched(store, *args, **kwargs):
        for graded in real(store, *args, **kwargs):
            held.append(store.in_write)
            yield graded

    monkeypatch.setattr(grading, "graded_results", watched)
    with Store.open(path) as store:
        count = grading.apply_period(store, load_scheme("five-tier"), Period.parse("2026-10"), jobs=2)
        assert count == len(store.results("2026-10", scheme="five-tier")) > 0
    assert held and not any(held)


def test_a_change_outside_what_was_graded_does_not_make_the_apply_grade_again(big_demo, tmp_path, monkeypatch):
    path = tmp_path / "copy.db"
    path.write_bytes(big_demo.read_bytes())
    gradings = []
    real = grading.graded_results

    def meanwhile(store, *args, **kwargs):
        gradings.append(1)
        yield from real(store, *args, **kwargs)
        if len(gradings) in (1, 2):  # another supervisor saves an assistant's card
            with Store.open(path) as other:
                e = other.employees(scheme="assistant-class", limit=1)[0]
                other.save_scorecard(
                    e.id, "2026-10", {"a_followups": str(90 + len(gradings))}, other.scorecard(e.id, "2026-10").version
                )

    monkeypatch.setattr(grading, "graded_results", meanwhile)
    with Store.open(path) as store:
        grading.apply_period(store, load_scheme("star-levels"), Period.parse("2026-10"))
        assert len(gradings) == 1  # the assistant's card is no input of star-levels
        grading.apply_period(store, load_scheme("assistant-class"), Period.parse("2026-10"))
        assert len(gradings) == 3  # its own scheme's card: graded again
