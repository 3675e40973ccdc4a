"""Forced distribution: grade quotas per team (issue 11 item 4), reported or enforced by rank.

A scheme whose results carry grades (it has ``[[grade_bands]]``) may set::

    [distribution]
    max = { A = 0.20 }        # at most 20% of a team's graded members graded A
    min = { "D-F" = 0.10 }    # at least 10% graded D, E or F
    enforce = false           # true: move grades down by rank until the quotas hold

A quota's key is a grade or a span ``X-Y`` of the scheme's grades (highest first, both
ends included); its value a share from 0 to 1. The base is the team's graded members
(a missing month or a refused card has no grade and does not count). Counts compare exactly:
at most 20% of 12 is 2 (2.4 rounded down), at least 10% of 12 is 2 (1.2 rounded up).

Enforcing only ever moves grades down, by the team's rank (ties share a rank, domain.md):
  - a max: the span's members ranked below the quota's count among the span get the grade
    just below the span. Members tied at the boundary rank all keep the grade (the rank rule:
    "1, 2, 2, 4" with 2 allowed keeps three), so a max may stay broken by a tie; the report
    says so.
  - a min: the lowest-ranked members above the span get the span's best grade, ties at the
    boundary all moved (domain.md: "a member is in the bottom N when fewer than N members
    score strictly lower").
So with ``enforce`` a max must cover the top grade (``A``, ``A-B``) and a min the lowest
(``F``, ``D-F``): any other quota would need someone moved up. Pay is unchanged: the pay
float follows the score, not the grade.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.engine.problem_texts import expected

if TYPE_CHECKING:
    from cstui.domain import Result
    from cstui.engine.protocol import Problems

KEY = "distribution"


@dataclass(frozen=True)
class Quota:
    bound: str  # "max" or "min"
    key: str  # as written in the TOML: "A", "D-F"
    grades: tuple[str, ...]  # the grades it counts, highest first
    share: Fraction

    @property
    def path(self) -> str:
        from cstui.engine.params_schema import join

        return join(f"{KEY}.{self.bound}", self.key)

    def allowed(self, graded: int) -> int:
        """At most this many (a max) or at least this many (a min) of ``graded`` members."""
        exact = self.share * graded
        return math.floor(exact) if self.bound == "max" else math.ceil(exact)

    def text(self) -> str:
        return f"{'at most' if self.bound == 'max' else 'at least'} {percent(self.share)} {self.key}"


@dataclass(frozen=True)
class Distribution:
    quotas: tuple[Quota, ...]
    enforce: bool
    grades: tuple[str, ...]  # the scheme's grades, highest first


@dataclass(frozen=True)
class Breach:
    """A team that breaks a quota after grading (and enforcing, when the scheme enforces)."""

    scheme: str
    team: str
    quota: Quota
    count: int
    graded: int
    tied: bool  # enforced, yet a tie at the boundary rank kept it broken

    @property
    def share(self) -> Fraction:
        return Fraction(self.count, self.graded)

    def text(self) -> str:
        line = (
            f"team {self.team}: {self.count} of {self.graded} graded {self.quota.key} "
            f"({percent(self.share)}), quota {self.quota.text()} [{self.scheme}]"
        )
        return line + " (kept by a tie at the boundary rank)" if self.tied else line


texts.register(
    {
        "distribution.rank": ("rank {rank} of {of} graded {grades}", "{of} 名 {grades} 中排第 {rank}"),
        "distribution.lowest": ("among the {n} lowest-ranked above {grade}", "{grade} 以上排名最低的 {n} 人之一"),
        "distribution.moved": (
            "forced distribution: grade {before} → {target}: {quota} of the team ({allowed} of {graded} graded); {why}",
            "强制分布：等级 {before} → {target}：本组 {quota}（{graded} 人中 {allowed} 人）；{why}",
        ),
    }
)


def percent(share: Fraction) -> str:
    value = share * 100
    return f"{value.numerator}%" if value.denominator == 1 else f"{float(value):.1f}%"


def scheme_grades(params: dict) -> tuple[str, ...]:
    bands = params.get("grade_bands")
    if not isinstance(bands, list):
        return ()
    return tuple(b["grade"] for b in bands if isinstance(b, dict) and isinstance(b.get("grade"), str))


def span_of(key: str, grades: tuple[str, ...]) -> tuple[str, ...] | None:
    """The grades a quota key names: one grade, or ``X-Y`` (X at or above Y); None if neither."""
    if key in grades:
        return (key,)
    for i, char in enumerate(key):
        if char == "-" and key[:i] in grades and key[i + 1 :] in grades:
            top, bottom = grades.index(key[:i]), grades.index(key[i + 1 :])
            if top <= bottom:
                return grades[top : bottom + 1]
    return None


def compile_distribution(params: dict) -> Distribution | None:
    """The quotas of a (checked) scheme; None when it sets none."""
    raw = params.get(KEY)
    if not isinstance(raw, dict):
        return None
    grades = scheme_grades(params)
    quotas = tuple(
        Quota(bound, key, span_of(key, grades) or (), Fraction(str(value)))
        for bound in ("max", "min")
        for key, value in raw.get(bound, {}).items()
    )
    return Distribution(quotas, bool(raw.get("enforce", False)), grades) if quotas else None


# ------------------------------------------------------------------ enforcing and reporting


def standing(results: list[Result]) -> dict[int, int]:
    """id(result) → a number that orders members best first, ties equal: the team rank,
    or minus the score when a member has no rank."""
    if all(r.rank is not None for r in results):
        return {id(r): r.rank for r in results}
    return {id(r): -r.score for r in results}


def enforce(dist: Distribution, results: list[Result], explain: bool) -> None:
    """Move grades down by rank until each quota holds (or only a tie keeps it broken)."""
    graded = [r for r in results if r.grade in dist.grades]
    if not graded:
        return
    order = standing(graded)
    for quota in dist.quotas:
        if quota.bound == "max":
            _enforce_max(dist, quota, graded, order, explain)
    for quota in dist.quotas:
        if quota.bound == "min":
            _enforce_min(dist, quota, graded, order, explain)


def _enforce_max(dist: Distribution, quota: Quota, graded: list[Result], order: dict, explain: bool) -> None:
    members = [r for r in graded if r.grade in quota.grades]
    allowed = quota.allowed(len(graded))
    if len(members) <= allowed:
        return
    target = dist.grades[dist.grades.index(quota.grades[-1]) + 1]
    places = sorted(order[id(r)] for r in members)
    for r in members:
        rank = 1 + bisect_left(places, order[id(r)])  # among the span's members, ties sharing
        if rank > allowed:
            why = line("distribution.rank", rank=rank, of=len(members), grades=quota.key)
            _move(r, target, quota, why, len(graded), allowed, explain)


def _enforce_min(dist: Distribution, quota: Quota, graded: list[Result], order: dict, explain: bool) -> None:
    best = dist.grades.index(quota.grades[0])
    needed = quota.allowed(len(graded)) - sum(1 for r in graded if r.grade in quota.grades)
    if needed <= 0:
        return
    above = [r for r in graded if dist.grades.index(r.grade) < best]
    places = sorted(order[id(r)] for r in above)
    for r in above:
        from_bottom = 1 + len(places) - bisect_right(places, order[id(r)])  # ties sharing
        if from_bottom <= needed:
            _move(
                r,
                quota.grades[0],
                quota,
                line("distribution.lowest", n=needed, grade=quota.grades[0]),
                len(graded),
                quota.allowed(len(graded)),
                explain,
            )


def _move(result: Result, target: str, quota: Quota, why: str, graded: int, allowed: int, explain: bool) -> None:
    before, result.grade = result.grade, target
    if explain:
        shown = dict(before=before, target=target, quota=quota.text(), allowed=allowed, graded=graded)
        result.trace.append(line("distribution.moved", **shown, why=why))


def breaches(dist: Distribution, scheme: str, team: str, results: Iterable[Result]) -> list[Breach]:
    """The quotas the team's (final) grades break."""
    graded = [r for r in results if r.grade in dist.grades]
    found = []
    for quota in dist.quotas:
        count = sum(1 for r in graded if r.grade in quota.grades)
        allowed = quota.allowed(len(graded))
        if (count > allowed) if quota.bound == "max" else (count < allowed):
            found.append(Breach(scheme, team, quota, count, len(graded), dist.enforce))
    return found


