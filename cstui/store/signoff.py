"""Agents in the loop: an agent confirms or disputes their graded result of a period, within
the window the scheme sets; a supervisor answers each dispute (accepted or rejected, with a
reason). Rows of ``sign_offs`` are history: the latest one of an employee and period is their
sign-off now. Every check that decides a write is read inside that write's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from cstui.clock import today
from cstui.domain.texts import line
from cstui.store.codec import now
from cstui.store.errors import AccessDenied, BadInput, NotFound, SignOffRefused, StoreError, error_text
from cstui.store.periods import PeriodsMixin, as_period

WINDOW_DAYS_DEFAULT = 5
WindowOf = Callable[[str], int]  # scheme name -> days after the apply an agent may sign off
# a result's sign-off as the board shows it: the latest sign-off's status, read for the agent
STATE_OF_STATUS = {"confirmed": "confirmed", "open": "disputed", "accepted": "answered", "rejected": "answered"}


def window_days_of(scheme) -> int:
    """The scheme's ``[sign_off] window_days`` (a whole number of days, 0 or more), or 5."""
    from cstui.errors import InvalidData

    raw = (scheme.params.get("sign_off") or {}).get("window_days", WINDOW_DAYS_DEFAULT)
    try:
        whole = not isinstance(raw, bool) and int(raw) == raw and raw >= 0
    except (TypeError, ValueError):
        whole = False
    if not whole:
        said = dict(source=scheme.source, setting="sign_off.window_days", raw=raw)
        raise InvalidData([line("store.window_days", **said)])
    return int(raw)


def installed_window_days(name: str) -> int:
    """The ``[sign_off] window_days`` of the installed scheme ``name``; the default for a scheme
    no longer installed (its results stand, and the agent may still sign them off)."""
    from cstui.schemes import SchemeError, catalog

    try:
        scheme = catalog().get(name)
    except SchemeError:
        return WINDOW_DAYS_DEFAULT
    return window_days_of(scheme)


def window_end(recorded_at: str, days: int) -> date:
    """The last day an agent may sign off a result recorded at ``recorded_at``."""
    return date.fromisoformat(recorded_at[:10]) + timedelta(days=days)


