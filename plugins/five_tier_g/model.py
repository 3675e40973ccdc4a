"""``five-tier-g``: five-tier with the G1-G6 sub-grades (客服岗位定级, doc 000):

"初级客服可以通过在岗位上工作6个月以后进行考核,根据工作表现评定在G1和G2之间" — after 6 months in
post, G1 or G2; "中级客服需要在岗位上工作至少18个月以后 ... G3和G4之间"; "高级客服需要在岗位上工作
至少36个月 ... G5和G6之间".

The ladder is ``ungraded``, G1 .. G6, and ``[review.min_tenure_months]`` gives each level's
months in post. Levels that share a minimum form a band (G1-G2 at 6, G3-G4 at 18, G5-G6 at
36): at each quarterly review, **the tenure picks the band** (the highest whose minimum the
tenure reaches, counted in complete months to the first day of the month after the review)
and **the review result picks the grade within it**, on five-tier's thresholds:

- average > ``promote_above`` → the band's upper grade;
- ``demote_below`` <= average <= ``promote_above`` → the current grade if it is in the band,
  else the band's lower grade (a band newly reached is entered from below);
- average < ``demote_below`` → the band's lower grade; below ``probation_below`` also the
  probation month(s) of five-tier (a probation month < ``dismissal_below`` → dismissal review).

The average is exact (:class:`cstui.engine.exact.Mean`, never rounded before the comparison). Monthly score and bonus are
five-tier's (the ``[score]`` and ``[bonus]`` of ``five-tier``, which this scheme extends).
"""

from __future__ import annotations

from typing import Any

from cstui.domain import Employee, Override, Period, Scorecard, texts
from cstui.domain.texts import joined, line
from cstui.domain.values import format_number
from cstui.engine.exact import Mean, side_text, to_decimal
from cstui.engine.replay import MonthState, month_span
from cstui.engine.tenure import complete_months
from cstui.schemes import Problems

# five-tier's monthly score, review thresholds and probation months are reused as they are
from cstui_plugins.five_tier.model import PARAMS_SHAPE, FiveTier, TierParams, _start, compile_params
from cstui_plugins.five_tier.model import _Run as TierRun


class GradeParams:
    """five-tier's compiled parameters (every attribute of :class:`TierParams`) and the bands."""

    def __init__(self, tier: TierParams, bands: tuple[tuple[int, tuple[str, ...]], ...]):
        self.tier = tier
        self.bands = bands  # (months in post, its levels), lowest first

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tier, name)

    @property
    def places(self) -> int:
        return -self.average_step.as_tuple().exponent  # type: ignore[operator]

    def band_at(self, months: int) -> tuple[int, tuple[str, ...]]:
        return [band for band in self.bands if band[0] <= months][-1]


class FiveTierG(FiveTier):
    name = "five-tier-g"
    label = "Five tiers with G1-G6 sub-grades"
    params_schema = PARAMS_SHAPE  # five-tier's tables, the same keys

    def compile(self, params: dict, problems: Problems) -> GradeParams | None:
        tier = compile_params(params, problems)
        if tier is None:
            return None
        bands = grade_bands(tier, problems)
        if bands is None:
            return None
        return GradeParams(tier, bands)

    def begin(
        self,
        params: GradeParams,
        employee: Employee,
        cards: dict[Period, Scorecard],
        by_month: dict[Period, Override],
        until: Period,
        explain_from: Period | None,
        saved: dict | None,
        after: Period | None,
    ) -> tuple[GradeRun, Period]:
        if saved is not None and saved.get("run") is not None and after is not None:
            return GradeRun.restore(params, employee, saved["run"], explain_from), after.next()
        if saved is not None and "start" in saved:
            start = Period.parse(saved["start"])
        else:
            start = _start(employee, [*cards, *by_month, until])
        return GradeRun(params, employee, self.starting_level(params, employee), explain_from), start


def grade_bands(tier: TierParams, problems: Problems) -> tuple[tuple[int, tuple[str, ...]], ...] | None:
    """Levels grouped by their months in post, in ladder order; the months must rise with the
    ladder and the first level must need none."""
    bands: list[tuple[int, tuple[str, ...]]] = []
    for level in tier.ladder:
        months = tier.min_tenure[level]
        if bands and months == bands[-1][0]:
            bands[-1] = (months, bands[-1][1] + (level,))
        elif bands and months < bands[-1][0]:
            problems.add(f"review.min_tenure_months.{level}", line("five-tier-g.rising", months=str(bands[-1][0])))
            return None
        else:
            bands.append((months, (level,)))
    if bands[0][0] != 0:
        problems.add(f"review.min_tenure_months.{tier.ladder[0]}", line("five-tier-g.first_zero", zero="0"))
        return None
    return tuple(bands)