# ------------------------------------------------------------------ checking (the loader)

texts.register(
    {
        "distribution.no_grades": (
            "this scheme gives no grades (it has no [[{bands}]]): a grade quota cannot apply; remove [{name}]",
            "本方案不评等级（没有 [[{bands}]]）：等级配额无从适用；请删除 [{name}]",
        ),
        "distribution.unknown": (
            "unknown grade or span {name}; the grades are {grades} (a span: {span})",
            "未知的等级或等级区间 {name}；等级有 {grades}（区间写作 {span}）",
        ),
        "distribution.share": ("a share from 0 to 1 (20% is 0.20)", "0 到 1 之间的比例（20% 写作 0.20）"),
        "distribution.at_most": ("at most {share} {name}", "{name} 至多 {share}"),
        "distribution.at_least": ("at least {share} {name}", "{name} 至少 {share}"),
        "distribution.contradicts": (
            "{low} contradicts {high} ({path}): the max must be at least the min",
            "{low} 与 {high}（{path}）矛盾：上限不得低于下限",
        ),
        "distribution.cannot_both": (
            "{one} and {other} cannot both hold: they count different grades and add up to over 100%",
            "{one} 与 {other} 无法同时满足：二者计入不同等级，合计超过 100%",
        ),
        "distribution.enforce_max": (
            "{enforce} moves grades down only: a max must cover the top grade and not the lowest (e.g. {top} or {span}), got {name}",
            "{enforce} 只会把等级往下调：上限配额应包含最高等级而不含最低等级（例如 {top} 或 {span}），实际为 {name}",
        ),
        "distribution.enforce_min": (
            "{enforce} moves grades down only: a min must cover the lowest grade (e.g. {bottom} or {span}), got {name}",
            "{enforce} 只会把等级往下调：下限配额应包含最低等级（例如 {bottom} 或 {span}），实际为 {name}",
        ),
    }
)


