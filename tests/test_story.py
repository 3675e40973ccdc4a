"""One employee's story (cstui.story) tells each period as the board and batch mode grade it:
the person replayed alone where the model allows it, their team resumed from its checkpoint
where ranks decide, the recorded results of closed periods. Checked on every employee of the
demo company, some months applied, one closed."""

from __future__ import annotations

import pytest

from cstui.demo import build_demo
from cstui.domain import Period
from cstui.grading import apply_schemes, graded_teams, level_timelines, result_from_row
from cstui.levels import CurrentLevels
from cstui.schemes import SchemeError, catalog
from cstui.store import Store
from cstui.story import QUICK_TEAM_CARDS, _TeamMonths, replays_alone, team_ranks, tell_story, told_quickly

END = Period.parse("2026-10")
COMPARED = ("score", "level_before", "level_after", "decision", "pay_delta", "flags", "trace", "grade")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("story") / "demo.db"
    build_demo(path, end=END, login="admin")
    with Store.open(path, login="admin") as store:
        schemes = [catalog().get(name) for name in sorted({e.scheme for e in store.employees() if e.scheme})]
        for month in ("2026-06", "2026-08", "2026-09"):
            for spool in apply_schemes(store, schemes, Period.parse(month)):
                spool.close()
        store.close_period(Period.parse("2026-06"))
    return path


def _scheme(name):
    try:
        return catalog().get(name), None
    except SchemeError as error:
        return None, str(error)


def _board(store, scheme, period: Period) -> dict[str, object]:
    """What the board (and batch) shows for ``period``: recorded results of a closed period, else graded now."""
    if store.period_status(period) == "closed":
        rows = store.results(period, scheme=scheme.name)
        if rows:
            return {row["employee_id"]: result_from_row(row) for row in rows}
    return {r.employee_id: r for _, results in graded_teams(store, scheme, period) for r in results}


@pytest.mark.parametrize("shown", [12, 3])  # 3: the team resumes from the checkpoint of 2026-06
def test_every_story_matches_the_board_and_the_team_timeline(demo, shown):
    with Store.open(demo, login="admin") as store:
        levels = CurrentLevels(store, lambda name: catalog().get(name))
        boards: dict[tuple[str, Period], dict] = {}
        told = 0
        for employee in store.employees():
            story = tell_story(store, _scheme, levels.one, employee.id, END, shown)
            assert story.problem == ""
            for period, result, recorded in story.decisions:
                scheme = catalog().get(result.scheme)
                key = (scheme.name, period)
                if key not in boards:
                    boards[key] = _board(store, scheme, period)
                expected = boards[key][employee.id]
                for name in COMPARED:
                    assert getattr(result, name) == getattr(expected, name), (employee.id, str(period), name)
                if result.rank is not None or not replays_alone(scheme):
                    assert result.rank == expected.rank, (employee.id, str(period))
                assert recorded == (store.period_status(period) == "closed")
                told += 1
            if len(story.stretches) == 1 and employee.scheme:
                scheme = catalog().get(employee.scheme)
                team = next(store.team_histories(scheme.name, END, [employee.team]))
                assert story.timeline == level_timelines(scheme, team, END).get(employee.id, [])
        assert told > 100 * shown / 3


