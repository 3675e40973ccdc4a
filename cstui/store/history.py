"""Grading input, streamed one team at a time so memory stays bounded."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from functools import lru_cache
from operator import itemgetter

from cstui.domain import Employee, Period, Scorecard, texts
from cstui.domain.texts import line
from cstui.engine.model import UNREAD, Checkpoint, TeamHistory
from cstui.store import card_rows
from cstui.store.checkpoints import read_timelines
from cstui.store.codec import dumps, employee_from_row, incident_from_row, loads, override_from_row
from cstui.store.periods import PeriodsMixin, as_period
from cstui.store.timeline import Assignment, TimelineReader, Window, window_on

texts.register({"what.grading_input": ("the grading input", "计算所用数据")})  # what a refused read names


class HistoryMixin(TimelineReader, PeriodsMixin):
    def history_teams(self, scheme: str, teams: Iterable[str] | None = None) -> list[str]:
        """The visible teams with employees on ``scheme`` now or for some months (optionally
        limited to ``teams``). None for an agent: a team's grading input holds their colleagues
        (their level is the one recorded with their results)."""
        if self.user.is_agent:
            return []
        scope, params = self._team_scope("team")
        on_scheme = "(scheme = ?1 OR id IN (SELECT employee_id FROM scheme_assignments WHERE scheme = ?1))"
        sql = f"SELECT DISTINCT team FROM employees WHERE {on_scheme} AND {scope}"
        if teams is not None:
            wanted = list(dict.fromkeys(teams))
            for team in wanted:
                self._require_visible(team, line("what.grading_input"))
            if not wanted:
                return []
            # only the named teams (on the team index): a worker asks for a few teams at a time
            sql = f"SELECT DISTINCT team FROM employees WHERE {on_scheme.replace('(scheme', '(+scheme')} AND {scope} AND team IN ({', '.join('?' * len(wanted))})"
            params = [*params, *wanted]
        return [row[0] for row in self.conn.execute(sql + " ORDER BY team", [scheme, *params])]

    def team_histories(
        self,
        scheme: str,
        until: Period | str,
        teams: Iterable[str] | None = None,
        fingerprint: str | None = None,
        *,
        timelines: bool = True,
    ) -> Iterator[TeamHistory]:
        """One TeamHistory per team (ordered by team) for the employees on ``scheme``.

        An employee is there when a stretch of their scheme timeline on ``scheme`` overlaps
        ``until``; the history holds only that stretch's cards, incidents and overrides, and
        the employee's ``level`` is the stretch's starting level (the replay starts there).

        Cards run up to ``until``'s last month; a month with incidents but no values gets
        an empty-values card. Each team is read in full before it is yielded, so the
        caller may write (e.g. record results) between teams.

        With the scheme's ``fingerprint``, each team starts from its latest checkpoint
        before ``until``'s first month kept under the same scheme and parameters: the
        history then holds only the later cards, incidents and overrides. ``timelines=False``:
        the checkpoint's timelines kept apart are not read (a grading that keeps no checkpoint
        and shows no timeline: :meth:`cstui.engine.model.Checkpoint.timeline` refuses them).
        """
        period = as_period(until)
        first, last = str(period.months()[0]), str(period.last_month)
        for team in self.history_teams(scheme, teams):
            yield self._team_history(scheme, team, last, fingerprint, first, timelines)

    def team_history_since(
        self, scheme: str, team: str, first: Period | str, last: Period | str, fingerprint: str
    ) -> TeamHistory | None:
        """The team's grading input up to ``last``'s end, resuming from its latest checkpoint
        before ``first`` (a history that grades each month from ``first`` on, month after month);
        None when the team has nobody on ``scheme`` or the login may not read it."""
        if team not in self.history_teams(scheme, [team]):
            return None
        return self._team_history(scheme, team, str(as_period(last).last_month), fingerprint, str(as_period(first)))

    def _team_history(
        self, scheme: str, team: str, last: str, fingerprint: str | None = None, first: str = "", timelines: bool = True
    ) -> TeamHistory:
        employees, windows = self._members_on(scheme, team, first or last, last)
        history = TeamHistory(team=team, employees=employees, cards={e.id: {} for e in employees})
        after = ""  # months after this one are read ("" = all)
        found = self._latest_checkpoint(scheme, fingerprint, team, first, timelines) if fingerprint else None
        if found is not None:
            after = found[0]
            history.checkpoint = _checkpoint_of(found)
            _restart_later_stretches(history.checkpoint.state, windows, after)
        members = "SELECT value FROM json_each(?)"
        window = (dumps(list(windows)), after, last)
        months = _MONTHS
        cards = history.cards
        for period, employee_id, values, version in card_rows.cards_between(self.conn, *window):
            if not windows[employee_id].holds(period):
                continue
            month = months[period]
            cards[employee_id][month] = Scorecard(employee_id, month, values, [], version)
        incident_sql = (
            f"SELECT * FROM incidents WHERE employee_id IN ({members}) AND period > ? AND period <= ? AND deleted = 0 "
            "ORDER BY employee_id, period, date, id"
        )
        late_months = set()  # employees given an incident-only month, whose cards need re-sorting
        for row in self._rows(incident_sql, window):
            if not windows[row["employee_id"]].holds(row["period"]):
                continue
            month, by_month = months[row["period"]], cards[row["employee_id"]]
            if month not in by_month:
                by_month[month] = Scorecard(row["employee_id"], month, {}, [], 0)
                late_months.add(row["employee_id"])
            by_month[month].incidents.append(incident_from_row(row))
        override_sql = f"SELECT * FROM overrides WHERE employee_id IN ({members}) AND period > ? AND period <= ? ORDER BY period, id"
        for row in self._rows(override_sql, window):
            if not windows[row["employee_id"]].holds(row["period"]):
                continue
            history.overrides.setdefault(row["employee_id"], []).append(override_from_row(row))
        for employee_id in late_months:
            cards[employee_id] = dict(sorted(cards[employee_id].items()))
        return history

    def _members_on(self, scheme: str, team: str, first: str, last: str) -> tuple[list, dict[str, Window]]:
        """The team's employees on ``scheme`` for some of first..last, each as that stretch
        starts (its level), and the stretch's months by employee id."""
        employees, windows, day = [], {}, date.fromisoformat
        for row, assignments in members_with_timelines(self.conn, team):
            window = _member_window(row, assignments, scheme, first, last)
            if window is not None:
                e_id, name, e_team, role, hired, status, login, _, _, version = row
                employees.append(
                    Employee(e_id, name, e_team, role, day(hired), status, login, scheme, window.level, version)
                )
                windows[e_id] = window
        return employees, windows

    def latest_checkpoint(self, scheme: str, fingerprint: str, team: str, until: Period | str) -> Checkpoint | None:
        """The team's latest checkpoint before ``until``'s first month under these parameters (what
        :meth:`team_histories` resumes from), or None; None for an agent (a team's state holds
        their colleagues': their own history replays from its start)."""
        if self.user.is_agent:
            return None
        self._require_visible(team, line("what.grading_input"))
        found = self._latest_checkpoint(scheme, fingerprint, team, str(as_period(until).months()[0]))
        return None if found is None else _checkpoint_of(found)

    def team_replay_bound(self, team: str, until: Period | str) -> int:
        """An upper bound on the scorecards one replay of ``team`` up to ``until`` reads: its
        members times the months from the first stored card on (a few index seeks, nothing
        read), for a screen deciding whether grading the team is quick."""
        self._require_visible(team, line("what.grading_input"))
        members = self.conn.execute("SELECT COUNT(*) FROM employees WHERE team = ?", (team,)).fetchone()[0]
        first = self.conn.execute("SELECT min(period) FROM scorecards").fetchone()[0]
        if first is None or first > str(as_period(until).last_month):
            return 0
        months = as_period(until).last_month.ordinal - Period.parse(first).ordinal + 1
        return members * months

    def employees_with_data(self, employee_ids: Iterable[str], until: Period | str) -> set[str]:
        """Those of ``employee_ids`` with a scorecard, incident or override up to ``until``."""
        ids = list(dict.fromkeys(employee_ids))
        if not ids:
            return set()
        last, marks = str(as_period(until).last_month), ", ".join("?" * len(ids))
        found: set[str] = set()
        for table in ("scorecards", "incidents", "overrides"):
            sql = f"SELECT DISTINCT employee_id FROM {table} WHERE employee_id IN ({marks}) AND period <= ?"
            found.update(row[0] for row in self.conn.execute(sql, [*ids, last]))
        return found

    def member_histories(
        self, scheme: str, until: Period | str, employee_ids: Iterable[str], checkpoints: dict[str, Checkpoint | None]
    ) -> list[TeamHistory]:
        """Histories of just ``employee_ids`` (on ``scheme``), one per team, each resuming from
        ``checkpoints[team]``: for a model whose levels are per employee, a page of the roster
        replays its own rows, not their teams. Teams missing from ``checkpoints`` start afresh."""
        ids = list(dict.fromkeys(employee_ids))
        if not ids:
            return []
        period = as_period(until)
        last = str(period.last_month)
        histories, team_of, windows = self._member_stretches(scheme, period, ids, checkpoints)

        def wanted(employee_id: str, period: str) -> bool:
            """A month of the employee's stretch on the scheme, after the team's checkpoint."""
            checkpoint = histories[team_of[employee_id]].checkpoint
            return windows[employee_id].holds(period) and (checkpoint is None or period > str(checkpoint.month))

        kept = list(team_of)
        if not kept:
            return []
        where = f"employee_id IN ({', '.join('?' * len(kept))}) AND period <= ?"
        for period, employee_id, values, version in card_rows.cards_between(self.conn, dumps(kept), "", last):
            if wanted(employee_id, period):
                month = _MONTHS[period]
                histories[team_of[employee_id]].cards[employee_id][month] = Scorecard(
                    employee_id, month, values, [], version
                )
        for row in self._rows(
            f"SELECT * FROM incidents WHERE {where} AND deleted = 0 ORDER BY employee_id, period, date, id",
            [*kept, last],
        ):
            if wanted(row["employee_id"], row["period"]):
                by_month, month = (
                    histories[team_of[row["employee_id"]]].cards[row["employee_id"]],
                    _MONTHS[row["period"]],
                )
                by_month.setdefault(month, Scorecard(row["employee_id"], month, {}, [], 0)).incidents.append(
                    incident_from_row(row)
                )
        for employee_id in kept:  # an incident-only month may have landed out of order
            cards = histories[team_of[employee_id]].cards
            cards[employee_id] = dict(sorted(cards[employee_id].items()))
        for row in self._rows(f"SELECT * FROM overrides WHERE {where} ORDER BY period, id", [*kept, last]):
            if wanted(row["employee_id"], row["period"]):
                histories[team_of[row["employee_id"]]].overrides.setdefault(row["employee_id"], []).append(
                    override_from_row(row)
                )
        return list(histories.values())

    def _member_stretches(
        self, scheme: str, period: Period, ids: list[str], checkpoints: dict
    ) -> tuple[dict[str, TeamHistory], dict[str, str], dict[str, Window]]:
        """The visible ones of ``ids`` on ``scheme`` during ``period``, each as their stretch on it
        starts (its level): their empty histories by team, their teams and their stretches."""
        scope, params = self._team_scope("team", "id")
        rows = self._rows(
            f"SELECT * FROM employees WHERE id IN ({', '.join('?' * len(ids))}) AND {scope} ORDER BY team, id",
            [*ids, *params],
        )
        lines = self._timelines(ids)
        histories: dict[str, TeamHistory] = {}
        team_of: dict[str, str] = {}
        windows: dict[str, Window] = {}
        for row in rows:
            window = _window_of(row, lines.get(row["id"]), scheme, str(period.months()[0]), str(period.last_month))
            if window is None:
                continue
            e = replace(employee_from_row(row), scheme=scheme, level=window.level)
            if e.team not in histories:
                histories[e.team] = TeamHistory(e.team, [], {}, {}, _own_copy(checkpoints.get(e.team)))
            histories[e.team].employees.append(e)
            histories[e.team].cards[e.id] = {}
            team_of[e.id], windows[e.id] = e.team, window
        for history in histories.values():
            if history.checkpoint is not None:
                _restart_later_stretches(history.checkpoint.state, windows, str(history.checkpoint.month))
        return histories, team_of, windows


