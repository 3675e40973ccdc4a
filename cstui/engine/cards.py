"""What a valid scorecard is: the one check every door calls, and grading relies on.

A document model owns the check (:meth:`cstui.engine.model.DocumentModel.card_problems`
and ``incident_problems``); import, the TUI's save and the store's save API all call it
before they write, so a card the scheme would refuse never gets in. Grading calls it too:
a card stored by an older version or by hand that fails the check costs its employee a
flag (``decision == "invalid"``), never the month-end of anyone else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from itertools import filterfalse, repeat
from typing import TYPE_CHECKING, Any

from cstui.domain import Period, Scorecard, ValueProblem, texts
from cstui.domain.texts import line
from cstui.domain.values import PARSERS, VALID_ON_SIGHT

if TYPE_CHECKING:
    from cstui.domain import Result
    from cstui.engine.ledger import LedgerTotal
    from cstui.engine.model import MetricSpec, TeamHistory

UNREADABLE = "(stored values)"  # the one field of a card whose stored text is not a JSON object
INVALID = "invalid"  # the decision of a result whose period has a card its scheme refuses
FLAG = "invalid-scorecard"
INCIDENT_FIELD = "incident "  # the field of a problem with an incident: "incident CODE"
texts.register(
    {
        "cards.invalid_flag": (FLAG + " {month}: {problem}", "考核表无效 {month}：{problem}"),
        # one field of a card and why: a metric key shown by its label
        "cards.problem": texts.Template("{field}: {reason}", "{field}：{reason}", {"field": "metric"}),
        "cards.refused": (
            "scorecard {month} refused by the scheme ({problem}): graded as a missing month",
            "{month} 考核表不符合方案（{problem}）：按缺月处理",
        ),
    }
)

KIND_TEXT = {
    "rate": "a rate such as 0.62 or 62%",
    "seconds": "seconds",
    "count": "a whole count",
    "number": "a number",
    "money": "an amount in yuan",
    "rating": "a rating from 0 to 100",
    "points": "points",
    "text": "text",
}
KIND_ZH = {
    "rate": "比率（如 0.62 或 62%）",
    "seconds": "秒数",
    "count": "整数计数",
    "number": "数字",
    "money": "金额（元）",
    "rating": "0 到 100 的评分",
    "points": "分数",
    "text": "文字",
}
texts.register({f"card.kind.{kind}": (en, KIND_ZH[kind]) for kind, en in KIND_TEXT.items()})
texts.register(
    {
        "card.required": ("required; expected {kind}", "必填；应为{kind}"),
        "card.unknown_kind": ("unknown metric kind {kind}", "未知的指标类型 {kind}"),
        "card.not_a_field": ("not a field of scheme {scheme}", "不是方案 {scheme} 的字段"),
        "card.refused": ("scorecard {card}: {field}: {reason}", "考核表 {card}：{field}：{reason}"),
        "card.incident_field": ("incident {code}", "奖惩记录 {code}"),
        # the store's gate and import: an employee whose scheme cannot judge a card or an incident
        "card.no_scheme": (
            "employee {employee} has no scheme: no card can be checked or graded",
            "员工 {employee} 没有方案：无法检查或计算考核表",
        ),
        "card.no_catalogue": (
            "employee {employee} has no scheme, so no incident catalogue",
            "员工 {employee} 没有方案，因此没有奖惩目录",
        ),
        "card.keeps_no_catalogue": (
            "employee {employee} is on scheme {scheme}, which keeps no incident catalogue",
            "员工 {employee} 的方案 {scheme} 没有奖惩目录",
        ),
        "card.not_installed": (
            "scheme {scheme} is not installed: its cards cannot be checked; install it or import with {option}",
            "方案 {scheme} 未安装：无法检查其考核表；请安装它，或用 {option} 导入",
        ),
    }
)


def kind_text(kind: str):
    """What a field of ``kind`` holds, as a line (a kind no parser knows: its name)."""
    return line(f"card.kind.{kind}") if kind in KIND_TEXT else kind


def field_text(field: str):
    """A card's field as a refusal names it: a metric key as typed; ``incident CODE`` as a line."""
    code = field.removeprefix(INCIDENT_FIELD)
    return line("card.incident_field", code=code) if code != field else field


