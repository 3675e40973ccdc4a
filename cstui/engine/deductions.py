"""Deduction items: a fixed number of points, less a few per violation (doc 001 #2).

The property front desk's appearance item (仪容仪表, 5 分) is the model: "any violation of the
standard costs 1 point, added up; more than 3 in a month take all 5"::

    kind = "deduction"        # in a scheme's [[items]]
    metric = "appearance_violations"   # a count on the scorecard
    points = 5
    per = 1
    all_lost_above = 3        # optional: more violations than this take all the points

The item never goes below 0 (10 violations of 1 point on a 5-point item score 0, not -5).
Any scheme may use it; :data:`APPEARANCE` holds the document's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.domain.values import format_number
from cstui.engine.bands import as_decimal
from cstui.engine.problem_texts import expected

if TYPE_CHECKING:
    from cstui.engine.protocol import Problems

ZERO = Decimal(0)


texts.register(
    {
        "deductions.violations_0": ("a whole number of violations >= 0", "不小于 0 的违规次数（整数）"),
        "deductions.all_lost": (
            "{n} violations > {limit} → all {full} points lost → 0",
            "{n} 次违规 > {limit} → {full} 分全扣 → 0",
        ),
        "deductions.none": ("no violation → {full}", "无违规 → {full}"),
        "deductions.each": ("{full} - {n} × {per} → {score}", "{full} - {n} × {per} → {score}"),
    }
)


@dataclass(frozen=True, slots=True)
class DeductionItem:
    points: Decimal  # the item's full points, with no violation
    per: Decimal  # points lost per violation
    all_lost_above: int | None  # more violations than this in a month lose every point

    def score(self, violations: int) -> Decimal:
        """The item's points after ``violations`` in the month (never below 0)."""
        if self.all_lost_above is not None and violations > self.all_lost_above:
            return ZERO
        return max(self.points - self.per * violations, ZERO)

    def explain(self, violations: int) -> str:
        """Why the item scores what it does: ``4 violations > 3 → all 5 points lost → 0``."""
        score = self.score(violations)
        full = format_number(self.points)
        if self.all_lost_above is not None and violations > self.all_lost_above:
            return line("deductions.all_lost", n=violations, limit=self.all_lost_above, full=full)
        if violations == 0:
            return line("deductions.none", full=full)
        return line("deductions.each", full=full, n=violations, per=format_number(self.per), score=format_number(score))


# doc 001 #2 (物业客服员/管家绩效考核表, 1 仪容仪表 5 分): -1 each, more than 3 in a month take all 5
APPEARANCE = DeductionItem(Decimal(5), Decimal(1), 3)


def load_deduction(data: dict, key_path: str, problems: Problems) -> DeductionItem | None:
    """``points``, ``per`` (both > 0) and the optional ``all_lost_above`` (a whole number >= 0)."""
    before = len(problems.lines)
    numbers = {}
    for key in ("points", "per"):
        value = as_decimal(data.get(key))
        if value is None or value <= 0:
            problems.add(f"{key_path}.{key}", expected("what.number_above_0", repr(data.get(key))))
        numbers[key] = value
    limit = data.get("all_lost_above")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        problems.add(f"{key_path}.all_lost_above", expected("deductions.violations_0", repr(limit)))
    if len(problems.lines) > before:
        return None
    return DeductionItem(numbers["points"], numbers["per"], limit)  # type: ignore[arg-type]
