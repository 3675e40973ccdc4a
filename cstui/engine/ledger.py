"""The points ledger (doc 003): a monthly base, catalogue incidents, failing duties,
a supervisor adjustment with a reason, and a cap.

Every number comes from the scheme's ``[ledger]`` table. :func:`compile_ledger` turns it
into a :class:`Ledger` once per parameter dict, so scoring 100,000 cards stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cstui.domain import texts
from cstui.domain.texts import joined, line
from cstui.domain.types import Incident
from cstui.domain.values import MAX_COUNT, ValueProblem, format_number, parse_decimal
from cstui.engine.problem_texts import expected, missing, one_of

if TYPE_CHECKING:
    from cstui.engine.cards import CardProblem
    from cstui.engine.protocol import Problems
    from cstui.engine.protocol import SchemeView as Scheme

SEVERITIES = ("bonus", "minor", "moderate", "severe")
ZERO = Decimal(0)

_INCIDENT = {"code": "incident", "category": "category"}
texts.register(
    {
        "ledger.base": ("base {base}", "基本分 {base}"),
        "ledger.capped": ("capped at {cap}", "封顶 {cap}"),
        "ledger.dismissal": (
            "{code}{times} → dismissal review, no points ({category})",
            "{code}{times} → 辞退审查，不计分（{category}）",
            _INCIDENT,
        ),
        "ledger.at": (" at {points}", "（每次 {points}）"),
        "ledger.incident": (
            "{code}{times}{at} → {points} ({category})",
            "{code}{times}{at} → {points}（{category}）",
            _INCIDENT,
        ),
        "ledger.moderate": ("{n} moderate", "{n} 次中度违规"),
        "ledger.minor": ("{n} minor", "{n} 次轻度违规"),
        "ledger.failing": (
            "{code} ({reasons}) → {points} ({category})",
            "{code}（{reasons}）→ {points}（{category}）",
            _INCIDENT,
        ),
        "ledger.adjustment": ("adjustment {amount}: {reason}", "主管调整 {amount}：{reason}"),
        # why an incident or a card is refused (import, the TUI, the store's gate)
        "ledger.once": ("may be recorded once a month, got {count}", "每月只能记录一次，实际为 {count}"),
        "ledger.code_once": (
            "{code} may be recorded once a month, got {count}",
            "{code} 每月只能记录一次，实际为 {count}",
        ),
        "ledger.unknown_code": (
            "unknown incident code {code}; see the scheme's catalogue ({command})",
            "未知的奖惩代码 {code}；请查看方案的奖惩目录（{command}）",
        ),
        "ledger.unknown": ("unknown incident code; see the scheme's catalogue", "未知的奖惩代码；请查看方案的奖惩目录"),
        "ledger.count_range": (
            "expected a whole number from 1 to {max}, got {count}",
            "应为 1 到 {max} 的整数，实际为 {count}",
        ),
        "ledger.count_min": (
            "count must be a whole number 1 or more, got {count}",
            "次数须为 1 或以上的整数，实际为 {count}",
        ),
        "ledger.no_points": (
            "{code} is a dismissal-review flag and takes no points; leave the cell empty",
            "{code} 是辞退审查标记，不计分；请留空",
        ),
        "ledger.outside_for": (
            "{points} is outside {range} for {code}{hint}",
            "{points} 超出 {code} 的范围 {range}{hint}",
        ),
        "ledger.outside": ("points {points} outside {range}{hint}", "分数 {points} 超出范围 {range}{hint}"),
        "ledger.negative": (" (deductions are negative)", "（扣分为负数）"),
        "ledger.adjust_number": ("expected a number {span}, got {raw}", "应为 {span} 之间的数字，实际为 {raw}"),
        "ledger.adjust_range": ("expected {span}, got {amount}", "应为 {span}，实际为 {amount}"),
        "ledger.adjust_reason": ("an adjustment of {amount} needs a reason", "调整 {amount} 须填写原因"),
    }
)


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One incident code of the catalogue; points are signed (deductions negative)."""

    code: str
    category: str
    label: str
    label_zh: str
    severity: str | None  # None for a dismissal-review incident
    points_min: Decimal | None  # None for a dismissal-review incident
    points_max: Decimal | None
    repeatable: bool
    dismissal: bool = False

    @property
    def ranged(self) -> bool:
        return self.points_min != self.points_max

    @property
    def default_points(self) -> Decimal | None:
        """The smallest bonus or deduction of the range: the end nearest zero."""
        if self.points_min is None or self.points_max is None:
            return None
        return self.points_min if abs(self.points_min) <= abs(self.points_max) else self.points_max

    def range_text(self) -> str:
        if self.points_min is None:
            return "no points"
        if not self.ranged:
            return signed(self.points_min)
        return f"{signed(self.points_min)}..{signed(self.points_max)}"


