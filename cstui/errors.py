"""Errors a user sees as one line, and the exit code each kind gives.

Exit codes (documented in README): 0 done; 2 usage error (and a --db path with no database);
3 invalid data (a bad file, value or scheme); 4 refused (no access, closed period, conflicting
edit, a file that is not a cstui database, data that kept changing during an apply); 5 busy
(another writer held the lock past the timeout); 6 storage failure (corrupt, read-only, disk
full, I/O error); 1 anything else; 129 the TUI's terminal went away; 130 interrupted (Ctrl-C);
141 the reader of batch output closed the pipe.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_INVALID = 3
EXIT_REFUSED = 4
EXIT_BUSY = 5
EXIT_STORAGE = 6
# Ended by the outside world, numbered like a shell reports a process killed by the signal
# (128 + signal number), but after a clean shutdown.
EXIT_HANGUP = 129  # the TUI's terminal went away: SIGHUP, a closed terminal, end of input
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT) stopped a command
EXIT_BROKEN_PIPE = 141  # the reader of batch output closed the pipe (SIGPIPE)


class CstuiError(Exception):
    """A failure the user can act on: ``str()`` is the line(s) to show, and the class's
    ``exit_code`` the documented exit code of a command it ends.

    Every error cstui raises for a person to read derives from it, at whatever layer it is
    raised (this module imports nothing of cstui, so the domain can use it). The command line
    (:func:`exit_code_for`) and the TUI (``cstui.tui.guard.USER_ERRORS``) both go by it, so a
    new error class is placed by its ``exit_code`` alone. Anything else that reaches the user
    is unexpected: exit code 1, and in the TUI a line naming the error log.
    """

    exit_code: int = EXIT_OTHER


class InvalidData(CstuiError):
    """Input that does not fit: every line names file, row, column or key and what was expected."""

    exit_code = EXIT_INVALID

    def __init__(self, lines: list[str], more: int = 0):
        self.lines = list(lines)
        self.more = more
        text = "\n".join(self.lines)
        if more:
            text += f"\n... and {more} more problems"
        super().__init__(text)


class OutputClosed(CstuiError):
    """The reader of stdout went away (``cstui ... | head -1``): not an error to report."""

    exit_code = EXIT_BROKEN_PIPE

    def __init__(self):
        super().__init__("the output was closed by its reader")


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code of an exception that reaches the command line: its class's own
    for a :class:`CstuiError`, 1 (unexpected) for anything else."""
    return exc.exit_code if isinstance(exc, CstuiError) else EXIT_OTHER
