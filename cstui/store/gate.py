"""The store's door of the one card check: no write leaves a card its scheme refuses.

Every path that changes a card (a save, a bulk import, an incident added or restored) calls
:meth:`CardGateMixin._gate_cards` inside its write transaction, after the change, on the
card as it now stands (values and the month's incidents): a plugin or a script using the
store API cannot get past the check that import and the TUI make.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from operator import is_

from cstui.domain import Period, Scorecard
from cstui.domain.texts import line
from cstui.engine.cards import (
    CardProblem,
    CardRefused,
    card_problems,
    metric_specs,
    same_judge,
    unknown_fields,
    valid_by_columns,
)
from cstui.store import card_rows
from cstui.store.codec import dumps, incident_from_row
from cstui.store.timeline import TimelineReader

MAX_REFUSED = 50  # cards named in one refusal: a bad file is fixed a screenful at a time

# The scheme of employee ``e`` at a month (two ``?``, both the month), as timeline.scheme_at
# reads a timeline: the latest assignment since that month, else the earliest one; an
# employee with no timeline row (written by an older cstui) has their current scheme. Each
# branch is a seek on the (employee_id, since_month) key, no sort per employee (an import asks
# this of every member of a scheme); a row's scheme may be NULL, hence EXISTS, not COALESCE.
SCHEME_AT = (
    "CASE WHEN EXISTS (SELECT 1 FROM scheme_assignments a WHERE a.employee_id = e.id AND a.since_month <= ?) "
    "THEN (SELECT a.scheme FROM scheme_assignments a WHERE a.employee_id = e.id AND a.since_month <= ? "
    "ORDER BY a.since_month DESC LIMIT 1) "
    "WHEN EXISTS (SELECT 1 FROM scheme_assignments a WHERE a.employee_id = e.id) "
    "THEN (SELECT a.scheme FROM scheme_assignments a WHERE a.employee_id = e.id ORDER BY a.since_month LIMIT 1) "
    "ELSE e.scheme END"
)


class CardGateMixin(TimelineReader):
    _gate_schemes: dict

    def _scheme_for_cards(self, name: str | None, given=None):
        """The registered scheme of ``name`` judges: a caller cannot bring a laxer copy of it.

        ``given`` (a scheme loaded from a file, e.g. ``import --scheme calls.toml``) judges only
        the cards of a scheme name nothing registers.
        """
        cache = self.__dict__.setdefault("_gate_schemes", {})
        if name not in cache:
            from cstui.schemes import catalog

            schemes = catalog()
            cache[name] = schemes.get(name) if name in schemes.names() else None  # never a file path
        found = cache[name]
        if found is None and given is not None and given.name == name:
            return given
        if found is None:
            from cstui.schemes import SchemeError

            raise SchemeError([line("card.not_installed", scheme=repr(name), option="--scheme FILE.toml")])
        return found

    def judges_like(self, scheme) -> bool:
        """Whether the gate judges ``scheme.name``'s cards by ``scheme`` or one equal to it (same
        model method, name, version, source, plugin, chain and parameters): a caller that has
        ``scheme`` may then leave every card's judging to the gate (one check, not two)."""
        from cstui.schemes import SchemeError

        try:
            judge = self._scheme_for_cards(scheme.name, scheme)
        except SchemeError:
            return False
        return judge is scheme or same_judge(judge, scheme)

    def _gate_cards(
        self,
        keys: Iterable[tuple[str, str]],
        given=None,
        values: Mapping | None = None,
        only=None,
        on_scheme: str | None = None,
    ) -> None:
        """Refuse (raise :class:`CardRefused`) if any of these (employee, month) cards is invalid now.

        ``values`` may hold the cards' new values by key (a bulk write has them at hand);
        others are read from the table. ``only`` keeps the problems it accepts. ``on_scheme``:
        the scheme every card's employee is on at its month, read inside this transaction
        (an import's :meth:`scheme_members`); otherwise each is read here. Runs inside the
        caller's write transaction.
        """
        keys = list(dict.fromkeys(keys))
        if not keys:
            return
        schemes = {} if on_scheme else self._schemes_at(keys)  # one scheme: no key per card
        values = values if values is not None else self._stored_values(keys)
        incidents: dict[tuple[str, str], list] = {}
        valid, read = self._valid_by_columns(keys, schemes, values, incidents, given, on_scheme)
        if valid is EVERY_CARD or len(valid) == len(keys):
            return  # the usual bulk write: every card valid column-wise, none to judge alone
        # the cards judged alone read their incidents here (a check without a ledger did not need them)
        incidents.update(self._stored_incidents([key for key in keys if key not in valid and key not in read]))
        refused: dict[tuple[str, str], list[CardProblem]] = {}
        periods = {month: Period.parse(month) for month in {month for _, month in keys}}
        for employee_id, month in keys:
            if (employee_id, month) in valid:
                continue
            card = Scorecard(
                employee_id,
                periods[month],
                values.get((employee_id, month), {}),
                incidents.get((employee_id, month), []),
            )
            problems = self._card_verdict(on_scheme or schemes.get((employee_id, month)), card, given)
            if only is not None:
                problems = [p for p in problems if only(p)]
            if problems:
                refused[employee_id, month] = problems
                if len(refused) >= MAX_REFUSED:
                    break
        if refused:
            raise CardRefused(refused)

    def _valid_by_columns(
        self, keys: list, schemes: dict, values: Mapping, incidents: dict, given, on_scheme: str | None = None
    ) -> tuple[set[tuple[str, str]] | object, set[tuple[str, str]]]:
        """(the cards found valid column-wise, the cards whose incidents were read into
        ``incidents``) by engine.cards.valid_by_columns: those of schemes whose check has a
        column form (the default one over the metric specs and the ledger, or a model's own
        that defines one). The rest, and any card it finds no verdict for, are judged card by
        card (the reference, which words the refusals). Only a scheme with a ``[ledger]`` reads
        its cards' incidents here: the column form of any other check reads values alone (an
        import's 100,000 cards were 100,000 seeks into the incidents for nothing). ``on_scheme``:
        the one scheme of every key (an import's), so the keys are not grouped by scheme; when
        that scheme finds every card valid the first item is :data:`EVERY_CARD`."""
        by_scheme: dict[str, list[tuple[str, str]]] = {on_scheme: keys} if on_scheme else {}
        for key in () if on_scheme else keys:
            if schemes.get(key):
                by_scheme.setdefault(schemes[key], []).append(key)
        valid: set[tuple[str, str]] = set()
        read: set[tuple[str, str]] = set()
        for name, own in by_scheme.items():
            try:
                scheme = self._scheme_for_cards(name, given)
                ledger = "ledger" in scheme.params
            except Exception:  # a scheme not installed: judged card by card, as ever
                continue
            if ledger:
                incidents.update(self._stored_incidents(own))
                read.update(own)
            try:
                cards = _values_of(own, values)
                bare = [key not in incidents for key in own] if incidents else [True] * len(own)
                verdicts = valid_by_columns(scheme, cards, bare)
            except Exception:  # a model that raises: judged card by card, as ever
                continue
            if verdicts is not None and own is keys and all(verdicts):
                return EVERY_CARD, read  # the one scheme's cards all valid: no set of 100,000 keys
            if verdicts is not None:
                valid.update(own if all(verdicts) else (key for key, fine in zip(own, verdicts) if fine))
        return valid, read

    def _gate_incidents(self, incidents: Iterable) -> None:
        """Each incident against its scheme's catalogue, then each month's card as it now stands."""
        incidents = list(incidents)
        schemes = self._schemes_at((inc.employee_id, str(inc.period)) for inc in incidents)
        refused: dict[tuple[str, str], list[CardProblem]] = {}
        for inc in incidents:
            name = schemes.get((inc.employee_id, str(inc.period)))
            scheme = self._scheme_for_cards(name) if name else None
            problems = (
                scheme.model.incident_problems(scheme, inc)
                if scheme
                else [CardProblem("employee_id", line("card.no_catalogue", employee=inc.employee_id))]
            )
            if problems:
                refused.setdefault((inc.employee_id, str(inc.period)), []).extend(problems)
        if refused:
            raise CardRefused(refused)
        # the month's incidents together (a code allowed once a month, recorded twice); the
        # card's values are not judged here: incidents come in while the month is being filled
        self._gate_cards(((inc.employee_id, str(inc.period)) for inc in incidents), only=_about_incidents)

    def _card_verdict(self, scheme_name: str | None, card: Scorecard, given) -> list[CardProblem]:
        if not scheme_name:
            return [CardProblem("employee_id", line("card.no_scheme", employee=card.employee_id))]
        scheme = self._scheme_for_cards(scheme_name, given)
        # the fields asked of the model once per scheme, not once per card (a bulk import checks 100,000)
        return unknown_fields(metric_specs(scheme), card.values, scheme.name) + card_problems(scheme, card)

    def _schemes_at(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
        """The scheme judging each (employee, month): the assignment covering that month (an
        employee without a timeline row, e.g. one written by an older cstui, has their current one).

        One query per month, the timeline walked in SQL: a bulk import asks this of 100,000
        employees, and building each one's timeline in Python cost more than the judging."""
        by_month: dict[str, list[str]] = {}
        for employee_id, month in keys:
            by_month.setdefault(month, []).append(employee_id)
        sql = f"SELECT e.id, {SCHEME_AT} FROM employees e WHERE e.id IN (SELECT value FROM json_each(?))"
        found: dict[tuple[str, str], str | None] = {}
        for month, ids in by_month.items():
            schemes = dict(self.conn.execute(sql, (month, month, dumps(ids))))
            for employee_id in ids:
                found[employee_id, month] = schemes.get(employee_id)
        return found

    def _stored_values(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
        found = {}
        for employee_id, month in keys:
            card = card_rows.card(self.conn, employee_id, month)
            found[employee_id, month] = card[0] if card else {}
        return found

    def _stored_incidents(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], list]:
        """The live incidents of these cards: one query per month."""
        by_month: dict[str, list[str]] = {}
        for employee_id, month in keys:
            by_month.setdefault(month, []).append(employee_id)
        sql = (
            "SELECT * FROM incidents WHERE period = ? AND deleted = 0 "
            "AND employee_id IN (SELECT value FROM json_each(?)) ORDER BY date, id"
        )
        found: dict[tuple[str, str], list] = {}
        for month, ids in by_month.items():
            for row in self._rows(sql, (month, dumps(ids))):
                found.setdefault((row["employee_id"], month), []).append(incident_from_row(row))
        return found


EVERY_CARD = object()  # what _valid_by_columns returns for "every key valid" (instead of a set of them all)


def _values_of(keys: list, values: Mapping) -> list:
    """``[values.get(key, {}) for key in keys]``; when ``values`` is a dict of exactly these
    keys, the very objects in this order (a bulk write's first cards of a month), its values
    themselves: no tuple hashed and looked up per card."""
    if type(values) is dict and len(values) == len(keys) and all(map(is_, values, keys)):
        return list(values.values())
    return [values.get(key, {}) for key in keys]


def _about_incidents(problem: CardProblem) -> bool:
    return problem.field.startswith("incident ")
