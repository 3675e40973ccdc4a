"""Running cstui as a real process, and the files it must leave alone (shared by the file tests)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def cstui(*args: str, db: Path | None = None, stdin: str | None = None, env: dict | None = None):
    argv = [sys.executable, "-m", "cstui", *(["--db", str(db)] if db else []), *args]
    return subprocess.run(
        argv, input=stdin, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120
    )


def one_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def foreign_sqlite(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount TEXT)")
    conn.execute("INSERT INTO invoices (amount) VALUES ('12.50')")
    conn.commit()
    conn.close()
    return path
