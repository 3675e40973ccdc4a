"""placement (客服部岗位定级标准, seed 000 lines 684-709): golden tests at every rule's boundary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from cstui.domain import Employee, Override, Period, ValueProblem
from cstui.domain.types import Scorecard
from cstui.engine.cards import card_problems
from cstui.engine.model import TeamHistory
from cstui.schemes import Problems, load_scheme
from cstui_plugins.placement import place

HIRED = date(2026, 3, 9)
MARCH = Period.parse("2026-03")
# hard items (seed 000 l.684-687): 0 points; 8 points (bachelor 3, 2 years 2, 3 certificates);
# 18 points (above bachelor 5, 5 years 5, both posts 5, 3 certificates); 20 (the most)
HARD = {
    0: {"education": "below-college", "experience_years": "0", "post": "none", "certificates": "0"},
    8: {"education": "bachelor", "experience_years": "2", "post": "none", "certificates": "3"},
    18: {"education": "above-bachelor", "experience_years": "5", "post": "both", "certificates": "3"},
    20: {"education": "above-bachelor", "experience_years": "12", "post": "both", "certificates": "7"},
}
RATED = ("courtesy", "teamwork", "responsibility", "discipline", "service", "skills")


@pytest.fixture(scope="module")
def scheme():
    return load_scheme("placement")


def values(hard: int, form: str) -> dict[str, str]:
    """Items 6-11 all rated ``form``: the form's total is ``form`` (weights 17×4 + 16×2 = 100)."""
    return {**HARD[hard], **{key: form for key in RATED}}


def grade(scheme, cards, period="2026-03", level=None, overrides=()):
    e = Employee("H1", "新员工", "物业前台", "agent", HIRED, level=level)
    history = TeamHistory("物业前台", [e], {"H1": cards}, {"H1": list(overrides)})
    (result,) = scheme.model.grade(scheme, history, Period.parse(period))
    return result


# seed 000 l.684: 实际得分=(总分*0.75); l.694-701 (filled: 60-63/63-65 read as 60-65): the ladder
@pytest.mark.parametrize(
    "hard, form, score, level",
    [
        (0, "79.99", "59.9925", None),  # below 60: not placed
        (0, "80", "60", "assistant"),  # 助理 (60-65)
        (0, "87.99", "65.9925", "assistant"),
        (0, "88", "66", "assistant-1"),  # 助理一级 (66-70)
        (8, "81.32", "70.99", "assistant-1"),
        (8, "81.34", "71.005", "assistant-2"),  # 助理二级 (71-80)
        (18, "77.99", "80.9925", "assistant-2"),
        (18, "78", "81", "assistant-3"),  # 助理三级 (81-85)
        (18, "84.66", "85.995", "assistant-3"),
        (18, "84.67", "86.0025", "assistant-4"),  # 助理四级 (86-90)
        (18, "91.33", "90.9975", "assistant-4"),
        (18, "91.34", "91.005", "assistant-5"),  # 助理五级 (91-95)
        (18, "97.99", "95.9925", "assistant-5"),
        (18, "98", "96", "assistant-6"),  # 助理六级 (96-100)
        (20, "100", "100", "assistant-6"),  # the most: hard 20 / 20 × 25 + 100 × 0.75
    ],
)
def test_ladder_boundaries_through_grade_and_place(scheme, hard, form, score, level):
    r = grade(scheme, {MARCH: Scorecard("H1", MARCH, values(hard, form))})
    assert r.score == D(score)
    assert r.level_before == "unplaced"
    assert (r.decision, r.level_after) == (("placed", level) if level else ("not-placed", "unplaced"))
    assert place(scheme, values(hard, form))[:2] == (D(score), level)


def test_exact_score_is_shown_on_its_side(scheme):
    r = grade(scheme, {MARCH: Scorecard("H1", MARCH, values(0, "87.99"))})
    assert r.trace[-1] == "score 65.9925 >= 60, < 66 → assistant"
    r = grade(scheme, {MARCH: Scorecard("H1", MARCH, values(0, "79.99"))})
    assert r.trace[-1] == "score 59.9925 < 60 → not placed" and r.flags == ["not-placed"]


