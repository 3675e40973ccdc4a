"""five-tier and ecommerce-kpi column-wise (issue 14) against the per-card reference, through the store.

``model.skims = False`` turns the fast path off (every team read and replayed per card, the
reference). With it on, the months before the period are replayed column-wise
(plugins/five_tier/columnar.py) to the state at the period's start. For random teams written in
the store's own row layout (values typed with spaces, percents, decimals, trailing zeros, text,
blanks; cards the scheme refuses, unreadable ones, required fields missing; missing months;
hires at any day up to after the period; starting tiers; quarter averages on each side of each
bar), the state must equal the reference's checkpoint, and the results (traces included) must be
the reference's, for months and quarters, explained or not.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from columns_support import both, new_database, spied, states, without_timelines, write_team
from cstui.domain import Period
from cstui.engine.cards import UNREADABLE
from cstui.schemes import load_scheme

EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "1000"))
M = Period.parse
FIRST = M("2025-01")
WINDOW = 24
MONTHS = [FIRST.shift(i) for i in range(WINDOW)]
PERIODS = MONTHS[1:] + [FIRST.shift(i).quarter for i in range(3, WINDOW, 3)]
LADDER = ["junior", "intermediate", "senior", "principal", "expert"]
SCHEMES = ("five-tier", "ecommerce-kpi")

# five-tier: every rate at x% and every rating at x scores x; around the bars 50, 70 and 80
LEVELS = ["30", "49.99", "50", "50.01", "69.99", "70", "75", "79.99", "80", "80.01", "80.004", "90", "100"]
ODD_RATES = ["1.2", "-0.1", "yes", "", "  ", "101%", "1e-1", "50 %"]
ODD_RATINGS = ["100.5", "-1", "80%", "abc", "", "1,000"]
# ecommerce-kpi: each band table's edges and either side of them
EDGES = {
    "conversion": ["0.6", "0.60", "0.5999", "0.5", "0.45", "0.4499", "0.38", "0.3799", "0", "60%", "0.99"],
    "unit_price_ratio": ["1.35", "1.3499", "1.25", "1.16", "1.1599", "1.1", "1.10", "1.0999", "0", "2"],
    "first_response_s": ["6", "6.00", "6.01", "12", "12.5", "20", "20.001", "30", "31", "0", "999999"],
    "avg_response_s": ["30", "30.01", "35", "45", "45.5", "55", "55.01", "0"],
    "satisfaction": ["0.9", "0.90", "0.8999", "0.8", "0.6", "0.5999", "1", "100%", "59.99%"],
}
ODD_EDGES = {
    "conversion": ["1.01", "-0.2", "x", ""],
    "unit_price_ratio": ["-1", "n/a", ""],
    "first_response_s": ["-3", "1000001", "1e3", ""],
    "avg_response_s": ["-1", "fast", " "],
    "satisfaction": ["2", "95", ""],
}


def typed_again(level: str) -> list[str]:
    """``level`` typed with more trailing zeros, blanks of other kinds, commas after the point: the
    same number, but a quarter's weighted scores keep the typed decimals (the state's texts)."""
    longer = f"{level}0" if "." in level else f"{level}.0"
    return [f"\u3000{longer}%", f"{Decimal(level).scaleb(-2)}00\u00a0", f"{longer[:-1]},{longer[-1]} %"]


def five_tier_values(draw, level: str) -> dict:
    rates = [f"{level}%", str(Decimal(level).scaleb(-2))]  # "0.80": trailing zeros kept
    rate = draw(st.sampled_from(rates + typed_again(level))) if draw(st.integers(0, 3)) == 0 else rates[0]
    values = {
        "follow_up_rate": rate,
        "satisfaction": draw(st.sampled_from([rate, *rates])),
        "handling": draw(st.sampled_from([level, f"{level}0" if "." in level else f"{level}.00"])),
        "training": f" {level} " if draw(st.integers(0, 5)) == 0 else level,
        "attendance": draw(st.sampled_from([rate, "100%", "1", "0.9"])),
    }
    if draw(st.integers(0, 25)) == 0:
        key = draw(st.sampled_from(sorted(values)))
        values[key] = draw(st.sampled_from(ODD_RATINGS if key in ("handling", "training") else ODD_RATES))
    return values


def ecommerce_values(draw, _level: str) -> dict:
    values = {key: draw(st.sampled_from(texts)) for key, texts in EDGES.items()}
    if draw(st.integers(0, 25)) == 0:
        key = draw(st.sampled_from(sorted(values)))
        values[key] = draw(st.sampled_from(ODD_EDGES[key]))
    return values


@st.composite
def card_values(draw, scheme: str, pick_level) -> dict:
    values = (five_tier_values if scheme == "five-tier" else ecommerce_values)(draw, draw(pick_level))
    shape = draw(st.integers(0, 50))
    if shape == 0:
        del values[sorted(values)[draw(st.integers(0, len(values) - 1))]]  # a required field missing
    elif shape == 1:
        values["note"] = "not a field of the scheme"
    elif shape == 2:
        values[UNREADABLE] = "{not json"
    return values


@st.composite
def company(draw, scheme: str):
    """[(index, hire date, status, level, {month: values})]: one team's staff and cards."""
    staff = []
    for i in range(draw(st.integers(1, 4))):
        hired = draw(st.dates(date(2021, 1, 1), date(2027, 2, 28)))
        level = draw(st.sampled_from([None, None, *LADDER]))
        status = draw(st.sampled_from(["active", "active", "inactive"]))
        low, high = LEVELS[:5], LEVELS[7:]
        pick = st.sampled_from(draw(st.sampled_from([low, high, LEVELS])))  # runs of quarters on one side
        gaps = draw(st.sets(st.integers(0, WINDOW - 1), max_size=3 if draw(st.booleans()) else WINDOW))
        cards = {MONTHS[j]: draw(card_values(scheme, pick)) for j in range(WINDOW) if j not in gaps}
        staff.append((i, hired, status, level, cards))
    return staff


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return new_database(tmp_path_factory)


