"""``cstui check``: everything cstui can verify about a database file without changing it.

Each check is a function ``(path, conn) -> [Finding]``; ``CHECKS`` runs them in order. A new
check is one more function appended to ``CHECKS``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cstui.errors import EXIT_INVALID, EXIT_REFUSED, EXIT_STORAGE
from cstui.store.files import loose_modes, ownership, quick_check, require_database_file, storage_error
from cstui.store.migrations import SCHEMA_VERSION, schema_version


@dataclass(frozen=True, slots=True)
class Finding:
    text: str
    exit_code: int  # what `cstui check` exits with when this is its first finding


Check = Callable[[Path, sqlite3.Connection], list[Finding]]


def check_ownership(path: Path, conn: sqlite3.Connection) -> list[Finding]:
    kind = ownership(conn)
    if kind == "ours":
        return []
    if kind == "legacy":
        return [
            Finding(
                f"{path}: made by an older cstui, not yet marked as cstui's; the next cstui command marks it",
                EXIT_INVALID,
            )
        ]
    return [Finding(f"{path}: not a cstui database ({kind} SQLite file)", EXIT_REFUSED)]


def check_pages(path: Path, conn: sqlite3.Connection) -> list[Finding]:
    return [Finding(f"{path}: damaged: {line}", EXIT_STORAGE) for line in quick_check(conn)]


def check_schema(path: Path, conn: sqlite3.Connection) -> list[Finding]:
    found = schema_version(conn)
    if found == SCHEMA_VERSION:
        return []
    if found > SCHEMA_VERSION:
        return [
            Finding(
                f"{path}: schema version {found} is newer than this cstui ({SCHEMA_VERSION}); upgrade cstui",
                EXIT_INVALID,
            )
        ]
    return [
        Finding(f"{path}: schema version {found}; the next cstui command migrates it to {SCHEMA_VERSION}", EXIT_INVALID)
    ]


def check_modes(path: Path, conn: sqlite3.Connection) -> list[Finding]:
    return [Finding(line, EXIT_INVALID) for line in loose_modes(path)]


def check_audit(path: Path, conn: sqlite3.Connection) -> list[Finding]:
    """The audit trail's hash chain, walked whole: the first row edited, forged or deleted."""
    if schema_version(conn) != SCHEMA_VERSION:
        return []  # an older layout has no chain yet: the migration builds it
    from cstui.store.audit import verify_chain

    checked, broken = verify_chain(conn)
    if broken is None:
        return []
    return [Finding(f"{path}: audit trail broken after {checked} sound rows: {broken}", EXIT_INVALID)]


CHECKS: list[Check] = [check_ownership, check_pages, check_schema, check_audit, check_modes]


def check_database(path: Path) -> list[Finding]:
    """Every finding about the database at ``path``; [] when it is a sound cstui database.

    Reads only: the connection never writes (no migration, no WAL switch).
    """
    require_database_file(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        findings: list[Finding] = []
        for check in CHECKS:
            findings += check(path, conn)
            if findings and findings[0].exit_code == EXIT_REFUSED:
                break  # another program's file: nothing more of cstui's to check
        return findings
    except sqlite3.Error as error:
        from cstui.errors import exit_code_for

        failure = storage_error(path, error)
        if failure is None:
            return [Finding(f"{path}: {error}", EXIT_STORAGE)]
        return [Finding(str(failure), exit_code_for(failure))]
    finally:
        conn.close()
