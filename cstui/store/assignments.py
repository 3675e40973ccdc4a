"""An employee's scheme timeline: which scheme judges and grades which months.

A row ``(employee, since_month, scheme, level)`` says: from ``since_month`` on (up to the next
row's month), the employee's cards are judged and graded by ``scheme``, replayed from
``level``. The earliest row also covers any month before its own (the months before a hire,
or history imported before the timeline existed). ``employees.scheme``/``level`` are the
current assignment, kept equal to the latest row, so code that reads only the employee row
sees what it always saw.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from cstui.domain import Employee, Period, texts
from cstui.domain.texts import line as text_line
from cstui.domain.values import ValueProblem
from cstui.store.cards import CardsMixin
from cstui.store.codec import employee_from_row, now
from cstui.store.periods import as_month
from cstui.store.timeline import Assignment, scheme_at

texts.register(
    {
        "store.level_not_on": (
            "level {level} is not on scheme {scheme}; expected one of {levels}",
            "级别 {level} 不在方案 {scheme} 中；应为 {levels} 之一",
        ),
    }
)


class AssignmentsMixin(CardsMixin):
    def scheme_assignments(self, employee_id: str) -> list[Assignment]:
        """The employee's timeline, earliest first."""
        self.employee(employee_id)  # NotFound / AccessDenied as for the employee
        return self._timelines([employee_id]).get(employee_id, [])

    def assign_scheme(
        self,
        employee_id: str,
        scheme: str,
        since: Period | str,
        level: str | None = None,
        *,
        if_changed: bool = False,
        why: list[str] | None = None,
    ) -> Employee:
        """Put the employee on ``scheme`` from month ``since`` on, replayed from ``level``.

        Earlier months keep their scheme (graded and recorded under it). Refused when
        ``since`` lies in a closed period, when the scheme is not installed, or when a stored
        card of a month the new scheme now judges is invalid under it. Audited.
        ``if_changed`` (a roster file): nothing happens when ``since`` is on ``scheme`` already
        and no assignment starts in that month (a file listing everyone's since-month restarts
        no one's replay). ``why`` (e.g. a placement's trace) is kept in the audit row.
        """
        month = str(as_month(since))
        with self.write():
            row = self._employee_row(employee_id)
            self._require_write(row["team"], text_line("what.employee", employee=employee_id))
            self._require_open(Period.parse(month), text_line("what.assigning", employee=employee_id, month=month))
            _check_level(self._scheme_for_cards(scheme), level)  # installed: a file cannot judge stored cards
            line = self._timelines([employee_id]).get(employee_id, [])
            unchanged = if_changed and line and scheme_at(line, month) == scheme and all(a.since != month for a in line)
            if unchanged or Assignment(employee_id, month, scheme, level) in line:
                return employee_from_row(row)  # already so: a re-imported roster changes nothing
            before = [a for a in line if a.since == month] or ([a for a in line if a.since < month] or line)[-1:]
            self.conn.execute(
                "INSERT OR REPLACE INTO scheme_assignments (employee_id, since_month, scheme, level) VALUES (?, ?, ?, ?)",
                (employee_id, month, scheme, level),
            )
            employee = self._follow_latest_assignment(row, month, scheme, level)
            self._gate_cards(self._card_months_from(employee_id, month))
            self._invalidate_checkpoints(teams=[row["team"]])
            after = {"since": month, "scheme": scheme, "level": level} | ({"why": why} if why else {})
            self._audit("assign-scheme", "scheme_assignments", employee_id, _as_audit(before), after)
        return employee

    def schemes_in_month(self, employee_ids: Iterable[str], month: Period | str) -> dict[str, str | None]:
        """``{employee id: the scheme judging and grading their month}`` (their timeline's)."""
        month = str(as_month(month))
        return {e: scheme for (e, _), scheme in self._schemes_at((e, month) for e in employee_ids).items()}

    def scheme_members(self, scheme: str, month: str | None = None, teams: bool = True) -> dict[str, str | None]:
        """``{employee id: team}`` of the visible employees on ``scheme`` now, or (with
        ``month``) whose timeline puts that month on ``scheme``.

        ``teams=False`` (with ``month``): a caller that needs the teams only to know this login
        may write them (an import) gets None for each team when it may write every team (a
        manager or admin, who sees every team too): the read then skips the employees' rows."""
        if month is None:
            return super().scheme_members(scheme)
        if not teams and self.user.is_manager:
            # the assignment rows alone (their employees exist: a foreign key), a third less work
            sql = f"SELECT json_group_array(id) FROM ({_MEMBER_IDS_AT})"
            members = dict.fromkeys(json.loads(self.conn.execute(sql, [scheme, month, month, scheme]).fetchone()[0]))
        else:
            scope, params = self._team_scope("e.team", "e.id")
            # the timeline walked in SQL (an import asks this of 100,000 employees), the members
            # returned as one JSON object (a row handed to Python costs more than finding it)
            sql = f"SELECT json_group_object(id, team) FROM ({_MEMBERS_AT.format(scope=scope)})"
            args = [scheme, *params, month, month, scheme, *params]
            members = json.loads(self.conn.execute(sql, args).fetchone()[0])
        if self.in_write:  # a bulk save of these members' cards in this transaction reads it again
            self._members_read = (self._writes, self.conn.total_changes, scheme, month, members)
        return members

    def _follow_latest_assignment(self, row, month: str, scheme: str, level: str | None) -> Employee:
        """The employee row follows the assignment when it is the latest one (now current)."""
        latest = self.conn.execute(
            "SELECT MAX(since_month) FROM scheme_assignments WHERE employee_id = ?", (row["id"],)
        ).fetchone()[0]
        if latest != month or (row["scheme"], row["level"]) == (scheme, level):
            return employee_from_row(row)
        values = dict(row) | {
            "scheme": scheme,
            "level": level,
            "version": row["version"] + 1,
            "updated_by": self.login,
            "updated_at": now(),
        }
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