@dataclass(frozen=True, slots=True)
class Ledger:
    base: Decimal
    cap: Decimal
    categories: tuple[str, ...]
    adjustment_metric: str
    reason_metric: str
    adjustment_min: Decimal
    adjustment_max: Decimal
    failing_code: str
    moderate_at_least: int
    minor_at_least: int
    entries: dict[str, CatalogueEntry]


@dataclass(slots=True)
class LedgerTotal:
    """A month's ledger: the capped total, deductions by category, dismissal codes, trace."""

    score: Decimal
    deductions: dict[str, Decimal] = field(default_factory=dict)  # positive amounts by category
    dismissal: list[str] = field(default_factory=list)
    lines: list[Callable[[], str]] = field(default_factory=list)  # formatted only when read

    @property
    def trace(self) -> list[str]:
        """Every line that made the score: ``base 80``, ``late x2 → -4 (attendance)`` ..."""
        return [line() for line in self.lines]

    @property
    def total_deductions(self) -> Decimal:
        return sum(self.deductions.values(), ZERO)


class LedgerProblem(ValueProblem):
    """Scorecard input the ledger cannot score; names the employee, month and field.

    ``problems`` holds every ``(field, message)`` found on the card, first one also as
    :attr:`field`.
    """

    def __init__(self, employee: str, month: object, problems: list[tuple[str, str]]):
        self.employee, self.month, self.problems = employee, str(month), problems
        self.field = problems[0][0]
        super().__init__("; ".join(f"{employee} {month} {f}: {m}" for f, m in problems))


def signed(value: Decimal) -> str:
    text = format_number(value)
    return text if value < 0 else f"+{text}"


# ------------------------------------------------------------------ compiling


_compiled: dict[int, tuple[dict, Ledger]] = {}


def compile_ledger(params: dict) -> Ledger:
    """The ledger of a scheme's (checked) parameters, compiled once per params dict."""
    hit = _compiled.get(id(params))
    if hit is not None and hit[0] is params:
        return hit[1]
    ledger = _compile(params["ledger"])
    if len(_compiled) > 64:  # a long-running TUI may load many schemes; keep it bounded
        _compiled.clear()
    _compiled[id(params)] = (params, ledger)
    return ledger


def _compile(raw: dict) -> Ledger:
    adjustment = raw.get("adjustment", {})
    failing = raw["failing_duties"]
    entries = {code: _entry(code, spec) for code, spec in raw["incidents"].items()}
    return Ledger(
        base=_dec(raw["base"]),
        cap=_dec(raw["cap"]),
        categories=tuple(raw["categories"]),
        adjustment_metric=adjustment.get("metric", "adjustment"),
        reason_metric=adjustment.get("reason_metric", "adjustment_reason"),
        adjustment_min=_dec(adjustment["min"]),
        adjustment_max=_dec(adjustment["max"]),
        failing_code=failing["code"],
        moderate_at_least=int(failing["moderate_at_least"]),
        minor_at_least=int(failing["minor_at_least"]),
        entries=entries,
    )


def _entry(code: str, spec: dict) -> CatalogueEntry:
    dismissal = bool(spec.get("dismissal", False))
    low = high = None
    if not dismissal:
        points = spec["points"]
        low, high = (_dec(points[0]), _dec(points[1])) if isinstance(points, list) else (_dec(points), _dec(points))
    return CatalogueEntry(
        code=code,
        category=spec["category"],
        label=spec.get("label", code),
        label_zh=spec.get("label_zh", spec.get("label", code)),
        severity=None if dismissal else spec["severity"],
        points_min=low,
        points_max=high,
        repeatable=bool(spec.get("repeatable", True)),
        dismissal=dismissal,
    )


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def catalogue(scheme: Scheme) -> list[CatalogueEntry]:
    """The scheme's incident codes in catalogue order (for pickers and imports)."""
    return list(compile_ledger(scheme.params).entries.values())


# ------------------------------------------------------------------ scoring