def reason_of(problem: ValueProblem):
    """The reason a value was refused: the line it was raised with, else its text."""
    said = problem.args[0] if len(problem.args) == 1 else None
    return said if isinstance(said, texts.Line) else str(problem)


@dataclass(frozen=True, slots=True)
class CardProblem:
    """One reason a scheme refuses a card: the field (metric key, or ``incident CODE``) and why."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"

    def said(self):
        """The problem as a line (its English is ``str(self)``), rendered again in the reader's language."""
        return line("cards.problem", field=field_text(self.field), reason=self.reason)


class CardRefused(ValueProblem):
    """Cards their scheme refuses: ``refused[(employee_id, month)]`` lists each field and why."""

    def __init__(self, refused: Mapping[tuple[str, str], list[CardProblem]]):
        self.refused = {key: list(problems) for key, problems in refused.items()}
        said = [
            line("card.refused", card=f"{e}/{m}", field=field_text(p.field), reason=p.reason)
            for (e, m), problems in self.refused.items()
            for p in problems
        ]
        super().__init__(texts.joined(said, "\n"))

    @property
    def problems(self) -> list[CardProblem]:
        return [p for problems in self.refused.values() for p in problems]


# Parsed values by kind and text: a company's cards repeat the same few thousand texts
# ("0.92", "87%"), and parsing each again was a tenth of grading a month. Values are
# immutable (Decimal, int, str); a text that does not parse is never kept (it raises).
_PARSED: dict[str, dict[str, Any]] = {kind: {} for kind in PARSERS}
_PARSED_LIMIT = 200_000


def parse_value(kind: str, raw: object) -> Any:
    """``PARSERS[kind](raw)``, remembered for text values."""
    if type(raw) is not str:
        return PARSERS[kind](raw)
    seen = _PARSED.get(kind)
    if seen is None:
        return PARSERS[kind](raw)
    value = seen.get(raw)
    if value is None:
        value = PARSERS[kind](raw)
        if len(seen) >= _PARSED_LIMIT:  # bounded: a long session sees many distinct amounts
            seen.clear()
        seen[raw] = value
    return value


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def value_problems(specs: Iterable[MetricSpec], values: Mapping[str, object]) -> list[CardProblem]:
    """Every required field filled, every filled field of its kind (the default card check)."""
    problems = []
    for key, kind, required, seen in spec_plan(specs):
        raw = values.get(key)
        if type(raw) is str and raw and seen is not None and raw in seen:  # a text seen valid: the usual cell
            continue
        if is_blank(raw):
            if required:
                problems.append(CardProblem(key, line("card.required", kind=kind_text(kind))))
            continue
        try:
            parse_value(kind, raw)
        except ValueProblem as exc:
            problems.append(CardProblem(key, reason_of(exc)))
        except KeyError:  # a kind no parser knows: the scheme check names it; refuse, do not crash
            problems.append(CardProblem(key, line("card.unknown_kind", kind=repr(kind))))
    return problems


# (key, kind, required, the kind's parsed texts or None) per spec, by id of a tuple of specs:
# every card of a replay is checked, then parsed, against the same few tuples, and reading
# four attributes per field and card was a good part of both
_PLANS: dict[int, tuple[tuple, tuple]] = {}


def spec_plan(specs: Iterable[MetricSpec]) -> tuple[tuple[str, str, bool, dict | None], ...]:
    """The fields of ``specs`` as plain tuples, with the remembered parses of each one's kind."""
    entry = _PLANS.get(id(specs)) if type(specs) is tuple else None  # inline: asked for every card
    if entry is not None and entry[0] is specs:
        return entry[1]
    plan = tuple((spec.key, spec.kind, spec.required, _PARSED.get(spec.kind)) for spec in specs)
    return _remember(_PLANS, specs, plan)


def _remember(cache: dict, specs: Iterable[MetricSpec], value):
    """``value`` (derived from ``specs``), kept in ``cache`` by the identity of ``specs`` when
    they are an immutable tuple; read back as ``cache[id(specs)] == (specs, value)``."""
    if type(specs) is tuple and all(_frozen(spec) for spec in specs):  # immutable: safe to remember by identity
        if len(cache) > 64:  # schemes are few; a long session must not grow it
            cache.clear()
        cache[id(specs)] = (specs, value)
    return value


