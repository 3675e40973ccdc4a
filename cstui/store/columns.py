"""Grading input as columns (issue 14): the months before a period as exact numbers, one query a block.

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

import os
import sqlite3
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from cstui.domain import Employee, Period
from cstui.engine.cards import UNREADABLE, is_blank
from cstui.engine.columns import ABSENT, NOT_A_NUMBER, CardColumns, MetricColumn
from cstui.engine.columns import typed_places as parsed_places
from cstui.engine.model import Checkpoint, TeamHistory
from cstui.store import card_rows
from cstui.store.codec import dumps, employee_from_row
from cstui.store.core import busy_timeout_s

# A block's values over some months, packed by SQLite into two texts of integers, one query for all
# the months (no Python object per value; the reader thread hands Python's lock back and forth with
# the grading once a block, not once a month, and numpy parses and scatters a block in a few calls). Per value its place ``month x ?3 + row x ?4 + field x 4 + cell`` and
# its number ``(units x 32 + places) x 32 + scale`` (|units| < 10^15, places and scale <= 31: exact in
# 64 bits). Cell 1 a number, 2 a number with a percent sign, 3 no number (blank or not a number: its
# text is read apart, see NO_NUMBER_TEXTS). Both aggregates step over the same rows in the same order.
BLOCK_NUMBERS = (
    "SELECT group_concat(m.key * ?3 + j.key * ?4 + {field} + CASE WHEN v.units IS NULL THEN 3 "
    "WHEN instr(v.value, '%') THEN 2 ELSE 1 END, ','), "
    "group_concat(coalesce((v.units * 32 + {places}) * 32 + v.scale, 0), ',') "
    "FROM json_each(?1) m CROSS JOIN json_each(?2) j CROSS JOIN scorecard_values v "
    "ON v.period = m.value AND v.employee_id = j.value "
    "WHERE ({field}) IS NOT NULL"  # the fields only: cheaper than IN (a lookup per row), one range per card
)
FIRST_FIELD = 5  # ?5, ?6 ...: the fields' names (?1 the months, ?2 the employee ids, ?3 and ?4 the strides)
# ``places``: the digits typed after the point (commas, blanks and a percent sign aside), which the
# stored scale drops when they are trailing zeros ("0.90": scale 1, places 2) and the scheme's
# Decimal keeps; 31 (not known) for a value stored as no text, and in the months read without them
# (PLACES_UNREAD: counting them costs the read ~45%). The usual text ends in a digit with no comma:
# its places are counted without rewriting it.
TYPED_PLACES = (
    "CASE WHEN typeof(v.value) <> 'text' THEN 31 WHEN instr(v.value, '.') = 0 THEN 0 "
    "WHEN substr(v.value, -1) BETWEEN '0' AND '9' AND instr(v.value, ',') = 0 "
    "THEN min(31, length(v.value) - instr(v.value, '.')) "
    "ELSE min(31, length(rtrim(replace(v.value, ',', ''), ?{blanks})) - instr(replace(v.value, ',', ''), '.')) END"
)
PLACES_UNREAD = "31"
# What str.strip() strips (every character Python calls white space) and a percent sign: rtrim'd
# off a number's text, what is left after its point is its typed decimals.
TRAILING = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "%"  # none above U+3000
NO_NUMBER_TEXTS = (
    "SELECT m.key, j.key, v.metric, v.value FROM json_each(?1) m CROSS JOIN json_each(?2) j "
    "CROSS JOIN scorecard_values v ON v.period = m.value AND v.employee_id = j.value "
    "WHERE v.units IS NULL AND v.metric IN ({keys})"
)
READER_CACHE_KIB = 8 * 1024  # the reader thread's page cache: one month of a block at a time
# Blocks queued on the reader thread ahead of the one graded: a block that grades faster than the
# next one reads (its teams' sizes vary) does not leave the main thread waiting; each costs its
# columns' memory (~6 MB for 1,600 employees x 24 months x 6 fields)
READ_AHEAD = 2
EXTRA_DATA = (
    "SELECT 1 FROM {table} WHERE employee_id IN (SELECT value FROM json_each(?1)) AND period <= ?2 {deleted} LIMIT 1"
)


def team_columns(
    store, scheme: str, teams: list[str], period: Period, keys: Iterable[str], recent: int, fingerprint: str | None
) -> tuple[CardColumns, dict[str, TeamHistory]] | None:
    """The months before ``period`` of ``teams`` as columns of ``keys`` (the last ``recent`` of
    them with their typed decimals), and each team's history of the period's own cards; None:
    read per card."""
    block = plan_block(store, scheme, teams, period, fingerprint)
    if block is None:
        return None
    return finish_block(store, block, read_numbers(store.conn, block, list(keys), recent))


@dataclass(slots=True)
class Block:
    """Teams read together: who is in them, and the months stored up to the period's last."""

    period: Period
    histories: dict[str, TeamHistory]
    employees: list[Employee]
    ids: str  # the employees' ids as a JSON array (the queries' ?1)
    months: list[Period]


