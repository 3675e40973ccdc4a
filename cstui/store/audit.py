"""The audit trail as a hash chain, its verification, and the filtered listing managers read.

Each audit row carries ``hash = sha256(previous row's hash + this row's canonical content)``;
the first row's previous hash is :data:`GENESIS`. The canonical content is every column but
the hash, each as ``len:text`` (None as ``-``) joined by ``|``: unambiguous whatever the
text holds, and cheap (a bulk import hashes 100,000 rows). Rows are numbered without gaps
(ids are given by the writer, inside the write lock), so a row deleted from the middle or the
end of the trail is a missing number, and an edited row no longer matches its hash.

This module knows no Store: the chain functions take a sqlite3 connection, so the migration
that chains existing rows uses the same code as every write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

from cstui.store.deferred import records_found_here

if TYPE_CHECKING:
    from cstui.store.records import AuditFilter, BrokenLink

GENESIS = "0" * 64
COLUMNS = ("id", "at", "who", "action", "entity", "key", "before", "after")


def _part(value: object) -> str:
    if value is None:
        return "-"
    text = str(value)
    return f"{len(text)}:{text}"


def row_hash(previous: str, row: Iterable[object]) -> str:
    """The chain hash of one row: ``row`` is its values in :data:`COLUMNS` order."""
    import hashlib  # here, as in chained: a dry grading writes no audit row, and OpenSSL's module costs its start-up

    content = "|".join(_part(value) for value in row)
    return hashlib.sha256((previous + content).encode()).hexdigest()


def chain_tail(conn: sqlite3.Connection) -> tuple[int, str]:
    """(last id, its hash): where the next row links. Read inside the write transaction.

    The next id follows the highest id ever given (``sqlite_sequence``), not the highest
    left, so a row deleted from the end leaves a gap that :func:`verify_chain` names.
    """
    row = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    last_id = max(row[0] if row else 0, seq[0] if seq else 0)
    return last_id, (row[1] if row and row[1] else GENESIS)


def chained(conn: sqlite3.Connection, rows: Iterable[tuple]) -> Iterator[tuple]:
    """``rows`` of (at, who, action, entity, key, before, after) as full rows with id and hash.

    The content is spelled out here as :func:`row_hash` builds it (at, who, action and entity
    are never None): a 100,000-card import hashes 100,000 rows, and the generic join costs
    twice as much.
    """
    import hashlib  # here: a dry grading writes no audit row (row_hash)

    last_id, previous = chain_tail(conn)
    sha256, part = hashlib.sha256, _part
    for at, who, action, entity, key, before, after in rows:
        last_id += 1
        i = str(last_id)
        # _part inlined for the usual text (an import's key and JSON), one f-string per row
        k = f"{len(key)}:{key}" if type(key) is str else part(key)
        b = f"{len(before)}:{before}" if type(before) is str else part(before)
        a = f"{len(after)}:{after}" if type(after) is str else part(after)
        content = (
            f"{previous}{len(i)}:{i}|{len(at)}:{at}|{len(who)}:{who}|{len(action)}:{action}|{len(entity)}:{entity}|"
            f"{k}|{b}|{a}"
        )
        previous = sha256(content.encode()).hexdigest()
        yield last_id, at, who, action, entity, key, before, after, previous


INSERT_CHAINED = (
    "INSERT INTO audit (id, at, who, action, entity, key, before, after, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def verify_chain(conn: sqlite3.Connection) -> tuple[int, BrokenLink | None]:
    """Walk the whole trail; returns (rows checked, the first broken link or None)."""
    from cstui.store.records import BrokenLink

    previous, expected_id, checked = GENESIS, 1, 0
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)}, hash FROM audit ORDER BY id")
    for row in rows:
        found = _check_row(row, previous, expected_id)
        if found is not None:
            return checked, found
        previous, expected_id, checked = row[-1], row[0] + 1, checked + 1
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
    if seq is not None and seq[0] >= expected_id:
        missing = f"row {expected_id}" if seq[0] == expected_id else f"rows {expected_id}-{seq[0]}"
        return checked, BrokenLink(
            expected_id, f"missing: {missing} were written and are gone (deleted from the end of the trail)"
        )
    return checked, None


def _check_row(row: tuple, previous: str, expected_id: int) -> BrokenLink | None:
    from cstui.store.records import BrokenLink

    row_id, stored = row[0], row[-1]
    if row_id != expected_id:
        gap = f"row {expected_id}" if row_id == expected_id + 1 else f"rows {expected_id}-{row_id - 1}"
        return BrokenLink(
            expected_id, f"missing: {gap} deleted (the trail jumps from row {expected_id - 1} to {row_id})"
        )
    if stored is None:
        return BrokenLink(row_id, "has no hash (written around cstui)")
    computed = row_hash(previous, row[:-1])
    if computed == stored:
        return None
    return BrokenLink(
        row_id,
        f"its content does not match its hash (stored {stored[:12]}..., computed {computed[:12]}...): "
        f"this row was changed after it was written, or row {row_id - 1} was rewritten with a new hash",
    )


# -- the listing ----------------------------------------------------------------------------


# An imported file's one entry (cstui.store.file_audit) that wrote an employee's card: found in
# the entry's text first (cheap), then exactly in its lists of new and replaced cards
_FILE_WROTE = (
    "a.action = 'import-file' AND a.entity = 'scorecards' "
    "AND (instr(a.after, json_quote(?)) > 0 OR instr(IFNULL(a.before, ''), json_quote(?)) > 0) "
    "AND (EXISTS (SELECT 1 FROM json_each(a.after, '$.new_cards') m, json_each(m.value, '$[1]') i WHERE i.value = ?) "
    "OR EXISTS (SELECT 1 FROM json_each(IFNULL(a.before, '[]')) c WHERE json_extract(c.value, '$[0]') = ?))"
)


def file_wrote(employee_id: str, month: str | None = None) -> tuple[str, list[str]]:
    """The WHERE fragment (and parameters) of the imported files' entries that wrote
    ``employee_id``'s card (of ``month``, when given)."""
    if month is None:
        return f"({_FILE_WROTE})", [employee_id] * 4
    return f"(? IN (SELECT value FROM json_each(a.after, '$.periods')) AND {_FILE_WROTE})", [month] + [employee_id] * 4


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_sql(f: AuditFilter, periods: list[str]) -> tuple[str, list]:
    """The WHERE clause (and its parameters) of a filtered listing, newest first."""
    clauses, params = ["1 = 1"], []
    if f.employee:
        e = f.employee
        wrote, wrote_params = file_wrote(e)
        clauses.append(
            "((a.entity = 'employees' AND a.key = ?) "
            "OR (a.entity IN ('scorecards', 'results') AND a.action <> 'import-file' AND a.key LIKE ? ESCAPE '\\') "
            "OR (a.entity = 'incidents' AND a.key IN (SELECT CAST(id AS TEXT) FROM incidents WHERE employee_id = ?)) "
            "OR (a.entity = 'overrides' AND a.key IN (SELECT CAST(id AS TEXT) FROM overrides WHERE employee_id = ?)) "
            f"OR {wrote})"
        )
        params += [e, _like_escape(e) + "/%", e, e, *wrote_params]
    if periods:
        marks = ", ".join("?" * len(periods))
        clauses.append(
            f"((a.entity = 'periods' AND a.key IN ({marks})) "
            f"OR (a.entity IN ('scorecards', 'results') AND substr(a.key, length(a.key) - 6) IN ({marks})) "
            f"OR (a.entity = 'results' AND a.key LIKE ? ESCAPE '\\') "
            f"OR (a.entity = 'incidents' AND a.key IN (SELECT CAST(id AS TEXT) FROM incidents WHERE period IN ({marks}))) "
            f"OR (a.entity = 'overrides' AND a.key IN (SELECT CAST(id AS TEXT) FROM overrides WHERE period IN ({marks}))))"
        )
        params += [*periods, *periods, _like_escape(periods[0]) + "/%", *periods, *periods]
    for column, value in (("who", f.user), ("entity", f.table)):
        if value:
            clauses.append(f"a.{column} = ?")
            params.append(value)
    if f.since:
        clauses.append("a.at >= ?")
        params.append(f.since.isoformat())
    if f.until:
        clauses.append("a.at < ?")
        params.append((f.until + timedelta(days=1)).isoformat())
    if f.text:
        pattern = "%" + _like_escape(f.text) + "%"
        named = ", ".join("?" * len(f.names))
        clauses.append(
            "(a.who LIKE ? ESCAPE '\\' OR a.action LIKE ? ESCAPE '\\' OR a.entity LIKE ? ESCAPE '\\' OR a.key LIKE ? ESCAPE '\\'"
            + (f" OR a.action IN ({named}) OR a.entity IN ({named}))" if f.names else ")")
        )
        params += [pattern] * 4 + [*f.names, *f.names]
    return " AND ".join(clauses), params


# records defined on first use, still found here (cstui.store.deferred)
__getattr__ = records_found_here(__name__, "BrokenLink", "AuditFilter")