def score_ledger(
    ledger: Ledger, employee: str, month: object, values: dict, incidents: Iterable[Incident]
) -> LedgerTotal:
    """Score one month. Raises :class:`LedgerProblem` listing every bad field of the card."""
    problems: list[tuple[str, str]] = []
    total = LedgerTotal(score=ledger.base, lines=[lambda: line("ledger.base", base=format_number(ledger.base))])
    severity_counts = {"minor": 0, "moderate": 0}
    code_counts: dict[str, int] = {}
    for incident in incidents:
        entry = _incident_entry(ledger, incident, problems)
        if entry is None:
            continue
        code_counts[entry.code] = code_counts.get(entry.code, 0) + incident.count
        if entry.severity in severity_counts:
            severity_counts[entry.severity] += incident.count
        _post(total, entry, incident, problems)
    for code, count in code_counts.items():
        if count > 1 and not ledger.entries[code].repeatable:
            problems.append((f"incident {code}", line("ledger.once", count=count)))
    if ledger.failing_code not in code_counts:
        _failing_duties(ledger, total, severity_counts)
    _adjust(ledger, total, values, problems)
    if problems:
        raise LedgerProblem(employee, month, problems)
    if total.score > ledger.cap:
        total.score = ledger.cap
        total.lines.append(lambda: line("ledger.capped", cap=format_number(ledger.cap)))
    return total


def ledger_problems(ledger: Ledger, card: Any) -> list[CardProblem]:
    """The ledger's verdict on a card (its values and incidents): [] when it can be scored."""
    from cstui.engine.cards import CardProblem

    try:
        score_ledger(ledger, card.employee_id, card.period, card.values, card.incidents)
    except LedgerProblem as exc:
        return [CardProblem(field, reason) for field, reason in exc.problems]
    return []


def ledger_total(ledger: Ledger, card: Any) -> LedgerTotal | None:
    """The card's ledger total; None when the ledger refuses it (:func:`ledger_problems` words why)."""
    try:
        return score_ledger(ledger, card.employee_id, card.period, card.values, card.incidents)
    except LedgerProblem:
        return None


def incident_problems(ledger: Ledger, incident: Incident) -> list[CardProblem]:
    """One incident against the catalogue, each problem named by its column: code, count, points."""
    from cstui.engine.cards import CardProblem, reason_of

    code, count, points = incident.code, incident.count, incident.points
    entry = ledger.entries.get(code)
    if entry is None:
        return [CardProblem("code", line("ledger.unknown_code", code=repr(code), command="cstui scheme show"))]
    problems = []
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
        problems.append(CardProblem("count", line("ledger.count_range", max=f"{MAX_COUNT:,}", count=repr(count))))
    elif count > 1 and not entry.repeatable:
        problems.append(CardProblem("count", line("ledger.code_once", code=code, count=count)))
    if points is None:
        return problems
    try:  # the store API takes a Decimal as given: the same limits as a typed value
        points = parse_decimal(points, "points")
    except ValueProblem as exc:
        return problems + [CardProblem("points", reason_of(exc))]
    if entry.dismissal:
        problems.append(CardProblem("points", line("ledger.no_points", code=code)))
    elif not entry.points_min <= points <= entry.points_max:
        hint = line("ledger.negative") if entry.points_max < 0 < points else ""
        said = dict(points=format_number(points), range=entry.range_text(), code=code, hint=hint)
        problems.append(CardProblem("points", line("ledger.outside_for", **said)))
    return problems


def _incident_entry(ledger: Ledger, incident: Incident, problems: list) -> CatalogueEntry | None:
    entry = ledger.entries.get(incident.code)
    if entry is None:
        problems.append((f"incident {incident.code}", line("ledger.unknown")))
        return None
    if not isinstance(incident.count, int) or incident.count < 1:
        problems.append((f"incident {incident.code}", line("ledger.count_min", count=repr(incident.count))))
        return None
    if incident.points is not None and not entry.dismissal:
        try:  # stored points are read as written: a hand edit may hold NaN or 1E+28
            parse_decimal(incident.points, "points")
        except ValueProblem as exc:
            from cstui.engine.cards import reason_of

            problems.append((f"incident {incident.code}", reason_of(exc)))
            return None
        if not entry.points_min <= incident.points <= entry.points_max:
            hint = line("ledger.negative") if entry.points_max < 0 < incident.points else ""
            said = dict(points=format_number(incident.points), range=entry.range_text(), hint=hint)
            problems.append((f"incident {incident.code}", line("ledger.outside", **said)))
            return None
    return entry


