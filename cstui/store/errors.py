"""Errors the store raises. Every message is written for the person at the keyboard."""

from __future__ import annotations

from cstui.errors import EXIT_REFUSED, CstuiError


class StoreError(CstuiError):
    """A store operation that cannot be done; ``str(error)`` is the user-facing message."""


class AccessDenied(StoreError):
    """The login has no role, or its role does not allow this read or write."""

    exit_code = EXIT_REFUSED


class NotFound(StoreError):
    """No such employee, incident, user ..."""


class PeriodClosed(StoreError):
    """The period (or its quarter) is closed: its scorecards, incidents and results are locked."""

    exit_code = EXIT_REFUSED


class ChangedMeanwhile(StoreError):
    """Other writers committed during every try of a write that depends on what it read (an apply)."""

    exit_code = EXIT_REFUSED


class Conflict(StoreError):
    """Someone else changed the row since it was read (optimistic locking).

    ``who`` and ``when`` name the change that won; nothing was written.
    """

    exit_code = EXIT_REFUSED

    def __init__(self, entity: str, key: str, who: str | None, when: str | None, expected: int, actual: int):
        self.entity = entity
        self.key = key
        self.who = who
        self.when = when
        self.expected = expected
        self.actual = actual
        if actual == 0:
            change = "was deleted"
        else:
            change = f"was changed by {who or 'someone'} at {when or 'an unknown time'}"
        super().__init__(
            f"{entity} {key} {change} since you read it (your version {expected}, now {actual}); "
            "nothing was saved: reload and apply your change again"
        )


class SignOffRefused(StoreError):
    """An agent's confirmation or dispute that cannot be taken now: no graded result, its window
    has passed, already confirmed, or a dispute still open; or an answer to a dispute already answered."""

    exit_code = EXIT_REFUSED


class DisputesOpen(StoreError):
    """A period cannot be closed while its disputes are open, unless a manager gives a reason."""

    exit_code = EXIT_REFUSED
