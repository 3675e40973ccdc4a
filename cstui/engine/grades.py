"""Grade bands, the pay float and the dismissal review flags of the points ledger (doc 003).

Numbers come from the scheme's ``[[grade_bands]]``, ``[pay_float]`` and
``[dismissal_review]`` tables; :func:`compile_grading` reads them once per params dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.domain.values import format_number
from cstui.engine.exact import side_text
from cstui.engine.problem_texts import expected, missing

if TYPE_CHECKING:
    from cstui.engine.protocol import Problems

ZERO = Decimal(0)
FEN = Decimal("0.01")


# the problems of a scheme's grade bands, pay float and dismissal review
texts.register(
    {
        "grades.array": ("an array of tables, highest grade first", "表数组，最高等级在前"),
        "grades.highest_open": (
            "the highest band must have no upper bound; scores above {high} get no grade",
            "最高的区间不应有上限；高于 {high} 的得分将没有等级",
        ),
        "grades.lowest_open": (
            "the lowest band must have no lower bound; scores below {low} get no grade",
            "最低的区间不应有下限；低于 {low} 的得分将没有等级",
        ),
        "grades.band_table": ("a table with a grade name", "含等级名称的表"),
        "grades.either": (
            "give either {a} (inclusive) or {b} (exclusive), not both",
            "{a}（含）与 {b}（不含）只能给出其一",
        ),
        "grades.empty": (
            "empty band: lower bound {low} is not below upper bound {high}",
            "空区间：下限 {low} 不小于上限 {high}",
        ),
        "grades.open_overlap": (
            "band {lower} overlaps band {upper}: only the highest band may be open above, the lowest open below",
            "区间 {lower} 与区间 {upper} 重叠：只有最高的区间可以没有上限，最低的区间可以没有下限",
        ),
        "grades.overlap": ("band {lower} overlaps band {upper} at {at}", "区间 {lower} 与区间 {upper} 在 {at} 处重叠"),
        "grades.gap": (
            "gap between band {lower} (up to {high}) and band {upper} (from {low})",
            "区间 {lower}（至 {high}）与区间 {upper}（自 {low}）之间有空缺",
        ),
    }
)
texts.register(
    {
        "grades.hired": (" (hired {day})", "（{day} 入职）"),
        "grades.no_pay": (
            "no pay float: month {month} of employment{since}; scored, not paid (first {unpaid} months)",
            "无浮动工资：入职第 {month} 个月{since}；计分不计薪（前 {unpaid} 个月）",
        ),
        "grades.held": (", held to {delta}", "，限定为 {delta}"),
        "grades.pay": (
            "pay ({score} - {neutral}) × {per} = {raw}{held}",
            "浮动工资 ({score} - {neutral}) × {per} = {raw}{held}",
        ),
        "grades.score_below": ("score {score} < {bar}", "得分 {score} < {bar}"),
        "grades.last_in_team": (
            "last in the team {months} months running, below {bar}",
            "连续 {months} 个月组内末位且低于 {bar}",
        ),
    }
)


@dataclass(frozen=True, slots=True)
class GradeBand:
    """``low``/``high`` None means unbounded; the flags say whether the bound is included."""

    grade: str
    low: Decimal | None
    low_inclusive: bool
    high: Decimal | None
    high_inclusive: bool

    def holds(self, score: Decimal) -> bool:
        if self.low is not None and (score < self.low or (score == self.low and not self.low_inclusive)):
            return False
        if self.high is not None and (score > self.high or (score == self.high and not self.high_inclusive)):
            return False
        return True


@dataclass(frozen=True, slots=True)
class PayFloat:
    neutral: Decimal
    per_point: Decimal
    low: Decimal
    high: Decimal
    unpaid_months: int


@dataclass(frozen=True, slots=True)
class DismissalRule:
    score_below: Decimal
    last_months: int
    last_below: Decimal


@dataclass(frozen=True, slots=True)
class Grading:
    bands: tuple[GradeBand, ...]
    pay: PayFloat
    dismissal: DismissalRule


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


_compiled: dict[int, tuple[dict, Grading]] = {}


def compile_grading(params: dict) -> Grading:
    """Bands, pay float and dismissal rule of a (checked) scheme, compiled once per params."""
    hit = _compiled.get(id(params))
    if hit is not None and hit[0] is params:
        return hit[1]
    pay, rule = params["pay_float"], params["dismissal_review"]
    grading = Grading(
        bands=tuple(_band(b) for b in params["grade_bands"]),
        pay=PayFloat(
            _dec(pay["neutral"]),
            _dec(pay["per_point"]),
            _dec(pay["min"]),
            _dec(pay["max"]),
            int(pay["unpaid_first_months"]),
        ),
        dismissal=DismissalRule(
            _dec(rule["score_below"]), int(rule["last_in_team_months"]), _dec(rule["last_in_team_below"])
        ),
    )
    if len(_compiled) > 64:
        _compiled.clear()
    _compiled[id(params)] = (params, grading)
    return grading


def _band(raw: dict) -> GradeBand:
    low_key = "from" if "from" in raw else "above" if "above" in raw else None
    high_key = "to" if "to" in raw else "below" if "below" in raw else None
    return GradeBand(
        grade=raw["grade"],
        low=_dec(raw[low_key]) if low_key else None,
        low_inclusive=low_key == "from",
        high=_dec(raw[high_key]) if high_key else None,
        high_inclusive=high_key == "to",
    )


def grade_of(bands: Sequence[GradeBand], score: Decimal | None) -> str | None:
    """The band holding ``score`` (bands are checked to cover every score exactly once)."""
    if score is None:
        return None
    for band in bands:
        if band.holds(score):
            return band.grade
    return None


def pay_float(
    pay: PayFloat, score: Decimal, month_of_employment: int, hired: date | None = None
) -> tuple[Decimal | None, str]:
    """The month's pay delta and its trace line.

    None (no pay float at all, never 0) in the unpaid first months, where the month of
    the hire date is month 1 (doc 003; domain.md: null in JSON, an empty CSV cell, and
    the trace says why).
    """
    if month_of_employment <= pay.unpaid_months:
        since = line("grades.hired", day=hired.isoformat()) if hired is not None else ""
        return (
            None,
            line("grades.no_pay", month=month_of_employment, since=since, unpaid=pay.unpaid_months),
        )
    raw = _raw_pay(pay, score)
    delta = min(max(raw, pay.low), pay.high)
    held = line("grades.held", delta=_signed(delta)) if delta != raw else ""
    shown = dict(score=format_number(score), neutral=format_number(pay.neutral), per=format_number(pay.per_point))
    return delta, line("grades.pay", **shown, raw=_signed(raw), held=held)


def pay_delta(pay: PayFloat, score: Decimal, month_of_employment: int) -> Decimal | None:
    """:func:`pay_float`'s delta without its trace line (a report without a trace: the line's
    numbers were formatted for every employee and never read)."""
    if month_of_employment <= pay.unpaid_months:
        return None
    return min(max(_raw_pay(pay, score), pay.low), pay.high)


def _raw_pay(pay: PayFloat, score: Decimal) -> Decimal:
    """The pay delta before it is held to the bounds."""
    return ((score - pay.neutral) * pay.per_point).quantize(FEN, rounding=ROUND_HALF_UP)


def _signed(value: Decimal) -> str:
    text = format_number(value)
    return text if value <= 0 else f"+{text}"


def dismissal_reasons(
    rule: DismissalRule, score: Decimal, last_run: Sequence[tuple[bool, Decimal | None]], codes: Sequence[str]
) -> list[str]:
    """Why a month needs a dismissal review (a person decides; these are flags).

    ``last_run`` is the employee's most recent months, oldest first, ending with this
    month: ``(last in the team?, score)``; calendar months in a row, a gap given as
    ``(False, None)``.
    """
    reasons = []
    if score < rule.score_below:
        reasons.append(
            line("grades.score_below", score=side_text(score, rule.score_below), bar=format_number(rule.score_below))
        )
    window = list(last_run)[-rule.last_months :] if rule.last_months else []
    if (
        len(window) == rule.last_months
        and rule.last_months
        and all(last and s is not None and s < rule.last_below for last, s in window)
    ):
        reasons.append(line("grades.last_in_team", months=rule.last_months, bar=format_number(rule.last_below)))
    reasons.extend(codes)
    return reasons


# ------------------------------------------------------------------ checking


def check_grading(params: dict, problems: Problems) -> None:
    check_grade_bands(params.get("grade_bands"), problems)
    check_pay_float(params.get("pay_float"), problems)
    check_dismissal_review(params.get("dismissal_review"), problems)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_grade_bands(raw: Any, problems: Problems, key: str = "grade_bands") -> None:
    """Bands highest first; neighbours must meet at one number, exactly one side holding it."""
    if not isinstance(raw, list) or not raw:
        problems.add(key, missing(line("grades.array")))
        return
    ok = True
    for i, band in enumerate(raw):
        ok &= _check_band(band, f"{key}[{i}]", problems)
    if not ok:
        return
    bands = [_band(b) for b in raw]
    if bands[0].high is not None:
        problems.add(f"{key}[0]", line("grades.highest_open", high=str(bands[0].high)))
    if bands[-1].low is not None:
        problems.add(f"{key}[{len(bands) - 1}]", line("grades.lowest_open", low=str(bands[-1].low)))
    for i in range(1, len(bands)):
        _check_seam(bands[i - 1], bands[i], f"{key}[{i}]", problems)


def _check_band(band: Any, path: str, problems: Problems) -> bool:
    if not isinstance(band, dict) or not isinstance(band.get("grade"), str):
        problems.add(f"{path}.grade", expected(line("grades.band_table")))
        return False
    ok = True
    if "from" in band and "above" in band:
        problems.add(path, line("grades.either", a="`from`", b="`above`"))
        ok = False
    if "to" in band and "below" in band:
        problems.add(path, line("grades.either", a="`to`", b="`below`"))
        ok = False
    for name in ("from", "above", "to", "below"):
        if name in band and not _number(band[name]):
            problems.add(f"{path}.{name}", expected("what.number", repr(band[name])))
            ok = False
    if ok:
        b = _band(band)
        if (
            b.low is not None
            and b.high is not None
            and (b.low > b.high or (b.low == b.high and not (b.low_inclusive and b.high_inclusive)))
        ):
            problems.add(path, line("grades.empty", low=str(b.low), high=str(b.high)))
            ok = False
    return ok


def _check_seam(upper: GradeBand, lower: GradeBand, path: str, problems: Problems) -> None:
    if lower.high is None or upper.low is None:
        problems.add(path, line("grades.open_overlap", lower=str(lower.grade), upper=str(upper.grade)))
    elif lower.high > upper.low or (lower.high == upper.low and lower.high_inclusive and upper.low_inclusive):
        problems.add(path, line("grades.overlap", lower=str(lower.grade), upper=str(upper.grade), at=str(upper.low)))
    elif lower.high < upper.low or (not lower.high_inclusive and not upper.low_inclusive):
        words = {"lower": str(lower.grade), "upper": str(upper.grade), "high": str(lower.high), "low": str(upper.low)}
        problems.add(path, line("grades.gap", **words))


def check_pay_float(raw: Any, problems: Problems, key: str = "pay_float") -> None:
    if not isinstance(raw, dict):
        problems.add(key, missing(line("what.table_with", keys="neutral, per_point, min, max, unpaid_first_months")))
        return
    for name in ("neutral", "per_point", "min", "max"):
        if not _number(raw.get(name)):
            problems.add(
                f"{key}.{name}", missing("what.number") if name not in raw else expected("what.number", repr(raw[name]))
            )
    if _number(raw.get("min")) and _number(raw.get("max")) and raw["min"] > raw["max"]:
        problems.add(key, line("problem.min_above_max", min=str(raw["min"]), max=str(raw["max"])))
    months = raw.get("unpaid_first_months")
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        problems.add(f"{key}.unpaid_first_months", expected("what.whole_months_0", repr(months)))


def check_dismissal_review(raw: Any, problems: Problems, key: str = "dismissal_review") -> None:
    if not isinstance(raw, dict):
        keys = "score_below, last_in_team_months, last_in_team_below"
        problems.add(key, missing(line("what.table_with", keys=keys)))
        return
    for name in ("score_below", "last_in_team_below"):
        if not _number(raw.get(name)):
            problems.add(f"{key}.{name}", expected("what.number", repr(raw.get(name))))
    months = raw.get("last_in_team_months")
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        problems.add(f"{key}.last_in_team_months", expected("what.whole_months", repr(months)))