@pytest.mark.slow
@settings(max_examples=max(EXAMPLES // 40, 10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scheme_name=st.sampled_from(SCHEMES),
    data=st.data(),
    periods=st.lists(st.sampled_from(PERIODS), min_size=1, max_size=3, unique=True),
)
def test_the_column_wise_state_and_results_are_the_references(database, scheme_name, data, periods):
    scheme = load_scheme(scheme_name)
    team = write_team(database, scheme_name, data.draw(company(scheme_name)))
    for period in [MONTHS[-1], *periods]:
        fast_state, slow_state = states(database, scheme, period, team)
        assert fast_state is not None, period
        assert without_timelines(fast_state) == without_timelines(slow_state), period
        for explain in (True, False):
            fast, slow = both(database, scheme, period, team, explain)
            assert fast == slow, (period, explain)


def steady(level: str, scheme: str) -> dict:
    if scheme == "five-tier":
        return {"follow_up_rate": f"{level}%", "satisfaction": f"{level}%", "handling": level, "training": level} | {
            "attendance": f"{level}%"
        }
    return {key: texts[0] for key, texts in EDGES.items()}  # 30 + 20 + 20 + 10 + 30, capped at 110


@pytest.mark.parametrize("scheme_name", SCHEMES)
def test_the_fast_path_is_taken_and_declines_what_it_does_not_model(database, monkeypatch, scheme_name):
    """The property above compares two paths only if the columns are really used: a plain team
    is replayed column-wise (promotions by tenure, a hire after the period); one with an override
    is read per card, and a subclass or a changed method declines (all graded alike)."""
    scheme = load_scheme(scheme_name)
    import cstui_plugins.five_tier.columnar as columnar

    taken = spied(monkeypatch, columnar)
    cards = {m: steady("95", scheme_name) for m in MONTHS}
    staff = [
        (0, date(2019, 1, 1), "active", "junior", cards),  # a promotion each quarter, as tenure allows
        (1, date(2024, 3, 15), "active", None, cards),  # tenure holds them: eligible
        (2, date(2027, 1, 10), "active", None, {M("2025-05"): cards[M("2025-05")]}),  # a card before hire
    ]
    plain = write_team(database, scheme_name, staff)
    for period in (M("2026-12"), M("2026-11"), M("2026-Q4")):
        taken.clear()
        fast, slow = both(database, scheme, period, plain, True)
        assert fast == slow
        assert taken == [Period.from_ordinal(period.months()[0].ordinal - 1)]
    assert [r.level_after for r in fast] == ["expert", "intermediate"]
    taken.clear()
    team = write_team(database, scheme_name, staff, "override", override_level="senior")
    fast, slow = both(database, scheme, M("2026-12"), team, True)
    assert fast == slow and taken == []
    monkeypatch.setattr(type(scheme.model), "card_problems", lambda self, scheme, card: [])
    fast, slow = both(database, scheme, M("2026-12"), plain, True)
    assert fast == slow and taken == []


@pytest.mark.parametrize("scheme_name", SCHEMES)
@pytest.mark.parametrize(
    "level, hired, expected",
    [
        ("80", date(2020, 1, 1), "junior"),  # exactly 80 stays: the bar is "above"
        ("80.01", date(2020, 1, 1), "expert"),  # a tier a quarter, tenure allowing
        ("80.01", date(2024, 6, 15), "intermediate"),  # 30 complete months: not senior (36)
        ("80.01", date(2025, 1, 1), "intermediate"),  # 24 months on 2027-01-01: intermediate from 2027-01
        ("80.01", date(2025, 1, 2), "junior"),  # 23 months and a day: eligible, stays
        # the 2026-Q3 review, replayed column-wise for 2026-Q4's months: 24 complete months on
        # 2026-10-01 when hired on a 1st (intermediate from 2026-10), 23 a day later (from 2027-01)
        ("80.01", date(2024, 10, 1), "intermediate"),
        ("80.01", date(2024, 10, 2), "intermediate"),
        ("70", date(2020, 1, 1), "junior"),
        ("69.99", date(2022, 1, 1), "junior"),  # the floor: stays junior
    ],
)
def test_a_bar_decides_as_the_reference_does(database, scheme_name, level, hired, expected):
    """Quarter averages on a bar and a hair from it: the column-wise state and the results agree."""
    if scheme_name == "ecommerce-kpi":
        level = {"80": "0.9", "80.01": "0.9", "70": "0.6", "69.99": "0.5999"}[level]
        card = {key: texts[-1] for key, texts in EDGES.items()} | {"satisfaction": level}
    else:
        card = steady(level, scheme_name)
    scheme = load_scheme(scheme_name)
    team = write_team(database, scheme_name, [(0, hired, "active", None, {m: card for m in MONTHS})])
    for period in (M("2026-Q3"), M("2026-11"), M("2026-12")):
        fast_state, slow_state = states(database, scheme, period, team)
        assert without_timelines(fast_state) == without_timelines(slow_state)
        fast, slow = both(database, scheme, period, team, True)
        assert fast == slow
    if scheme_name == "five-tier":
        assert fast[0].level_after == expected
