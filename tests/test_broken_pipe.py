"""Batch output into a pipe whose reader goes away (``cstui ... | head -1``): no message, no
traceback, exit 141 (128 + SIGPIPE, what a shell reports for a command cut off the same way)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cstui.errors import EXIT_BROKEN_PIPE

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")


@pytest.fixture(scope="module")
def big_company(tmp_path_factory) -> Path:
    """Big enough that one report (~100 kB) cannot fit in a pipe's 64 kB buffer."""
    from cstui.demo import build_demo
    from cstui.domain import Period

    path = tmp_path_factory.mktemp("pipe") / "company.db"
    build_demo(path, employees=1200, months=2, end=Period.parse("2026-10"))
    return path


def batch(db: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cstui",
        "--db",
        str(db),
        "--scheme",
        "assistant-class",
        "--period",
        "2026-10",
        "--jobs",
        "1",
        *extra,
    ]


def assert_quiet(stderr: str) -> None:
    for word in ("BrokenPipe", "Traceback", "Exception ignored", "unexpected"):
        assert word not in stderr, stderr


def test_a_reader_that_stops_after_one_line_ends_the_report_quietly(big_company):
    child = subprocess.Popen(batch(big_company, "--explain"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = child.stdout.readline()
    child.stdout.close()  # like `head -1`
    stderr = child.stderr.read().decode()
    assert child.wait(timeout=120) == EXIT_BROKEN_PIPE, stderr
    assert first.startswith(b"employee_id,")
    assert_quiet(stderr)


def test_a_closed_pipe_under_apply_keeps_what_was_recorded(big_company, tmp_path):
    """--apply records in one short transaction, then writes the report (issue 9: the write
    lock is never held while a report streams): a reader that went away cannot undo the
    acknowledged write; it ends the run quietly with 141, and the period stays applied whole."""
    import shutil

    from cstui.store import Store

    db = tmp_path / "copy.db"
    shutil.copyfile(big_company, db)
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first write fails
    with os.fdopen(write_end, "wb") as stdout:
        done = subprocess.run(batch(db, "--apply"), stdout=stdout, stderr=subprocess.PIPE, timeout=120)
    assert done.returncode == EXIT_BROKEN_PIPE
    assert_quiet(done.stderr.decode())
    with Store.open(db, create=False) as store:
        recorded = store.results("2026-10", scheme="assistant-class")
        assert recorded and len(recorded) == store.count_employees(scheme="assistant-class")
    with open(os.devnull, "wb") as stdout:  # the same run with a reader records the period
        assert subprocess.run(batch(db, "--apply"), stdout=stdout, timeout=120).returncode == 0
    with Store.open(db, create=False) as store:
        assert store.results("2026-10", scheme="assistant-class")
