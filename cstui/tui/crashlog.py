"""The TUI's error log: where an unexpected error's details go instead of the terminal.

A traceback may quote scorecards and names (exception messages carry values), so it is never
printed on the terminal, which other people may see or which may be recorded. It is appended
to a file only its owner can read (mode 0600, in a 0700 directory), without local variables,
and the file is kept small: past ``MAX_BYTES`` the old log becomes ``errors.log.1`` (the one
before that is dropped).

The directory is ``$CSTUI_LOG_DIR`` when set, else ``platformdirs.user_log_dir("cstui")``
(``~/.local/state/cstui/log`` on Linux). Nothing here imports Textual.
"""

from __future__ import annotations

import os
import traceback
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

LOG_NAME = "errors.log"
MAX_BYTES = 1_000_000


def log_path() -> Path:
    """Where the error log is (the file may not exist yet)."""
    configured = os.environ.get("CSTUI_LOG_DIR")
    folder = Path(configured) if configured else Path(platformdirs.user_log_dir("cstui", appauthor=False))
    return folder / LOG_NAME


def error_details(error: BaseException, context: str) -> str:
    """One log entry: when, where, and the traceback as Python prints it (no locals)."""
    from cstui import __version__

    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return f"--- {stamp} cstui {__version__}: {context}\n{trace}\n"


def write_error(error: BaseException, context: str) -> Path:
    """Append ``error``'s details to the log and return its path; OSError if it cannot be written."""
    path = log_path()
    entry = error_details(error, context).encode("utf-8", "backslashreplace")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _rotate(path, len(entry))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        if hasattr(os, "fchmod"):  # POSIX: a log created earlier with a looser mode is tightened too
            os.fchmod(fd, 0o600)
        os.write(fd, entry)
    finally:
        os.close(fd)
    return path


def _rotate(path: Path, incoming: int) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size + incoming > MAX_BYTES:
        os.replace(path, path.with_name(path.name + ".1"))