def plan_block(store, scheme: str, teams: list[str], period: Period, fingerprint: str | None) -> Block | None:
    """The teams' members and stored months, or None when this layout does not cover them."""
    first, last = str(period.months()[0]), str(period.last_month)
    conn, names = store.conn, dumps(teams)
    if fingerprint and conn.execute(CHECKPOINTED, (scheme, fingerprint, first, names)).fetchone() is not None:
        return None
    members = _members(store, scheme, teams, names) or _members_per_team(store, scheme, teams, first, last)
    if members is None:
        return None
    histories = {team: TeamHistory(team, employees, {e.id: {} for e in employees}) for team, employees in members}
    employees = [e for h in histories.values() for e in h.employees]
    ids = dumps([e.id for e in employees])
    if _has_any(conn, "incidents", ids, last, "AND deleted = 0") or _has_any(conn, "overrides", ids, last):
        return None
    months = [Period.parse(m) for m in card_rows.stored_months(conn, "", last)]
    return Block(period, histories, employees, ids, months)


# Whether any of the teams (?4) has a checkpoint to resume from (what _latest_checkpoint finds per team).
CHECKPOINTED = (
    "SELECT 1 FROM checkpoints WHERE scheme = ?1 AND fingerprint = ?2 AND month < ?3 "
    "AND team IN (SELECT value FROM json_each(?4)) LIMIT 1"
)
# The teams' employees with how many stretches their scheme timeline has, how many of them on the
# scheme (?2), and the one stretch's scheme and level (SQLite takes a lone aggregate's bare columns
# from its row).
BLOCK_MEMBERS = (
    "SELECT e.*, count(a.employee_id) AS stretches, count(a.scheme = ?2 OR NULL) AS on_scheme, "
    "a.scheme AS stretch_scheme, a.level AS stretch_level "
    "FROM json_each(?1) t CROSS JOIN employees e ON e.team = t.value "  # each team on its index, not every employee
    "LEFT JOIN scheme_assignments a ON a.employee_id = e.id GROUP BY e.id ORDER BY t.key, e.id"
)


def _members(store, scheme: str, teams: list[str], names: str) -> list[tuple[str, list[Employee]]] | None:
    """Each team's employees on ``scheme`` (in id order, each at their starting level), in one
    query for the block; None when a timeline with more than one stretch has one on ``scheme``
    (``_members_on`` decides, per team). With one stretch or none, the employee is on ``scheme``
    for all their history or not at all, as ``_members_on`` finds; with several and none on
    ``scheme``, not at all."""
    by_team: dict[str, list[Employee]] = {team: [] for team in teams}
    for row in store._rows(BLOCK_MEMBERS, (names, scheme)):
        if row["stretches"] > 1:
            if row["on_scheme"]:
                return None
            continue
        on, level = (row["stretch_scheme"], row["stretch_level"]) if row["stretches"] else (row["scheme"], row["level"])
        if on == scheme:
            employee = employee_from_row(row)
            employee.scheme, employee.level = scheme, level
            by_team[employee.team].append(employee)
    return list(by_team.items())


def _members_per_team(store, scheme: str, teams: list[str], first: str, last: str) -> list | None:
    """:func:`_members` from each team's scheme timelines; None when a member's stretch on
    ``scheme`` starts or ends (read per card)."""
    members = []
    for team in teams:
        employees, windows = store._members_on(scheme, team, first, last)
        if any(w.start is not None or w.end is not None for w in windows.values()):
            return None
        members.append((team, employees))
    return members