def _frozen(spec: object) -> bool:
    params = getattr(type(spec), "__dataclass_params__", None)
    return bool(params is not None and params.frozen)


_SPECS: dict[int, tuple[object, tuple]] = {}  # id(scheme) -> (scheme, its model's metric specs)


def metric_specs(scheme: Any) -> tuple[MetricSpec, ...]:
    """``scheme.model.metrics(scheme)``, asked once per scheme object (grading checks every card)."""
    entry = _SPECS.get(id(scheme))
    if entry is None or entry[0] is not scheme:
        if len(_SPECS) > 64:  # schemes are few; a long session must not grow it
            _SPECS.clear()
        entry = _SPECS[id(scheme)] = (scheme, tuple(scheme.model.metrics(scheme)))
    return entry[1]


def unknown_fields(specs: Iterable[MetricSpec], values: Mapping[str, object], scheme_name: str) -> list[CardProblem]:
    """Fields the scheme does not have (refused when written; ignored when graded)."""
    known = _known_keys(specs)
    if known.issuperset(values):  # the usual card: asked per card of a bulk write
        return []
    return [CardProblem(key, line("card.not_a_field", scheme=scheme_name)) for key in values if key not in known]


def judged_by_specs_alone(scheme: Any) -> bool:
    """Whether ``scheme``'s card check is the default one over its metric specs alone: its model
    keeps :meth:`DocumentModel.card_problems` (guarded on a registered model, or not) and the
    scheme has no ``[ledger]`` (whose rules read the month's incidents). That check judges each
    field on its own, so a file's cards may be judged a column at a time (:func:`valid_by_specs`);
    a model with a check of its own is judged card by card."""
    from cstui.engine.model import DocumentModel

    return "ledger" not in scheme.params and _check_owner(scheme.model) is DocumentModel


def _check_owner(model: Any) -> type | None:
    """The class whose ``card_problems`` judges ``model``'s cards; None when the instance has a
    check of its own (other than the plugin guard, which calls the class's method)."""
    on_class, on_instance = _method(model)
    if on_instance is not None and not (
        getattr(on_instance, "model", None) is model and getattr(on_instance, "name", None) == "card_problems"
    ):
        return None
    for klass in type(model).__mro__:
        if klass.__dict__.get("card_problems", None) is on_class:
            return klass
    return None


def valid_by_columns(
    scheme: Any,
    cards: list[Mapping[str, object]],
    bare: list[bool],
    incidents: list[list] | None = None,
    totals: dict[int, LedgerTotal] | None = None,
) -> list[bool] | None:
    """For each card's values (``bare``: the card has no incidents), whether ``scheme``'s check
    finds nothing in it, judged a column at a time; None: the check has no column form (judge
    each card). ``incidents``: each card's, when the caller has them: with the default check, a
    card with incidents whose values pass is then judged by the ledger alone (else no verdict).
    ``totals``: given, it gets the ledger total the check found for each card (by index) that
    the ledger scored in judging it.

    The default check (:meth:`DocumentModel.card_problems`): the metric specs
    (:func:`valid_by_specs`) and, with a ``[ledger]``, the ledger's verdict on a card without
    incidents, asked once per distinct (adjustment, reason) pair. A model with a check of its
    own has a column form when the class that defines its ``card_problems`` also defines
    ``valid_by_columns(scheme, cards, base)``: it narrows ``base`` (the default check's
    verdicts) by its own rules. False is no verdict, as in :func:`valid_by_specs`.
    """
    from cstui.engine.model import DocumentModel

    owner = _check_owner(scheme.model)
    narrow = None if owner is None or owner is DocumentModel else owner.__dict__.get("valid_by_columns")
    if owner is None or (owner is not DocumentModel and narrow is None):
        return None
    if (
        narrow is not None
        and getattr(_method(scheme.model)[0], "__qualname__", None) != f"{owner.__qualname__}.card_problems"
    ):
        return None  # a check set on the class after its body (a patch): its column form is of another
    verdicts = valid_by_specs(metric_specs(scheme), cards)
    if "ledger" in scheme.params:
        # a model's own column form narrows what the default check passed, seeing values only
        verdicts = _ledger_columns(scheme, cards, bare, verdicts, incidents if narrow is None else None, totals)
    return verdicts if narrow is None else narrow(scheme.model, scheme, cards, verdicts)


