"""The scripted cast: employees whose months are written so that the real schemes show
every outcome the demo promises (promotion, demotion, probation, dismissal review, a
missing month ...). Their data does not depend on the seed, so the README and the TUI
snapshots can name them. Scores are placed relative to the demo's last month (``end``)
and to the last quarter reviewed by then (``qL``) and the one before (``qP``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cstui.demo.cards import (
    SHOP_LOW,
    SHOP_MID,
    SHOP_TOP,
    IncidentPlan,
    MonthPlan,
    assistant_values,
    front_desk_values,
    placement_values,
    star_values,
    supervisor_values,
    tier_values,
)
from cstui.demo.plan import Window
from cstui.domain import Period

CardScript = Callable[[Window, Period], MonthPlan | None]


@dataclass(frozen=True, slots=True)
class CastMember:
    id: str
    name: str
    team: str
    scheme: str
    role: str
    level: str | None
    hired: Callable[[Window], date]
    card: CardScript
    scenario: str
    # (scheme, months before the last, starting level): assigned to another scheme from that
    # month on (Store.assign_scheme); the earlier months stay on ``scheme``
    moves: tuple[str, int, str | None] | None = None


def years_ago(years: int, day: int = 1) -> Callable[[Window], date]:
    return lambda w: w.day(12 * years, day)


def months_ago(months: int, day: int) -> Callable[[Window], date]:
    return lambda w: w.day(months, day)


# ---------------------------------------------------------------- star-levels (monthly)


def star(last12: list[int | None], target: int = 50000) -> CardScript:
    """Scores (% of target) of the last 12 months, oldest first; None = no scorecard.

    Earlier months alternate below / above the bar, so no streak reaches three there.
    """

    def card(w: Window, month: Period) -> MonthPlan | None:
        off = w.offset(month)
        percent = last12[len(last12) - 1 - off] if off < len(last12) else (104 if (off - len(last12)) % 2 == 0 else 112)
        return None if percent is None else MonthPlan(star_values(target, percent))

    return card


def star_by_offset(by_offset: dict[int, int], target: int = 40000) -> CardScript:
    def card(w: Window, month: Period) -> MonthPlan | None:
        percent = by_offset.get(w.offset(month))
        return None if percent is None else MonthPlan(star_values(target, percent))

    return card


def alternating(target: int = 60000) -> CardScript:
    return lambda w, month: MonthPlan(star_values(target, 112 if w.offset(month) % 2 == 0 else 104))


# ---------------------------------------------------------------- five-tier and ecommerce-kpi (quarterly)


def tier(rule: Callable[[Window, Period], int]) -> CardScript:
    return lambda w, month: MonthPlan(tier_values(rule(w, month)))


def shop(rule: Callable[[Window, Period], dict[str, str]]) -> CardScript:
    return lambda w, month: MonthPlan(dict(rule(w, month)))


def in_last(w: Window, month: Period) -> bool:
    return month.quarter == w.last_quarter


def in_prev(w: Window, month: Period) -> bool:
    return month.quarter == w.prev_quarter


def probation_month(w: Window, month: Period) -> bool:
    """The month after the previous quarter's review."""
    return month == w.last_quarter.months()[0]


# ---------------------------------------------------------------- assistant-class (points ledger)


def good(suggestions: int | None = None) -> MonthPlan:
    """85 points (base 80, zero complaints +5); meets class-2 counts over a quarter, not class-1."""
    return MonthPlan(assistant_values(8, 16, 2, 4, suggestions), [IncidentPlan("zero-complaints", 28)])


def ordinary() -> MonthPlan:
    """78 points (a data entry error -2); too few B follow-ups for class-2."""
    return MonthPlan(assistant_values(6, 11, 1, 2), [IncidentPlan("entry-error", 14, note="工单录入错误")])


def _bad_month(w: Window, month: Period) -> MonthPlan:
    plan = ordinary()
    if month == w.last_quarter.last_month:
        plan.incidents += [
            IncidentPlan("absent", 8, note="未请假缺勤一天"),
            IncidentPlan("customer-quarrel", 15, note="与业主争吵，有效投诉"),
            IncidentPlan("late", 22, points=Decimal(-5), note="迟到40分钟"),
        ]
    return plan


def _sleeping(w: Window, month: Period) -> MonthPlan:
    plan = ordinary()
    if month == w.end:
        plan.incidents.append(IncidentPlan("sleeping-on-duty", 19, note="夜班巡查发现在岗睡觉"))
    return plan


# ---------------------------------------------------------------- front desk, supervisors, placement


def _appearance(w: Window, month: Period) -> MonthPlan:
    """Appearance violations: 4 in the last month (more than 3: all 5 points lost), 2 the month
    before (-2), none earlier."""
    violations = {0: 4, 1: 2}.get(w.offset(month), 0)
    return MonthPlan(front_desk_values(violations, 0, 84, 93))


