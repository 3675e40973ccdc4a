"""An employee's scheme timeline: which scheme judges and grades which months.

A row ``(employee, since_month, scheme, level)`` says: from ``since_month`` on (up to the next
row's month), the employee's cards are judged and graded by ``scheme``, replayed from
``level``. The earliest row also covers any month before its own (the months before a hire,
or history imported before the timeline existed). ``employees.scheme``/``level`` are the
current assignment, kept equal to the latest row, so code that reads only the employee row
sees what it always saw.
"""

from __future__ import annotations

from cstui.domain import Employee, Period
from cstui.store.cards import CardsMixin
from cstui.store.codec import employee_from_row, now
from cstui.store.periods import as_month
from cstui.store.timeline import Assignment


class AssignmentsMixin(CardsMixin):
    def scheme_assignments(self, employee_id: str) -> list[Assignment]:
        """The employee's timeline, earliest first."""
        self.employee(employee_id)  # NotFound / AccessDenied as for the employee
        return self._timelines([employee_id]).get(employee_id, [])

    def assign_scheme(self, employee_id: str, scheme: str, since: Period | str, level: str | None = None) -> Employee:
        """Put the employee on ``scheme`` from month ``since`` on, replayed from ``level``.

        Earlier months keep their scheme (graded and recorded under it). Refused when
        ``since`` lies in a closed period, when the scheme is not installed, or when a stored
        card of a month the new scheme now judges is invalid under it. Audited.
        """
        month = str(as_month(since))
        with self.write():
            row = self._employee_row(employee_id)
            self._require_write(row["team"], f"employee {employee_id}")
            self._require_open(Period.parse(month), f"assigning employee {employee_id} from {month}")
            self._scheme_for_cards(scheme)  # installed (a file cannot judge stored cards)
            line = self._timelines([employee_id]).get(employee_id, [])
            before = [a for a in line if a.since == month] or ([a for a in line if a.since < month] or line)[-1:]
            self.conn.execute(
                "INSERT OR REPLACE INTO scheme_assignments (employee_id, since_month, scheme, level) VALUES (?, ?, ?, ?)",
                (employee_id, month, scheme, level),
            )
            employee = self._follow_latest_assignment(row, month, scheme, level)
            self._gate_cards(self._card_months_from(employee_id, month))
            self._invalidate_checkpoints(teams=[row["team"]])
            after = {"since": month, "scheme": scheme, "level": level}
            self._audit("assign-scheme", "scheme_assignments", employee_id, _as_audit(before), after)
        return employee

    def _follow_latest_assignment(self, row, month: str, scheme: str, level: str | None) -> Employee:
        """The employee row follows the assignment when it is the latest one (now current)."""
        latest = self.conn.execute("SELECT MAX(since_month) FROM scheme_assignments WHERE employee_id = ?", (row["id"],)).fetchone()[0]
        if latest != month or (row["scheme"], row["level"]) == (scheme, level):
            return employee_from_row(row)
        values = dict(row) | {"scheme": scheme, "level": level, "version": row["version"] + 1, "updated_by": self.login, "updated_at": now()}
        self.conn.execute(
            "UPDATE employees SET scheme = :scheme, level = :level, version = :version, updated_by = :updated_by, updated_at = :updated_at WHERE id = :id",
            values,
        )
        return employee_from_row(values)

    def _card_months_from(self, employee_id: str, month: str) -> list[tuple[str, str]]:
        """(employee, month) of every stored card or live incident from ``month`` on."""
        sql = (
            "SELECT period FROM scorecards WHERE employee_id = ?1 AND period >= ?2 "
            "UNION SELECT period FROM incidents WHERE employee_id = ?1 AND period >= ?2 AND deleted = 0 ORDER BY 1"
        )
        return [(employee_id, period) for (period,) in self.conn.execute(sql, (employee_id, month))]


def _as_audit(assignments: list[Assignment]) -> dict | None:
    if not assignments:
        return None
    a = assignments[0]
    return {"since": a.since, "scheme": a.scheme, "level": a.level}
