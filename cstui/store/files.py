"""The company file on disk: is it ours, who may read it, and what went wrong with it.

cstui marks its databases with ``PRAGMA application_id`` and opens nothing else: another
program's SQLite file, or any other file, is refused before cstui writes a byte to it. A new
database is created 0600 (or 0660 for a named group) before any data is in it; SQLite gives
its ``-wal`` and ``-shm`` files the database's mode.

Failures of the file or the disk become one line naming the path, by SQLite's error code
(never by message text): busy past the timeout, corrupt, read-only, disk full.
"""

from __future__ import annotations

import grp
import os
import sqlite3
import stat
from pathlib import Path

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.errors import EXIT_BUSY, EXIT_REFUSED, EXIT_STORAGE, EXIT_USAGE
from cstui.store.errors import AccessDenied, BadInput, Refused, StoreError

# what the file or the disk did, in the user's language (SQLite's error name stays as it is)
texts.register(
    {
        "storage.busy": (
            "{path} is busy: another cstui held the write lock for over {seconds} s; nothing was written, try again",
            "{path} 正忙：有人占用写锁超过 {seconds} 秒；未写入任何内容，请重试",
        ),
        "storage.damaged": (
            "{path} is damaged ({name}); nothing was written. Run: {check}, and restore the last backup ({doc})",
            "{path} 已损坏（{name}）；未写入任何内容。请运行：{check}，并恢复最近的备份（{doc}）",
        ),
        "storage.read_only": (
            "{path} cannot be written ({name}: a read-only file, directory or disk); nothing was written",
            "{path} 无法写入（{name}：文件、目录或磁盘只读）；未写入任何内容",
        ),
        "storage.full": (
            "{path}: the disk is full ({name}); nothing was written: free some space and try again",
            "{path}：磁盘已满（{name}）；未写入任何内容：请释放空间后重试",
        ),
        "storage.io": (
            "{path}: the disk failed to read or write ({name}); nothing was written",
            "{path}：磁盘读写失败（{name}）；未写入任何内容",
        ),
        "storage.busy_now": ("{path} is busy; try again ({error})", "{path} 正忙；请重试（{error}）"),
        # SQLite's integrity refusal: a bug of cstui's (exit 1), said as SQLite said it
        "storage.integrity": (
            "the database refused the change ({error}); nothing was saved",
            "数据库拒绝了此修改（{error}）；未保存任何内容",
        ),
        # a path that is not a cstui database, refused before SQLite opens or writes it; the
        # program, its commands and SQLite's name are arguments (they read the same in 中文)
        "storage.no_database": (
            "no {program} database at {path}: check the path, or create one with: {init} ({demo} opens a demo company)",
            "{path} 处没有 {program} 数据库：请检查路径，或用 {init} 新建一个（{demo} 打开演示公司）",
        ),
        "storage.unreadable": (
            "{path}: this account may not read the database; "
            "a shared company is reached through its service account ({doc})",
            "{path}：本账户无权读取该数据库；共享的公司数据须通过其服务账户访问（{doc}）",
        ),
        "storage.directory": (
            "{path} is a directory, not a {program} database",
            "{path} 是目录，不是 {program} 数据库",
        ),
        "storage.empty_file": (
            "{path} is an empty file, not a {program} database; {init} makes it one",
            "{path} 是空文件，不是 {program} 数据库；{init} 可将其建成数据库",
        ),
        "storage.not_sqlite": (
            "{path} is not a {program} database (not an {sqlite} file); {program} left it unchanged",
            "{path} 不是 {program} 数据库（不是 {sqlite} 文件）；{program} 未改动它",
        ),
        "storage.blank_sqlite": (
            "{path} is an empty {sqlite} database, not a {program} database; {init} makes a new one",
            "{path} 是空的 {sqlite} 数据库，不是 {program} 数据库；{init} 可新建一个",
        ),
        "storage.foreign": (
            "{path} is another program's {sqlite} database, not a {program} database; {program} left it unchanged",
            "{path} 是其他程序的 {sqlite} 数据库，不是 {program} 数据库；{program} 未改动它",
        ),
        "storage.occupied": (
            "{path} already exists; {program} never makes a new database over a file",
            "{path} 已存在；{program} 从不在已有文件上新建数据库",
        ),
    }
)

# the words a refusal of a file names as they are, in every language
NAMES = {"program": "cstui", "sqlite": "SQLite", "demo": "cstui --demo", "doc": "docs/deploy.md"}


def _refusal(key: str, path: Path, init: str = "cstui init") -> texts.Line:
    return line(key, path=str(path), init=init, **NAMES)


APPLICATION_ID = int.from_bytes(b"CSTU", "big")  # 0x43535455, in the header of every cstui file
SQLITE_HEADER = b"SQLite format 3\x00"
# a table only cstui's first migration makes: a file with it but no application_id yet
# was made by an older cstui, and is marked when it is migrated
LEGACY_MARK = "audit_is_permanent_delete"


class NoDatabase(StoreError):
    """The path names no database (a typo, or one not created yet): a usage error."""

    exit_code = EXIT_USAGE


class NotOurs(StoreError):
    """The file is not a cstui database; it was left exactly as it was."""

    exit_code = EXIT_REFUSED


class Occupied(NotOurs):
    """The path already holds a file: a new database is never made over one."""


class Busy(StoreError):
    """Another process held the write lock past the busy timeout; nothing was written."""

    exit_code = EXIT_BUSY


class StorageFailure(StoreError):
    """The file or the disk failed: corrupt, read-only, full, or an I/O error."""

    exit_code = EXIT_STORAGE