def read_numbers(conn, block: Block, keys: list[str], typed: int) -> CardColumns | None:
    """The block's values of ``keys`` in the months before its period, as columns, the last
    ``typed`` months with their typed decimals (SQLite's and numpy's work: runs on a reader
    thread's own connection, see :class:`ReadAhead`)."""
    first = block.period.months()[0].ordinal
    before = [m for m in block.months if m.ordinal < first]
    lo = before[0].ordinal if before else first
    return _numbers(conn, block.employees, block.ids, before, (lo, first - lo, first - typed), keys)


def finish_block(store, block: Block, columns: CardColumns | None) -> tuple[CardColumns, dict[str, TeamHistory]] | None:
    """The columns with the period's cards read (and ``older``: a way to read an earlier month's)."""
    if columns is None:
        return None
    first, ids, histories = block.period.months()[0], block.ids, block.histories
    cards = {e.id: {} for e in block.employees}
    for month in block.months:
        if month.ordinal >= first.ordinal:
            _read_cards(store.conn, month, ids, cards)
    columns.recent = cards
    columns.older = lambda month, wanted: _read_cards(store.conn, month, dumps(wanted), cards)
    team_of = {e.id: h.team for h in histories.values() for e in h.employees}
    for employee_id, by_month in cards.items():
        histories[team_of[employee_id]].cards[employee_id] = {m: c for m, c in by_month.items() if m >= first}
    return columns, histories


class ReadAhead:
    """Blocks of teams read ahead: while the caller replays and grades a block, a thread reads
    the next blocks' numbers on a connection of its own (SQLite steps without holding Python's
    lock, so the read and the grading share the machine's cores).

    The thread only reads, and only what :func:`plan_block` chose on the store's connection.
    Where a second connection cannot see what the store's sees (a database in memory, a
    transaction open on the store's connection), every block is read inline, as before.
    """

    def __init__(self, store, scheme: str, period: Period, keys: list[str], typed: int, fingerprint: str | None):
        self.store, self.scheme, self.period, self.fingerprint = store, scheme, period, fingerprint
        self.keys, self.typed = keys, typed
        self.conn = _reader_connection(store)
        self.pool = None
        if self.conn is not None:
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(1, thread_name_prefix="cstui-columns")

    def blocks(self, blocks: list[list[str]]) -> Iterator[tuple[list[str], tuple | None]]:
        """``(teams, team_columns(...) of them)`` for each block, in order, :data:`READ_AHEAD`
        blocks read ahead of the one yielded."""
        pending: deque = deque()
        try:
            for teams in blocks:
                pending.append((teams, self._start(teams)))
                if len(pending) > READ_AHEAD:
                    teams, started = pending.popleft()
                    yield teams, self._finish(started)
            while pending:
                teams, started = pending.popleft()
                yield teams, self._finish(started)
        finally:
            self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _start(self, teams: list[str]):
        block = plan_block(self.store, self.scheme, teams, self.period, self.fingerprint)
        if block is None:
            return None
        if self.pool is None:
            return block, read_numbers(self.store.conn, block, self.keys, self.typed)
        return block, self.pool.submit(read_numbers, self.conn, block, self.keys, self.typed)

    def _finish(self, started):
        if started is None:
            return None
        block, numbers = started
        columns = numbers if self.pool is None else numbers.result()
        return finish_block(self.store, block, columns)


def _reader_connection(store) -> sqlite3.Connection | None:
    """A read-only second connection to the store's file, or None (read on the store's own)."""
    path = getattr(store, "path", None)
    if path is None or store.conn.in_transaction or not os.path.isfile(path):
        return None
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_s(), check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
        conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
    except sqlite3.Error:
        return None
    return conn


def resumed(history: TeamHistory, month: Period, state: dict) -> TeamHistory:
    """The team's history resuming from a state computed column-wise at the end of ``month``."""
    history.checkpoint = Checkpoint(month, state)
    return history


def _has_any(conn, table: str, ids: str, last: str, deleted: str = "") -> bool:
    return conn.execute(EXTRA_DATA.format(table=table, deleted=deleted), (ids, last)).fetchone() is not None


