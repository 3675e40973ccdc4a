"""Periods (open/closed), overrides and graded results."""

from __future__ import annotations

import json
import operator
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from cstui.domain import Override, Period, PeriodError, Result
from cstui.domain.texts import from_json, line, to_json
from cstui.store.checkpoints import CheckpointsMixin
from cstui.store.codec import decimal_text, dumps, loads, now, override_from_row, text_decimal
from cstui.store.errors import BadInput, DisputesOpen, PeriodClosed, Refused, error_text


def as_period(p: Period | str) -> Period:
    if isinstance(p, Period):
        return p
    try:
        return Period.parse(p)
    except PeriodError as error:
        raise BadInput(error_text(error)) from error


def as_month(p: Period | str) -> Period:
    month = as_period(p)
    if not month.is_month:
        raise BadInput(line("store.month_not_quarter", period=str(month), pattern="YYYY-MM"))
    return month


def locking_periods(p: Period) -> tuple[str, ...]:
    """The period rows whose closing locks ``p``: a month is locked by itself or its quarter."""
    return (str(p), str(p.quarter)) if p.is_month else (str(p),)


class Outcome(NamedTuple):
    """What a view of another period shows of a recorded result (the board's Prev column and
    detail pane): a few columns, no flags or trace, so a scheme's whole month stays small."""

    employee_id: str
    scheme: str
    score: Decimal | None
    level_before: str | None
    level_after: str | None
    decision: str | None


