"""Files that are not ours, or broken: refused untouched, one line naming the path, a documented exit code.

Each failure is made for real: another program's SQLite file, 8 KiB of noise inside a real
database, a second process holding the write lock, a read-only mount, a full filesystem.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cstui.errors import EXIT_BUSY, EXIT_REFUSED, EXIT_STORAGE, EXIT_USAGE
from cstui.store import Store
from cstui.store.files import APPLICATION_ID
from files_support import cstui, foreign_sqlite, one_line, snapshot

CARDS = "employee_id,sales_target,sales_actual\nE0001,100,120\n"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = cstui("demo", "--db", str(path), "--employees", "12", "--months", "3")
    assert result.returncode == 0, result.stderr
    return path


def copy_of(demo_db: Path, tmp_path: Path, name: str = "company.db") -> Path:
    path = tmp_path / name
    path.write_bytes(demo_db.read_bytes())
    path.chmod(0o600)
    return path


# -- a mistyped path, another program's file ---------------------------------------------------------


@pytest.mark.parametrize("args", [("period", "list"), ("--scheme", "star-levels", "--period", "2026-10"), ("check",)])
def test_a_mistyped_db_path_is_a_usage_error_naming_it_and_creates_nothing(tmp_path, args):
    missing = tmp_path / "compnay.db"
    result = cstui(*args, db=missing)
    assert result.returncode == EXIT_USAGE
    line = one_line(result)
    assert str(missing) in line and f"cstui init {missing}" in line
    assert list(tmp_path.iterdir()) == []


def test_the_default_database_is_not_created_either(tmp_path):
    default = tmp_path / "default.db"
    result = cstui("period", "list", env={"CSTUI_DB": str(default)})
    assert result.returncode == EXIT_USAGE and str(default) in one_line(result)
    assert not default.exists()


@pytest.mark.parametrize(
    "make", [foreign_sqlite, lambda p: p.write_text("name,amount\nx,1\n" * 50) and p, lambda p: p.write_bytes(b"") or p]
)
@pytest.mark.parametrize(
    "args",
    [
        ("period", "list"),
        ("--scheme", "star-levels", "--period", "2026-10", "--apply"),
        ("import", "scorecards", "-", "--period", "2026-10", "--scheme", "star-levels"),
        ("user", "add", "eve", "--role", "admin"),
        ("check",),
    ],
)
def test_a_file_that_is_not_ours_is_refused_and_left_byte_identical(tmp_path, make, args):
    path = make(tmp_path / "other.db")
    before = snapshot(tmp_path)
    result = cstui(*args, db=path, stdin=CARDS)
    assert result.returncode == EXIT_REFUSED, result.stderr + result.stdout
    assert str(path) in (result.stderr + result.stdout) and "not a cstui database" in (result.stderr + result.stdout)
    assert snapshot(tmp_path) == before


def test_init_refuses_an_existing_file_and_leaves_it_alone(tmp_path):
    path = foreign_sqlite(tmp_path / "other.db")
    before = path.read_bytes()
    result = cstui("init", str(path))
    assert result.returncode == EXIT_REFUSED and str(path) in one_line(result)
    assert path.read_bytes() == before


def test_the_store_api_refuses_another_programs_file_even_when_asked_to_create(tmp_path):
    path = foreign_sqlite(tmp_path / "other.db")
    before = path.read_bytes()
    with pytest.raises(Exception, match="another program's SQLite database"):
        Store.open(path, login="alice", create=True)
    assert path.read_bytes() == before


# -- new files: 0600, or 0660 for a group --------------------------------------------------------------


def test_init_makes_a_0600_database_whose_wal_and_shm_are_0600_too(tmp_path):
    path = tmp_path / "new" / "company.db"
    result = subprocess.run(  # umask 000: the mode must not depend on the caller's umask
        ["sh", "-c", 'umask 000 && exec "$0" -m cstui init "$1"', sys.executable, str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    old = os.umask(0)
    try:
        with Store.open(path, login="root") as store:
            store.add_team("T1", "One")  # the -wal and -shm exist while a connection is open
            for part in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                assert part.exists() and stat.S_IMODE(part.stat().st_mode) == 0o600, part
    finally:
        os.umask(old)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_init_with_a_group_makes_the_file_and_its_directory_the_groups(tmp_path):
    import grp

    group = grp.getgrgid(os.getgid() if os.getuid() else 1)  # root may hand a file to any group (gid 1: daemon)
    directory = tmp_path / "shared"
    directory.mkdir()
    path = directory / "company.db"
    result = cstui("init", str(path), "--group", group.gr_name)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o660 and path.stat().st_gid == group.gr_gid
    assert directory.stat().st_mode & stat.S_ISGID and directory.stat().st_gid == group.gr_gid
    with Store.open(path) as store:
        store.add_team("T1", "One")
        wal = Path(f"{path}-wal")
        assert wal.stat().st_gid == group.gr_gid and stat.S_IMODE(wal.stat().st_mode) == 0o660


def test_check_is_quiet_about_a_sound_file_and_names_a_loose_mode(demo_db, tmp_path):
    path = copy_of(demo_db, tmp_path)
    ok = cstui("check", db=path)
    assert ok.returncode == 0 and ok.stdout.strip() == f"{path}: ok", ok.stderr
    path.chmod(0o644)
    loose = cstui("check", db=path)
    assert loose.returncode == 3 and "chmod 600" in loose.stdout and str(path) in loose.stdout


# -- a damaged file ------------------------------------------------------------------------------------


def corrupt_the_middle(path: Path, size: int = 8192) -> None:
    import random

    middle = path.stat().st_size // 2
    with open(path, "r+b") as stream:
        stream.seek(middle)
        stream.write(random.Random(9).randbytes(size))


@pytest.mark.parametrize(
    "args",
    [
        ("period", "list"),
        ("--scheme", "star-levels", "--period", "2026-10"),
        ("--scheme", "star-levels", "--period", "2026-10", "--apply"),
        ("import", "scorecards", "-", "--period", "2026-10", "--scheme", "star-levels"),
        ("import", "incidents", "-"),
    ],
)
def test_8_kib_of_corruption_stops_every_command_before_it_writes(demo_db, tmp_path, args):
    path = copy_of(demo_db, tmp_path)
    corrupt_the_middle(path)
    before = snapshot(tmp_path)
    result = cstui(*args, db=path, stdin=CARDS if "scorecards" in args else "employee_id,date,code,count,points,note\n")
    assert result.returncode == EXIT_STORAGE
    line = one_line(result)
    assert str(path) in line and "damaged" in line and "nothing was written" in line
    assert snapshot(tmp_path) == before


def test_check_reports_the_damage(demo_db, tmp_path):
    path = copy_of(demo_db, tmp_path)
    corrupt_the_middle(path)
    result = cstui("check", db=path)
    assert result.returncode == EXIT_STORAGE and str(path) in result.stdout and "damaged" in result.stdout


# -- a held lock ------------------------------------------------------------------------------------------


def test_a_writer_held_past_the_timeout_gives_exit_5_and_writes_nothing(demo_db, tmp_path):
    path = copy_of(demo_db, tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(30)"
            ),
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = cstui(
            "import",
            "scorecards",
            "-",
            "--period",
            "2026-10",
            "--scheme",
            "star-levels",
            db=path,
            stdin=CARDS,
            env={"CSTUI_BUSY_TIMEOUT": "0.5"},
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == EXIT_BUSY
    line = one_line(result)
    assert str(path) in line and "busy" in line and "try again" in line
    with Store.open(path) as store:
        assert store.scorecard("E0001", "2026-10").values.get("sales_actual") != "120"


# -- a read-only file and a full disk, on real (tiny) filesystems -------------------------------------------


@pytest.fixture
def tiny_fs(tmp_path):
    """A 2 MiB tmpfs mounted in tmp_path (root only); skipped where mounting is not allowed."""
    mount = tmp_path / "fs"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip() or 'mount failed'})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_filesystem_gives_exit_6_naming_the_file(demo_db, tiny_fs):
    path = copy_of(demo_db, tiny_fs)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_fs)], check=True)
    result = cstui("user", "add", "eve", "--role", "viewer", db=path)
    assert result.returncode == EXIT_STORAGE
    line = one_line(result)
    assert str(path) in line and "cannot be written" in line


def test_a_full_disk_gives_exit_6_and_the_database_stays_sound(demo_db, tiny_fs):
    path = copy_of(demo_db, tiny_fs)
    filler = tiny_fs / "filler"
    with open(filler, "wb") as stream:  # take every free block of the filesystem
        try:
            while True:
                stream.write(b"\0" * 65536)
                stream.flush()
        except OSError:
            pass
    rows = "employee_id,date,code,count,points,note\n" + "".join(
        f"E0008,2026-10-{i % 28 + 1:02d},no-mandarin,1,-2,{'长备注' * 200}{i}\n" for i in range(3000)
    )
    result = cstui("import", "incidents", "-", db=path, stdin=rows)
    assert result.returncode == EXIT_STORAGE, result.stderr
    line = one_line(result)
    assert str(path) in line and "disk is full" in line
    filler.unlink()
    assert cstui("check", db=path).returncode == 0


def test_sqlite_full_from_the_page_limit_is_the_same_failure(demo_db, tmp_path):
    from cstui.store import StorageFailure

    path = copy_of(demo_db, tmp_path)
    with Store.open(path) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StorageFailure, match="disk is full"):
            for i in range(2000):
                store.add_team(f"T{i}", "x" * 2000)


def test_the_tui_on_first_run_says_how_to_make_a_database(tmp_path):
    default = tmp_path / "data" / "cstui.db"
    result = cstui(env={"CSTUI_DB": str(default)})
    assert result.returncode == EXIT_USAGE
    line = one_line(result)
    assert f"cstui init {default}" in line and "cstui --demo" in line
    assert not default.parent.exists()


def test_init_names_the_first_admin(tmp_path):
    path = tmp_path / "company.db"
    result = cstui("init", str(path), "--admin", "li.manager")
    assert result.returncode == 0 and "admin: li.manager" in result.stdout
    with Store.open(path, login="li.manager") as store:
        assert [(u.login, u.role) for u in store.users()] == [("li.manager", "admin")]


def test_a_damaged_file_reads_in_chinese(demo_db, tmp_path):
    from cstui.io.localize import user_message
    from cstui.store.files import StorageFailure

    path = copy_of(demo_db, tmp_path)
    corrupt_the_middle(path)
    with pytest.raises(StorageFailure) as raised:
        Store.open(path, login="admin").close()
    english = str(raised.value)
    assert english.startswith(f"{path} is damaged (") and english.endswith("restore the last backup (docs/deploy.md)")
    zh = user_message(raised.value, "zh")
    assert zh.startswith(f"{path} 已损坏（") and "未写入任何内容" in zh and "恢复最近的备份" in zh