def _numbers(conn, employees: list, ids: str, months: list[Period], span: tuple, keys: list[str]) -> CardColumns:
    """``span``: (ordinal of column 0, columns, first month read with its typed decimals)."""
    (lo, width, typed), n, fields = span, len(employees), [*keys, UNREADABLE]
    grid = Grid(
        np.zeros((len(fields), n, width), np.int8), *(np.zeros((len(fields), n, width), np.int64) for _ in "usp")
    )
    for places, wanted in (
        (PLACES_UNREAD, [m for m in months if m.ordinal < typed]),
        (None, [m for m in months if m.ordinal >= typed]),
    ):
        if wanted and not _read_months(conn, ids, wanted, lo, fields, places, grid):
            return None
    exponents = parsed_places(grid.places, grid.cells)
    columns = {
        key: MetricColumn(grid.units[k], grid.scale[k], grid.cells[k], exponents[k]) for k, key in enumerate(keys)
    }
    return CardColumns(employees, lo, width, columns, grid.cells[-1] != ABSENT)


@dataclass(slots=True)
class Grid:
    """The numbers read so far, (fields, employees, months) each."""

    cells: np.ndarray
    units: np.ndarray
    scale: np.ndarray
    places: np.ndarray


def _read_months(
    conn, ids: str, months: list[Period], lo: int, fields: list[str], places: str | None, grid: Grid
) -> bool:
    """The values of ``months`` into ``grid`` in one query (``places``: None to count the typed
    decimals); False for a stored value that is not text where no number is (read per card)."""
    n, width = grid.cells.shape[1], len(fields) * 4
    field = "CASE v.metric " + " ".join(f"WHEN ?{FIRST_FIELD + k} THEN {4 * k}" for k in range(len(fields))) + " END"
    sql = BLOCK_NUMBERS.format(field=field, places=places or TYPED_PLACES.format(blanks=FIRST_FIELD + len(fields)))
    names = dumps([str(m) for m in months])
    blanks = () if places else (TRAILING,)
    where, numbers = conn.execute(sql, (names, ids, n * width, width, *fields, *blanks)).fetchone()
    if not where:
        return True
    where = np.fromstring(where, dtype=np.int64, sep=",")
    numbers = np.fromstring(numbers, dtype=np.int64, sep=",")
    cell, kinds, month = where & 3, (where >> 2) % len(fields), where // (n * width)
    rows, cols = (where // width) % n, np.array([m.ordinal - lo for m in months])[month]
    grid.cells[kinds, rows, cols] = cell
    grid.units[kinds, rows, cols], grid.scale[kinds, rows, cols] = numbers >> 10, numbers & 31
    grid.places[kinds, rows, cols] = (numbers >> 5) & 31
    unread = cell == 3
    return not unread.any() or _no_numbers(
        conn, ids, [months[i] for i in np.unique(month[unread])], lo, fields, grid.cells
    )


def _marks(count: int) -> str:
    """The fields' parameters: ?5, ?6 ... (see FIRST_FIELD)."""
    return ", ".join(f"?{FIRST_FIELD + k}" for k in range(count))


def _no_numbers(conn, ids: str, months: list[Period], lo: int, fields: list[str], cells: np.ndarray) -> bool:
    """Cells with no number in ``months``: blank (as if not typed) or not a number; False for a
    stored value that is not text (written by hand: read per card)."""
    sql = NO_NUMBER_TEXTS.format(keys=_marks(len(fields)))
    names = dumps([str(m) for m in months])
    for month, row, metric, text in conn.execute(sql, (names, ids, None, None, *fields)):
        if type(text) is not str:
            return False
        kind = ABSENT if is_blank(text) and metric != UNREADABLE else NOT_A_NUMBER
        cells[fields.index(metric), row, months[month].ordinal - lo] = kind
    return True


def _read_cards(conn, month: Period, ids: str, cards: dict) -> None:
    from cstui.domain import Scorecard

    for employee_id, (values, version) in card_rows.month_cards(conn, str(month), ids).items():
        cards[employee_id][month] = Scorecard(employee_id, month, values, [], version)
