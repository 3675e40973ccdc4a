"""Schemes remembered and compared: what a period was graded under, and what another scheme
would decide. The services the CLI (``cstui scheme diff``, ``cstui whatif``) and the TUI share.

A what-if grades past periods under a proposed scheme as a dry run (nothing is written, no
lock is taken) and compares each employee with the baseline scheme graded now from the same
data: a difference is then the parameters' alone, never a card corrected since an apply.
The baseline is the registered scheme of the proposal's name unless another is named
(``NAME@PERIOD`` is the scheme remembered when that period was applied). Replay checkpoints
resume only under their own fingerprint (``Store.team_histories``), so a proposal never
starts from the state the current scheme left.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import zip_longest

from cstui.domain import Period, PeriodError, Result, texts
from cstui.domain.texts import joined, line
from cstui.errors import InvalidData
from cstui.grading import InvalidCards, graded_results

MAX_PERIODS = 60  # a what-if spans at most five years of months: each period is graded twice
ABSENT = None  # a key one scheme has and the other has not (TOML has no null, so None is free)


texts.register(
    {
        "whatif.needs_db": (
            "{scheme}: a remembered scheme is read from a database ({option})",
            "{scheme}：记录下来的方案要从数据库读取（{option}）",
        ),
        "whatif.not_remembered": (
            "{scheme}: no scheme remembered for {name} in {period} (not applied, or applied before {program} kept schemes)",
            "{scheme}：{period} 没有记录 {name} 的方案（未应用过，或应用时 {program} 尚未记录方案）",
        ),
        "whatif.several_sets": (
            "{scheme}: its teams were applied under {count} parameter sets ({sets})",
            "{scheme}：其各组别按 {count} 套参数应用（{sets}）",
        ),
        "whatif.set": ("{fingerprint} for {teams}", "{teams} 用 {fingerprint}"),
        "whatif.from_after": (
            "{start}: after {end}; expected an earlier period",
            "{start}：晚于 {end}；应为更早的周期",
        ),
        "whatif.too_many": (
            "{options}: more than {most} periods; compare at most {most} at a time",
            "{options}：超过 {most} 个周期；一次最多比较 {most} 个",
        ),
        "whatif.other_model": (
            "{source}: a scheme of model {model}, proposed for {current} (model {current_model}); "
            "compare it with a scheme of its own model",
            "{source}：该方案的模型为 {model}，却被提议用于 {current}（模型 {current_model}）；请与同一模型的方案比较",
        ),
    }
)


# -- naming a scheme: NAME, FILE.toml or NAME@PERIOD -------------------------------------------


def is_remembered_ref(ref: str) -> bool:
    """Whether ``ref`` is NAME@PERIOD (and no file of that name exists)."""
    from pathlib import Path

    from cstui.schemes import is_toml_file

    name, at, period_text = ref.rpartition("@")
    if not (at and name) or is_toml_file(Path(ref)):
        return False
    try:
        Period.parse(period_text)
    except PeriodError:
        return False
    return True


def scheme_ref(store, ref: str):
    """The scheme ``ref`` names: registered NAME, a .toml FILE, or NAME@PERIOD (remembered)."""
    from cstui.schemes import catalog

    if not is_remembered_ref(ref):
        return catalog().get(ref)
    name, _, period_text = ref.rpartition("@")
    return remembered_scheme(store, name, Period.parse(period_text))


def remembered_scheme(store, name: str, period: Period):
    """The scheme remembered when ``period`` was applied under ``name`` (one parameter set)."""
    from cstui.schemes import catalog

    if store is None:
        raise InvalidData([line("whatif.needs_db", scheme=f"{name}@{period}", option="--db")])
    applied = store.applied_schemes(period, name)
    if not applied:
        said = dict(scheme=f"{name}@{period}", name=name, period=str(period), program="cstui")
        raise InvalidData([line("whatif.not_remembered", **said)])
    if len(applied) > 1:
        sets = joined(
            [line("whatif.set", fingerprint=a.snapshot.fingerprint, teams=", ".join(a.teams)) for a in applied]
        )
        said = dict(scheme=f"{name}@{period}", count=len(applied), sets=sets)
        raise InvalidData([line("whatif.several_sets", **said)])
    return catalog().from_toml_text(applied[0].snapshot.toml, f"{name}@{period}")


# -- scheme diff ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ParamChange:
    """One parameter that differs: its key path (``review.promote_at``, ``levels[2].label``)."""

    key: str
    old: object
    new: object


def param_diff(old: dict, new: dict, prefix: str = "") -> list[ParamChange]:
    """Every leaf parameter that differs between two schemes' params, in key order.

    Tables are compared key by key; arrays of equal length element by element; anything
    else (an array that grew or shrank, a value that changed type) as a whole.
    """
    changes: list[ParamChange] = []
    for key in sorted(set(old) | set(new), key=str):
        path = f"{prefix}.{key}" if prefix else str(key)
        changes.extend(_value_diff(old.get(key, ABSENT), new.get(key, ABSENT), path))
    return changes


def _value_diff(old: object, new: object, path: str) -> list[ParamChange]:
    if isinstance(old, dict) and isinstance(new, dict):
        return param_diff(old, new, path)
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [change for i, (a, b) in enumerate(zip(old, new)) for change in _value_diff(a, b, f"{path}[{i}]")]
    if old == new and type(old) is type(new):
        return []
    return [ParamChange(path, old, new)]


# -- what-if --------------------------------------------------------------------------------


def whatif_periods(last: Period, first: Period | None = None) -> list[Period]:
    """The periods of ``last``'s kind from the one holding ``first``'s first month up to ``last``."""
    if first is None:
        return [last]
    start = first.months()[0]
    start = start.quarter if last.is_quarter else start
    if start > last:
        said = dict(start=f"--from {first}", end=f"--period {last}")
        raise InvalidData([line("whatif.from_after", **said)])
    periods = [start]
    while periods[-1] < last and len(periods) <= MAX_PERIODS:
        periods.append(periods[-1].next())
    if len(periods) > MAX_PERIODS:
        said = dict(options=f"--from {first} --period {last}", most=MAX_PERIODS)
        raise InvalidData([line("whatif.too_many", **said)])
    return periods


@dataclass(frozen=True)
class WhatIfRow:
    """One employee in one period whose decision, level, grade or pay would change."""

    current: Result | None  # None: graded only under the proposal
    proposed: Result | None  # None: graded only under the baseline

    @property
    def either(self) -> Result:
        return self.current or self.proposed

    def changes(self) -> list[str]:
        """What differs: ``decision``, ``level``, ``grade``, ``pay`` (or ``graded``: one run has no result).

        A score that moves without moving any of them is not a change a manager acts on."""
        if self.current is None or self.proposed is None:
            return ["graded"]
        a, b = self.current, self.proposed
        pairs = (
            ("decision", a.decision, b.decision),
            ("level", a.level_after, b.level_after),
            ("grade", a.grade, b.grade),
            ("pay", a.pay_delta, b.pay_delta),
        )
        return [name for name, x, y in pairs if x != y]

    def pay_change(self) -> Decimal | None:
        """The pay float's change in yuan; None when neither run pays one (no float is not 0)."""
        before = self.current.pay_delta if self.current else None
        after = self.proposed.pay_delta if self.proposed else None
        if before is None and after is None:
            return None
        return (after or Decimal(0)) - (before or Decimal(0))

    def record(self) -> dict:
        """A flat record (numbers stay numbers) for table, CSV and JSON."""
        r, a, b = self.either, self.current, self.proposed
        return {
            "period": str(r.period),
            "employee_id": r.employee_id,
            "name": r.name,
            "team": r.team,
            "changes": ",".join(self.changes()),
            "score": _num(a.score) if a else None,
            "score_new": _num(b.score) if b else None,
            "grade": a.grade if a else None,
            "grade_new": b.grade if b else None,
            "level_before": a.level_before if a else None,
            "level": a.level_after if a else None,
            "level_new": b.level_after if b else None,
            "decision": a.decision if a else None,
            "decision_new": b.decision if b else None,
            "pay_delta": _num(a.pay_delta) if a else None,
            "pay_delta_new": _num(b.pay_delta) if b else None,
            "pay_change": _num(self.pay_change()),
        }