def _promoted_supervisor(w: Window, month: Period) -> MonthPlan:
    """A hotline star agent until PROMOTED_MONTHS_AGO, then a supervisor's card."""
    if w.offset(month) > PROMOTED_MONTHS_AGO:
        return MonthPlan(star_values(50000, 112 if w.offset(month) % 2 == 0 else 104))
    return MonthPlan(supervisor_values(complaints=3, lapses=0, team_average=91, suggestions=70))


def _placed_on_hire(hired_months_ago: int, *forms: dict[str, str]) -> CardScript:
    """Placement forms in the hire month and the months after it (one form each)."""

    def card(w: Window, month: Period) -> MonthPlan | None:
        index = hired_months_ago - w.offset(month)
        return MonthPlan(dict(forms[index])) if 0 <= index < len(forms) else None

    return card


PROMOTED_MONTHS_AGO = 2

CAST: tuple[CastMember, ...] = (
    CastMember(
        "E0001",
        "张伟",
        "hotline",
        "star-levels",
        "agent",
        "2-star",
        years_ago(4, 6),
        star([115, 118, 112, 120, 116, 113, 119, 122, 114, 117, 121, 125]),
        "star promotions: 2-star to 5-star, three months >= 110 each time, then held at the top",
    ),
    CastMember(
        "E0002",
        "王芳",
        "hotline",
        "star-levels",
        "agent",
        "1-star",
        years_ago(2, 11),
        star([112, 104, 111, 103, 115, 106, 109, 113, 102, 114, 118, 116]),
        "star promotion in the last month (1-star to 2-star)",
    ),
    CastMember(
        "E0003",
        "李娜",
        "hotline",
        "star-levels",
        "agent",
        "3-star",
        years_ago(3, 20),
        star([113, 105, 112, 104, 118, 101, 111, 108, 115, 98, 102, 95]),
        "star demotion in the last month (3-star to 2-star)",
    ),
    CastMember(
        "E0004",
        "刘洋",
        "eshop",
        "star-levels",
        "agent",
        "2-star",
        years_ago(2, 3),
        star([112, 103, 114, 105, 116, 104, 113, 106, 115, 116, None, 118]),
        "missing month: no scorecard the month before the last, which breaks a streak",
    ),
    CastMember(
        "E0005",
        "陈静",
        "hotline",
        "star-levels",
        "agent",
        None,
        months_ago(1, 10),
        star_by_offset({1: 96, 0: 103}),
        "star probation: hired last month, not assessed yet",
    ),
    CastMember(
        "E0006",
        "杨帆",
        "eshop",
        "star-levels",
        "agent",
        None,
        months_ago(5, 1),
        star_by_offset({5: 98, 4: 104, 3: 101, 2: 112, 1: 115, 0: 111}),
        "probation ended (assessed from the 3rd last month) and promoted to 2-star in the last month",
    ),
    CastMember(
        "E0007",
        "Emily Zhao",
        "eshop",
        "star-levels",
        "agent",
        "1-star",
        years_ago(3, 15),
        alternating(),
        "placed at 3-star by hand (manager override) three months before the last",
    ),
    CastMember(
        "E0008",
        "黄磊",
        "hotline",
        "assistant-class",
        "team-lead",
        "class-2",
        years_ago(5, 8),
        lambda w, m: good(suggestions=1),
        "team lead of the hotline assistants",
    ),
    CastMember(
        "E0009",
        "周敏",
        "frontdesk",
        "assistant-class",
        "team-lead",
        "class-2",
        years_ago(6, 2),
        lambda w, m: good(suggestions=1),
        "team lead of the front desk assistants",
    ),
    CastMember(
        "E0010",
        "吴婷",
        "frontdesk",
        "assistant-class",
        "assistant",
        None,
        years_ago(2, 17),
        lambda w, m: good() if in_last(w, m) or in_prev(w, m) else ordinary(),
        "class award: meets class-2 two quarters running, promoted to class-2",
    ),
    CastMember(
        "E0011",
        "徐强",
        "frontdesk",
        "assistant-class",
        "assistant",
        None,
        years_ago(1, 9),
        _sleeping,
        "dismissal review: sleeping on duty in the last month",
    ),
    CastMember(
        "E0012",
        "孙丽",
        "hotline",
        "assistant-class",
        "assistant",
        None,
        years_ago(2, 25),
        _bad_month,
        "month below 60 (dismissal review) and over 40 deductions in a quarter (elimination review)",
    ),
    CastMember(
        "E0013",
        "马超",
        "frontdesk",
        "assistant-class",
        "assistant",
        None,
        months_ago(1, 5),
        lambda w, m: good(),
        "new hire: scored but no pay float in the first two months",
    ),
    CastMember(
        "E0014",
        "朱军",
        "hotline",
        "five-tier",
        "agent",
        None,
        years_ago(6, 4),
        tier(lambda w, m: 86 if in_last(w, m) else 75),
        "five-tier promotion (junior to intermediate) at the last quarterly review",
    ),
    CastMember(
        "E0015",
        "胡佳",
        "frontdesk",
        "five-tier",
        "agent",
        None,
        months_ago(13, 15),
        tier(lambda w, m: 88),
        "five-tier eligible: averages above 80 but under 24 months in the company",
    ),
    CastMember(
        "E0016",
        "郭涛",
        "hotline",
        "five-tier",
        "agent",
        "intermediate",
        years_ago(4, 12),
        tier(lambda w, m: 42 if in_prev(w, m) else 62 if probation_month(w, m) else 76),
        "five-tier probation: quarter average below 50, down to junior, passes the probation month",
    ),
    CastMember(
        "E0017",
        "何勇",
        "frontdesk",
        "five-tier",
        "agent",
        "senior",
        years_ago(7, 6),
        tier(lambda w, m: 40 if in_prev(w, m) else 45 if probation_month(w, m) else 60 if in_last(w, m) else 75),
        "five-tier probation month still below 50: dismissal review",
    ),
    CastMember(
        "E0018",
        "林秀英",
        "hotline",
        "five-tier",
        "agent",
        "senior",
        years_ago(5, 19),
        tier(lambda w, m: 60 if in_last(w, m) else 76),
        "five-tier demotion (senior to intermediate) at the last quarterly review",
    ),
    CastMember(
        "E0019",
        "Jason Lin",
        "eshop",
        "ecommerce-kpi",
        "agent",
        None,
        years_ago(5, 14),
        shop(lambda w, m: SHOP_TOP if in_last(w, m) else SHOP_MID),
        "shop KPI promotion (junior to intermediate) at the last quarterly review",
    ),
    CastMember(
        "E0020",
        "高洁",
        "eshop",
        "ecommerce-kpi",
        "agent",
        "intermediate",
        years_ago(3, 7),
        shop(lambda w, m: SHOP_LOW if in_last(w, m) else SHOP_MID),
        "shop KPI demotion (intermediate to junior) at the last quarterly review",
    ),
    CastMember(
        "E0021",
        "罗敏",
        "frontdesk",
        "front-desk",
        "agent",
        None,
        years_ago(2, 14),
        _appearance,
        "front-desk appearance: -1 for each of 2 violations, all 5 points lost for 4 in the last month",
    ),
    CastMember(
        "E0022",
        "梁燕",
        "frontdesk",
        "front-desk",
        "agent",
        None,
        years_ago(3, 3),
        lambda w, m: MonthPlan(front_desk_values(0, 1 if w.offset(m) == 0 else 0, 95, 97)),
        "front-desk top score: bonus band 90+ (300 yuan); one meeting lapse (-2) in the last month",
    ),
    CastMember(
        "E0023",
        "宋涛",
        "frontdesk",
        "supervisor-kpi",
        "supervisor",
        "post-2",
        years_ago(6, 10),
        lambda w, m: MonthPlan(
            supervisor_values(complaints=2, lapses=1 if w.offset(m) == 0 else 0, team_average=88, suggestions=80)
        ),
        "supervisor scorecard (post-2, 1000 yuan post allowance); a complaint handled late in the last month (-10)",
    ),
    CastMember(
        "E0024",
        "韩雪",
        "hotline",
        "star-levels",
        "supervisor",
        "3-star",
        years_ago(5, 21),
        _promoted_supervisor,
        "promoted: a star agent until two months before the last, then on supervisor-kpi at post-1 (scheme timeline)",
        moves=("supervisor-kpi", PROMOTED_MONTHS_AGO, "post-1"),
    ),
    CastMember(
        "E0025",
        "唐静",
        "frontdesk",
        "placement",
        "assistant",
        None,
        months_ago(4, 9),
        _placed_on_hire(4, placement_values("bachelor", 2, "none", 3, "81.34")),
        "placed on hire: hard items 8, form 81.34 × 0.75 → 71.005, 助理二级 (assistant-2)",
    ),
    CastMember(
        "E0026",
        "冯磊",
        "frontdesk",
        "placement",
        "assistant",
        None,
        months_ago(3, 2),
        _placed_on_hire(
            3,
            placement_values("below-college", 0, "none", 0, "70"),
            placement_values("college", 1, "front-desk", 1, "80"),
        ),
        "not placed on hire (52.5, below 60), placed by the next month's form (68.75, 助理一级 assistant-1)",
    ),
)

OVERRIDE_ID = "E0007"
OVERRIDE_LEVEL = "3-star"
OVERRIDE_MONTHS_AGO = 3
OVERRIDE_REASON = "业绩突出、客户表扬多，经理破格提升 (outstanding; placed higher by hand)"