def _own_copy(checkpoint: Checkpoint | None) -> Checkpoint | None:
    """A checkpoint whose employee entries this history may drop (the caller's stays whole)."""
    if checkpoint is None:
        return None
    state = dict(checkpoint.state)
    state["employees"] = dict(state.get("employees", {}))
    return Checkpoint(checkpoint.month, state, checkpoint.timelines)


def _checkpoint_of(found: tuple[str, str, str | None]) -> Checkpoint:
    """A checkpoint as :meth:`CheckpointsMixin._latest_checkpoint` read it."""
    month, state, timelines = found
    return Checkpoint(
        Period.parse(month), loads(state), timelines if timelines in (None, UNREAD) else read_timelines(timelines)
    )


def _window_of(row, line, scheme: str, first: str, last: str) -> Window | None:
    """The employee's stretch on ``scheme`` overlapping first..last; without a timeline (a row
    written by an older cstui), the whole history when their current scheme is ``scheme``."""
    if line:
        return window_on(line, scheme, first, last)
    return Window(None, None, row["level"]) if row["scheme"] == scheme else None


def members_with_timelines(conn, team: str) -> list[tuple[tuple, list[tuple[str, str | None, str | None]]]]:
    """:func:`members_by_row`, read as one JSON text built by SQLite (each row handed to Python
    costs more than reading it: the module steps each row and each of its ten columns with the
    GIL and the connection's mutex taken back; a resumed month reads 100 members a team). The
    rows are put in id order here (SQLite gives them in the team index's order), and each
    member's timeline by month. A value JSON cannot hold exactly (a BLOB, a REAL version, put
    there by hand) is read by the rows, the reference."""
    try:
        text, inexact = conn.execute(_MEMBERS_JSON, (team,)).fetchone()
    except sqlite3.OperationalError:  # a BLOB: JSON cannot hold it
        return list(members_by_row(conn, team))
    if inexact:  # a REAL: SQLite's JSON writes 15 digits
        return list(members_by_row(conn, team))
    members: dict[str, tuple] = {}
    for row in json.loads(text):  # a row per (member, assignment), as the join gives them
        member = members.get(row[0])
        if member is None:
            member = members[row[0]] = (tuple(row[:10]), [])
        if row[10] is not None:  # since_month: none without an assignment (an older cstui's row)
            member[1].append(tuple(row[10:]))
    for _, assignments in members.values():
        if len(assignments) > 1:  # one, for most: their whole history on one scheme
            assignments.sort(key=itemgetter(0))
    # SQLite's BINARY order of UTF-8 texts is their code points' order
    return [members[employee_id] for employee_id in sorted(members)]


