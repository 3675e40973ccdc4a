"""A team-relative story graded in one replay of the team (cstui.story._TeamPass: the model's
``grade_in_turn``) tells exactly what grading period after period from the team's states tells
(cstui.story._TeamMonths, the path before it): levels, scores, decisions, ranks, flags and
traces, in English and in 中文. Checked on every assistant-class employee of the demo company
with months applied and one closed, after an override, an incident and a team change."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cstui import story as story_module
from cstui.demo import build_demo
from cstui.domain import Incident, Override, Period
from cstui.domain.texts import render
from cstui.grading import apply_schemes
from cstui.levels import CurrentLevels
from cstui.schemes import SchemeError, catalog
from cstui.store import Store
from cstui.story import _TeamMonths, _TeamPass, tell_story

END = Period.parse("2026-10")
SCHEME = "assistant-class"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("story-in-turn") / "demo.db"
    build_demo(path, end=END, login="admin")
    with Store.open(path, login="admin") as store:
        schemes = [catalog().get(name) for name in sorted({e.scheme for e in store.employees() if e.scheme})]
        for month in ("2026-06", "2026-08", "2026-09"):
            for spool in apply_schemes(store, schemes, Period.parse(month)):
                spool.close()
        store.close_period(Period.parse("2026-06"))
        members = [e for e in store.employees() if e.scheme == SCHEME]
        teams = sorted({e.team for e in members})
        first, second, third = members[0], members[1], members[-1]
        store.add_override(Override(first.id, Period.parse("2026-08"), "class-2", "placed by hand", "admin"))
        store.add_incident(Incident(second.id, date(2026, 7, 6), "sleeping-on-duty", 1))
        store.add_incident(Incident(second.id, date(2026, 9, 2), "late", 2))
        moved = teams[1] if len(teams) > 1 and third.team == teams[0] else teams[0]
        if moved == third.team:
            moved = f"{third.team}-b"
        store.update_employee(replace(third, team=moved), third.version)
    return path


def _scheme(name):
    try:
        return catalog().get(name), None
    except SchemeError as error:
        return None, str(error)


def _told(story) -> tuple:
    """Everything the story tells, the texts also as 中文 renders them."""

    def zh(texts) -> list[str]:
        return [render(text, "zh") for text in texts or []]

    decisions = [
        (period, result, recorded, zh(getattr(result, "trace", None)), zh(getattr(result, "flags", None)))
        for period, result, recorded in story.decisions
    ]
    timeline = [(month, level, str(why), render(why, "zh")) for month, level, why in story.timeline]
    return timeline, story.scores, decisions, story.level_now, story.problem, story.stretches


def _month_by_month(monkeypatch) -> None:
    """The path before the one replay: each period graded from the state the one before left."""

    def of(cls, store, scheme, member, months, last, periods):
        return _TeamMonths(store, scheme, member.team, months, last)

    monkeypatch.setattr(story_module._TeamPass, "of", classmethod(of))


@pytest.mark.parametrize(("until", "shown"), [("2026-10", 12), ("2026-10", 3), ("2026-09", 5), ("2026-07", 12)])
def test_one_replay_tells_what_period_after_period_tells(demo, monkeypatch, until, shown):
    until = Period.parse(until)
    with Store.open(demo, login="admin") as store:
        levels = CurrentLevels(store, lambda name: catalog().get(name))
        members = [e for e in store.employees() if e.scheme == SCHEME]
        fast = {e.id: tell_story(store, _scheme, levels.one, e.id, until, shown) for e in members}
        with monkeypatch.context() as patched:
            _month_by_month(patched)
            slow = {e.id: tell_story(store, _scheme, levels.one, e.id, until, shown) for e in members}
    assert any(rank is not None for s in fast.values() for _, r, _ in s.decisions for rank in [r.rank])
    assert sum(1 for s in fast.values() if s.decisions) > len(members) / 2
    for employee_id, story in fast.items():
        assert not story.problem, employee_id
        assert _told(story) == _told(slow[employee_id]), employee_id


def test_the_changes_are_in_the_stories(demo):
    """The fixture's override, incidents and team change reach the stories compared above."""
    with Store.open(demo, login="admin") as store:
        levels = CurrentLevels(store, lambda name: catalog().get(name))
        members = [e for e in store.employees() if e.scheme == SCHEME]
        first, second = members[0], members[1]
        story = tell_story(store, _scheme, levels.one, first.id, END)
        assert any(level == "class-2" and "placed by hand" in why for _, level, why in story.timeline)
        story = tell_story(store, _scheme, levels.one, second.id, END)
        q3 = next(r for p, r, _ in story.decisions if str(p) == "2026-Q3")
        assert any("sleeping-on-duty" in f for f in q3.flags)
        assert len({e.team for e in members}) >= 2


def test_a_model_without_the_replay_is_graded_period_after_period(demo, monkeypatch):
    """A team-relative model with no ``grade_in_turn`` (a plugin's, rank-streak) keeps the path before."""
    monkeypatch.delattr(type(catalog().get(SCHEME).model), "grade_in_turn")
    with Store.open(demo, login="admin") as store:
        employee = next(e for e in store.employees() if e.scheme == SCHEME)
        scheme = catalog().get(SCHEME)
        team = _TeamPass.of(store, scheme, employee, [END], END, [END])
        assert isinstance(team, _TeamMonths)