def _ledger_columns(
    scheme: Any,
    cards: list[Mapping],
    bare: list[bool],
    base: list[bool],
    incidents: list[list] | None,
    totals: dict[int, LedgerTotal] | None = None,
) -> list[bool]:
    """``base`` narrowed by the ledger: with no incidents, its rules read a card's adjustment and
    reason alone (engine.ledger.score_ledger), so each distinct pair is judged once, by
    :func:`ledger_total` on a card holding only that pair. A card with incidents is judged by
    :func:`ledger_total` on the whole card when ``incidents`` are given (the default check adds
    nothing to it for a card whose values pass), else given no verdict. Each total found goes to
    ``totals`` (a pair's to every card that has it: the ledger reads nothing else of theirs)."""
    from cstui.engine.ledger import compile_ledger, ledger_total

    ledger = compile_ledger(scheme.params)
    adjustment, reason = ledger.adjustment_metric, ledger.reason_metric
    judged: dict[tuple, LedgerTotal | None] = {}
    verdicts, month = [], Period.parse("2000-01")  # the ledger names a card's month only in a refusal
    for i, (values, fine, alone) in enumerate(zip(cards, base, bare)):
        if not fine or (not alone and incidents is None):
            verdicts.append(False)
            continue
        if not alone:
            total = ledger_total(ledger, Scorecard("", month, values, incidents[i]))
        else:
            pair = (values.get(adjustment), values.get(reason))
            total = judged.get(pair, _UNJUDGED)
            if total is _UNJUDGED:
                only = {k: v for k, v in zip((adjustment, reason), pair) if v is not None}
                total = judged[pair] = ledger_total(ledger, Scorecard("", month, only, []))
        verdicts.append(total is not None)
        if total is not None and totals is not None:
            totals[i] = total
    return verdicts


_UNJUDGED = object()  # a pair not judged yet (None: judged and refused)


def valid_by_specs(specs: tuple[MetricSpec, ...], cards: list[Mapping[str, object]]) -> list[bool]:
    """For each card's values, whether the default check finds nothing in it: no field outside
    ``specs`` (:func:`unknown_fields`) and :func:`value_problems` empty.

    Judged a field at a time over the column's distinct texts (a month's file repeats a few
    hundred texts over 100,000 cards): what :func:`value_problems` says of one field does not
    depend on the others. False is no verdict: a card that is not all text (an unreadable one,
    a field the scheme does not have, a bad value) is for its caller to judge card by card,
    which also words its problems. Raises what a parser raises (TypeError on a value that is
    not hashable): the caller then judges every card by itself.
    """
    known = _known_keys(specs)
    columns = {key: _column(cards, key) for key in known}
    distinct = {key: set(column) for key, column in columns.items()}
    ok = _known_texts(known, columns, distinct, cards)
    for spec in specs:
        one = (spec,)
        asked = _unseen(one, distinct[spec.key])
        refused = {raw for raw in asked if value_problems(one, {spec.key: raw})}
        if refused:
            ok = [fine and raw not in refused for fine, raw in zip(ok, columns[spec.key])]
    return ok


def _column(cards: list[Mapping[str, object]], key: str) -> list:
    """``[values.get(key) for values in cards]``, by ``dict.get`` in C when every card is a dict
    whose class keeps dict's ``get`` (a bulk write's cards: 100,000 of them, a column at a time)."""
    if all(issubclass(kind, dict) and kind.get is dict.get for kind in set(map(type, cards))):
        return list(map(dict.get, cards, repeat(key)))
    return [values.get(key) for values in cards]


def _unseen(one: tuple[MetricSpec], texts: set) -> Iterable:
    """The texts of ``texts`` that :func:`value_problems` of the one field ``one`` must judge: all
    of them, but when they are all text (or None) those it takes as valid on sight (a non-empty
    text its kind parsed before, or one its kind's :data:`VALID_ON_SIGHT` test passes) are left
    out: their verdict is no problem, asked or not."""
    _, kind, _, seen = spec_plan(one)[0]
    if seen is None or not _TEXT_OR_NONE.issuperset(map(type, texts)):
        return texts
    unseen = list(filterfalse(seen.__contains__, texts))
    on_sight = VALID_ON_SIGHT.get(kind)
    if on_sight is not None:  # those its kind takes on sight, less None (blank): no parse each
        unseen = [*filterfalse(on_sight, filter(None, unseen)), *([None] if None in unseen else [])]
    return unseen + [""] if "" in texts else unseen  # an empty text is judged blank, seen or not


