"""Traces are built only for what is reported: a past window's why is formatted when read.

A full replay of 24 months passes many streak windows and reviews; their texts are read only
when a timeline or a report shows them. These tests count the formatting calls, and check
that what is read is still the full text.
"""

from __future__ import annotations

from datetime import date

from cstui.domain import Employee, Period
from cstui.domain.types import Scorecard
from cstui.engine.model import TeamHistory
from cstui.schemes import load_scheme

M = Period.parse
MONTHS = [M("2025-01").shift(i) for i in range(24)]


def star_history(percents: list[int]) -> TeamHistory:
    employee = Employee("E1", "张伟", "A", "agent", date(2023, 1, 1), level="1-star")
    cards = {
        m: Scorecard("E1", m, {"sales_target": "100000", "sales_actual": str(p * 1000)})
        for m, p in zip(MONTHS, percents)
    }
    return TeamHistory("A", [employee], {"E1": cards})


def counting(monkeypatch, module, name: str) -> list:
    calls = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *args, **kw: calls.append(args) or real(*args, **kw))
    return calls


def test_a_dry_run_formats_no_past_window(monkeypatch):
    import cstui_plugins.star_levels.model as star

    scheme = load_scheme("star-levels")
    # 120% every month: a full window every 3 months (four promotions, then flagged at the top)
    history = star_history([120] * 24)
    shown = counting(monkeypatch, star, "side_text")
    [result] = scheme.model.grade(scheme, history, M("2026-12"), explain=False)
    assert len(shown) == 3  # the reported window's three scores, for its flag; 7 past windows never
    assert result.level_after == "5-star" and result.trace == []
    # the report's month closes a window at the top: its flag is still the full text
    assert result.flags == ["3 months >= 110 (120, 120, 120): already at the top (5-star)"]


def test_a_timeline_formats_the_changes_it_shows_only(monkeypatch):
    import cstui_plugins.star_levels.model as star

    scheme = load_scheme("star-levels")
    history = star_history([120] * 24)
    whys = counting(monkeypatch, star, "window_why")
    line = scheme.model.levels(scheme, history, M("2026-12"))["E1"]
    assert [lv for _, lv, _ in line] == ["1-star", "2-star", "3-star", "4-star", "5-star"]
    assert line[1] == (M("2025-04"), "2-star", "3 months >= 110 (120, 120, 120)")
    assert len(whys) == 4  # the four changes; the four windows at the top are never shown


def test_five_tier_formats_no_past_review_in_a_dry_run(monkeypatch):
    import cstui_plugins.five_tier.model as tier

    scheme = load_scheme("five-tier")
    employee = Employee("E1", "张伟", "A", "agent", date(2020, 1, 1), level="junior")
    values = {
        "follow_up_rate": "0.95",
        "satisfaction": "0.95",
        "handling": "95",
        "training": "95",
        "attendance": "0.95",
    }
    cards = {m: Scorecard("E1", m, dict(values)) for m in MONTHS}
    history = TeamHistory("A", [employee], {"E1": cards})
    shown = counting(monkeypatch, tier, "side_text")
    [result] = scheme.model.grade(scheme, history, M("2026-11"), explain=False)
    assert shown == []  # seven reviews promoted or stayed at the top; none was formatted
    assert result.level_after == "expert"
    line = scheme.model.levels(scheme, history, M("2026-11"))["E1"]
    assert line[1][2].startswith("review 2025-Q1: 95 > 80 (tenure")