@pytest.mark.parametrize(
    "field, value, points",
    [
        # seed 000 l.685: 大专以下0分、大专1分、本科3分、本科以上5分
        ("education", "below-college", 0),
        ("education", "college", 1),
        ("education", "bachelor", 3),
        ("education", "above-bachelor", 5),
        # seed 000 l.686: 粤点轩2分、前台4分、两者均胜任5分 (none: 0, filled)
        ("post", "none", 0),
        ("post", "yuedianxuan", 2),
        ("post", "front-desk", 4),
        ("post", "both", 5),
        # seed 000 l.686: 每个证书1分,最高5分
        ("certificates", "0", 0),
        ("certificates", "1", 1),
        ("certificates", "5", 5),
        ("certificates", "6", 5),
        # seed 000 l.699 (columns; points filled): < 1 year 0, 1 year (含一年) 1, 2-3 years 2, 3-5 years 4, 5+ 5
        ("experience_years", "0.99", 0),
        ("experience_years", "1", 1),
        ("experience_years", "2", 2),
        ("experience_years", "3", 4),
        ("experience_years", "4.99", 4),
        ("experience_years", "5", 5),
    ],
)
def test_hard_items(scheme, field, value, points):
    base = values(0, "80")  # 60 from the form; every hard point adds 1.25 (20 points scaled to 25)
    score, _, trace = place(scheme, {**base, field: value})
    assert score == 60 + D(points) * D("1.25")
    assert any(line.endswith(f"→ {points}") or line.endswith(f"→ {points} (at most 5)") for line in trace)


def test_no_height_or_looks_item_is_asked(scheme):
    keys = {spec.key for spec in scheme.model.metrics(scheme)}
    assert keys == {"education", "experience_years", "post", "certificates", *RATED}


def test_the_card_check_refuses_an_unknown_choice(scheme):
    card = Scorecard("H1", MARCH, {**values(0, "80"), "education": "phd"})
    (problem,) = card_problems(scheme, card)
    assert problem.field == "education" and "below-college, college, bachelor, above-bachelor" in problem.reason
    with pytest.raises(ValueProblem, match="education: expected one of"):
        place(scheme, card.values)


def test_place_names_every_missing_field_and_no_person(scheme):
    with pytest.raises(ValueProblem) as exc:
        place(scheme, {"education": "college"})
    assert "post: required" in str(exc.value) and "H1" not in str(exc.value)


def test_a_later_card_changes_nothing_and_the_level_holds(scheme):
    april = MARCH.next()
    cards = {MARCH: Scorecard("H1", MARCH, values(0, "88")), april: Scorecard("H1", april, values(20, "100"))}
    r = grade(scheme, cards, "2026-04")
    assert (r.decision, r.level_before, r.level_after) == ("none", "assistant-1", "assistant-1")
    assert r.trace[-1].startswith("placed in 2026-03 as assistant-1: this card changes nothing")
    assert (
        scheme.model.levels(scheme, TeamHistory("x", [Employee("H1", "n", "x", "agent", HIRED)], {"H1": cards}), april)[
            "H1"
        ][-1][1]
        == "assistant-1"
    )


def test_not_placed_then_placed_by_a_second_card(scheme):
    april = MARCH.next()
    cards = {MARCH: Scorecard("H1", MARCH, values(0, "70")), april: Scorecard("H1", april, values(0, "80"))}
    r = grade(scheme, cards, "2026-04")
    assert (r.decision, r.level_before, r.level_after) == ("placed", "unplaced", "assistant")


def test_an_override_places_by_hand(scheme):
    ov = Override("H1", MARCH, "assistant-3", "manager placed", "li.manager")
    r = grade(scheme, {MARCH: Scorecard("H1", MARCH, values(0, "70"))}, overrides=[ov])
    assert (r.decision, r.level_after) == ("none", "assistant-3") and "override" in r.flags


def test_scheme_check_names_bad_ladder_and_items(scheme):
    params = dict(scheme.params)
    params["placement"] = {
        **params["placement"],
        "levels": [{"level": "assistant", "from": 70}, {"level": "assistant-1", "from": 66}],
        "hard": [{"metric": "education", "options": {"a": -1}}],
        "form_factor": 0,
    }
    problems = Problems("x.toml")
    scheme.model.check(params, problems)
    text = "\n".join(problems.lines)
    assert "placement.levels[1].from: expected above 70" in text
    assert "placement.hard[0].options" in text and "placement.form_factor: expected a number above 0" in text


def test_a_quarter_reports_the_placement_made_in_it(scheme):
    r = grade(scheme, {MARCH: Scorecard("H1", MARCH, values(0, "88"))}, "2026-Q1")
    assert (r.decision, r.level_before, r.level_after) == ("placed", "unplaced", "assistant-1")
