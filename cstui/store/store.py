"""The Store: one SQLite file per company. See ``cstui.store`` for the overview."""

from __future__ import annotations

from cstui.store.assignments import AssignmentsMixin
from cstui.store.history import HistoryMixin
from cstui.store.raters import RatersMixin
from cstui.store.signoff import SignOffMixin
from cstui.store.snapshots import SnapshotsMixin
from cstui.store.web_tokens import WebTokensMixin


class Store(AssignmentsMixin, HistoryMixin, SnapshotsMixin, RatersMixin, WebTokensMixin, SignOffMixin):
    """Roster, scorecards, incidents, periods, overrides, results, users and audit.

    Open with :meth:`Store.open`. Every write runs in one ``BEGIN IMMEDIATE`` transaction
    (:meth:`write`) together with its audit rows. Reads are scoped to the login's teams.
    One Store is one connection: share it between threads only one call at a time.
    """
