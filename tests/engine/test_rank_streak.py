"""rank-streak (客服专员岗位晋级(D级转C级), seed 000 line 511): golden tests at each rule's boundary."""

from __future__ import annotations

from datetime import date

import pytest

from cstui.domain import Employee, Period
from cstui.domain.types import Scorecard
from cstui.engine.model import TeamHistory
from cstui.schemes import load_scheme

JAN = Period.parse("2026-01")


@pytest.fixture(scope="module")
def scheme():
    return load_scheme("rank-streak")


def card(kpi, complaints=0):
    """Only the KPI score differs: the ranking score is kpi / 4 + 12.5 + 22.5 + 27.5."""
    return {
        "kpi_score": str(kpi),
        "conversion": "0.5",
        "response_rate": "0.9",
        "unit_price_ratio": "1.1",
        "valid_complaints": str(complaints),
    }


def team(kpis_by_month, hired=date(2025, 1, 1), complaints=None):
    """``kpis_by_month``: one list of KPI scores per month from January (None: no card)."""
    size = len(kpis_by_month[0])
    members = [Employee(f"R{i}", f"客服{i}", "A", "agent", hired if i == 0 else date(2020, 1, 1)) for i in range(size)]
    cards = {e.id: {} for e in members}
    for offset, kpis in enumerate(kpis_by_month):
        month = JAN.shift(offset)
        for e, kpi in zip(members, kpis):
            if kpi is not None:
                count = (complaints or {}).get((e.id, offset), 0)
                cards[e.id][month] = Scorecard(e.id, month, card(kpi, count))
    return TeamHistory("A", members, cards)


def first(scheme, history, month):
    results = scheme.model.grade(scheme, history, Period.parse(month))
    return next(r for r in results if r.employee_id == "R0")


def test_three_months_in_the_top_three_promote_from_the_next_month(scheme):
    # seed 000 l.511: 连续三个月及以上 ... 排名前3名为通过; 次月薪资调整
    history = team([[80, 90, 85, 70]] * 3)
    r = first(scheme, history, "2026-03")
    assert (r.decision, r.level_before, r.level_after, r.rank) == ("promote", "D", "C", 3)
    assert r.trace[-1].endswith("→ D → C from 2026-04")
    assert first(scheme, history, "2026-02").decision == "stay"


def test_ties_rank_like_everywhere(scheme):
    # 1, 2, 2, 2: fewer than 3 score strictly higher, so a tie for 2nd with 2 others is in the top 3
    r = first(scheme, team([[80, 90, 80, 80]] * 3), "2026-03")
    assert r.decision == "promote" and "rank 2 of 4 (top 3)" in r.trace[-2]
    # 1, 1, 1, 4: the member behind a three-way tie for 1st is 4th
    r = first(scheme, team([[70, 90, 90, 90]] * 3), "2026-03")
    assert r.decision == "stay" and "rank 4 of 4 (below the top 3)" in r.trace[-1]


def test_dropping_to_fourth_restarts_the_count(scheme):
    # seed 000 l.511: 中间有断续绩效下降到第四名的为不通过,重新清空计算
    months = [[85, 90, 80, 70]] * 2 + [[60, 90, 80, 70]] + [[85, 90, 80, 70]] * 3
    history = team(months)
    assert first(scheme, history, "2026-03").trace[-1].endswith("the streak restarts")
    assert first(scheme, history, "2026-05").decision == "stay"
    assert first(scheme, history, "2026-06").decision == "promote"


def test_a_missing_month_restarts_the_count(scheme):
    months = [[85, 90, 80, 70]] * 2 + [[None, 90, 80, 70]] + [[85, 90, 80, 70]] * 2
    r = first(scheme, team(months), "2026-05")
    assert r.decision == "stay" and "2 month(s) in a row" in r.trace[-1]


@pytest.mark.parametrize(
    "hired, decision",
    [
        (date(2025, 4, 1), "promote"),  # seed 000 l.511 入职在岗工作一年以上: 12 complete months on 2026-04-01
        (date(2025, 4, 2), "eligible"),  # 11 complete months on 2026-04-01
    ],
)
def test_a_year_in_post_counts_complete_months_to_the_effective_month(scheme, hired, decision):
    r = first(scheme, team([[85, 90, 80, 70]] * 3, hired=hired), "2026-03")
    assert r.decision == decision and r.level_after == ("C" if decision == "promote" else "D")


def test_a_valid_complaint_in_the_last_three_months_blocks_until_it_falls_out(scheme):
    # seed 000 l.511: 最近3个月内没有因工作和服务质量被客户投诉的记录
    history = team([[85, 90, 80, 70]] * 5, complaints={("R0", 1): 1})  # a complaint in February
    march = first(scheme, history, "2026-03")
    assert (
        march.decision == "stay"
        and "valid complaints in the last 3 months (2026-01 0, 2026-02 1, 2026-03 0)" in march.trace[-1]
    )
    assert first(scheme, history, "2026-04").decision == "stay"  # February is still in Feb-Apr
    may = first(scheme, history, "2026-05")  # Mar-May are clean; the streak (5 months) goes on
    assert (may.decision, may.level_after) == ("promote", "C") and may.trace[-1].startswith("5 months in the top 3")


def test_c_is_the_top_of_the_ladder(scheme):
    history = team([[85, 90, 80, 70]] * 3)
    history.employees[0] = Employee("R0", "客服0", "A", "agent", date(2025, 1, 1), level="C")
    r = first(scheme, history, "2026-03")
    assert (r.decision, r.level_after) == ("stay", "C") and r.trace[-1].endswith("the top of the ladder")


def test_a_checkpoint_resumes_like_a_full_replay(scheme):
    from dataclasses import replace

    from cstui.engine.model import Checkpoint

    history = team([[85, 90, 80, 70]] * 2 + [[60, 90, 80, 70]] + [[85, 90, 80, 70]] * 4)
    state = scheme.model.checkpoint(scheme, history, Period.parse("2026-04"))
    later = {
        e: {m: c for m, c in cards.items() if m.ordinal > Period.parse("2026-04").ordinal}
        for e, cards in history.cards.items()
    }
    resumed = replace(history, cards=later, checkpoint=Checkpoint(Period.parse("2026-04"), state))
    for month in ("2026-05", "2026-06", "2026-07"):
        full = scheme.model.grade(scheme, history, Period.parse(month))
        assert scheme.model.grade(scheme, resumed, Period.parse(month)) == full
