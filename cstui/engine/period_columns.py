"""A resumed month as columns: what a model's ``grade_columns`` reads (issue 14).

A month resumed from the state at the end of the month before (a stored checkpoint, or the
state the column-wise replay computed) is graded per card by default: per employee, the run
restored from its entry, the card's texts parsed, a ``MonthState``, the rules, a ``Result``.
A model may offer ``grade_columns(scheme, columns, explain) -> {row: Result} | None``: the same
month for a whole team at once, from :class:`PeriodColumns` (one entry per employee on the
roster: their checkpoint entry, their card's values, whether the card passed the scheme's check
column-wise). Rows it leaves out are graded by the per-card path (the reference), and the
team is ranked as one.

No numpy here: a team is ~100 rows, where a list comprehension costs less than numpy's calls
(and its import, a tenth of a second of a resumed month's start-up), and Python's integers are
exact at any size.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cstui.domain import Employee, Period, Result
from cstui.domain.texts import Line, line, shared
from cstui.engine.cards import parse_value

if TYPE_CHECKING:
    from cstui.engine.model import TeamHistory

MAX_PLACES = 12  # a number typed with more decimals is left to the per-card path


@dataclass(slots=True)
class PeriodColumns:
    """One team's month, a row per employee graded in it (the team's order).

    ``entries[i]``: the row's checkpoint entry at the month before (None: none kept);
    ``cards[i]``: the values of the row's card for the month (None: no card); ``plain[i]``: no
    override in the month and no incident on the card; :meth:`checked`: whether the scheme's
    check finds nothing in each card, judged column-wise when first asked (a model that
    declines never pays for it). ``history``: the team's resumed history the rows are of (its
    checkpoint's whole state, the cards' incidents, the month's overrides), for a model whose
    month reads more than each row's entry and values (assistant-class: the team's standing).
    """

    period: Period
    employees: list[Employee]
    entries: list[dict | None]
    cards: list[Mapping[str, object] | None]
    plain: list[bool]
    judge: Callable[[], list[bool]]
    verdicts: list[bool] | None = None
    history: TeamHistory | None = None

    def checked(self) -> list[bool]:
        """Each card passes the scheme's check (False: no card, or no verdict: the per-card path judges)."""
        if self.verdicts is None:
            self.verdicts = self.judge()
        return self.verdicts

    def texts(self, key: str) -> list[object]:
        """Column ``key``'s stored texts (None where a row has no card or no such value)."""
        return [None if values is None else values.get(key) for values in self.cards]

    def result(
        self,
        scheme: Any,
        row: int,
        score: Decimal | None,
        levels: tuple[str, str],
        decision: str,
        *,
        pay_delta: Decimal | None = None,
        flags: list | None = None,
        trace: list | None = None,
    ) -> Result:
        """Row ``row``'s Result as a ``grade_columns`` gives it: no grade, no rank (the caller
        ranks the team as one), no trace (a dry run's report shows none; an ``apply_columns``
        gives the per-card path's); ``levels`` = (before, after)."""
        employee = self.employees[row]
        # positional, as cstui.engine.replay.make_result builds it (keywords cost a dict a row)
        return Result(
            employee.id,
            employee.name,
            employee.team,
            self.period,
            scheme.name,
            scheme.version,
            score,
            None,  # grade
            None,  # rank
            levels[0],
            levels[1],
            decision,
            pay_delta,
            flags or [],
            trace or [],
        )


def unpatched(model: Any, cls: type) -> bool:
    """``model`` is ``cls`` itself with its fast paths on (``skims``), and nothing is set on the
    instance but ``cls``'s own methods under the plugin guard's wrappers: the per-card path a
    column-wise one must agree with is then the class's own, not a patch."""
    if type(model) is not cls or not model.skims:
        return False
    for name, value in vars(model).items():
        wrapped = getattr(value, "__wrapped__", None) if callable(value) else None
        if callable(value) and getattr(wrapped, "__func__", None) is not getattr(cls, name, None):
            return False
    return True


def exact_numbers(kind: str, raws: list[object]) -> list[tuple[int, int] | None]:
    """The texts parsed as ``kind``, each as (units, places): the number units x 10^-places,
    exactly. The usual text of a card that passed its check (ASCII digits with at most one
    point) is read as it stands; any other is parsed by the kind's parser (each distinct text
    once). None where a text is blank, does not parse, or has more than :data:`MAX_PLACES`
    decimals (left to the per-card path)."""
    numbers: list[tuple[int, int] | None] = []
    parsed: dict[object, tuple[int, int] | None] = {}
    for raw in raws:
        if type(raw) is str and raw.isascii():  # then str.isdigit is 0-9 alone
            if raw.isdigit():  # a whole number, the usual amount: no partition
                numbers.append((int(raw), 0))
                continue
            whole, _, fraction = raw.partition(".")
            if whole.isdigit() and fraction.isdigit() and len(fraction) <= MAX_PLACES:
                numbers.append((int(whole + fraction), len(fraction)))
                continue
        if raw not in parsed:
            parsed[raw] = _number(kind, raw)
        numbers.append(parsed[raw])
    return numbers


def _number(kind: str, raw: object) -> tuple[int, int] | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        number = Decimal(parse_value(kind, raw))
    except Exception:  # noqa: BLE001  (any text the parser refuses: the per-card path words it)
        return None
    sign, digits, exponent = number.as_tuple()
    if not number.is_finite() or not isinstance(exponent, int) or exponent < -MAX_PLACES:
        return None
    units = int("".join(map(str, digits)) or "0") * 10 ** max(exponent, 0)
    return (-units if sign else units), max(-exponent, 0)


def entry_runs(entries: list[dict | None]) -> list[dict | None]:
    """Each entry's run state (None: no entry, or an employee whose replay had not begun)."""
    return [entry.get("run") if entry else None for entry in entries]


def shared_line(key: str, **args: Any) -> Line:
    """``line(key, **args)`` made once per distinct arguments and marked shared: a column-wise
    apply's line that depends on a few values only (a score, a count, a month) is then made,
    and encoded in the stored form (cstui.store.periods.lines_json), once a run, not once a row.

    ``args`` are values whose equal ones print alike (texts, whole numbers, months), not
    Decimals (1.0 and 1.00 are equal): the line's text is made from the first one met."""
    memo_key = (key, *args.items())
    known = _SHARED_LINES.get(memo_key)
    if known is None:
        if len(_SHARED_LINES) >= SHARED_LINES_KEPT:
            _SHARED_LINES.clear()
        known = _SHARED_LINES[memo_key] = shared(line(key, **args))
    return known


SHARED_LINES_KEPT = 65_536  # distinct lines remembered (scores, counts, months' flags), a few MB
_SHARED_LINES: dict[tuple, Line] = {}
