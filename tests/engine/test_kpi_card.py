"""kpi-card schemes (seed 001 #2, #3, #7, #10, #11, #18; seed 000 for the post allowance) and the
deduction item kind: golden tests at every boundary."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.domain import Employee, Override, Period
from cstui.domain.types import Scorecard
from cstui.engine.deductions import APPEARANCE, DeductionItem
from cstui.engine.model import TeamHistory
from cstui.schemes import Problems, load_scheme

OCT = Period.parse("2026-10")
EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000"))
FRONT = {"appearance_violations": "0", "discipline_lapses": "0", "service": "100", "satisfaction": "1"}
SUPERVISOR = {
    "appearance_violations": "0",
    "complaints": "0",
    "complaint_lapses": "0",
    "team_average": "95",
    "suggestions": "100",
}
MANAGER = {
    "follow_up_rate": "1",
    "complaint_lapses": "0",
    "team_average": "95",
    "training_hours": "10",
    "conversion": "0.8",
    "process": "100",
}


def score(name, values, level=None):
    scheme = load_scheme(name)
    e = Employee("E1", "员工", "物业前台", "agent", date(2020, 1, 1), level=level)
    return scheme.model.score_month(scheme, e, Scorecard("E1", OCT, values))


# seed 001 #2: 仪容仪表(5分) 任一项违规1起,扣1,依次累加;当月发生3起以上,该分值全扣
@pytest.mark.parametrize("violations, points", [(0, 5), (1, 4), (3, 2), (4, 0), (10, 0)])
def test_front_desk_appearance_item(violations, points):
    ms = score("front-desk", {**FRONT, "appearance_violations": str(violations)})
    assert ms.score == 95 + points
    assert ms.trace[0].startswith("Appearance: ")


@given(st.integers(0, 10**6))
@settings(max_examples=EXAMPLES, deadline=None)
def test_appearance_rule_for_any_count(violations):
    points = APPEARANCE.score(violations)
    assert 0 <= points <= 5
    assert points == (0 if violations > 3 else 5 - violations)


def test_a_deduction_never_goes_below_zero():
    assert DeductionItem(D(30), D(10), None).score(4) == 0 and DeductionItem(D(30), D(10), None).score(2) == 10


def test_plan_and_form_weighs_the_plan_60_and_the_form_40():
    # seed 001 #3: 月工作计划占绩效考核权重60%, 本绩效考核表占权重40%; 自我评分20% 主管评分80%
    values = {
        "plan_completion": "1",
        "service_self": "0",
        "service": "100",
        "attitude_self": "100",
        "attitude": "0",
        "knowledge_self": "100",
        "knowledge": "100",
    }
    ms = score("plan-and-form", values)
    assert ms.score == 60 + D("0.8") * 15 + D("0.2") * 10 + 15  # 89
    assert "Work attitude: self 100 × 20% + supervisor 0 × 80% = 20 × 10% = 2" in ms.trace


# seed 001 #10: 一个月内客户投诉次数不超过5次 (30 分)
@pytest.mark.parametrize("complaints, points", [(0, 30), (5, 30), (6, 0)])
def test_supervisor_complaints_at_most_five(complaints, points):
    assert score("supervisor-kpi", {**SUPERVISOR, "complaints": str(complaints)}, "post-1").score == 70 + points


# seed 001 #18: 2小时内响应,3个工作日解决 ... 任一项没有满足扣10分
@pytest.mark.parametrize("lapses, points", [(0, 30), (1, 20), (3, 0), (4, 0)])
def test_complaint_handling_loses_ten_per_lapse(lapses, points):
    values = {**SUPERVISOR, "complaints": str(lapses), "complaint_lapses": str(lapses)}
    assert score("supervisor-kpi", values, "post-1").score == 70 + points
    assert score("manager-kpi", {**MANAGER, "complaint_lapses": str(lapses)}).score == 70 + points


# domain (seed 001 #18's scale): team score above 90 → 20, above 85 → 10, above 80 → 5
@pytest.mark.parametrize(
    "team, points", [("100", 20), ("90", 20), ("89.999", 10), ("85", 10), ("84.99", 5), ("80", 5), ("79.99", 0)]
)
def test_team_score_of_supervisors_and_managers(team, points):
    ms = score("supervisor-kpi", {**SUPERVISOR, "team_average": team}, "post-1")
    assert ms.score == 80 + points
    assert score("manager-kpi", {**MANAGER, "team_average": team}).score == 80 + points


@pytest.mark.parametrize(
    "field, value, points",
    [
        ("follow_up_rate", "1", 5),
        ("follow_up_rate", "0.9", D("2.5")),
        ("follow_up_rate", "0.8999", 0),  # #18 客户回访
        ("training_hours", "10", 5),
        ("training_hours", "9.5", 3),
        ("training_hours", "6", 3),
        ("training_hours", "5.9", 0),  # #18 客服培训
        ("conversion", "0.8", 20),
        ("conversion", "0.7999", 10),
        ("conversion", "0.6", 10),
        ("conversion", "0.5999", 0),  # #11 咨询转化率
    ],
)
def test_manager_items(field, value, points):
    full = {"follow_up_rate": 5, "training_hours": 5, "conversion": 20}[field]
    assert score("manager-kpi", {**MANAGER, field: value}).score == 100 - full + points


# seed 000 l.269/277: 客服主管每月有固定的500、1000、1500元岗位工资补贴 ... 不变仍然享受
@pytest.mark.parametrize("level, allowance", [("post-1", 500), ("post-2", 1000), ("post-3", 1500)])
def test_supervisor_post_allowance_is_a_pay_line(level, allowance):
    ms = score("supervisor-kpi", SUPERVISOR, level)
    assert ms.pay_delta == 300 + allowance
    assert f"post allowance ({level}): +{allowance} yuan a month" in ms.trace[-2]


def test_the_allowance_follows_an_override_and_never_the_score():
    scheme = load_scheme("supervisor-kpi")
    e = Employee("S1", "王主管", "A", "supervisor", date(2020, 1, 1), level="post-1")
    low = {**SUPERVISOR, "complaints": "9", "complaint_lapses": "3", "team_average": "50", "suggestions": "0"}
    cards = {OCT.shift(i): Scorecard("S1", OCT.shift(i), low) for i in range(3)}
    ov = Override("S1", OCT.next(), "post-3", "grade 3 post from November", "li.manager")
    history = TeamHistory("A", [e], {"S1": cards}, {"S1": [ov]})
    october, november = (scheme.model.grade(scheme, history, m)[0] for m in (OCT, OCT.next()))
    assert (october.score, october.pay_delta, october.level_after) == (5, 450, "post-1")  # -50 bonus + 500
    assert (november.pay_delta, november.level_after) == (1450, "post-3")


def test_bonus_bands_on_the_exact_score():
    # seed 001 #15: 90-100 → 300, 80-89 → 200; 89.9925 is below 90
    values = {**FRONT, "service": "99.99", "satisfaction": "0.7998"}  # 15 + 44.9955 + 31.992
    ms = score("front-desk", values)
    assert ms.score == D("91.9875") and ms.pay_delta == 300
    values = {**FRONT, "appearance_violations": "2", "service": "99.99", "satisfaction": "0.7998"}
    ms = score("front-desk", values)
    assert ms.score == D("89.9875") and ms.pay_delta == 200 and "score = 89.99" in ms.trace


def test_a_missing_month_is_flagged():
    scheme = load_scheme("front-desk")
    e = Employee("F1", "前台", "物业前台", "agent", date(2026, 8, 1))
    history = TeamHistory("物业前台", [e], {"F1": {OCT: Scorecard("F1", OCT, FRONT)}})
    (r,) = scheme.model.grade(scheme, history, OCT.next())
    assert r.decision == "missing" and r.flags == ["missing 2026-11"]


def problems_of(name, change):
    scheme = load_scheme(name)
    params = {**scheme.params, "score": {**scheme.params["score"], **change}}
    problems = Problems("x.toml")
    scheme.model.check(params, problems)
    return problems.lines


def test_scheme_check_of_parts_blend_and_item_kinds():
    assert problems_of("plan-and-form", {"parts": {"plan": 60, "form": 45}}) == [
        "x.toml: score.parts.form: the items of part 'form' weigh 40, expected 45"
    ]
    assert problems_of("plan-and-form", {"blend": {"self": 30, "supervisor": 80}}) == [
        "x.toml: score.blend: self + supervisor must be 100, got 110"
    ]
    bad = [{"key": "a", "kind": "deduction", "metric": "service", "points": 5, "per": 1}]
    assert problems_of("front-desk", {"items": bad}) == [
        "x.toml: score.items[0].metric: a deduction counts violations: metric 'service' must be a count, not rating"
    ]


@pytest.mark.parametrize("complaints, lapses, refused", [("2", "2", False), ("2", "3", True), ("0", "0", False)])
def test_the_supervisor_card_check_refuses_more_late_complaints_than_complaints(complaints, lapses, refused):
    from cstui.engine.cards import card_problems

    scheme = load_scheme("supervisor-kpi")
    problems = card_problems(
        scheme, Scorecard("S1", OCT, {**SUPERVISOR, "complaints": complaints, "complaint_lapses": lapses})
    )
    assert [str(p) for p in problems] == (
        ["complaint_lapses: expected at most complaints (2), got 3"] if refused else []
    )


def test_scheme_check_of_the_card_rule():
    scheme = load_scheme("supervisor-kpi")
    problems = Problems("x.toml")
    scheme.model.check({**scheme.params, "card": {"at_most": {"complaint_lapses": "team_average"}}}, problems)
    assert problems.lines == [
        "x.toml: card.at_most.complaint_lapses: expected the key of a metric of the same numeric kind as 'complaint_lapses', got 'team_average'"
    ]