def _quota_said(quota: Quota) -> texts.Line:
    """``at most 20% A`` (:meth:`Quota.text`) as a text line."""
    key = "distribution.at_most" if quota.bound == "max" else "distribution.at_least"
    return line(key, share=percent(quota.share), name=quota.key)


def check_distribution(params: dict, problems: Problems) -> None:
    """Refuse quotas a scheme cannot hold: no grades, unknown grades, shares outside 0..1,
    contradictions, and with ``enforce`` quotas that would move someone up."""
    raw = params.get(KEY)
    if not isinstance(raw, dict):
        return
    grades = scheme_grades(params)
    if not grades:
        problems.add(KEY, line("distribution.no_grades", bands="grade_bands", name=KEY))
        return
    quotas = _checked_quotas(raw, grades, problems)
    _check_contradictions(quotas, problems)
    if raw.get("enforce") is True:
        _check_enforceable(quotas, grades, problems)


def _checked_quotas(raw: dict, grades: tuple[str, ...], problems: Problems) -> list[Quota]:
    quotas = []
    for bound in ("max", "min"):
        table = raw.get(bound)
        if not isinstance(table, dict):
            continue
        for key, value in table.items():
            quota = Quota(bound, key, span_of(key, grades) or (), Fraction(0))
            if not quota.grades:
                span = f"{grades[0]}-{grades[-1]}"
                problems.add(
                    quota.path, line("distribution.unknown", name=repr(key), grades=", ".join(grades), span=span)
                )
            elif not _is_share(value):
                problems.add(quota.path, expected("distribution.share", repr(value)))
            else:
                quotas.append(Quota(bound, key, quota.grades, Fraction(str(value))))
    return quotas


def _is_share(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


def _check_contradictions(quotas: list[Quota], problems: Problems) -> None:
    maxes = [q for q in quotas if q.bound == "max"]
    mins = [q for q in quotas if q.bound == "min"]
    for low in mins:
        for high in maxes:
            if set(low.grades) <= set(high.grades) and low.share > high.share:
                words = {"low": _quota_said(low), "high": _quota_said(high), "path": high.path}
                problems.add(low.path, line("distribution.contradicts", **words))
    for i, one in enumerate(mins):
        for other in mins[i + 1 :]:
            if not set(one.grades) & set(other.grades) and one.share + other.share > 1:
                problems.add(
                    other.path, line("distribution.cannot_both", one=_quota_said(one), other=_quota_said(other))
                )


def _check_enforceable(quotas: list[Quota], grades: tuple[str, ...], problems: Problems) -> None:
    top, bottom = grades[0], grades[-1]
    after_top, before_bottom = grades[min(1, len(grades) - 1)], grades[max(-2, -len(grades))]
    for quota in quotas:
        if quota.bound == "max" and (quota.grades[0] != top or quota.grades[-1] == bottom):
            words = {"enforce": "enforce = true", "top": top, "span": f"{top}-{after_top}", "name": repr(quota.key)}
            problems.add(quota.path, line("distribution.enforce_max", **words))
        if quota.bound == "min" and quota.grades[-1] != bottom:
            words = {"enforce": "enforce = true", "bottom": bottom, "span": f"{before_bottom}-{bottom}"}
            problems.add(quota.path, line("distribution.enforce_min", **words, name=repr(quota.key)))
