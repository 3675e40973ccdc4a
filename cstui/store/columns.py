"""Grading input as columns (issue 14): the months before a period as exact numbers, read month by month.

What :meth:`HistoryMixin.team_histories` reads for a full replay, laid out for a model's
column-wise fast path (:mod:`cstui.engine.columns`): the stored numbers of the cards' values
(``scorecard_values.units`` / ``scale``, exact) instead of one ``Scorecard`` per card. The
graded period's cards (and the last few months before it) are still read as cards: the
model grades the period with its per-card path, its reference.

A team this layout does not cover is left to the per-card read (``None``): an employee whose
scheme timeline starts or ends a stretch, an incident or an override up to the period, a
checkpoint to resume from (resuming reads less than this), a stored value that is not text.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from cstui.domain import Period
from cstui.engine.cards import UNREADABLE, is_blank
from cstui.engine.columns import ABSENT, NOT_A_NUMBER, NUMBER, PERCENT, CardColumns, empty_column
from cstui.engine.model import Checkpoint, TeamHistory
from cstui.store import card_rows
from cstui.store.codec import dumps

# One month's values of some employees: the exact number, whether the text has a percent sign,
# and the text itself only where there is no number (blank, or not a number)
MONTH_NUMBERS = (
    "SELECT employee_id, metric, units, scale, instr(value, '%') > 0, CASE WHEN units IS NULL THEN value END "
    "FROM scorecard_values WHERE period = ?1 AND employee_id IN (SELECT value FROM json_each(?2))"
)
EXTRA_DATA = (
    "SELECT 1 FROM {table} WHERE employee_id IN (SELECT value FROM json_each(?1)) AND period <= ?2 {deleted} LIMIT 1"
)


class NotColumnar(Exception):
    """The data holds something the column layout does not model: read these teams per card."""


def team_columns(
    store, scheme: str, teams: list[str], period: Period, keys: Iterable[str], recent: int, fingerprint: str | None
) -> tuple[CardColumns, dict[str, TeamHistory]] | None:
    """The months before ``period`` of ``teams`` as columns of ``keys`` (and the last ``recent``
    of them as cards), and each team's history of the period's own cards; None: read per card."""
    first, last = period.months()[0], str(period.last_month)
    histories: dict[str, TeamHistory] = {}
    for team in teams:
        if fingerprint and store._latest_checkpoint(scheme, fingerprint, team, str(first)):
            return None
        employees, windows = store._members_on(scheme, team, str(first), last)
        if any(w.start is not None or w.end is not None for w in windows.values()):
            return None
        histories[team] = TeamHistory(team, employees, {e.id: {} for e in employees})
    employees = [e for h in histories.values() for e in h.employees]
    ids = dumps([e.id for e in employees])
    if _has_any(store.conn, "incidents", ids, last, "AND deleted = 0") or _has_any(store.conn, "overrides", ids, last):
        return None
    months = [Period.parse(m) for m in card_rows.stored_months(store.conn, "", last)]
    before = [m for m in months if m.ordinal < first.ordinal]
    lo = before[0].ordinal if before else first.ordinal
    try:
        columns = _numbers(store.conn, employees, ids, before, lo, first.ordinal - lo, list(keys))
    except NotColumnar:
        return None
    cards = {e.id: {} for e in employees}
    for month in months:
        if month.ordinal >= first.ordinal - recent:
            _read_cards(store.conn, month, ids, cards)
    columns.recent = cards
    team_of = {e.id: h.team for h in histories.values() for e in h.employees}
    for employee_id, by_month in cards.items():
        histories[team_of[employee_id]].cards[employee_id] = {m: c for m, c in by_month.items() if m >= first}
    return columns, histories


def resumed(history: TeamHistory, month: Period, state: dict) -> TeamHistory:
    """The team's history resuming from a state computed column-wise at the end of ``month``."""
    history.checkpoint = Checkpoint(month, state)
    return history


def _has_any(conn, table: str, ids: str, last: str, deleted: str = "") -> bool:
    return conn.execute(EXTRA_DATA.format(table=table, deleted=deleted), (ids, last)).fetchone() is not None


def _numbers(
    conn, employees: list, ids: str, months: list[Period], lo: int, width: int, keys: list[str]
) -> CardColumns:
    n = len(employees)
    row = {e.id: i for i, e in enumerate(employees)}
    columns = {key: empty_column(n, width) for key in keys}
    unreadable = np.zeros((n, width), bool)
    for month in months:
        j = month.ordinal - lo
        for employee_id, metric, units, scale, percent, text in conn.execute(MONTH_NUMBERS, (str(month), ids)):
            if metric == UNREADABLE:
                unreadable[row[employee_id], j] = True
                continue
            column = columns.get(metric)
            if column is None:
                continue  # a field the scheme does not have: ignored when graded
            i = row[employee_id]
            if units is not None:
                column.units[i, j], column.scale[i, j] = units, scale
                column.cell[i, j] = PERCENT if percent else NUMBER
            elif type(text) is not str:
                raise NotColumnar(f"{employee_id} {month} {metric}: a stored value that is not text")
            else:
                column.cell[i, j] = ABSENT if is_blank(text) else NOT_A_NUMBER
    return CardColumns(employees, lo, width, columns, unreadable)


def _read_cards(conn, month: Period, ids: str, cards: dict) -> None:
    from cstui.domain import Scorecard

    for employee_id, (values, version) in card_rows.month_cards(conn, str(month), ids).items():
        cards[employee_id][month] = Scorecard(employee_id, month, values, [], version)