def _post(total: LedgerTotal, entry: CatalogueEntry, incident: Incident, problems: list) -> None:
    if entry.dismissal:
        total.dismissal.append(entry.code)
        total.lines.append(
            lambda: line("ledger.dismissal", code=entry.code, times=_times(incident), category=entry.category)
        )
        return
    each = entry.default_points if incident.points is None else incident.points
    points = each * incident.count
    total.score += points
    if points < 0:
        total.deductions[entry.category] = total.deductions.get(entry.category, ZERO) - points

    def posted() -> str:
        chosen = line("ledger.at", points=signed(each)) if entry.ranged and incident.points is not None else ""
        return line(
            "ledger.incident",
            code=entry.code,
            times=_times(incident),
            at=chosen,
            points=signed(points),
            category=entry.category,
        )

    total.lines.append(posted)


def _times(incident: Incident) -> str:
    return f" x{incident.count}" if incident.count > 1 else ""


def _failing_duties(ledger: Ledger, total: LedgerTotal, counts: dict[str, int]) -> None:
    reasons = []
    if counts["moderate"] >= ledger.moderate_at_least:
        reasons.append(line("ledger.moderate", n=counts["moderate"]))
    if counts["minor"] >= ledger.minor_at_least:
        reasons.append(line("ledger.minor", n=counts["minor"]))
    if not reasons:
        return
    entry = ledger.entries[ledger.failing_code]
    points = entry.default_points
    total.score += points
    total.deductions[entry.category] = total.deductions.get(entry.category, ZERO) - points
    total.lines.append(
        lambda: line(
            "ledger.failing",
            code=entry.code,
            reasons=joined(reasons, ", "),
            points=signed(points),
            category=entry.category,
        )
    )


def _adjust(ledger: Ledger, total: LedgerTotal, values: dict, problems: list) -> None:
    raw = values.get(ledger.adjustment_metric)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return
    try:
        amount = parse_decimal(raw, "a number")
    except ValueProblem:
        span = f"{format_number(ledger.adjustment_min)}..{format_number(ledger.adjustment_max)}"
        problems.append((ledger.adjustment_metric, line("ledger.adjust_number", span=span, raw=repr(str(raw).strip()))))
        return
    if not ledger.adjustment_min <= amount <= ledger.adjustment_max:
        span = f"{format_number(ledger.adjustment_min)}..{format_number(ledger.adjustment_max)}"
        problems.append(
            (ledger.adjustment_metric, line("ledger.adjust_range", span=span, amount=format_number(amount)))
        )
        return
    if amount == 0:
        return
    reason = str(values.get(ledger.reason_metric) or "").strip()
    if not reason:
        problems.append((ledger.reason_metric, line("ledger.adjust_reason", amount=signed(amount))))
        return
    total.score += amount
    total.lines.append(lambda: line("ledger.adjustment", amount=signed(amount), reason=reason))


# ------------------------------------------------------------------ checking

# the problems of a scheme's [ledger] (TOML keys as written)
RANGE = "[min, max]"
texts.register(
    {
        "ledger.categories": ("a non-empty array of category names", "非空的类别名称数组"),
        "ledger.incidents": ("a table of incident tables, one per code", "奖惩项目的表，每个代码一个"),
        "ledger.unknown_category": (
            "unknown category {category}; expected one of {categories}",
            "未知类别 {category}；应为 {categories} 之一",
        ),
        "ledger.dismissal_points": ("a dismissal-review incident carries no points", "辞退审查类奖惩项目不带分数"),
        "ledger.points_or_range": (
            "points or a range {range} of two numbers",
            "分数，或由两个数组成的区间 {range}",
        ),
        "ledger.range_min_above_max": ("range min {min} is above max {max}", "区间下限 {min} 大于上限 {max}"),
        "ledger.range_sign": ("a range must be all bonus or all deduction", "区间应全为加分或全为扣分"),
        "ledger.points_missing": (
            "points (deductions negative) or a range {range}",
            "分数（扣分为负数）或区间 {range}",
        ),
        "ledger.number_or_range": ("a number or {range}", "数字或 {range}"),
        "ledger.catalogue_code": ("an incident code of the catalogue", "奖惩目录中的代码"),
        "ledger.fixed_points": ("{code} must carry fixed points", "{code} 应有固定分数"),
    }
)