def members_by_row(conn, team: str) -> Iterator[tuple[tuple, list[tuple[str, str | None, str | None]]]]:
    """Each member of ``team`` in id order: their roster row (plain tuples in the Employee's field
    order: sqlite3.Row's lookups by name, ten per member, were a good part of reading a resumed
    team) and their scheme timeline as (since, scheme, level) by month, in one query."""
    rows = conn.execute(_MEMBERS_WITH_TIMELINES, (team,))
    member, assignments = None, []
    for *row, since, on, level in rows:
        if member is None or row[0] != member[0]:
            if member is not None:
                yield member, assignments
            member, assignments = tuple(row), []
        if since is not None:
            assignments.append((since, on, level))
    if member is not None:
        yield member, assignments


def _member_window(row: tuple, assignments: list[tuple], scheme: str, first: str, last: str) -> Window | None:
    """:func:`_window_of` of a member read by :func:`members_with_timelines`; most members have
    one assignment: their whole history is one stretch (shared: a Window never changes)."""
    if len(assignments) == 1:
        return _whole_window(assignments[0][2]) if assignments[0][1] == scheme else None
    if assignments:
        return window_on([Assignment(row[0], *entry) for entry in assignments], scheme, first, last)
    return _whole_window(row[8]) if row[7] == scheme else None  # an older cstui's row: no timeline


