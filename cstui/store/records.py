"""The store's records that a dry grading never makes, defined on first use.

Each is still found where it always was (``cstui.store.audit.AuditFilter``,
``cstui.store.snapshots.SchemeSnapshot``, ...: those modules' ``__getattr__`` hand them out
from here). Why apart: the Store's mixins import their modules at every start-up, and each
dataclass compiles its generated methods then (about 3 million instructions a frozen one, a
batch run's start-up being ~300 million); a dry grading makes none of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# -- the audit trail (cstui.store.audit): its verification and its listing


@dataclass(frozen=True)
class BrokenLink:
    """The first place the chain does not hold: the row id and what is wrong with it."""

    row_id: int
    problem: str

    def __str__(self) -> str:
        return f"audit row {self.row_id}: {self.problem}"


@dataclass(frozen=True)
class AuditFilter:
    """What ``cstui audit`` and the TUI's audit view narrow the trail to (all optional)."""

    employee: str | None = None
    user: str | None = None
    period: str | None = None  # a month, or a quarter (then its months too)
    table: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive
    text: str | None = None  # the TUI's filter as you type: any of who, action, table, key
    names: tuple[str, ...] = ()  # actions or tables the text names in the user's language: these too
    limit: int | None = None


# -- an imported file's audit entry (cstui.store.file_audit): only an import makes one


@dataclass(frozen=True)
class ImportedFile:
    """What the audit entry says about the file a bulk save comes from."""

    name: str  # the file's name as the user gave it (no directory)
    sha256: str  # of the file's bytes, as read
    scheme: str


# -- remembered schemes (cstui.store.snapshots)


@dataclass(frozen=True)
class SchemeSnapshot:
    """One remembered scheme: its fingerprint, name, version, model and effective TOML."""

    fingerprint: str
    scheme: str
    version: str
    model: str
    toml: str
    created_by: str | None = None  # filled by the store when it keeps the snapshot
    created_at: str = ""


@dataclass(frozen=True)
class AppliedScheme:
    """Which snapshot graded ``teams`` of ``period`` under ``scheme`` (the latest apply of each)."""

    period: str
    snapshot: SchemeSnapshot
    teams: tuple[str, ...]
    applied_by: str | None
    applied_at: str


# -- raters (cstui.store.raters) and web sessions (cstui.store.web_tokens)


@dataclass(frozen=True)
class RatedCard:
    """One saved scorecard: whose it is, the month, who saved it last, its values as typed."""

    employee_id: str
    month: str
    rater: str
    values: dict


@dataclass(frozen=True)
class WebSession:
    """A redeemed token: whose it was and the key that starts their app once."""

    login: str
    session_key: str