# the problems of a five-tier-g scheme's own rules
texts.register(
    {
        "five-tier-g.rising": (
            "expected at least {months}: months in post rise with the ladder",
            "应至少为 {months}：任职月数随级别阶梯递增",
        ),
        "five-tier-g.first_zero": (
            "expected {zero}: the first level needs no months in post",
            "应为 {zero}：最低级别不需要任职月数",
        ),
    }
)
texts.register(
    {
        "five-tier-g.band": (
            "{why}; {tenure} months in post on {day} (>= {months}) → band {band}",
            "{why}；{day} 时在岗 {tenure} 个月（>= {months}）→ 档位 {band}",
        ),
        "five-tier-g.stays": ("{why} → stays {level}", "{why} → 保持 {level}", {"level": "level"}),
    }
)


class GradeRun(TierRun):
    """five-tier's run with the review replaced: tenure picks the band, the result the grade."""

    p: GradeParams

    def _review(self, state: MonthState) -> None:
        quarter = state.period.quarter
        months = [m for m in quarter.months() if m.ordinal >= self.hired.ordinal]
        present = [m for m in months if m in self.scores]
        missing = [m for m in months if m not in self.scores]
        for m in missing:
            flag = line("flag.missing", month=m)
            if flag not in state.flags:
                state.flags.append(flag)
        if not present:
            state.decision = "missing"
            state.trace.append(line("five-tier.no_card_quarter", quarter=quarter))
            return
        average = Mean.of(self.scores[m] for m in present)
        assert average is not None
        state.review_score = to_decimal(average, self.p.places)
        if state.period.ordinal >= self.explain_from:
            parts = " + ".join(format_number(self.scores[m]) for m in present)
            note = ""
            if missing:
                note = line("five-tier.over_present", n=len(present), missing=joined(map(str, missing), ", "))
            shown = dict(parts=parts, n=len(present), average=self._shown(average), note=note)
            state.trace.append(line("five-tier.average", quarter=quarter, **shown))
        self._decide(state, average)  # type: ignore[arg-type]

    def _shown(self, average: Mean) -> str:
        p = self.p
        return side_text(average, p.promote_above, p.demote_below, p.probation_below, places=p.places)

    def _decide(self, state: MonthState, average: Mean) -> None:  # type: ignore[override]
        p, shown = self.p, self._shown(average)
        effective = state.period.next().first_day
        tenure = complete_months(self.employee.hire_date, effective)
        months, band = p.band_at(tenure)
        lower, upper = band[0], band[-1]
        if average > p.promote_above:
            target, why = upper, f"{shown} > {format_number(p.promote_above)}"
        elif average >= p.demote_below:
            target = self.level if self.level in band else lower
            why = f"{format_number(p.demote_below)} <= {shown} <= {format_number(p.promote_above)}"
        else:
            floor = p.probation_below if average < p.probation_below else p.demote_below
            target, why = lower, f"{shown} < {format_number(floor)}"
        names = "-".join(dict.fromkeys((lower, upper)))
        why = line("five-tier-g.band", why=why, tenure=tenure, day=effective, months=months, band=names)
        self._to(state, target, why, probation=average < p.probation_below)

    def _to(self, state: MonthState, target: str, why: str, probation: bool) -> None:
        ladder = self.p.ladder
        step = ladder.index(target) - (ladder.index(self.level) if self.level in ladder else 0)
        state.decision = "probation" if probation else ("promote" if step > 0 else "demote" if step < 0 else "stay")
        if step == 0:
            state.trace.append(line("five-tier-g.stays", why=why, level=self.level))
        else:
            state.level_after = target
            moved = dict(before=self.level, after=target, month=state.period.next())
            state.trace.append(line("five-tier.move", why=why, **moved))
            self.pending_why = line("five-tier.review_why", quarter=state.period.quarter, why=why)
            self.level = target
        if probation:
            months = month_span(state.period.next(), state.period.shift(self.p.probation_months))
            self.probation = set(months)
            state.flags.append(line("flag.probation"))
            limit = format_number(self.p.dismissal_below)
            if len(months) > 1:
                state.trace.append(line("model.probation_span", first=months[0], last=months[-1], limit=limit))
            else:
                state.trace.append(line("model.probation", first=months[0], limit=limit))