class SignOffMixin(PeriodsMixin):
    def confirm_result(self, period, window_of: WindowOf) -> dict:
        """The agent confirms their graded result of ``period`` (audited ``confirm``)."""
        with self.write():
            employee_id, p = self._signing(period, window_of)
            return self._sign(employee_id, p, "confirm", "confirmed", None)

    def open_dispute(self, period, reason: str, window_of: WindowOf) -> dict:
        """The agent disputes their graded result of ``period``; the reason is required (audited ``dispute``)."""
        if not reason or not reason.strip():
            raise BadInput(line("store.dispute_reason", option="--reason"))
        with self.write():
            employee_id, p = self._signing(period, window_of)
            return self._sign(employee_id, p, "dispute", "open", reason.strip())

    def _signing(self, period, window_of: WindowOf) -> tuple[str, str]:
        """The agent's employee and the period, once the result, the window and the last sign-off allow it."""
        p = as_period(period)
        if not self.user.is_agent or self.user.employee is None:
            raise AccessDenied(line("store.agents_sign", login=self.login, role=self.user.role))
        employee_id = self.user.employee
        self._require_open(p, line("what.sign_off", period=p))
        result = self._one(
            "SELECT scheme, recorded_at FROM results WHERE employee_id = ? AND period = ? ORDER BY recorded_at DESC LIMIT 1",
            (employee_id, str(p)),
        )
        if result is None:
            raise SignOffRefused(line("store.no_result", period=str(p)))
        last_day = window_end(result["recorded_at"], window_of(result["scheme"]))
        if today() > last_day:
            said = dict(period=str(p), day=last_day.isoformat(), applied=result["recorded_at"][:10])
            raise SignOffRefused(line("store.window_closed", **said))
        latest = self._latest_sign_off(employee_id, str(p))
        if latest is not None and latest["status"] == "confirmed":
            raise SignOffRefused(line("store.confirmed_already", period=str(p), at=latest["signed_at"]))
        if latest is not None and latest["status"] == "open":
            raise SignOffRefused(line("store.dispute_open", id=latest["id"], period=str(p)))
        return employee_id, str(p)

    def sign_off_refusal(self, period, window_of: WindowOf) -> str | None:
        """Why this login cannot confirm or dispute ``period`` now (the message the write would
        raise), or None. A read for a screen to answer at once; the write checks again."""
        try:
            self._signing(period, window_of)
        except StoreError as error:
            return error_text(error)  # a line: the screen renders it in the reader's language
        return None

    def _latest_sign_off(self, employee_id: str, period: str):
        return self._one(
            "SELECT * FROM sign_offs WHERE employee_id = ? AND period = ? ORDER BY id DESC LIMIT 1",
            (employee_id, period),
        )

    def _sign(self, employee_id: str, period: str, kind: str, status: str, reason: str | None) -> dict:
        record = {
            "employee_id": employee_id,
            "period": period,
            "kind": kind,
            "status": status,
            "reason": reason,
            "signed_by": self.login,
            "signed_at": now(),
        }
        cursor = self.conn.execute(
            "INSERT INTO sign_offs (employee_id, period, kind, status, reason, signed_by, signed_at) "
            "VALUES (:employee_id, :period, :kind, :status, :reason, :signed_by, :signed_at)",
            record,
        )
        record["id"] = cursor.lastrowid
        self._audit(kind, "sign_offs", str(cursor.lastrowid), None, record)
        return record

    def answer_dispute(self, dispute_id: int, accept: bool, reason: str) -> dict:
        """Accept or reject an open dispute with a reason (the team's supervisor, a manager or admin).

        Accepting records the answer; the correction is the card saved and the employee applied
        again as for any change (which restarts the agent's window to confirm the new result).
        """
        if not reason or not reason.strip():
            raise BadInput(line("store.answer_reason", option="--reason"))
        with self.write():
            row = self._one(
                "SELECT d.*, e.team FROM sign_offs d JOIN employees e ON e.id = d.employee_id WHERE d.id = ? AND d.kind = 'dispute'",
                (int(dispute_id),),
            )
            if row is None:
                raise NotFound(line("store.no_dispute", id=dispute_id))
            self._require_write(row["team"], line("what.dispute", id=dispute_id))
            if row["status"] != "open":
                status = row["status"]
                status = line(f"store.status.{status}") if status in ("accepted", "rejected") else status
                said = dict(id=dispute_id, status=status, by=row["answered_by"], at=row["answered_at"])
                raise SignOffRefused(line("store.answered_already", **said))
            before = {"status": row["status"]}
            after = {
                "status": "accepted" if accept else "rejected",
                "answer": reason.strip(),
                "answered_by": self.login,
                "answered_at": now(),
            }
            self.conn.execute(
                "UPDATE sign_offs SET status = :status, answer = :answer, answered_by = :answered_by, answered_at = :answered_at "
                "WHERE id = :id",
                after | {"id": int(dispute_id)},
            )
            self._audit("answer", "sign_offs", str(dispute_id), before, after)
        return dict(row) | after

    def disputes(self, period=None, status: str | None = None) -> list[dict]:
        """Disputes this login may see (an agent: their own), oldest first; narrowed by period and status."""
        scope, params = self._team_scope("e.team", "e.id")
        sql = f"SELECT d.*, e.name, e.team FROM sign_offs d JOIN employees e ON e.id = d.employee_id WHERE {scope} AND d.kind = 'dispute'"
        for column, value in (("d.period", str(as_period(period)) if period else None), ("d.status", status)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        return [dict(row) for row in self._rows(sql + " ORDER BY d.id", params)]

    def sign_offs(self, period) -> dict[str, dict]:
        """``{employee id: latest sign-off}`` of ``period`` for the employees this login may see."""
        scope, params = self._team_scope("e.team", "e.id")
        sql = (
            f"SELECT d.* FROM sign_offs d JOIN employees e ON e.id = d.employee_id WHERE {scope} AND d.period = ? "
            "AND d.id = (SELECT MAX(x.id) FROM sign_offs x WHERE x.employee_id = d.employee_id AND x.period = d.period)"
        )
        return {row["employee_id"]: dict(row) for row in self._rows(sql, [*params, str(as_period(period))])}

    def sign_off_states(self, period) -> dict[str, str]:
        """``{employee id: state}`` of every recorded result of ``period`` this login may see:
        ``confirmed``, ``disputed`` (a dispute open), ``answered`` (the dispute accepted or
        rejected, not confirmed since) or ``pending`` (no sign-off yet). What the board shows."""
        p = str(as_period(period))
        scope, params = self._team_scope("r.team", "r.employee_id")
        latest = self.sign_offs(p)
        rows = self._rows(f"SELECT DISTINCT r.employee_id FROM results r WHERE {scope} AND r.period = ?", [*params, p])
        states = {}
        for (employee_id,) in rows:
            status = latest[employee_id]["status"] if employee_id in latest else None
            states[employee_id] = STATE_OF_STATUS.get(status, "pending")
        return states

    def open_dispute_count(self, period) -> int:
        """Open disputes of ``period`` (a quarter's own and its months') this login may see."""
        p = as_period(period)
        periods = [str(p)] + ([str(m) for m in p.months()] if p.is_quarter else [])
        scope, params = self._team_scope("e.team", "e.id")
        sql = (
            f"SELECT COUNT(*) FROM sign_offs d JOIN employees e ON e.id = d.employee_id WHERE {scope} "
            f"AND d.kind = 'dispute' AND d.status = 'open' AND d.period IN ({', '.join('?' * len(periods))})"
        )
        return self.conn.execute(sql, [*params, *periods]).fetchone()[0]

    def employee_results(self, employee_id: str) -> list[dict]:
        """Every recorded result of one employee this login may see (an agent: only their own),
        latest period first, each with its latest ``sign_off`` and latest ``dispute`` (or None)."""
        rows = self._own_results(employee_id)
        rows.sort(
            key=lambda r: (as_period(r["period"]).last_month.ordinal, as_period(r["period"]).is_quarter), reverse=True
        )
        signs = self._rows(
            "SELECT * FROM sign_offs WHERE employee_id = ? ORDER BY id", (employee_id,)
        ).fetchall()  # only the rows of results read above are used: the scope is theirs
        for row in rows:
            own = [dict(s) for s in signs if s["period"] == row["period"]]
            row["sign_off"] = own[-1] if own else None
            row["dispute"] = next((s for s in reversed(own) if s["kind"] == "dispute"), None)
        return rows