def check_ledger(params: dict, problems: Problems, key: str = "ledger") -> None:
    """Add a problem for every ``[ledger]`` value that does not fit."""
    raw = params.get(key)
    if not isinstance(raw, dict):
        keys = "base, cap, categories, adjustment, failing_duties, incidents"
        problems.add(key, missing(line("what.table_with", keys=keys)))
        return
    for name in ("base", "cap"):
        _need_number(raw, name, f"{key}.{name}", problems)
    categories = raw.get("categories")
    if not isinstance(categories, list) or not categories or not all(isinstance(c, str) for c in categories):
        problems.add(f"{key}.categories", expected("ledger.categories"))
        categories = []
    _check_adjustment(raw.get("adjustment"), f"{key}.adjustment", problems)
    incidents = raw.get("incidents")
    if not isinstance(incidents, dict) or not incidents:
        problems.add(f"{key}.incidents", expected("ledger.incidents"))
        incidents = {}
    for code, spec in incidents.items():
        _check_incident(spec, f"{key}.incidents.{code}", set(categories), problems)
    _check_failing(raw.get("failing_duties"), f"{key}.failing_duties", incidents, problems)


def _need_number(table: dict, name: str, path: str, problems: Problems) -> bool:
    value = table.get(name) if isinstance(table, dict) else None
    if value is None:
        problems.add(path, missing("what.number"))
        return False
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.add(path, expected("what.number", type(value).__name__))
        return False
    return True


def _need_int(table: dict, name: str, path: str, problems: Problems) -> bool:
    value = table.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.add(path, expected("what.whole_0", repr(value)) if value is not None else missing("what.whole"))
        return False
    return True


def _check_adjustment(raw: Any, path: str, problems: Problems) -> None:
    if not isinstance(raw, dict):
        problems.add(path, missing(line("what.table_with", keys="min and max")))
        return
    if _need_number(raw, "min", f"{path}.min", problems) & _need_number(raw, "max", f"{path}.max", problems):
        if raw["min"] > raw["max"]:
            problems.add(path, line("problem.min_above_max", min=str(raw["min"]), max=str(raw["max"])))
    for name in ("metric", "reason_metric"):
        if name in raw and not isinstance(raw[name], str):
            problems.add(f"{path}.{name}", expected("what.metric_key"))


def _check_incident(spec: Any, path: str, categories: set[str], problems: Problems) -> None:
    if not isinstance(spec, dict):
        problems.add(path, expected(line("what.table_with", keys="category, label, points, repeatable")))
        return
    if spec.get("category") not in categories:
        words = {"category": repr(spec.get("category")), "categories": ", ".join(sorted(categories))}
        problems.add(f"{path}.category", line("ledger.unknown_category", **words))
    for name in ("label", "label_zh"):
        if name in spec and not isinstance(spec[name], str):
            problems.add(f"{path}.{name}", expected("what.string"))
    for name in ("repeatable", "dismissal"):
        if name in spec and not isinstance(spec[name], bool):
            problems.add(f"{path}.{name}", expected(line("what.flag", true="true", false="false")))
    if spec.get("dismissal") is True:
        if "points" in spec:
            problems.add(f"{path}.points", line("ledger.dismissal_points"))
        return
    if spec.get("severity") not in SEVERITIES:
        problems.add(f"{path}.severity", one_of(", ".join(SEVERITIES), repr(spec.get("severity"))))
    _check_points(spec.get("points"), f"{path}.points", problems)


def _check_points(points: Any, path: str, problems: Problems) -> None:
    def number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    if isinstance(points, list):
        if len(points) != 2 or not all(number(p) for p in points):
            problems.add(path, expected(line("ledger.points_or_range", range=RANGE)))
        elif points[0] > points[1]:
            problems.add(path, line("ledger.range_min_above_max", min=str(points[0]), max=str(points[1])))
        elif points[0] < 0 < points[1]:
            problems.add(path, line("ledger.range_sign"))
    elif not number(points):
        problems.add(
            path,
            missing(line("ledger.points_missing", range=RANGE))
            if points is None
            else expected(line("ledger.number_or_range", range=RANGE), repr(points)),
        )


def _check_failing(raw: Any, path: str, incidents: dict, problems: Problems) -> None:
    if not isinstance(raw, dict):
        problems.add(path, missing(line("what.table_with", keys="code, moderate_at_least, minor_at_least")))
        return
    code = raw.get("code")
    spec = incidents.get(code) if isinstance(code, str) else None
    if not isinstance(spec, dict):
        problems.add(f"{path}.code", expected("ledger.catalogue_code", repr(code)))
    elif spec.get("dismissal") is True or isinstance(spec.get("points"), list):
        problems.add(f"{path}.code", line("ledger.fixed_points", code=repr(code)))
    for name in ("moderate_at_least", "minor_at_least"):
        _need_int(raw, name, f"{path}.{name}", problems)
