"""Band tables, bonus bands, weighted items and the self/supervisor blend."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from cstui.engine.bands import load_band_table
from cstui.engine.bonus import bonus_for, load_bonus
from cstui.engine.weighted import blend, load_blend, load_items, weighted_total
from cstui.schemes import Problems

CONVERSION = {
    "better": "higher",
    "bands": [
        {"from": 0.60, "points": 30},
        {"from": 0.50, "to": 0.60, "points": 26},
        {"to": 0.50, "points": 0},
    ],
}
FIRST_RESPONSE = {
    "better": "lower",
    "bands": [
        {"to": 6, "points": 20},
        {"from": 6, "to": 12, "points": 15},
        {"from": 12, "points": 0},
    ],
}
BONUS = {
    "better": "higher",
    "bands": [
        {"from": 90, "amount": 300},
        {"from": 80, "to": 90, "amount": 200},
        {"from": 70, "to": 80, "amount": 100},
        {"from": 60, "to": 70, "amount": 0},
        {"to": 60, "amount": -50},
    ],
}


def table(data, value_key="points"):
    problems = Problems("t.toml")
    compiled = load_band_table(data, "score.bands.x", problems, value_key)
    assert not problems, problems.lines
    return compiled


def problems_of(data, value_key="points"):
    problems = Problems("t.toml")
    assert load_band_table(data, "score.bands.x", problems, value_key) is None
    return problems.lines


@pytest.mark.parametrize(
    "value, points",
    [("0.60", 30), ("0.5999", 26), ("1", 30), ("0.50", 26), ("0.4999", 0), ("0", 0)],
)
def test_higher_is_better_lower_bound_is_inclusive(value, points):
    assert table(CONVERSION).lookup(D(value)) == points


@pytest.mark.parametrize(
    "value, points",
    [("6", 20), ("6.01", 15), ("0", 20), ("12", 15), ("12.01", 0), ("500", 0)],
)
def test_lower_is_better_upper_bound_is_inclusive(value, points):
    assert table(FIRST_RESPONSE).lookup(D(value)) == points


def test_describe_shows_the_band_condition():
    conversion = table(CONVERSION)
    assert conversion.describe(conversion.band_of(D("0.62")), "rate") == ">= 60%"
    assert conversion.describe(conversion.band_of(D("0.55")), "rate") == ">= 50%, < 60%"
    response = table(FIRST_RESPONSE)
    assert response.describe(response.band_of(D("6")), "seconds") == "<= 6s"
    assert response.describe(response.band_of(D("7")), "seconds") == "> 6s, <= 12s"
    assert response.describe(response.band_of(D("13")), "seconds") == "> 12s"


def test_a_gap_between_bands_is_reported_with_its_key_path():
    data = {
        "better": "higher",
        "bands": [{"from": 0.6, "points": 30}, {"from": 0.5, "to": 0.55, "points": 26}, {"to": 0.5, "points": 0}],
    }
    (line,) = problems_of(data)
    assert line.startswith("t.toml: score.bands.x.bands[1]: gap between 0.55 and 0.6")


def test_overlapping_bands_are_reported():
    data = {
        "better": "lower",
        "bands": [{"to": 6, "points": 20}, {"from": 5, "to": 12, "points": 15}, {"from": 12, "points": 0}],
    }
    (line,) = problems_of(data)
    assert "score.bands.x.bands[1]: overlaps band 0" in line


def test_bands_listed_worst_first_are_refused():
    data = {"better": "higher", "bands": list(reversed(CONVERSION["bands"]))}
    lines = problems_of(data)
    assert any("bands[0]: the best band must have no 'to'" in line for line in lines)


def test_band_with_wrong_types_and_unknown_direction():
    data = {"better": "up", "bands": [{"from": "60%", "points": 30}, {"to": 0.6, "points": "x"}]}
    lines = problems_of(data)
    assert 't.toml: score.bands.x.better: expected "higher" or "lower", got \'up\'' in lines
    assert any("bands[0].from: expected a number" in line for line in lines)
    assert any("bands[1].points: expected a number" in line for line in lines)


def test_from_must_be_below_to():
    data = {
        "better": "higher",
        "bands": [{"from": 0.6, "points": 30}, {"from": 0.6, "to": 0.5, "points": 1}, {"to": 0.5, "points": 0}],
    }
    assert any("bands[1]: 'from' (0.6) must be below 'to' (0.5)" in line for line in problems_of(data))


@pytest.mark.parametrize(
    "score, amount",
    [
        ("100", 300),
        ("90", 300),
        ("89.99", 200),
        ("89.5", 200),
        ("80", 200),
        ("79.99", 100),
        ("70", 100),
        ("69.9", 0),
        ("60", 0),
        ("59.99", -50),
        ("0", -50),
    ],
)
def test_bonus_bands_are_lower_bound_inclusive(score, amount):
    problems = Problems("t.toml")
    bonus = load_bonus(BONUS, "bonus", problems)
    value, line = bonus_for(bonus, D(score))
    assert value == amount
    assert line.startswith(f"bonus: score {score}")


def test_bonus_bands_must_grade_higher_scores_better():
    problems = Problems("t.toml")
    data = {"better": "lower", "bands": [{"to": 60, "amount": 300}, {"from": 60, "amount": 0}]}
    assert load_bonus(data, "bonus", problems) is None
    assert problems.lines == ['t.toml: bonus.better: bonus bands grade the score: expected "higher"']


METRICS = {"follow_up_rate": {"kind": "rate"}, "handling": {"kind": "rating"}, "notes": {"kind": "text"}}


def test_weighted_items_rate_scores_times_100():
    problems = Problems("t.toml")
    items = load_items({"follow_up_rate": {"weight": 40}, "handling": {"weight": 60}}, "score.items", METRICS, problems)
    total, trace = weighted_total(items, {"follow_up_rate": D("0.9"), "handling": D("70")})
    assert total == D("78")  # 90 × 40% + 70 × 60%
    assert trace[0] == "follow_up_rate 90% → 90 × 40% = 36"


@pytest.mark.parametrize(
    "items, message",
    [
        (
            {"follow_up_rate": {"weight": 40}, "handling": {"weight": 50}},
            "score.items: weights must sum to 100, got 90",
        ),
        (
            {"follow_up_rate": {"weight": 100}, "missing": {"weight": 0}},
            "score.items.missing.weight: expected a positive weight",
        ),
        ({"notes": {"weight": 100}}, "score.items.notes: metric 'notes' has kind 'text'"),
        ({"nothing": {"weight": 100}}, "score.items.nothing: no metric 'nothing'"),
    ],
)
def test_weighted_item_problems(items, message):
    problems = Problems("t.toml")
    assert load_items(items, "score.items", METRICS, problems) is None
    assert any(line.startswith(f"t.toml: {message}") for line in problems.lines), problems.lines


def test_self_supervisor_blend():
    problems = Problems("t.toml")
    self_weight, supervisor_weight = load_blend({"self": 20, "supervisor": 80}, "blend", problems)
    assert blend(D(100), D(50), self_weight, supervisor_weight) == D(60)
    assert load_blend({"self": 30, "supervisor": 80}, "blend", problems) is None
    assert problems.lines == ["t.toml: blend: self + supervisor must be 100, got 110"]


def test_a_remembered_description_is_the_band_s_own():
    """describe() remembers each band's text (a trace describes the same bands for everyone):
    asked again, by a table of the other direction, in another kind or for a band equal in value
    but signed otherwise, each gets its own text."""
    from cstui.engine.bands import Band, BandTable

    band = Band(D("-0"), D("6"), D("1"))
    higher, lower = BandTable("higher", (band,)), BandTable("lower", (band,))
    for _ in range(2):
        assert higher.describe(band, "seconds") == "< 6s" and lower.describe(band, "seconds") == "> -0s, <= 6s"
        assert lower.describe(band) == "> -0, <= 6"
    twin = Band(D("0"), D("6"), D("1"))  # equal to band, shown apart
    assert BandTable("lower", (twin,)).describe(twin) == "> 0, <= 6"
    for value in ("0.62", "0.55", "0.10"):
        conversion = table(CONVERSION)
        chosen = conversion.band_of(D(value))
        assert conversion.describe(chosen, "rate") == conversion._described(chosen, "rate")