def sidecars(path: Path) -> tuple[Path, Path]:
    """SQLite's ``-wal`` and ``-shm`` files beside ``path``."""
    return Path(f"{path}-wal"), Path(f"{path}-shm")


def has_sqlite_header(path: Path) -> bool:
    try:
        with open(path, "rb") as stream:
            return stream.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def require_database_file(path: Path) -> None:
    """Refuse a missing path, a directory, an empty or a non-SQLite file before SQLite opens it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise NoDatabase(_refusal("storage.no_database", path, f"cstui init {path}")) from None
    except PermissionError:
        info = None
    if info is None or not os.access(path, os.R_OK):
        raise AccessDenied(_refusal("storage.unreadable", path))
    if stat.S_ISDIR(info.st_mode):
        raise NoDatabase(_refusal("storage.directory", path))
    if info.st_size == 0:
        raise NotOurs(_refusal("storage.empty_file", path, f"cstui init {path}"))
    if not has_sqlite_header(path):
        raise NotOurs(_refusal("storage.not_sqlite", path))


def ownership(conn: sqlite3.Connection) -> str:
    """'ours', 'legacy' (an older cstui's file, marked when migrated), 'blank' or 'foreign'.

    Reads only the header and the schema: nothing is written.
    """
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if application_id == APPLICATION_ID:
        return "ours"
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if not names:
        return "blank"
    if LEGACY_MARK in names and application_id == 0:
        return "legacy"
    return "foreign"


def refuse_foreign(path: Path, conn: sqlite3.Connection, *, blank_ok: bool) -> None:
    kind = ownership(conn)
    if kind in ("ours", "legacy") or (kind == "blank" and blank_ok):
        return
    if kind == "blank":
        raise NotOurs(_refusal("storage.blank_sqlite", path))
    raise NotOurs(_refusal("storage.foreign", path))


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's ``quick_check``: every page of every table and index is readable; [] when fine."""
    rows = [row[0] for row in conn.execute("PRAGMA quick_check(20)")]
    return [] if rows == ["ok"] else rows


# -- creating a database file with the right mode ----------------------------------------------


def create_file(path: Path, group: str | None = None) -> None:
    """An empty file for a new database: 0600, or 0660 owned by ``group``, made before any data.

    Refuses an existing non-empty file (or ``-wal``): a new company never overwrites one.
    With a group, the directory gets it too, with the setgid bit, so the ``-wal`` and
    ``-shm`` files SQLite makes later belong to the group as well.
    """
    refuse_occupied(path)
    gid = group_id(group) if group else None
    path.parent.mkdir(parents=True, exist_ok=True)
    if gid is not None:
        _share_directory(path.parent, gid, group)
    mode = 0o660 if gid is not None else 0o600
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, mode)
    try:
        os.fchmod(fd, mode)  # the umask may have taken bits away; an existing empty file had its own mode
        if gid is not None:
            os.fchown(fd, -1, gid)
    finally:
        os.close(fd)


def refuse_occupied(path: Path) -> None:
    """A new database goes only where there is no file, or an empty one (and no -wal)."""
    for part in (path, sidecars(path)[0]):
        if part.exists() and (part.is_dir() or part.stat().st_size > 0):
            raise Occupied(_refusal("storage.occupied", part))


def group_id(group: str) -> int:
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise BadInput(line("store.no_group", group=repr(group))) from None


def _share_directory(directory: Path, gid: int, group: str) -> None:
    info = directory.stat()
    if info.st_gid == gid and info.st_mode & stat.S_ISGID:
        return
    try:
        os.chown(directory, -1, gid)
        os.chmod(directory, stat.S_IMODE(info.st_mode) | stat.S_ISGID | 0o070)
    except PermissionError:
        raise Refused(
            line(
                "store.share_directory",
                directory=str(directory),
                group=group,
                command=f"install -d -m 2770 -g {group} {directory}",
            )
        ) from None


def loose_modes(path: Path) -> list[str]:
    """Findings for the database or its -wal/-shm readable by accounts outside its owner and group."""
    findings = []
    for part in (path, *sidecars(path)):
        if part.exists() and part.stat().st_mode & 0o007:
            findings.append(
                f"{part}: mode {stat.S_IMODE(part.stat().st_mode):04o} lets every account on the machine "
                f"read it; chmod 600 (or 660 for a group) {part}"
            )
    return findings


# -- SQLite errors as one line -------------------------------------------------------------------

_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_READ_ONLY = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN}
_FULL = {sqlite3.SQLITE_FULL}
# growing the -shm file fails this way when the disk is full (SQLite reports ENOSPC there as an I/O error)
_FULL_EXTENDED = {getattr(sqlite3, "SQLITE_IOERR_SHMSIZE", 4874)}
_IO = {sqlite3.SQLITE_IOERR}


def storage_error(path: Path | str, error: sqlite3.Error) -> StoreError | None:
    """The user's error for SQLite ``error`` on ``path``, or None for one that is not about the file."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    name = getattr(error, "sqlite_errorname", "") or str(primary)
    if primary in _BUSY:
        from cstui.store.core import busy_timeout_s

        return Busy(line("storage.busy", path=str(path), seconds=busy_timeout_s()))
    if primary in _CORRUPT:
        check = f"cstui --db {path} check"
        return StorageFailure(line("storage.damaged", path=str(path), name=name, check=check, doc="docs/deploy.md"))
    if primary in _READ_ONLY:
        return StorageFailure(line("storage.read_only", path=str(path), name=name))
    if primary in _FULL or code in _FULL_EXTENDED:
        return StorageFailure(line("storage.full", path=str(path), name=name))
    if primary in _IO:
        return StorageFailure(line("storage.io", path=str(path), name=name))
    return None