def _known_texts(known: frozenset[str], columns: dict[str, list], distinct: dict[str, set], cards: list) -> list[bool]:
    """For each card, whether its every field is one of ``known`` and its every value a text.

    Counted over the columns when every card is so (the usual file): the fields the columns
    hold, None being none, are then all the cards have, and the columns' distinct values are
    texts; else asked of each card.
    """
    filled = sum(len(column) - column.count(None) for column in columns.values())
    if filled == sum(map(len, cards)) and all(
        _TEXT_OR_NONE.issuperset(map(type, texts)) for texts in distinct.values()
    ):
        return [True] * len(cards)
    return [known.issuperset(values) and _TEXTS_ONLY.issuperset(map(type, values.values())) for values in cards]


_KNOWN: dict[int, tuple[tuple, frozenset[str]]] = {}  # id(specs) -> (specs, their keys), as _PLANS


def _known_keys(specs: Iterable[MetricSpec]) -> frozenset[str]:
    entry = _KNOWN.get(id(specs)) if type(specs) is tuple else None
    if entry is not None and entry[0] is specs:
        return entry[1]
    return _remember(_KNOWN, specs, frozenset(spec.key for spec in specs))


def card_problems(scheme: Any, card: Scorecard) -> list[CardProblem]:
    """The scheme's verdict on ``card``: [] when valid. A model that raises is a refusal, not a crash."""
    if UNREADABLE in card.values:  # the store could not read the card at all
        return [CardProblem(UNREADABLE, str(card.values[UNREADABLE]))]
    accepted = _ACCEPTED.get()
    key = None if accepted is None else _verdict_key(scheme, card)
    if key is not None and key in accepted:
        return []
    try:
        problems = list(scheme.model.card_problems(scheme, card))
    except ValueProblem as exc:
        return [CardProblem("(card)", str(exc))]
    if key is not None and not problems:
        accepted.add(key)
    return problems


# Cards judged valid within :func:`remembered_verdicts` (an import judges each card to name
# its row, then the store judges it again inside its write): the same card -- employee,
# month, values and version, no incidents -- under the same model method and an equal
# scheme gets the same verdict, so the second check is a set look-up. The values are
# compared as a set of (field, text) pairs: the store keeps a card's fields sorted, the file
# has them in column order, and no rule of a card depends on that order. Only valid
# verdicts are kept (a refusal ends the import, and is judged afresh each time, so its
# wording stays the model's), and only for that scope: nothing outlives it.
_ACCEPTED: ContextVar[set | None] = ContextVar("cstui_accepted_cards", default=None)


@contextmanager
def remembered_verdicts() -> Iterator[None]:
    """Within the block, a card judged valid is not judged again (see :data:`_ACCEPTED`)."""
    token = _ACCEPTED.set(set())
    try:
        yield
    finally:
        _ACCEPTED.reset(token)


def _verdict_key(scheme: Any, card: Scorecard) -> tuple | None:
    """What a verdict may depend on, hashable; None when a part is not (then it is not kept)."""
    values = card.values
    if card.incidents or not _TEXTS_ONLY.issuperset(
        map(type, values.values())
    ):  # 1 == 1.0 == True: only texts compare safely
        return None
    key = (
        _scheme_key(scheme),
        _method(scheme.model),
        card.employee_id,
        card.period,
        card.version,
        tuple(sorted(values.items())),
    )
    try:
        hash(key)
    except TypeError:
        return None
    return key


def same_judge(one: Any, other: Any) -> bool:
    """Whether two scheme objects give every card the same verdict: equal in every field (as
    :func:`_verdict_key` compares them) and judged by the same model method."""
    return _scheme_key(one) == _scheme_key(other) and _method(one.model) == _method(other.model)


