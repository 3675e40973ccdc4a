"""five-tier's resumed month graded a team at once (``grade_columns``, issue 14) against the
per-card reference, for both schemes the model runs (five-tier: weighted items; ecommerce-kpi:
band tables, capped).

A random team's months up to the month before are graded with ``--apply``'s path (the per-card
reference) to get the checkpoint a real apply stores (encoded to JSON and decoded, as the store
reads it back); the month (2026-11, inside a quarter; 2026-12, closing Q4 with its review) is
then graded resuming from it, with the column-wise rows on and off (``model.skims = False``:
every row per card). Values on the review bars, the bonus and band edges and the dismissal bar,
typed with and without trailing zeros and as percentages, refused cards, cards with incidents,
missing months, overrides in and before the month, probation months, hires around a tenure's
anniversary, levels at both ends of the ladder, varied bars, weights, probation lengths and cap:
the results must be the same in every field, the score's digits included, with traces (asked:
the per-card path builds them) and without.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.domain import Employee, Incident, Override, Period, Scorecard
from cstui.engine.cards import UNREADABLE
from cstui.engine.replay import line
from cstui.grading import grade_team
from cstui.plugins import PluginFailure
from cstui.schemes import load_scheme
from resumed_support import resumed
from skims_support import reference

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "1000"))
M = Period.parse
GRADED = [M("2026-11"), M("2026-12")]  # inside a quarter; closing one (its review)
MONTHS = [M("2026-01").shift(i) for i in range(12)]
LADDER = ["junior", "intermediate", "senior", "principal", "expert"]
FIVE, SHOP = load_scheme("five-tier"), load_scheme("ecommerce-kpi")

# a rate and a rating that make an item score on a bar (80, 70, 50) or a bonus edge (90, 60),
# a hair either side, with trailing zeros (their digits show in the score), as a percentage
RATES = ["0.80", "0.8", "0.800", "0.7999", "0.8001", "0.70", "0.7", "0.5", "0.50", "0.90", "0.6", "1", "0", "80%"]
RATINGS = ["80", "80.0", "79.99", "80.01", "70", "50", "50.00", "90", "60", "100", "0", " 85 ", "69.995"]
# ecommerce-kpi's band edges, on them and a hair either side
SHOP_VALUES = {
    "conversion": ["0.60", "0.6", "0.5999", "0.50", "0.45", "0.38", "0.3799", "0.7", "0", "45%"],
    "unit_price_ratio": ["1.35", "1.25", "1.16", "1.10", "1.1", "1.0999", "1.3500", "2", "0"],
    "first_response_s": ["6", "6.0", "6.01", "12", "20", "30", "30.5", "5", "0"],
    "avg_response_s": ["30", "30.01", "35", "45", "55", "55.5", "20", "60"],
    "satisfaction": ["0.90", "0.9", "0.80", "0.7999", "0.60", "0.5", "1"],
}
ODD = ["-0.1", "1.5", "abc", "", "1e5", "110", "-5", "12,5"]
# a tier's tenure (24, 36, 48, 60 months) complete on the first day after a review, or a day short
HIRED = [
    date(2020, 3, 1),
    date(2022, 1, 1),
    date(2023, 1, 1),
    date(2024, 1, 1),
    date(2024, 10, 1),
    date(2024, 12, 1),
    date(2024, 12, 2),
    date(2025, 1, 1),
    date(2025, 1, 31),
]
# every item scoring the same, on a bar (review, bonus, dismissal, the varied ones) in its typings
ON_BARS = [
    ("0.80", "80"),
    ("0.8", "80.0"),
    ("80%", "80"),
    ("0.70", "70"),
    ("0.5", "50"),
    ("0.60", "60"),
    ("0.90", "90"),
    ("0.795", "79.5"),
    ("0.7225", "72.25"),
    ("0.69995", "69.995"),
]


def five_values(draw) -> dict:
    keys = ["follow_up_rate", "satisfaction", "handling", "training", "attendance"]
    level = draw(st.integers(0, 3))  # low, mixed or high scorers (reviews go all ways), or on a bar
    if level == 3:
        rate, rating = draw(st.sampled_from(ON_BARS))
        return dict(zip(keys, [rate, rate, rating, rating, rate], strict=True))
    rates = [RATES[5:9], RATES, RATES[:5] + RATES[9:]][level]
    ratings = [RATINGS[4:7], RATINGS, RATINGS[:4] + RATINGS[7:]][level]
    kinds = [rates, rates, ratings, ratings, rates]
    return {key: draw(st.sampled_from(kind)) for key, kind in zip(keys, kinds, strict=True)}


def card_values(draw, scheme) -> dict:
    if scheme.params["score"]["method"] == "weighted":
        return five_values(draw)
    return {key: draw(st.sampled_from(texts)) for key, texts in SHOP_VALUES.items()}


@st.composite
def card(draw, scheme, employee_id: str, month: Period, steady: dict | None) -> Scorecard:
    """A card (``steady``: these values, as a steady scorer's every month) or a refused one."""
    values = dict(steady) if steady is not None else card_values(draw, scheme)
    shape = draw(st.integers(0, 40))
    if shape == 0:
        values[draw(st.sampled_from(sorted(values)))] = draw(st.sampled_from(ODD))
    elif shape == 1:
        del values[draw(st.sampled_from(sorted(values)))]
    elif shape == 2:
        values[UNREADABLE] = "{not json"
    elif shape == 3:
        values["note"] = "not a field of the scheme"
    incidents = [Incident(employee_id, month.first_day, "late")] if shape == 4 else []
    return Scorecard(employee_id, month, values, incidents, 1)


@st.composite
def team(draw, scheme, graded: Period):
    """(employees, cards by id and month, overrides by id)."""
    employees, cards, overrides = [], {}, {}
    for i in range(draw(st.integers(1, 8))):
        eid = f"E{i}"
        hired = draw(
            st.one_of(
                st.sampled_from(HIRED),
                st.dates(date(2025, 6, 1), date(2026, 8, 31)),
                st.dates(date(2026, 9, 1), graded.first_day),
            )
        )
        level = draw(st.sampled_from([None, None, *LADDER, "no-such-level"]))
        status = draw(st.sampled_from(["active", "active", "active", "inactive"]))
        employees.append(Employee(eid, f"n{i}", "T", "agent", hired, status, None, scheme.name, level))
        gaps = draw(st.sets(st.sampled_from([*MONTHS, graded]), max_size=2 if draw(st.booleans()) else 12))
        # a steady scorer's quarter averages its one score: on a bar, exactly
        steady = card_values(draw, scheme) if draw(st.booleans()) else None
        cards[eid] = {
            m: draw(card(scheme, eid, m, steady))
            for m in [*MONTHS[: graded.ordinal - MONTHS[0].ordinal], graded]
            if m not in gaps
        }
        if draw(st.integers(0, 6)) == 0:
            month = draw(st.sampled_from([MONTHS[-4], graded.shift(-1), graded]))
            overrides[eid] = [Override(eid, month, draw(st.sampled_from(LADDER)), "by hand", "boss")]
    return employees, cards, overrides


@st.composite
def schemes(draw):
    """A shipped scheme as it is, or with other bars, probation, tenure, weights or cap."""
    scheme = draw(st.sampled_from([FIVE, SHOP]))
    if draw(st.booleans()):
        return scheme
    params = copy.deepcopy(scheme.params)
    review = params["review"]
    review["promote_above"] = draw(st.sampled_from([80, 79.5, 85]))
    review["demote_below"] = draw(st.sampled_from([70, 72.25, 79.5]))
    review["probation_below"] = draw(st.sampled_from([50, 60, 69.995]))
    review["dismissal_below"] = draw(st.sampled_from([50, 65, 80]))
    review["probation_months"] = draw(st.integers(0, 3))
    review["min_tenure_months"] = dict(review["min_tenure_months"], intermediate=draw(st.sampled_from([0, 6, 24])))
    if params["score"]["method"] == "weighted" and draw(st.booleans()):
        weights = draw(st.sampled_from([[20.5, 19.5, 25, 25, 10], [20.0, 20.0, 25.00, 25, 10.0]]))
        for item, weight in zip(params["score"]["items"].values(), weights, strict=True):
            item["weight"] = weight
    if params["score"]["method"] == "bands":
        params["score"]["max"] = draw(st.sampled_from([110, 100, 95.5]))
    return dataclasses.replace(scheme, params=params)


def records(results) -> list:
    return [(r.as_record(True), str(r.score), str(r.pay_delta), r.rank) for r in results]


@st.composite
def cases(draw, months: list[Period] = GRADED):
    """A scheme, a month of ``months`` to grade, and a team drawn for both."""
    scheme, graded = draw(schemes()), draw(st.sampled_from(months))
    return scheme, graded, draw(team(scheme, graded))


@settings(max_examples=max(EXAMPLES // 4, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_the_column_wise_month_gives_the_references_results(case):
    scheme, graded, drawn = case
    history = resumed(scheme, graded, *drawn)
    for explain in (False, True):
        fast, _ = grade_team(scheme, history, graded, apply=False, explain=explain)
        with reference(scheme.model):
            slow, _ = grade_team(scheme, history, graded, apply=False, explain=explain)
        assert records(fast) == records(slow), explain
        assert fast == slow


def graded_with_splits(monkeypatch, scheme, history, graded):
    """The month's results, the reference's, and the split (rows graded column-wise and those left)."""
    import cstui.grading as grading

    splits = []
    real = grading.split_by_columns

    def spy(*args, **kwargs):
        split = real(*args, **kwargs)
        splits.append(split)
        return split

    monkeypatch.setattr(grading, "split_by_columns", spy)
    fast, _ = grade_team(scheme, history, graded, apply=False, explain=False)
    with reference(scheme.model):
        slow, _ = grade_team(scheme, history, graded, apply=False, explain=False)
    return fast, slow, splits[0]


FLAT = {
    "five-tier": lambda score: {
        "follow_up_rate": f"{score / 100:.2f}",
        "satisfaction": f"{score / 100:.2f}",
        "handling": str(score),
        "training": str(score),
        "attendance": f"{score / 100:.2f}",
    },
    # 30 + 20 + 20 + 10 + 30 = 110 (capped at 110), 26 + 12 + 20 + 6 + 0 = 64, 16 + 10 + 10 + 6 + 15 = 57
    "ecommerce-kpi": lambda score: dict(
        zip(
            SHOP_VALUES,
            {90: ["0.7", "1.4", "5", "20", "0.95"], 65: ["0.50", "1.16", "6", "50", "0.5"]}.get(
                score, ["0.40", "1.12", "25", "50", "0.70"]
            ),
            strict=True,
        )
    ),
}


def plain_team(scheme, graded: Period, scores: list[int], levels: list[str], hired: list[date]):
    """(the scheme with probation under 60 for 2 months, employees, cards from July on)."""
    employees = [
        Employee(f"E{i}", f"n{i}", "T", "agent", day, level=lv)
        for i, (lv, day) in enumerate(zip(levels, hired, strict=True))
    ]
    cards = {}
    for e, score in zip(employees, scores, strict=True):
        cards[e.id] = {
            m: Scorecard(e.id, m, FLAT[scheme.name](score))
            for m in [*MONTHS[6:], graded]
            if m.ordinal <= graded.ordinal
        }
    params = copy.deepcopy(scheme.params)
    params["review"].update(probation_months=2, probation_below=60, dismissal_below=60)
    return dataclasses.replace(scheme, params=params), employees, cards


def test_the_column_wise_month_grades_the_plain_rows_and_leaves_the_rest(monkeypatch):
    """The property above compares two paths only if the rows are really graded column-wise: a
    plain team's rows are, in a month inside a quarter (none goes per card, a probation month
    and a missing card included); a refused card and an override in the month are left to the
    per-card path, and still graded alike."""
    graded = GRADED[0]
    for scheme in (FIVE, SHOP):
        # a low quarter for E0 and E1 (below 60: probation from October), high for the rest
        scheme, employees, cards = plain_team(scheme, graded, [40, 40, 90, 90, 90], LADDER, [date(2020, 1, 1)] * 5)
        del cards["E2"][graded]
        fast, slow, split = graded_with_splits(
            monkeypatch, scheme, resumed(scheme, graded, employees, cards, {}), graded
        )
        assert fast == slow
        assert len(split.graded) == 5 and [row for row in split.graded if isinstance(row, str)] == []
        assert [r.decision for r in fast] == ["dismissal-review", "dismissal-review", "missing", "none", "none"]
        cards["E0"][graded] = Scorecard("E0", graded, dict(FLAT[scheme.name](90), conversion="x", handling="x"))
        history = resumed(
            scheme, graded, employees, cards, {"E1": [Override("E1", graded, "senior", "by hand", "boss")]}
        )
        fast, slow, split = graded_with_splits(monkeypatch, scheme, history, graded)
        assert fast == slow and fast[0].decision == "invalid"
        assert [row for row in split.graded if isinstance(row, str)] == ["E0", "E1"]


def test_the_column_wise_month_grades_a_quarters_review(monkeypatch):
    """A month closing a quarter: the review's every decision, on the plain rows, column-wise."""
    graded = GRADED[1]
    levels = ["junior", "intermediate", "senior", "expert", "junior", "senior"]  # September's review moves them first
    hired = [date(2020, 1, 1)] * 4 + [date(2025, 6, 1), date(2020, 1, 1)]
    for scheme in (FIVE, SHOP):
        scheme, employees, cards = plain_team(scheme, graded, [40, 40, 90, 90, 90, 65], levels, hired)
        del cards["E2"][graded]  # reviewed on October and November
        fast, slow, split = graded_with_splits(
            monkeypatch, scheme, resumed(scheme, graded, employees, cards, {}), graded
        )
        assert fast == slow
        assert len(split.graded) == 6 and [row for row in split.graded if isinstance(row, str)] == []
        assert [r.decision for r in fast] == ["probation", "probation", "promote", "stay", "eligible", "demote"]
        assert [r.level_after for r in fast] == ["junior", "junior", "expert", "expert", "junior", "junior"]
        assert fast[2].flags == [line("flag.missing", month=graded)]


def test_a_checkpoint_state_not_as_the_model_writes_it_is_left_to_the_reference(monkeypatch):
    """A run state whose probation months are not a list (a hand-edited checkpoint) is not
    graded column-wise as if it had none: the row goes per card, whose reference refuses it
    (a plugin failure the CLI words, not a month graded "none")."""
    graded = GRADED[0]
    scheme, employees, cards = plain_team(FIVE, graded, [40, 90], LADDER[:2], [date(2020, 1, 1)] * 2)
    history = resumed(scheme, graded, employees, cards, {})
    history.checkpoint.state["employees"]["E0"]["run"]["probation"] = None
    import cstui.grading as grading

    splits = []
    real = grading.split_by_columns
    monkeypatch.setattr(grading, "split_by_columns", lambda *a, **k: splits.append(real(*a, **k)) or splits[-1])
    with pytest.raises(PluginFailure, match="grade"):  # the reference refuses it, as before the column path
        grade_team(scheme, history, graded, apply=False, explain=False)
    assert [row for row in splits[0].graded if isinstance(row, str)] == ["E0"]
