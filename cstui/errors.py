"""Errors a user sees as one line, and the exit code each kind gives.

Exit codes (documented in README): 0 done; 2 usage error; 3 invalid data (a bad file,
value or scheme); 4 refused (no access, closed period, conflicting edit, data that kept
changing during an apply); 1 anything else.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_INVALID = 3
EXIT_REFUSED = 4


class InvalidData(Exception):
    """Input that does not fit: every line names file, row, column or key and what was expected."""

    def __init__(self, lines: list[str], more: int = 0):
        self.lines = list(lines)
        self.more = more
        text = "\n".join(self.lines)
        if more:
            text += f"\n... and {more} more problems"
        super().__init__(text)


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code of an exception that reaches the command line."""
    from cstui.domain.period import PeriodError
    from cstui.domain.values import ValueProblem
    from cstui.schemes import SchemeError
    from cstui.store import AccessDenied, ChangedMeanwhile, Conflict, PeriodClosed, StoreError

    if isinstance(exc, (AccessDenied, ChangedMeanwhile, Conflict, PeriodClosed)):
        return EXIT_REFUSED
    if isinstance(exc, (InvalidData, SchemeError, ValueProblem, PeriodError)):
        return EXIT_INVALID
    if isinstance(exc, StoreError):
        return EXIT_OTHER
    return EXIT_OTHER
