"""The store's busy, read-only and other storage failures in 中文 (the TUI in zh, the command line
under --lang zh or LANG), their English unchanged: what SQLite raised, worded by cstui."""

from __future__ import annotations

import re
import sqlite3

import pytest

from cstui.io.localize import user_message
from cstui.store.core import busy_timeout_s
from cstui.store.files import storage_error


def sqlite_error(message: str, code: int, name: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode, error.sqlite_errorname = code, name  # as SQLite sets them
    return error


def english_words(text: str, allowed: set[str]) -> set[str]:
    return set(re.findall(r"[A-Za-z]{3,}", text)) - allowed


PATH = "/srv/company.db"
IN_A_PATH = {"srv", "company"}


@pytest.mark.parametrize(
    "code, name, english, chinese",
    [
        (
            5,
            "SQLITE_BUSY",
            f"{PATH} is busy: another cstui held the write lock for over {busy_timeout_s()} s; nothing was written, try again",
            "正忙",
        ),
        (
            8,
            "SQLITE_READONLY",
            f"{PATH} cannot be written (SQLITE_READONLY: a read-only file, directory or disk)",
            "只读",
        ),
        (13, "SQLITE_FULL", f"{PATH}: the disk is full (SQLITE_FULL); nothing was written", "磁盘已满"),
        (11, "SQLITE_CORRUPT", f"{PATH} is damaged (SQLITE_CORRUPT); nothing was written. Run: cstui --db", "已损坏"),
        (10, "SQLITE_IOERR", f"{PATH}: the disk failed to read or write (SQLITE_IOERR)", "读写失败"),
    ],
)
def test_a_storage_failure_reads_in_chinese_and_its_english_is_unchanged(code, name, english, chinese):
    failure = storage_error(PATH, sqlite_error("whatever SQLite said", code, name))
    assert str(failure).startswith(english) and user_message(failure) == str(failure)
    zh = user_message(failure, "zh")
    assert chinese in zh and PATH in zh
    assert (
        english_words(
            zh,
            IN_A_PATH | {"SQLITE", "BUSY", "READONLY", "FULL", "CORRUPT", "IOERR", "cstui", "check", "docs", "deploy"},
        )
        == set()
    )


@pytest.mark.parametrize(
    "raw, english, chinese",
    [
        (
            "database is locked",
            "the database is busy (another cstui is writing); try again (database is locked)",
            "数据库正忙",
        ),
        (
            "attempt to write a readonly database",
            "the database file is read-only; nothing was saved (attempt to write a readonly database)",
            "数据库文件只读",
        ),
    ],
)
def test_sqlites_own_busy_and_read_only_errors_read_in_chinese_in_the_tui(raw, english, chinese):
    error = sqlite3.OperationalError(raw)
    assert user_message(error) == english
    zh = user_message(error, "zh")
    assert chinese in zh and english_words(zh, set()) == set()


@pytest.mark.parametrize(
    "make, english",
    [
        (lambda tmp: tmp / "missing.db", "no cstui database at {p}: check the path"),
        (lambda tmp: tmp, "{p} is a directory, not a cstui database"),
        (lambda tmp: _written(tmp / "empty.db", b""), "{p} is an empty file, not a cstui database"),
        (lambda tmp: _written(tmp / "notes.db", b"hello"), "{p} is not a cstui database (not an SQLite file)"),
    ],
)
def test_a_path_that_is_no_cstui_database_is_refused_in_chinese(tmp_path, make, english):
    from cstui.store.files import require_database_file

    path = make(tmp_path)
    with pytest.raises(Exception) as raised:
        require_database_file(path)
    assert str(raised.value).startswith(english.format(p=path))
    zh = user_message(raised.value, "zh")
    assert str(path) in zh and "数据库" in zh
    assert english_words(zh.replace(str(path), ""), {"cstui", "init", "demo", "SQLite"}) == set()


def _written(path, data: bytes):
    path.write_bytes(data)
    return path