# The employees whose timeline puts a month on a scheme (timeline.scheme_at in SQL, as
# gate.SCHEME_AT, read from the scheme's own rows): an assignment to it is the one in force
# when it is the latest since that month (no later row up to the month), or, no row being
# that old, the earliest; an employee with no timeline row is on their current scheme. Each
# member is one seek past the scheme's index entry. Parameters: scheme, the scope's, month,
# month, scheme, the scope's (see :meth:`AssignmentsMixin.scheme_members`).
_MEMBERS_AT = (
    "SELECT e.id, e.team FROM scheme_assignments a JOIN employees e ON e.id = a.employee_id "
    "WHERE a.scheme = ? AND {scope} AND CASE WHEN a.since_month <= ? "
    "THEN NOT EXISTS (SELECT 1 FROM scheme_assignments b WHERE b.employee_id = a.employee_id "
    "AND b.since_month > a.since_month AND b.since_month <= ?) "
    "ELSE NOT EXISTS (SELECT 1 FROM scheme_assignments b WHERE b.employee_id = a.employee_id "
    "AND b.since_month < a.since_month) END "
    "UNION ALL SELECT e.id, e.team FROM employees e WHERE e.scheme = ? AND {scope} "
    "AND NOT EXISTS (SELECT 1 FROM scheme_assignments b WHERE b.employee_id = e.id)"
)

# _MEMBERS_AT's employees without their teams, for a login that sees every team (no scope):
# the same timeline walk over the scheme's own rows, no seek into the employees per member.
# Parameters: scheme, month, month, scheme.
_MEMBER_IDS_AT = (
    "SELECT a.employee_id AS id FROM scheme_assignments a "
    "WHERE a.scheme = ? AND CASE WHEN a.since_month <= ? "
    "THEN NOT EXISTS (SELECT 1 FROM scheme_assignments b WHERE b.employee_id = a.employee_id "
    "AND b.since_month > a.since_month AND b.since_month <= ?) "
    "ELSE NOT EXISTS (SELECT 1 FROM scheme_assignments b WHERE b.employee_id = a.employee_id "
    "AND b.since_month < a.since_month) END "
    "UNION ALL SELECT e.id FROM employees e WHERE e.scheme = ? "
    "AND NOT EXISTS (SELECT 1 FROM scheme_assignments b WHERE b.employee_id = e.id)"
)


def _as_audit(assignments: list[Assignment]) -> dict | None:
    if not assignments:
        return None
    a = assignments[0]
    return {"since": a.since, "scheme": a.scheme, "level": a.level}


def _check_level(scheme, level: str | None) -> None:
    if level is not None and level not in scheme.level_keys:
        said = dict(level=repr(level), scheme=scheme.name, levels=", ".join(scheme.level_keys))
        raise ValueProblem(text_line("store.level_not_on", **said))