@pytest.mark.parametrize("shown", [6, 8])
def test_an_assistant_class_story_resumes_its_team_from_before_the_months_shown(demo, shown):
    """assistant-class (ranks decide levels) grades the team: with no stored checkpoint before
    the months shown, the team is replayed once to the month before them (its state kept) and
    every period told resumes from there; each result is still the board's, ranks included."""
    with Store.open(demo, login="admin") as store:
        levels = CurrentLevels(store, lambda name: catalog().get(name))
        scheme = catalog().get("assistant-class")
        members = [e for e in store.employees() if e.scheme == scheme.name]
        months = [END.shift(-i) for i in range(shown - 1, -1, -1)]
        team = _TeamMonths(store, scheme, members[0].team, months, END)
        assert team.history.checkpoint is None  # nothing stored before the months shown
        assert team.state_before(team.start) is not None  # the replay's state, not a replay per period
        boards: dict[Period, dict] = {}
        for employee in members:
            story = tell_story(store, _scheme, levels.one, employee.id, END, shown)
            assert story.problem == "" and story.decisions
            for period, result, _recorded in story.decisions:
                if period not in boards:
                    boards[period] = _board(store, scheme, period)
                expected = boards[period][employee.id]
                for name in (*COMPARED, "rank"):
                    assert getattr(result, name) == getattr(expected, name), (employee.id, str(period), name)


def test_a_closed_period_shows_its_recorded_rank(demo):
    with Store.open(demo, login="admin") as store:
        levels = CurrentLevels(store, lambda name: catalog().get(name))
        story = tell_story(store, _scheme, levels.one, "E0001", END)
        closed = [(p, r) for p, r, recorded in story.decisions if recorded]
        assert [str(p) for p, _ in closed] == ["2026-06"]
        assert closed[0][1].rank is not None


def test_team_relative_models_are_not_replayed_alone():
    assert not replays_alone(catalog().get("assistant-class"))
    assert not replays_alone(catalog().get("rank-streak"))
    assert replays_alone(catalog().get("star-levels"))
    assert replays_alone(catalog().get("five-tier"))


@pytest.mark.parametrize("employee_id", ["E0001", "E0016", "E0021", "E0044"])
def test_the_ranks_left_to_the_team_are_the_boards(demo, employee_id):
    """A story graded alone leaves open periods' ranks empty; team_ranks gives the board's."""
    with Store.open(demo, login="admin") as store:
        levels = CurrentLevels(store, lambda name: catalog().get(name))
        story = tell_story(store, _scheme, levels.one, employee_id, END)
        wanted = [(p, r.scheme) for p, r, recorded in story.decisions if r.rank is None and r.score is not None]
        assert len(wanted) >= 6
        ranks = team_ranks(store, _scheme, employee_id, wanted)
        for period, name in wanted:
            expected = _board(store, catalog().get(name), period)[employee_id]
            assert expected.rank is not None and ranks[(period, name)] == expected.rank, (employee_id, str(period))


def test_team_ranks_stop_when_nobody_waits(demo):
    """``stop()`` is asked before each month graded: the ranks so far come back (the first
    periods', exactly as a whole run gives them), the rest is not graded."""
    with Store.open(demo, login="admin") as store:
        story = tell_story(store, _scheme, CurrentLevels(store, lambda name: catalog().get(name)).one, "E0001", END)
        wanted = [(p, r.scheme) for p, r, recorded in story.decisions if r.rank is None and r.score is not None]
        wanted.sort(key=lambda w: w[0].last_month.ordinal)
        whole = team_ranks(store, _scheme, "E0001", wanted)
        asked: list[int] = []

        def stop_after_a_few() -> bool:
            asked.append(1)
            return len(asked) > 3

        assert team_ranks(store, _scheme, "E0001", wanted, lambda: True) == {}
        partial = team_ranks(store, _scheme, "E0001", wanted, stop_after_a_few)
        assert 0 < len(partial) < len(wanted) and list(partial) == wanted[: len(partial)]
        assert partial == {key: whole[key] for key in partial}


def test_a_story_is_quick_alone_or_with_a_small_team(demo):
    """told_quickly: graded alone, or a team whose replay reads at most QUICK_TEAM_CARDS cards
    (members times months since the first stored card: an upper bound of what it reads)."""
    with Store.open(demo, login="admin") as store:
        by_scheme = {e.scheme: e for e in store.employees()}
        team = by_scheme["assistant-class"].team
        bound = store.team_replay_bound(team, END)
        members = len([e for e in store.employees() if e.team == team])
        assert bound % members == 0 and bound >= sum(len(c) for c in _cards_of(store, team))
        assert told_quickly(store, _scheme, by_scheme["star-levels"].id, END)
        assert told_quickly(store, _scheme, by_scheme["assistant-class"].id, END) == (bound <= QUICK_TEAM_CARDS)