def _method(model: Any) -> tuple:
    # the model's method as a call would find it now: the class's (a guard calls that one, and
    # a class patched meanwhile gives another), and anything set on the instance itself
    return (getattr(type(model), "card_problems", None), getattr(model, "__dict__", {}).get("card_problems"))


_TEXTS_ONLY = frozenset((str,))
_TEXT_OR_NONE = frozenset((str, type(None)))


_SCHEME_KEYS: dict[int, tuple[object, tuple]] = {}


def _scheme_key(scheme: Any) -> tuple:
    """The model and every field of the scheme (params by repr: 1, 1.0, True and "1" differ),
    once per scheme object: an import's scheme and the store's registered copy are equal ones."""
    entry = _SCHEME_KEYS.get(id(scheme))
    if entry is None or entry[0] is not scheme:
        if len(_SCHEME_KEYS) > 64:  # schemes are few; a long session must not grow it
            _SCHEME_KEYS.clear()
        fields = (
            scheme.name,
            scheme.version,
            scheme.source,
            getattr(scheme, "plugin", ""),
            getattr(scheme, "chain", ()),
            scheme.params,
        )
        entry = _SCHEME_KEYS[id(scheme)] = (scheme, (id(scheme.model), repr(fields)))
    return entry[1]


def three_way(
    base: Mapping[str, object], mine: Mapping[str, object], theirs: Mapping[str, object]
) -> tuple[dict, list[str]]:
    """Merge two edits of one card made from ``base``: (merged values, fields both changed differently).

    A field only one side changed takes that side's value; one both changed to the same value
    is no clash. Blank and missing are the same (a field left empty). For a clashing field
    the merge keeps ``mine`` (the person saving decides, having been asked).
    """

    def norm(values: Mapping[str, object]) -> dict[str, str]:
        return {k: str(v) for k, v in values.items() if not is_blank(v)}

    base, mine, theirs = norm(base), norm(mine), norm(theirs)
    merged, clashes = {}, []
    for field in sorted(base.keys() | mine.keys() | theirs.keys()):
        was, ours, other = base.get(field), mine.get(field), theirs.get(field)
        value = other if ours == was else ours
        if ours != was and other != was and ours != other:
            clashes.append(field)
        if value is not None:
            merged[field] = value
    return merged, clashes


# -- grading with invalid cards ---------------------------------------------------------------


def screen_history(
    scheme: Any, history: TeamHistory, period: Period, graded: Iterable[Period] = ()
) -> tuple[TeamHistory, dict[str, dict[Period, list[CardProblem]]]]:
    """The history without the cards the scheme refuses, and those cards' problems by employee.

    A model that grades invalid cards itself (``grades_invalid_cards``) gets the history as it
    is; only the period's cards are checked, to name them (``graded``: the periods whose cards
    are, when a history grades several in one replay). Others see a refused card as a
    missing month (it breaks a streak, as a missing month does), and the result says why.
    For the former, the ledger totals the check found are kept for its grading of this history
    (:func:`screened_totals`).
    """
    own = getattr(scheme.model, "grades_invalid_cards", False)
    months = {month for each in (*graded,) or (period,) for month in each.months()}
    refused: dict[str, dict[Period, list[CardProblem]]] = {}
    kept_cards = {}
    valid, totals = _valid_in_history(scheme, history)
    _SCREENED.set((history, scheme.params, totals) if own and totals else None)
    for employee_id, cards in history.cards.items():
        kept = {}
        for month, card in cards.items():
            checked = (not own or month in months) and id(card) not in valid
            problems = card_problems(scheme, card) if checked else []
            if problems:
                refused.setdefault(employee_id, {})[month] = problems
                if own:
                    kept[month] = card
            else:
                kept[month] = card
        kept_cards[employee_id] = kept
    if not refused or own:
        return history, refused
    return replace(history, cards=kept_cards), refused


# The ledger totals the last screen found, for the grading of the same history that follows it
# (the ledger scores a card once per run, not once to check it and again to grade it): taken
# once (:func:`screened_totals`), replaced by the next screen, so none outlives its run. Each
# holds the card, its values and incidents as they were scored: any other is scored anew.
_SCREENED: ContextVar[tuple | None] = ContextVar("cstui_screened_totals", default=None)


