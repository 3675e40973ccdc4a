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
from cstui.engine.columns import ABSENT, NOT_A_NUMBER, CardColumns, MetricColumn
from cstui.engine.model import Checkpoint, TeamHistory
from cstui.store import card_rows
from cstui.store.codec import dumps

# One month's values of some employees, packed by SQLite into one text of integers (no Python object
# per value): per value ``(row x fields + field) x 4 + cell`` and ``units x 32 + scale`` (|units| <
# 10^15, scale <= 17: exact in 64 bits). Cell 1 a number, 2 a number with a percent sign, 3 no number
# (blank or not a number: its text is read apart, see NO_NUMBER_TEXTS).
MONTH_NUMBERS = (
    "SELECT group_concat(((j.key * {fields} + {field}) * 4 + CASE WHEN v.units IS NULL THEN 3 "
    "WHEN instr(v.value, '%') > 0 THEN 2 ELSE 1 END) || ',' || coalesce(v.units * 32 + v.scale, 0), ',') "
    "FROM json_each(?1) j JOIN scorecard_values v ON v.period = ?2 AND v.employee_id = j.value "
    "WHERE +v.metric IN ({keys})"  # '+': one range per card, not a seek per field
)
NO_NUMBER_TEXTS = (
    "SELECT j.key, v.metric, v.value FROM json_each(?1) j JOIN scorecard_values v "
    "ON v.period = ?2 AND v.employee_id = j.value WHERE v.units IS NULL AND v.metric IN ({keys})"
)
EXTRA_DATA = (
    "SELECT 1 FROM {table} WHERE employee_id IN (SELECT value FROM json_each(?1)) AND period <= ?2 {deleted} LIMIT 1"
)


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
    columns = _numbers(store.conn, employees, ids, before, lo, first.ordinal - lo, list(keys))
    if columns is None:
        return None
    cards = {e.id: {} for e in employees}
    for month in months:
        if month.ordinal >= first.ordinal - recent:
            _read_cards(store.conn, month, ids, cards)
    columns.recent = cards
    columns.older = lambda month, wanted: _read_cards(store.conn, month, dumps(wanted), cards)
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
    n, fields = len(employees), [*keys, UNREADABLE]
    field = "CASE v.metric " + " ".join(f"WHEN ?{3 + k} THEN {k}" for k in range(len(fields))) + " END"
    numbers = MONTH_NUMBERS.format(fields=len(fields), field=field, keys=_marks(len(fields)))
    cells = np.zeros((len(fields), n, width), np.int8)
    units, scale = np.zeros((len(fields), n, width), np.int64), np.zeros((len(fields), n, width), np.int64)
    for month in months:
        j = month.ordinal - lo
        packed = conn.execute(numbers, (ids, str(month), *fields)).fetchone()[0]
        if not packed:
            continue
        pairs = np.fromstring(packed, dtype=np.int64, sep=",").reshape(-1, 2)
        place, number = pairs[:, 0] >> 2, pairs[:, 1]
        rows, kinds = place // len(fields), place % len(fields)
        cells[kinds, rows, j] = pairs[:, 0] & 3
        units[kinds, rows, j], scale[kinds, rows, j] = number >> 5, number & 31
        if (pairs[:, 0] & 3 == 3).any() and not _no_numbers(conn, ids, month, fields, cells[:, :, j]):
            return None
    columns = {key: MetricColumn(units[k], scale[k], cells[k]) for k, key in enumerate(keys)}
    return CardColumns(employees, lo, width, columns, cells[-1] != ABSENT)


def _marks(count: int) -> str:
    """?3, ?4 ...: the fields' parameters (?1 the employee ids, ?2 the month)."""
    return ", ".join(f"?{3 + k}" for k in range(count))


def _no_numbers(conn, ids: str, month: Period, fields: list[str], cells: np.ndarray) -> bool:
    """Cells with no number: blank (as if not typed) or not a number; False for a stored value
    that is not text (written by hand: read per card)."""
    sql = NO_NUMBER_TEXTS.format(keys=_marks(len(fields)))
    for row, metric, text in conn.execute(sql, (ids, str(month), *fields)):
        if type(text) is not str:
            return False
        cells[fields.index(metric), row] = ABSENT if is_blank(text) and metric != UNREADABLE else NOT_A_NUMBER
    return True


def _read_cards(conn, month: Period, ids: str, cards: dict) -> None:
    from cstui.domain import Scorecard

    for employee_id, (values, version) in card_rows.month_cards(conn, str(month), ids).items():
        cards[employee_id][month] = Scorecard(employee_id, month, values, [], version)