WHATIF_COLUMNS = [
    "period",
    "employee_id",
    "name",
    "team",
    "changes",
    "score",
    "score_new",
    "grade",
    "grade_new",
    "level_before",
    "level",
    "level_new",
    "decision",
    "decision_new",
    "pay_delta",
    "pay_delta_new",
    "pay_change",
]


def _num(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@dataclass
class Totals:
    """Counts over every graded employee and period (changed or not), each run on its own ladder."""

    graded: int = 0
    changed: int = 0
    promotions: int = 0
    promotions_new: int = 0
    demotions: int = 0
    demotions_new: int = 0
    pay: Decimal = Decimal(0)
    pay_new: Decimal = Decimal(0)
    periods: list[str] = field(default_factory=list)

    def record(self) -> dict:
        return {
            "periods": self.periods,
            "graded": self.graded,
            "changed": self.changed,
            "promotions": self.promotions,
            "promotions_new": self.promotions_new,
            "demotions": self.demotions,
            "demotions_new": self.demotions_new,
            "pay": _num(self.pay),
            "pay_new": _num(self.pay_new),
            "pay_change": _num(self.pay_new - self.pay),
        }


@dataclass
class WhatIf:
    """A what-if's changed rows, in period then team order, and its totals."""

    current: object  # the baseline Scheme
    proposed: object  # the proposed Scheme (under the baseline's name: its employees)
    rows: list[WhatIfRow]
    totals: Totals
    invalid: list[InvalidCards] = field(default_factory=list)  # cards the baseline refused, by period


def whatif(store, proposed, current, periods: Iterable[Period], teams: Iterable[str] | None = None) -> WhatIf:
    """Grade ``periods`` under ``proposed`` and under ``current`` (dry runs: nothing is written)
    and list every employee whose decision, level, grade or pay would change, with totals.

    The employees are those on ``current``'s scheme name; ``proposed`` grades them under that
    name whatever its own (its parameters, and so its fingerprint, stay its own).
    """
    teams = list(teams) if teams else None
    if proposed.model.name != current.model.name:
        said = dict(source=proposed.source, model=proposed.model.name, current=current.name)
        raise InvalidData([line("whatif.other_model", **said, current_model=current.model.name)])
    proposed = as_scheme_of(proposed, current.name)
    report = WhatIf(current, proposed, [], Totals())
    for period in periods:
        report.totals.periods.append(str(period))
        report.invalid.append(InvalidCards(period))
        # the two runs stream team by team in step (one process: memory stays a team or two)
        base = _noting(graded_results(store, current, period, teams, explain=False), report.invalid[-1])
        new = graded_results(store, proposed, period, teams, explain=False)
        for row in _paired(base, new):
            _count(report.totals, row, current.level_keys, proposed.level_keys)
            if row.changes():
                report.rows.append(row)
    report.totals.changed = len(report.rows)
    return report


def _noting(graded: Iterator, invalid: InvalidCards) -> Iterator:
    for team in graded:
        invalid.note(team.results)
        yield team


def as_scheme_of(scheme, name: str):
    """``scheme`` grading the employees on scheme ``name`` (a variant may be named otherwise)."""
    return scheme if scheme.name == name else replace(scheme, name=name)


def _paired(base: Iterator, new: Iterator) -> Iterator[WhatIfRow]:
    """Each employee's two results, team by team (both runs list the same teams in the same
    order; a team one run lacks is paired with nothing)."""
    waiting: dict[str, dict] = {}
    for current_team, proposed_team in zip_longest(base, new):
        for side, graded in ((0, current_team), (1, proposed_team)):
            if graded is not None:
                waiting.setdefault(graded.team, {})[side] = {r.employee_id: r for r in graded.results}
        for team in [t for t, sides in waiting.items() if len(sides) == 2]:
            yield from _pair_team(waiting.pop(team))
    for sides in waiting.values():
        yield from _pair_team(sides)


def _pair_team(sides: dict) -> Iterator[WhatIfRow]:
    current, proposed = sides.get(0, {}), sides.get(1, {})
    for employee_id in dict.fromkeys([*current, *proposed]):
        yield WhatIfRow(current.get(employee_id), proposed.get(employee_id))


def _count(totals: Totals, row: WhatIfRow, current_ladder: list[str], proposed_ladder: list[str]) -> None:
    totals.graded += 1
    if row.current is not None:
        step = _step(row.current, current_ladder)
        totals.promotions += step > 0
        totals.demotions += step < 0
        totals.pay += row.current.pay_delta or 0
    if row.proposed is not None:
        step = _step(row.proposed, proposed_ladder)
        totals.promotions_new += step > 0
        totals.demotions_new += step < 0
        totals.pay_new += row.proposed.pay_delta or 0


def _step(result: Result, ladder: list[str]) -> int:
    """+1 promoted, -1 demoted, 0 otherwise: the level after against the level before, on the ladder."""
    if result.level_before not in ladder or result.level_after not in ladder:
        return 0
    difference = ladder.index(result.level_after) - ladder.index(result.level_before)
    return (difference > 0) - (difference < 0)