class PeriodsMixin(CheckpointsMixin):
    def _closed_periods(self) -> dict[str, dict]:
        return {row["period"]: dict(row) for row in self._rows("SELECT * FROM periods WHERE status = 'closed'")}

    def period_status(self, p: Period | str) -> str:
        """ "open" or "closed" (a month is closed when it or its quarter is); unknown periods are open."""
        closed = self._closed_periods()
        return "closed" if any(key in closed for key in locking_periods(as_period(p))) else "open"

    def _require_open(self, p: Period, what: str, closed: dict[str, dict] | None = None) -> None:
        closed = self._closed_periods() if closed is None else closed
        for key in locking_periods(p):
            if key in closed:
                row = closed[key]
                raise PeriodClosed(
                    line("store.closed", what=what, period=key, by=row["closed_by"], at=row["closed_at"])
                )

    def periods(self) -> list[dict]:
        return [dict(row) for row in self._rows("SELECT * FROM periods ORDER BY period")]

    def close_period(self, p: Period | str, reason: str | None = None) -> None:
        """Lock the period's scorecards, incidents and results (manager or admin).

        While agents' disputes of the period (or, for a quarter, of its months) are open it is
        refused, unless a ``reason`` is given: it is kept with the period and audited.
        """
        period = as_period(p)
        reason = reason.strip() if reason and reason.strip() else None
        with self.write():
            self._require_manager(line("what.close", period=period))
            before = self._one("SELECT * FROM periods WHERE period = ?", (str(period),))
            if before is not None and before["status"] == "closed":
                raise Refused(
                    line("store.already_closed", period=str(period), by=before["closed_by"], at=before["closed_at"])
                )
            disputed = self._open_disputes(period)
            if disputed and reason is None:
                said = dict(period=str(period), count=disputed, option="--reason")
                command = f"cstui dispute list --period {period}"
                raise DisputesOpen(line("store.disputes_open", **said, command=command))
            after = {
                "period": str(period),
                "status": "closed",
                "closed_by": self.login,
                "closed_at": now(),
                "reason": reason,
            }
            self._put_period(after)
            audited = after | {"open_disputes": disputed} if disputed else after
            self._audit("close", "periods", str(period), dict(before) if before else None, audited)

    def _open_disputes(self, period: Period) -> int:
        """Open disputes of ``period``'s results (a quarter's own and its months')."""
        periods = [str(period)] + ([str(m) for m in period.months()] if period.is_quarter else [])
        sql = f"SELECT COUNT(*) FROM sign_offs WHERE status = 'open' AND period IN ({', '.join('?' * len(periods))})"
        return self.conn.execute(sql, periods).fetchone()[0]

    def reopen_period(self, p: Period | str, reason: str) -> None:
        """Unlock a closed period; the reason is required and kept (manager or admin)."""
        period = as_period(p)
        if not reason or not reason.strip():
            raise BadInput(line("store.reopen_reason", period=str(period)))
        with self.write():
            self._require_manager(line("what.reopen", period=period))
            before = self._one("SELECT * FROM periods WHERE period = ?", (str(period),))
            if before is None or before["status"] != "closed":
                quarter = str(period.quarter)
                if period.is_month and self.period_status(period) == "closed":
                    raise Refused(line("store.closed_by_quarter", period=str(period), quarter=quarter))
                raise Refused(line("store.not_closed", period=str(period)))
            after = dict(before) | {"status": "open", "reason": reason.strip()}
            self._put_period(after)
            self._audit("reopen", "periods", str(period), dict(before), after)

    def _put_period(self, row: dict) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO periods (period, status, closed_by, closed_at, reason) "
            "VALUES (:period, :status, :closed_by, :closed_at, :reason)",
            row,
        )

    # -- overrides ----------------------------------------------------------------------------

    def add_override(self, o: Override) -> Override:
        """A manual level placement from ``o.period`` on (manager or admin); the reason is required."""
        if not o.reason or not o.reason.strip():
            raise BadInput(line("store.override_reason", employee=o.employee_id))
        if not o.level:
            raise BadInput(line("store.override_level", employee=o.employee_id))
        month = as_month(o.period)
        override = Override(o.employee_id, month, o.level, o.reason.strip(), o.author or self.login)
        with self.write():
            self._require_manager(line("what.place"))
            self._employee_row(o.employee_id)
            # a closed month's results stand as recorded: a placement into it would silently disagree
            self._require_open(month, line("what.override", employee=o.employee_id, month=month))
            record = {
                "employee_id": override.employee_id,
                "period": str(month),
                "level": override.level,
                "reason": override.reason,
                "author": override.author,
                "created_at": now(),
            }
            cursor = self.conn.execute(
                "INSERT INTO overrides (employee_id, period, level, reason, author, created_at) "
                "VALUES (:employee_id, :period, :level, :reason, :author, :created_at)",
                record,
            )
            self._invalidate_checkpoints([(override.employee_id, str(month))])
            self._audit("add", "overrides", str(cursor.lastrowid), None, record)
        return override

    def overrides(self, employee_id: str | None = None) -> list[Override]:
        scope, params = self._team_scope("e.team", "e.id")
        sql = f"SELECT o.* FROM overrides o JOIN employees e ON e.id = o.employee_id WHERE {scope}"
        if employee_id is not None:
            sql += " AND o.employee_id = ?"
            params.append(employee_id)
        return [override_from_row(row) for row in self._rows(sql + " ORDER BY o.employee_id, o.period, o.id", params)]

    # -- results ------------------------------------------------------------------------------

    def record_results(self, results: Iterable[Result]) -> int:
        """Upsert graded results in one transaction; returns the count.

        The audit trail gets one row per result that changed (score, grade, level, decision
        or pay: before and after) and one summary row per period and scheme. Refused for a
        closed period and for teams this login may not change (both read inside the transaction).
        """
        return self.record_stored_results([stored_result(r) for r in results])

    def record_stored_results(self, rows: Iterable[tuple]) -> int:
        """:meth:`record_results` of results already in their stored form (:func:`stored_result`:
        an apply encodes each result once, when it is spooled, and records that)."""
        rows = list(rows)
        with self.write():
            closed, stamp, login = self._closed_periods(), now(), self.login
            checked: set = set()  # each team and period once: the first result of one names it
            for row in rows:
                team, period = row[4], row[1]
                if team not in checked:
                    self._require_write(team, line("what.results_of", employee=row[0]))
                    checked.add(team)
                if (period,) not in checked:
                    self._require_open(as_period(period), line("what.results", period=as_period(period)), closed)
                    checked.add((period,))
            audits = self._result_changes(rows)
            self.conn.executemany(_UPSERT_RESULT_ROW, [(*row, login, stamp) for row in rows])
            self._audit_many(audits)
        return len(rows)

    def _result_changes(self, rows: list[tuple]) -> list[tuple]:
        """Audit entries of the results whose outcome these rows change (read before they are written)."""
        batches: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for row in rows:
            batches[(row[1], row[2])].append(row)
        entries = []
        for (period, scheme), batch in batches.items():
            ids = [row[0] for row in batch]
            sql = f"SELECT employee_id, {', '.join(_OUTCOME)} FROM results WHERE period = ? AND scheme = ? AND employee_id IN (SELECT value FROM json_each(?))"
            stored = {r[0]: r[1:] for r in self.conn.execute(sql, (period, scheme, dumps(ids)))}
            changed = 0
            for row in batch:
                outcome = _outcome_of(row)
                before = stored.get(row[0])
                if before != outcome:  # tuples: a dict is built only for what the audit keeps
                    changed += 1
                    after = dict(zip(_OUTCOME, outcome)) | {"scheme": scheme}
                    before = None if before is None else dict(zip(_OUTCOME, before))
                    entries.append(("record", "results", f"{row[0]}/{period}", before, after))
            entries.append(("apply", "results", f"{period}/{scheme}", None, {"count": len(batch), "changed": changed}))
        return entries

    def results(
        self, period: Period | str, scheme: str | None = None, team: str | None = None, *, trace: bool = True
    ) -> list[dict]:
        """Stored results of ``period``; score and pay_delta as Decimal, flags and trace as lists.
        ``trace=False``: the traces are not read (each an empty list): most of a result's bytes,
        which a view of scores and levels does not show."""
        scope, params = self._team_scope("r.team", "r.employee_id")
        columns = "r.*" if trace else _RESULT_COLUMNS_BUT_TRACE
        sql = f"SELECT {columns}, e.name FROM results r JOIN employees e ON e.id = r.employee_id WHERE {scope} AND r.period = ?"
        params.append(str(as_period(period)))
        for column, value in (("r.scheme", scheme), ("r.team", team)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        order = " ORDER BY r.scheme, r.team, r.rank IS NULL, r.rank, r.employee_id"
        return [decoded_result(row) for row in self._rows(sql + order, params)]

    def outcomes(self, period: Period | str, scheme: str) -> dict[str, Outcome]:
        """Employee id → :class:`Outcome` of ``scheme``'s recorded results of ``period`` this login
        may see: the columns a Prev column shows, read without decoding a result's JSON."""
        scope, params = self._team_scope("r.team", "r.employee_id")
        sql = (
            "SELECT r.employee_id, r.scheme, r.score, r.level_before, r.level_after, r.decision "
            f"FROM results r WHERE {scope} AND r.period = ? AND r.scheme = ?"
        )
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: no Row per result
        rows = cursor.execute(sql, [*params, str(as_period(period)), scheme])
        return {row[0]: Outcome(row[0], row[1], text_decimal(row[2]), *row[3:]) for row in rows}

    def employee_period_results(self, employee_id: str, periods: Iterable[Period | str], scheme: str) -> list[dict]:
        """One employee's stored results of ``periods`` under ``scheme``, as :meth:`results` gives
        them: a person's history reads their own rows (on the primary key), not their team's."""
        wanted = [str(as_period(p)) for p in periods]
        if not wanted:
            return []
        where = f"AND r.scheme = ? AND r.period IN ({', '.join('?' * len(wanted))})"
        return self._own_results(employee_id, where, [scheme, *wanted])

    def _own_results(self, employee_id: str, where: str = "", params: Iterable = ()) -> list[dict]:
        """One employee's stored results (``where``: more conditions on ``r``), decoded, read
        within this login's scope: an agent reads only their own, a supervisor their teams'."""
        scope, scoped = self._team_scope("r.team", "r.employee_id")
        sql = (
            f"SELECT r.*, e.name FROM results r JOIN employees e ON e.id = r.employee_id WHERE {scope} "
            f"AND r.employee_id = ? {where}"
        )
        return [decoded_result(row) for row in self._rows(sql, [*scoped, employee_id, *params])]

    def latest_levels(self, employee_ids: Iterable[str]) -> dict[str, str]:
        """The ``level_after`` of each employee's latest recorded result on their current scheme.

        One query for the given ids (the roster asks for the rows on screen); employees with
        no such result, or on teams this login may not see, are left out. A quarter counts
        as of its last month and wins a tie with that month.
        """
        ids = list(dict.fromkeys(employee_ids))
        if not ids:
            return {}
        scope, params = self._team_scope("r.team", "r.employee_id")
        sql = (
            "SELECT r.employee_id, r.period, r.level_after FROM results r "
            "JOIN employees e ON e.id = r.employee_id AND e.scheme = r.scheme "
            f"WHERE {scope} AND r.level_after IS NOT NULL AND r.employee_id IN ({', '.join('?' * len(ids))})"
        )
        latest: dict[str, tuple[tuple[int, bool], str]] = {}
        for row in self._rows(sql, params + ids):
            period = as_period(row["period"])
            when = (period.last_month.ordinal, period.is_quarter)
            if row["employee_id"] not in latest or when > latest[row["employee_id"]][0]:
                latest[row["employee_id"]] = (when, row["level_after"])
        return {employee_id: level for employee_id, (_, level) in latest.items()}

    def recorded_levels(self, periods: Iterable[Period], employee_ids: Iterable[str] | None = None) -> list[dict]:
        """Recorded results of ``periods`` on each employee's current scheme: employee_id, period,
        level_before, level_after, recorded_at (the facts :mod:`cstui.levels` starts from).

        ``employee_ids`` limits the read to those (a roster page); None reads every visible one.
        """
        scope, params = self._team_scope("r.team", "r.employee_id")
        wanted = [str(as_period(p)) for p in periods]
        sql = (
            "SELECT r.employee_id, r.period, r.level_before, r.level_after, r.recorded_at FROM results r "
            "JOIN employees e ON e.id = r.employee_id AND e.scheme = r.scheme "
            f"WHERE {scope} AND r.period IN ({', '.join('?' * len(wanted))})"
        )
        params += wanted
        if employee_ids is not None:
            ids = list(dict.fromkeys(employee_ids))
            if not ids:
                return []
            sql += f" AND r.employee_id IN ({', '.join('?' * len(ids))})"
            params += ids
        return [dict(row) for row in self._rows(sql, params)]

    def override_rows(self, employee_ids: Iterable[str] | None = None) -> list[dict]:
        """Overrides with when they were recorded (``created_at``), oldest first; scoped like :meth:`overrides`."""
        scope, params = self._team_scope("e.team", "e.id")
        sql = f"SELECT o.* FROM overrides o JOIN employees e ON e.id = o.employee_id WHERE {scope}"
        if employee_ids is not None:
            ids = list(dict.fromkeys(employee_ids))
            if not ids:
                return []
            sql += f" AND o.employee_id IN ({', '.join('?' * len(ids))})"
            params += ids
        return [dict(row) for row in self._rows(sql + " ORDER BY o.id", params)]


def decoded_result(row) -> dict:
    """A row of ``results`` as a dict: score and pay_delta as Decimal, flags and trace as lists
    (a row read without its trace gets an empty one)."""
    record = dict(row)
    record["score"], record["pay_delta"] = text_decimal(row["score"]), text_decimal(row["pay_delta"])
    # a line stored with its template (cstui.domain.texts) comes back as one; old plain texts stay texts
    record["flags"] = from_json(loads(row["flags"]) or [])
    record["trace"] = from_json(loads(record["trace"]) or []) if "trace" in record else []
    return record


_RESULT_COLUMNS_BUT_TRACE = (
    "r.employee_id, r.period, r.scheme, r.scheme_version, r.team, r.score, r.grade, r.rank, r.level_before, "
    "r.level_after, r.decision, r.pay_delta, r.flags, r.recorded_by, r.recorded_at"
)


def stored_result(r: Result) -> tuple:
    """A result as the columns of :data:`_UPSERT_RESULT_ROW` before ``recorded_by`` and
    ``recorded_at`` (positional: a 100,000-result apply builds no dicts); flags and trace as
    their JSON text."""
    period = r.period if isinstance(r.period, Period) else as_period(r.period)
    return (
        r.employee_id,
        str(period),
        r.scheme,
        r.scheme_version,
        r.team,
        decimal_text(r.score),
        r.grade,
        r.rank,
        r.level_before,
        r.level_after,
        r.decision,
        decimal_text(r.pay_delta),
        lines_json(r.flags),
        lines_json(r.trace),
    )


def lines_json(lines) -> str:
    """A trace or flags list as stored: JSON of :func:`cstui.domain.texts.to_json`, keys in
    the order the line gives them (sorting every line's arguments was a sixth of the encoding).

    A line many results share (:func:`cstui.domain.texts.shared`) is encoded once and its text
    kept on it; the list is then spelled out as the encoder spells one (``[a, b]``), the other
    lines encoded together between the shared ones."""
    lines = list(lines)
    if not lines:
        return "[]"
    if not any(getattr(item, "stored", None) is not None for item in lines):
        return _encode_lines(to_json(lines))
    pieces, plain = [], []
    for item in lines:
        stored = getattr(item, "stored", None)
        if stored is None:
            plain.append(item)
            continue
        if plain:
            pieces.append(_encode_lines(to_json(plain))[1:-1])
            plain = []
        if not stored:
            stored = item.stored = _encode_lines(to_json(item))
        pieces.append(stored)
    if plain:
        pieces.append(_encode_lines(to_json(plain))[1:-1])
    return "[" + ", ".join(pieces) + "]"


# a trace is a tree of lines and their arguments (never a cycle): no containers tracked, as codec's
_encode_lines = json.JSONEncoder(ensure_ascii=False, default=str, check_circular=False).encode


def result_of_stored(row: tuple, name: str, *, trace: bool = True) -> Result:
    """The :class:`Result` a :func:`stored_result` row was made from (``name`` is not stored:
    it is the roster's); ``trace=False`` leaves the trace out (a report without one)."""
    return Result(
        row[0],
        name,
        row[4],
        as_period(row[1]),
        row[2],
        row[3],
        text_decimal(row[5]),
        row[6],
        row[7],
        row[8],
        row[9],
        row[10],
        text_decimal(row[11]),
        [] if row[12] == "[]" else from_json(loads(row[12])),  # most results have no flag: nothing to decode
        from_json(loads(row[13])) if trace else [],
    )


# what an apply's audit rows compare, and where each is in a stored_result tuple
_OUTCOME = ("score", "grade", "level_before", "level_after", "decision", "pay_delta")
_outcome_of = operator.itemgetter(5, 6, 8, 9, 10, 11)

_UPSERT_RESULT_ROW = (
    "INSERT OR REPLACE INTO results (employee_id, period, scheme, scheme_version, team, score, grade, rank, "
    "level_before, level_after, decision, pay_delta, flags, trace, recorded_by, recorded_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