def _cards_of(store, team: str) -> list[dict]:
    """Every card month of each member of ``team`` up to END, read as a full replay reads them."""
    histories = store.team_histories("assistant-class", END, [team])
    return [months for history in histories for months in history.cards.values()]


def test_a_large_team_is_not_quick(demo, monkeypatch):
    import cstui.story

    with Store.open(demo, login="admin") as store:
        employee = next(e for e in store.employees() if e.scheme == "assistant-class")
        monkeypatch.setattr(cstui.story, "QUICK_TEAM_CARDS", store.team_replay_bound(employee.team, END) - 1)
        assert not told_quickly(store, _scheme, employee.id, END)


def test_the_cli_tells_the_same_history(demo):
    """``cstui employee history``: the story's periods, ranks filled from the team, as JSON."""
    import json

    from click.testing import CliRunner

    from cstui.cli import cli
    from cstui.store.identity import current_login

    with Store.open(demo, login="admin") as store:  # the command runs as the OS login
        if current_login(demo) not in {u.login for u in store.users()}:
            store.add_user(current_login(demo), "admin", [])
    args = ["--db", str(demo), "employee", "history", "E0012", "--period", str(END), "--format", "json"]
    shown = CliRunner().invoke(cli, args)
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.stdout)
    with Store.open(demo, login="admin") as store:
        levels = CurrentLevels(store, lambda name: catalog().get(name))
        story = tell_story(store, _scheme, levels.one, "E0012", END)
        assert [(r["period"], r["level_after"], r["decision"]) for r in rows] == [
            (str(p), r.level_after, r.decision) for p, r, _ in story.decisions
        ]
        boards = {r["period"]: _board(store, catalog().get(r["scheme"]), Period.parse(r["period"])) for r in rows}
    assert all(r["rank"] == boards[r["period"]]["E0012"].rank for r in rows)
    table = CliRunner().invoke(cli, args[:-2] + ["--months", "2"])
    assert table.exit_code == 0 and "2026-Q3" in table.output and "elimination-review" in table.output


def test_a_story_graded_with_its_team_carries_the_ranks_the_rank_worker_gives(demo):
    """Every assistant-class employee (ranks decide): the story graded their team, so it
    carries their rank for each period it graded (the history screen starts no rank worker for
    them), and each is the rank team_ranks (that worker's grading) gives, empty ones included."""
    with Store.open(demo, login="admin") as store:
        levels = CurrentLevels(store, lambda name: catalog().get(name))
        members = [e for e in store.employees() if e.scheme == "assistant-class"]
        compared = unranked = 0
        for employee in members:
            story = tell_story(store, _scheme, levels.one, employee.id, END)
            graded = [(p, r.scheme) for p, r, recorded in story.decisions if not recorded]
            assert sorted(story.ranks, key=str) == sorted(graded, key=str), employee.id
            assert all(story.ranks[(p, r.scheme)] == r.rank for p, r, recorded in story.decisions if not recorded)
            assert story.ranks == team_ranks(store, _scheme, employee.id, graded), employee.id
            compared += len(graded)
            unranked += sum(1 for rank in story.ranks.values() if rank is None)
        assert compared > 10 * len(members) and unranked  # the unranked (empty ranks) compared too


def test_a_story_told_alone_carries_no_team_ranks(demo):
    with Store.open(demo, login="admin") as store:
        levels = CurrentLevels(store, lambda name: catalog().get(name))
        story = tell_story(store, _scheme, levels.one, "E0001", END)
        assert replays_alone(catalog().get(story.stretches[0].scheme)) and story.ranks == {}
