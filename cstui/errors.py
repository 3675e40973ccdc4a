"""Errors a user sees as one line, and the exit code each kind gives.

Exit codes (documented in README): 0 done; 2 usage error (and a --db path with no database);
3 invalid data (a bad file, value or scheme); 4 refused (no access, closed period, conflicting
edit, a file that is not a cstui database, data that kept changing during an apply); 5 busy (another writer held the lock past the
timeout); 6 storage failure (corrupt, read-only, disk full, I/O error); 1 anything else;
129 the TUI's terminal went away; 141 the reader of batch output closed the pipe.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_INVALID = 3
EXIT_REFUSED = 4
EXIT_BUSY = 5
EXIT_STORAGE = 6


class CstuiError(Exception):
    """A failure whose exit code is its class's ``exit_code``; ``str()`` is the one line to show."""

    exit_code = EXIT_OTHER


class InvalidData(Exception):
    """Input that does not fit: every line names file, row, column or key and what was expected."""

    def __init__(self, lines: list[str], more: int = 0):
        self.lines = list(lines)
        self.more = more
        text = "\n".join(self.lines)
        if more:
            text += f"\n... and {more} more problems"
        super().__init__(text)


class OutputClosed(Exception):
    """The reader of stdout went away (``cstui ... | head -1``): not an error to report."""

    def __init__(self):
        super().__init__("the output was closed by its reader")


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code of an exception that reaches the command line."""
    from cstui.domain.period import PeriodError
    from cstui.domain.values import ValueProblem
    from cstui.schemes import SchemeError
    from cstui.store import AccessDenied, Busy, ChangedMeanwhile, Conflict, NoDatabase, NotOurs, PeriodClosed, StorageFailure, StoreError

    if isinstance(exc, OutputClosed):
        return EXIT_BROKEN_PIPE
    if isinstance(exc, CstuiError):
        return exc.exit_code
    if isinstance(exc, Busy):
        return EXIT_BUSY
    if isinstance(exc, StorageFailure):
        return EXIT_STORAGE
    if isinstance(exc, NoDatabase):
        return EXIT_USAGE
    if isinstance(exc, (AccessDenied, ChangedMeanwhile, Conflict, PeriodClosed, NotOurs)):
        return EXIT_REFUSED
    if isinstance(exc, (InvalidData, SchemeError, ValueProblem, PeriodError)):
        return EXIT_INVALID
    if isinstance(exc, StoreError):
        return EXIT_OTHER
    return EXIT_OTHER

# Ended by the outside world, numbered like a shell reports a process killed by the signal
# (128 + signal number), but after a clean shutdown.
EXIT_HANGUP = 129  # the TUI's terminal went away: SIGHUP, a closed terminal, end of input
EXIT_BROKEN_PIPE = 141  # the reader of batch output closed the pipe (SIGPIPE)