@lru_cache(maxsize=256)
def _whole_window(level: str | None) -> Window:
    """The stretch of a whole history on one scheme, starting at ``level``."""
    return Window(None, None, level)


def _restart_later_stretches(state: dict, windows: dict[str, Window], after: str) -> None:
    """An employee whose stretch on the scheme starts after the checkpoint replays afresh from
    its start (the state may hold them from an earlier stretch on the same scheme)."""
    saved = state.get("employees", {})
    for employee_id, window in windows.items():
        if window.start is not None and window.start > after:
            saved.pop(employee_id, None)


class _MonthCache(dict):
    """Period.parse once per distinct month string (a team has thousands of cards, few months)."""

    def __missing__(self, text: str) -> Period:
        self[text] = month = Period.parse(text)
        return month


_MONTHS = _MonthCache()
# the roster's columns an Employee holds, in the order of its fields (codec.employee_from_row's)
_MEMBERS_WITH_TIMELINES = (
    "SELECT e.id, e.name, e.team, e.role, e.hire_date, e.status, e.login, e.scheme, e.level, e.version, "
    "a.since_month, a.scheme, a.level FROM employees e LEFT JOIN scheme_assignments a ON a.employee_id = e.id "
    "WHERE e.team = ? ORDER BY e.id, a.since_month"
)
# The same as one JSON text, a row per (member, assignment) in no set order: [[the roster row's ten
# values..., since, scheme, level], ...],
# and whether a version is a REAL (JSON would round it). Only ``version`` can hold a REAL: the
# other columns have TEXT affinity, which stores a number as its text.
_MEMBERS_JSON = (
    "SELECT json_group_array(json_array(e.id, e.name, e.team, e.role, e.hire_date, e.status, e.login, e.scheme, "
    "e.level, e.version, a.since_month, a.scheme, a.level)), max(typeof(e.version) = 'real') "
    "FROM employees e LEFT JOIN scheme_assignments a ON a.employee_id = e.id WHERE e.team = ?"
)