def screened_totals(history: TeamHistory, params: dict) -> dict[int, tuple]:
    """The ledger totals :func:`screen_history` found for ``history``'s cards under a scheme with
    ``params``, taken (a second call gets none): ``{id(card): (card, values, incidents,
    LedgerTotal)}``; a card whose values or incidents are no longer those objects is not the
    card that was scored."""
    screened = _SCREENED.get()
    if screened is None or screened[0] is not history or screened[1] is not params:
        return {}
    _SCREENED.set(None)
    return screened[2]


def scorecards_by_columns(scheme: Any, cards: list[Scorecard], totals: dict[int, LedgerTotal]) -> list[bool] | None:
    """:func:`valid_by_columns` of whole scorecards (their values and incidents), the ledger
    totals it finds put in ``totals``; None also when the check raises (a model or parser that
    raises: the per-card check judges, and refuses, as ever)."""
    try:
        return valid_by_columns(
            scheme, [c.values for c in cards], [not c.incidents for c in cards], [c.incidents for c in cards], totals
        )
    except Exception:  # noqa: BLE001  (see above: never decided here)
        return None


def _valid_in_history(scheme: Any, history: TeamHistory) -> tuple[set[int], dict[int, tuple]]:
    """The ids of the history's cards found valid column-wise (:func:`valid_by_columns`, as an
    import's gate judges its file): a resumed month checks a team's cards in one pass over each
    field's distinct texts instead of card by card. Any card it gives no verdict for, or every
    card when the check has no column form or a parser raises, is judged card by card (the
    reference, which also words the refusals). With them, the ledger totals found for the valid
    ones (as :func:`screened_totals` gives them)."""
    cards = [card for by_month in history.cards.values() for card in by_month.values()]
    if len(cards) < 2:
        return set(), {}
    found: dict[int, LedgerTotal] = {}
    verdicts = scorecards_by_columns(scheme, cards, found)
    if verdicts is None:
        return set(), {}
    valid = [(i, card) for i, (card, fine) in enumerate(zip(cards, verdicts)) if fine]
    totals = {id(card): (card, card.values, card.incidents, found[i]) for i, card in valid if i in found}
    return {id(card) for _, card in valid}, totals


def mark_invalid(
    results: list[Result], refused: dict[str, dict[Period, list[CardProblem]]], period: Period, explain: bool
) -> None:
    """Results whose period holds a refused card: decision ``invalid``, each problem a flag,
    no score, grade, pay or rank; the others' ranks close up as if they were not there."""
    months, removed = period.months(), []
    for result in results:
        bad = [(m, p) for m, problems in refused.get(result.employee_id, {}).items() if m in months for p in problems]
        if not bad:
            continue
        removed.append((result.team, result.rank))
        bad_months = {str(m) for m, _ in bad}
        result.decision = INVALID  # not scored: the period's own card is not one to grade
        result.score = result.grade = result.rank = result.pay_delta = None
        result.flags = [line("cards.invalid_flag", month=m, problem=p.said()) for m, p in bad] + [
            f for f in result.flags if not (f.startswith(("missing", FLAG)) and any(m in f for m in bad_months))
        ]
        if explain:
            result.trace = [line("cards.refused", month=m, problem=p.said()) for m, p in bad] + result.trace
    _close_ranks(results, removed)


def _close_ranks(results: list[Result], removed: list[tuple[str, int | None]]) -> None:
    """1, 2, [3 removed], 4 becomes 1, 2, 3, ties kept: a competition rank is 1 + the members
    ranked strictly above, and a model that ranked the invalid ones (on their other months of
    a quarter) counted them there."""
    above: dict[str, list[int]] = {}
    for team, rank in removed:
        if rank is not None:
            above.setdefault(team, []).append(rank)
    if not above:
        return
    for result in results:
        ranks = above.get(result.team)
        if ranks and result.rank is not None:
            result.rank -= sum(1 for rank in ranks if rank < result.rank)


def invalid_results(results: Iterable[Result]) -> list[Result]:
    return [r for r in results if r.decision == INVALID]


def invalid_lines(results: Iterable[Result]) -> list[str]:
    """One line per refused card of ``results``: ``E0001 张伟: invalid-scorecard 2026-10: field: reason``."""
    return [f"{r.employee_id} {r.name}: {f}" for r in invalid_results(results) for f in r.flags if f.startswith(FLAG)]
