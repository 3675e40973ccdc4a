"""Scorecards (raw values as typed) and incidents (soft-deleted, never erased)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Set
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from cstui.domain import Incident, Period, Scorecard
from cstui.domain.texts import line
from cstui.engine.cards import UNREADABLE
from cstui.store import card_rows, file_audit
from cstui.store.codec import dumps, dumps_each, incident_from_row, incident_record, now
from cstui.store.errors import BadInput, Conflict, NotFound, StoreError, error_text
from cstui.store.gate import CardGateMixin
from cstui.store.periods import PeriodsMixin, as_month, locking_periods
from cstui.store.roster import RosterMixin

if TYPE_CHECKING:
    from cstui.store.records import ImportedFile

_IN_LIST_MAX = 500  # above this many ids, read the whole id -> team map in one query


class CleanValues(dict):
    """A card's values made clean by their maker: text field names and text values, none empty,
    in field order (an import's reader builds 100,000 of them so, from cells it parsed):
    :func:`clean_values` keeps them as they are instead of checking each again."""

    __slots__ = ()


def clean_values(values: Mapping[str, object], where: str = "") -> dict[str, str]:
    """Scorecard values as stored: text as typed; None and "" mean "not filled" and are dropped."""
    if type(values) is CleanValues:
        return values
    cleaned = {}
    for key, value in values.items():
        if type(key) is str and type(value) is str and value and key.strip():  # the usual cell, checked fast
            cleaned[key] = value
            continue
        if not isinstance(key, str) or not key.strip():
            raise BadInput(line("store.field_name", where=where, field=repr(key)))
        if value is None or value == "":
            continue
        if isinstance(value, float) or not isinstance(value, (str, int, Decimal)):
            raise BadInput(line("store.field_text", where=where, field=repr(key), kind=type(value).__name__))
        cleaned[key] = str(value)
    return dict(sorted(cleaned.items()))


def check_incident(inc: Incident, where: str = "") -> None:
    prefix = line("store.incident_of", where=where, employee=repr(inc.employee_id))
    if not isinstance(inc.date, date):
        raise BadInput(line("store.incident_date", prefix=prefix, pattern="YYYY-MM-DD", value=repr(inc.date)))
    if not inc.code or not str(inc.code).strip():
        raise BadInput(line("store.incident_code", prefix=prefix))
    if not isinstance(inc.count, int) or inc.count < 1:
        raise BadInput(line("store.incident_count", prefix=prefix, value=repr(inc.count)))
    if inc.points is not None and not isinstance(inc.points, (Decimal, int)):
        raise BadInput(line("store.incident_points", prefix=prefix, value=repr(inc.points)))


class CardsMixin(CardGateMixin, PeriodsMixin, RosterMixin):
    # -- scorecards ---------------------------------------------------------------------------

    def scorecard(self, employee_id: str, month: Period | str) -> Scorecard:
        """One month's card: raw stored strings, the month's incidents, version 0 when never saved."""
        month = as_month(month)
        self.employee(employee_id)  # NotFound / AccessDenied
        found = card_rows.card(self.conn, employee_id, str(month))
        values, version = (found[0], found[1]) if found else ({}, 0)
        return Scorecard(employee_id, month, values, self.incidents(employee_id, month), version)

    def scorecard_stamp(self, employee_id: str, month: Period | str) -> tuple[int, str | None]:
        """(version, who saved it) of one card, one indexed row: what an open screen polls."""
        row = self._one(
            "SELECT s.version, s.updated_by, e.team FROM scorecards s JOIN employees e ON e.id = s.employee_id "
            "WHERE s.employee_id = ? AND s.period = ?",
            (employee_id, str(as_month(month))),
        )
        if row is None:
            return 0, None
        self._require_visible(row["team"], line("what.card_of", employee=employee_id), employee_id)
        return row["version"], row["updated_by"]

    def save_scorecard(
        self, employee_id: str, month: Period | str, values: Mapping[str, object], expected_version: int, scheme=None
    ) -> int:
        """Save one card if nobody changed it since ``expected_version``; returns the new version.

        Saving the values already stored writes nothing and returns the current version.
        A card the employee's scheme refuses raises :class:`CardRefused` naming each field
        (``scheme``: the scheme object to judge by, when it is the employee's own).
        """
        month, values = as_month(month), clean_values(values)
        key = f"{employee_id}/{month}"
        with self.write():
            employee = self._employee_row(employee_id)
            self._require_write(employee["team"], line("what.card_of", employee=employee_id))
            self._require_open(month, line("what.card", card=key))
            found = card_rows.card(self.conn, employee_id, str(month))
            current = found[1] if found else 0
            if current != expected_version:
                who, when = (found[2], found[3]) if found else (None, None)
                raise Conflict("scorecard", key, who, when, expected_version, current)
            before = found[0] if found else None
            if before == values:
                return current
            self._gate_cards([(employee_id, str(month))], scheme, {(employee_id, str(month)): values})
            record = [(employee_id, str(month), current + 1, self.login, now())]
            card_rows.write_cards(
                self.conn, [] if found else record, record if found else [], {(employee_id, str(month)): values}
            )
            self._invalidate_checkpoints([(employee_id, str(month))])
            self._audit("save", "scorecards", key, before, values)
            return current + 1

    def save_scorecards(
        self,
        rows: Iterable[tuple[str, Period | str, Mapping[str, object]]],
        columns: Iterable[str] | None = None,
        scheme=None,
        source: ImportedFile | None = None,
        on_scheme: str | None = None,
    ) -> tuple[int, int, int]:
        """Bulk save in one transaction; returns (inserted, updated, unchanged).

        ``columns``: the fields the file names (an import's metric columns). A stored card then
        keeps its values of every other field, merged with what is stored when this transaction
        runs (read inside it: a save acknowledged a moment ago is never reverted). None: each
        row's values are the whole card. All or nothing: one card its scheme refuses, as it
        would be stored, (:class:`CardRefused`) writes none.

        Idempotent: a card whose values are already stored is neither written nor audited.
        Bulk import is last-writer-wins for the fields it names, like re-importing a file.
        ``source``: the file the rows come from; the save is then audited as ONE entry
        (cstui.store.file_audit: the file's hash, counts and what each changed card held
        before). Without it each changed card gets its own audit row.
        ``on_scheme``: the scheme the rows' employees are on at the rows' month. When the
        caller read its members (:meth:`scheme_members`) inside the transaction this save joins,
        nothing was written since, and every row's employee is among them, the access check and
        the gate use that read instead of reading each employee's team and timeline again;
        otherwise it is not used.
        """
        cards, owners = self._clean_cards(rows)
        named = None if columns is None else frozenset(columns)
        with self.write():
            members = self._cards_on_scheme(cards, on_scheme, owners)  # None: each employee read here
            self._check_card_access(cards, members)
            on_scheme = on_scheme if members is not None else None
            stamp = now()
            inserts, updates, replaced, final = _sorted_saves(
                cards, self._existing_cards(cards, owners is not None), named, self.login, stamp
            )
            self._gate_cards(_changed_keys(inserts, updates, final), scheme, final, on_scheme=on_scheme)
            card_rows.write_cards(self.conn, inserts, updates, final)
            self._invalidate_checkpoints((card[0], card[1]) for card in (*inserts, *updates))
            unchanged = len(cards) - len(inserts) - len(updates)
            self._audit_saved(source, stamp, inserts, updates, replaced, final, unchanged)
        return len(inserts), len(updates), unchanged

    def _audit_saved(self, source, stamp: str, inserts, updates, replaced, final, unchanged: int) -> None:
        """A file's one entry, or (no file) one row per changed card, before and after."""
        if source is not None:
            if inserts or updates:  # a file that changes nothing leaves no trace, as before
                months = sorted({card[1] for card in (*inserts, *updates)})
                key, before, after = file_audit.entry(source, months, inserts, replaced, unchanged)
                self._audit_encoded("import-file", "scorecards", [(key, dumps(before), dumps(after))], at=stamp)
            return
        audits = [(f"{c[0]}/{c[1]}", None, final[c[0], c[1]]) for c in inserts]
        audits += [(f"{e}/{m}", before, final[e, m]) for e, m, before in replaced]
        self._audit_encoded("import", "scorecards", _encoded(audits), at=stamp)

    def _members_read_now(self, scheme: str, month: str) -> dict[str, str] | None:
        """What :meth:`scheme_members` of ``scheme`` at ``month`` returned inside the current
        write transaction, if nothing has been written since; else None."""
        read = getattr(self, "_members_read", None)
        if read is None or not self.in_write or read[:4] != (self._writes, self.conn.total_changes, scheme, month):
            return None
        return read[4]

    def _cards_on_scheme(self, cards: list, scheme: str | None, owners: set[str] | None) -> dict[str, str] | None:
        """{employee id: team} of the cards' owners when every card is of one month and its owner
        among the members of ``scheme`` read in this transaction (:meth:`scheme_members`): the
        access check and the gate then use that read instead of reading each employee again.
        ``owners``: the cards' employees when they are all of one month (:meth:`_clean_cards`)."""
        if scheme is None or owners is None or not cards:
            return None
        members = self._members_read_now(scheme, cards[0][1])
        if members is None or not members.keys() >= owners:  # the owners looked up in C
            return None
        return members

    def _clean_cards(self, rows) -> tuple[list[tuple[str, str, dict[str, str]]], set[str] | None]:
        """The rows as (employee id, month text, clean values), and the set of their employees
        when every row gives its month alike (one month: an import's), else None."""
        cards, months = [], {}  # months: each distinct month as given -> its text, parsed once
        for number, (employee_id, month, values) in enumerate(rows, start=1):
            text = months.get(month)
            try:  # the row is named only when something is wrong with it
                if text is None:
                    text = months[month] = str(as_month(month))
                cleaned = values if type(values) is CleanValues else clean_values(values)  # the usual import row
            except StoreError as error:
                _name_card_twice(cards)  # an earlier row's card twice is named first, as the rows come
                raise BadInput(line("store.row", number=number, problem=error_text(error))) from error
            cards.append((employee_id, text, cleaned))
        # a card twice is the rare case: counted in one pass (of ids alone when one month), named after
        distinct = {card[0] for card in cards} if len(months) < 2 else {card[:2] for card in cards}
        if len(distinct) != len(cards):
            _name_card_twice(cards)
        return cards, distinct if len(months) < 2 else None

    def _check_card_access(self, cards: list[tuple[str, str, dict]], members: dict[str, str] | None = None) -> None:
        """Every row's employee exists, is on a team this login may change, in an open month.

        The first failing row is named; a team or month that passed is not checked again.
        ``members``: {employee id: team} read in this transaction, holding every row's employee.
        """
        closed = self._closed_periods()
        months = {month for _, month, _ in cards}
        if members is not None and self._all_writable(members.keys(), members, months, closed):
            return  # every member's team writable (a superset of the cards' owners): no walk over the rows
        ids = {employee_id for employee_id, _, _ in cards}
        teams = self._teams_of(ids) if members is None else {e: members[e] for e in ids}
        if None in teams.values():  # members read without their teams (scheme_members(teams=False))
            teams = self._teams_of(ids)
        if self._all_writable(ids, teams, months, closed):
            return  # the usual bulk write: nothing to name, no walk over its rows
        writable, open_months = set(), set()
        for number, (employee_id, month, _) in enumerate(cards, start=1):
            team = teams.get(employee_id)
            if team is None:
                raise NotFound(
                    line("store.no_employee", where=line("store.row_of", number=number), employee=repr(employee_id))
                )
            if team not in writable:
                self._require_write(team, line("what.card_of", employee=employee_id))
                writable.add(team)
            if month not in open_months:
                self._require_open(
                    Period.parse(month), line("what.card_row", number=number, employee=employee_id, month=month), closed
                )
                open_months.add(month)

    def _all_writable(self, ids: Set[str], teams: dict[str, str], months: set[str], closed: dict) -> bool:
        """Whether every employee exists, on a team this login may change, every month open:
        the checks of :meth:`_check_card_access` once per team and month, without naming."""
        return (
            len(teams) == len(ids)
            and all(self.user.can_write(team) for team in set(teams.values()))
            and not any(key in closed for month in months for key in locking_periods(Period.parse(month)))
        )

    def _teams_of(self, ids: set[str]) -> dict[str, str]:
        if len(ids) > _IN_LIST_MAX:  # one JSON parameter instead of thousands of placeholders
            sql = "SELECT id, team FROM employees WHERE id IN (SELECT value FROM json_each(?))"
            return dict(self.conn.execute(sql, (dumps(list(ids)),)))
        marks = ", ".join("?" * len(ids))
        return dict(self.conn.execute(f"SELECT id, team FROM employees WHERE id IN ({marks})", list(ids)))

    def _existing_cards(
        self, cards: list[tuple[str, str, dict]], one_month: bool = False
    ) -> dict[tuple[str, str], tuple[dict, int]]:
        """Stored (values, version) of exactly these cards, by month. A month's files are
        imported one scheme at a time: while a month fills, a file's cards are new, and which
        of them the month holds is one read of its ids (the key's month stretch), not a seek
        per card; when the first card is stored already (a file imported again, a month
        updated), each card is read by its key, as they are needed anyway. ``one_month``: every
        card is of the first card's month (its ids listed in one comprehension)."""
        by_month: dict[str, list[str]] = {}
        if one_month and cards:
            by_month[cards[0][1]] = [card[0] for card in cards]
        for employee_id, month, _ in () if one_month else cards:
            by_month.setdefault(month, []).append(employee_id)
        existing = {}
        for month, ids in by_month.items():
            if self.conn.execute(card_rows.HAS_CARD, (month, ids[0])).fetchone() is None:
                ids = list(card_rows.month_ids(self.conn, month).intersection(ids))
            if ids:
                for employee_id, found in card_rows.month_cards(self.conn, month, dumps(ids)).items():
                    existing[employee_id, month] = found
        return existing

    def month_values(self, month: Period | str, employee_ids: Iterable[str]) -> dict[str, dict[str, str]]:
        """The stored values of ``month``'s cards of these employees, by id (one query).

        Scoped like :meth:`employees`: cards of teams this login may not see are left out,
        as are employees with no card that month.
        """
        scope, params = self._team_scope("team", "id")
        wanted = list(dict.fromkeys(employee_ids))
        sql = f"SELECT id FROM employees WHERE id IN (SELECT value FROM json_each(?)) AND {scope}"
        visible = [row[0] for row in self.conn.execute(sql, [dumps(wanted), *params])]
        cards = card_rows.month_cards(self.conn, str(as_month(month)), dumps(visible))
        return {employee_id: found[0] for employee_id, found in cards.items()}

    # -- incidents ----------------------------------------------------------------------------

    def add_incident(self, inc: Incident) -> Incident:
        return self.add_incidents([inc])[0]

    def add_incidents(self, incs: Iterable[Incident]) -> list[Incident]:
        """Record incidents in one transaction; returns them with ids and recorder.

        Each is a new incident, even one identical to a stored one (it takes the next copy
        number of the natural key, see migration m006).
        """
        return self._store_incidents(list(incs), from_file=False)

    def import_incidents(self, incs: Iterable[Incident]) -> list[Incident]:
        """Record the incidents of a file not recorded yet; returns those newly stored.

        The n-th of identical rows is copy n of that incident; a copy already stored (by an
        earlier import of the file, a concurrent one, or by hand) is skipped by the schema's
        unique key, inside this transaction: importing one file twice, even at the same
        moment from two processes, stores each incident once.
        """
        return self._store_incidents(list(incs), from_file=True)

    def _store_incidents(self, incs: list[Incident], from_file: bool) -> list[Incident]:
        stored, copies = [], Counter()
        with self.write():
            teams = self._teams_of({inc.employee_id for inc in incs})
            closed, stamp = self._closed_periods(), now()
            for number, inc in enumerate(incs, start=1):
                where = line("store.row_of", number=number) if len(incs) > 1 else ""
                self._check_incident_write(inc, where, teams, closed)
                recorded_by = inc.recorded_by or self.login
                record = incident_record(inc) | {"recorded_by": recorded_by, "recorded_at": stamp}
                if from_file:
                    copies[_natural_key(record)] += 1
                    returned = self.conn.execute(
                        _IMPORT_INCIDENT, record | {"copy": copies[_natural_key(record)]}
                    ).fetchall()
                else:
                    returned = self.conn.execute(_INSERT_INCIDENT, record).fetchall()
                if not returned:  # this copy is stored already
                    continue
                row = returned[0]
                record["copy"] = row[1]
                self._invalidate_checkpoints([(inc.employee_id, str(inc.period))])
                self._audit("add", "incidents", str(row[0]), None, record)
                stored.append(replace(inc, id=row[0], recorded_by=recorded_by))
            self._gate_incidents(stored)
        return stored

    def _check_incident_write(self, inc: Incident, where: str, teams: dict, closed: dict) -> None:
        check_incident(inc, where)
        if inc.employee_id not in teams:
            raise NotFound(line("store.no_employee", where=where, employee=repr(inc.employee_id)))
        self._require_write(teams[inc.employee_id], line("what.incidents_of", employee=inc.employee_id))
        self._require_open(
            inc.period, line("what.incident_on", where=where, employee=inc.employee_id, date=inc.date), closed
        )

    def delete_incident(self, id: int, expected_version: int | None = None) -> Incident:
        """Soft delete (kept, audited, restorable)."""
        return self._set_incident_deleted(id, 1, expected_version)

    def restore_incident(self, id: int, expected_version: int | None = None) -> Incident:
        """Undo :meth:`delete_incident`."""
        return self._set_incident_deleted(id, 0, expected_version)

    def _set_incident_deleted(self, id: int, deleted: int, expected_version: int | None) -> Incident:
        action = "delete" if deleted else "restore"
        with self.write():
            row = self._one("SELECT * FROM incidents WHERE id = ?", (id,))
            if row is None:
                raise NotFound(line("store.no_incident", id=id))
            employee = self._employee_row(row["employee_id"])
            self._require_write(employee["team"], line("what.incidents_of", employee=row["employee_id"]))
            self._require_open(Period.parse(row["period"]), line("what.incident", id=id))
            if expected_version is not None and row["version"] != expected_version:
                raise Conflict(
                    "incident", str(id), row["recorded_by"], row["recorded_at"], expected_version, row["version"]
                )
            if row["deleted"] != deleted:
                self.conn.execute("UPDATE incidents SET deleted = ?, version = version + 1 WHERE id = ?", (deleted, id))
                if not deleted:  # a restored incident may break a rule of its month (once a month)
                    self._gate_incidents([incident_from_row(row)])
                self._invalidate_checkpoints([(row["employee_id"], row["period"])])
                self._audit(action, "incidents", str(id), {"deleted": row["deleted"]}, {"deleted": deleted})
        return incident_from_row(row)

    def incidents(self, employee_id: str, month: Period | str, include_deleted: bool = False) -> list[Incident]:
        month = as_month(month)
        self._require_visible(
            self._employee_row(employee_id)["team"], line("what.incidents_of", employee=employee_id), employee_id
        )
        sql = "SELECT * FROM incidents WHERE employee_id = ? AND period = ?"
        if not include_deleted:
            sql += " AND deleted = 0"
        return [incident_from_row(row) for row in self._rows(sql + " ORDER BY date, id", (employee_id, str(month)))]


def _encoded(audits: list[tuple[str, dict | None, dict]]) -> list[tuple[str, str | None, str | None]]:
    """(key, before, after) of each changed card with both as JSON text, all cards in one encoder pass."""
    befores, afters = dumps_each([a[1] for a in audits]), dumps_each([a[2] for a in audits])
    return [(audit[0], before, after) for audit, before, after in zip(audits, befores, afters)]


def _merged(stored: dict[str, str], values: dict[str, str], named: frozenset[str]) -> dict[str, str]:
    """A stored card with the named fields replaced by ``values`` (an empty cell clears its field)."""
    kept = {
        k: v for k, v in stored.items() if k not in named and k != UNREADABLE
    }  # a file's values replace an unreadable card
    return dict(sorted((kept | values).items())) if kept else values


_COLUMNS_INCIDENT = "employee_id, date, period, code, count, points, note, recorded_by, recorded_at, copy"
_VALUES_INCIDENT = ":employee_id, :date, :period, :code, :count, :points, :note, :recorded_by, :recorded_at"
_SAME_INCIDENT = (
    "employee_id = :employee_id AND date = :date AND code = :code AND count = :count "
    "AND IFNULL(points, '') = IFNULL(:points, '') AND note = :note"
)
_INSERT_INCIDENT = (  # by hand: the next free copy of the natural key, read inside the transaction
    f"INSERT INTO incidents ({_COLUMNS_INCIDENT}) SELECT {_VALUES_INCIDENT}, "
    f"(SELECT IFNULL(MAX(copy), 0) + 1 FROM incidents WHERE {_SAME_INCIDENT}) RETURNING id, copy"
)
_IMPORT_INCIDENT = (  # from a file: this copy, unless it is stored already
    f"INSERT INTO incidents ({_COLUMNS_INCIDENT}) VALUES ({_VALUES_INCIDENT}, :copy) "
    "ON CONFLICT DO NOTHING RETURNING id, copy"
)


def _natural_key(record: dict) -> tuple:
    return (
        record["employee_id"],
        record["date"],
        record["code"],
        record["count"],
        record["points"] or "",
        record["note"],
    )


def _name_card_twice(cards: list[tuple[str, str, dict]]) -> None:
    """Raise BadInput naming the first row whose card (employee, month) an earlier row has."""
    seen: dict[tuple[str, str], int] = {}
    for number, (employee_id, month, _) in enumerate(cards, start=1):
        first = seen.setdefault((employee_id, month), number)
        if first != number:
            raise BadInput(line("store.card_twice", number=number, employee=employee_id, month=month, first=first))


def _changed_keys(inserts: list[tuple], updates: list[tuple], final: dict) -> list[tuple[str, str]]:
    """(employee, month) of each new card, then of each changed one: ``final``'s own keys when
    every card is new (the same keys in the same order), else made from the rows."""
    if not updates and len(inserts) == len(final):
        return list(final)
    return [(card[0], card[1]) for card in (*inserts, *updates)]


def _sorted_saves(cards, existing: dict, named: frozenset | None, who: str, stamp: str):
    """(inserts, updates, replaced, final) of a bulk save, read against the stored cards
    (``existing``: (employee, month) → (values, version)). ``final``: each card's values as
    they will be stored (merged with what is stored when ``named`` limits the fields)."""
    if not existing:  # a month's first import: every card new, nothing to merge or compare
        inserts = [(employee_id, month, 1, who, stamp) for employee_id, month, _ in cards]
        return inserts, [], [], {(employee_id, month): values for employee_id, month, values in cards}
    inserts, updates, replaced, final = [], [], [], {}
    for employee_id, month, values in cards:
        found = existing.get((employee_id, month))
        if found is not None and named is not None:
            values = _merged(found[0], values, named)
        final[employee_id, month] = values
        if found is None:
            inserts.append((employee_id, month, 1, who, stamp))
        elif found[0] != values:
            updates.append((employee_id, month, found[1] + 1, who, stamp))
            replaced.append([employee_id, month, found[0]])
    return inserts, updates, replaced, final
