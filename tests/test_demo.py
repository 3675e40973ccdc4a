"""The demo company: deterministic content, safe to run, and every promised outcome
present when the real schemes grade it."""

from __future__ import annotations

import sqlite3
from collections import defaultdict

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.demo import SCENARIOS, DemoRefused, build_demo
from cstui.demo import build as demo_build
from cstui.domain import Period
from cstui.schemes import load_scheme
from cstui.store import Store, StoreError

END = Period.parse("2026-10")
ADMIN = "demo.admin"
SCHEMES = ("star-levels", "assistant-class", "five-tier", "ecommerce-kpi", "front-desk", "supervisor-kpi", "placement")


def content(path) -> dict[str, list]:
    """Everything the demo writes, minus timestamps."""
    conn = sqlite3.connect(path)
    try:
        queries = {
            "teams": "SELECT id, name, name_zh FROM teams ORDER BY id",
            "users": "SELECT login, role, teams FROM users ORDER BY login",
            "employees": "SELECT id, name, team, role, hire_date, status, login, scheme, level FROM employees ORDER BY id",
            "scorecards": "SELECT employee_id, period, (SELECT json_group_object(metric, value) FROM scorecard_values v "
            "WHERE v.period = s.period AND v.employee_id = s.employee_id) FROM scorecards s ORDER BY employee_id, period",
            "incidents": "SELECT employee_id, date, code, count, points, note, recorded_by FROM incidents ORDER BY id",
            "overrides": "SELECT employee_id, period, level, reason, author FROM overrides ORDER BY id",
        }
        return {name: conn.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        conn.close()


def build(tmp_path, name="demo.db", **kw):
    kw.setdefault("end", END)
    kw.setdefault("login", ADMIN)
    path = tmp_path / name
    return path, build_demo(path, **kw)


# ------------------------------------------------------------------ determinism and shape


def test_same_seed_same_content_and_other_seed_differs(tmp_path):
    a, _ = build(tmp_path, "a.db")
    b, _ = build(tmp_path, "b.db")
    c, _ = build(tmp_path, "c.db", seed=8)
    first, second, other = content(a), content(b), content(c)
    assert first == second
    assert first["scorecards"] and first["incidents"]
    assert other["employees"] != first["employees"]
    assert other["scorecards"] != first["scorecards"]
    # the scripted cast does not depend on the seed
    cast = lambda rows: [r for r in rows if r[0] in SCENARIOS]  # noqa: E731
    assert cast(other["employees"]) == cast(first["employees"])
    assert cast(other["scorecards"]) == cast(first["scorecards"])


def test_chunked_writing_gives_the_same_content(tmp_path, monkeypatch):
    whole, _ = build(tmp_path, "whole.db", employees=90, months=4)
    monkeypatch.setattr(demo_build, "CHUNK", 7)
    chunked, _ = build(tmp_path, "chunked.db", employees=90, months=4)
    assert content(chunked) == content(whole)


def test_counts_follow_the_arguments(tmp_path):
    path, summary = build(tmp_path, employees=33, months=5)
    assert summary.employees == 33 and summary.months == 5
    assert (summary.first_month, summary.last_month) == (Period.parse("2026-06"), END)
    with Store.open(path, login=ADMIN) as store:
        assert store.count_employees() == 33
        assert sum(summary.schemes.values()) == 33
        assert sum(n for *_, n in summary.teams) == 33
    data = content(path)
    months = {row[1] for row in data["scorecards"]}
    assert months == {str(END.shift(-k)) for k in range(5)}
    assert len(data["scorecards"]) == summary.scorecards
    assert len(data["incidents"]) == summary.incidents
    assert all(row[0] <= row[1] for row in _card_after_hire(data))


def _card_after_hire(data):
    hired = {row[0]: row[4][:7] for row in data["employees"]}
    return [(hired[e], p) for e, p, _ in data["scorecards"]]


def test_teams_schemes_users_and_names(tmp_path):
    path, summary = build(tmp_path)
    assert str(summary).count("\n") >= 4
    data = content(path)
    assert [t[0] for t in data["teams"]] == ["eshop", "frontdesk", "hotline"]
    assert all(t[2] for t in data["teams"])  # Chinese names
    assert set(summary.schemes) == set(SCHEMES) and all(n > 0 for n in summary.schemes.values())
    roles = {login: role for login, role, _ in data["users"]}
    assert roles[ADMIN] == "admin"
    assert {"manager", "supervisor", "viewer"} <= set(roles.values())
    assert roles["wang.supervisor"] == "supervisor"
    supervisors = {login: teams for login, role, teams in data["users"] if role == "supervisor"}
    assert len(supervisors) == 3
    names = [row[1] for row in data["employees"]]
    chinese = sum(1 for n in names if all("\u4e00" <= ch <= "\u9fff" for ch in n))
    assert chinese > len(names) // 2 and chinese < len(names)  # mostly Chinese, some English
    assert sum(1 for row in data["employees"] if row[3] == "team-lead") == 2
    ids = [row[0] for row in data["employees"]]
    assert ids[0] == "E0001" and ids == sorted(ids)


def test_metric_keys_and_incident_codes_follow_the_schemes(tmp_path):
    from cstui.engine.ledger import catalogue

    path, _ = build(tmp_path)
    data = content(path)
    with Store.open(path, login=ADMIN) as store:  # the scheme of each card's month (a timeline)
        scheme_at = {(e, p): store._schemes_at([(e, p)])[e, p] for e, p, _ in data["scorecards"]}
    keys = {name: {spec.key for spec in load_scheme(name).metric_specs()} for name in SCHEMES}
    import json

    for employee_id, period, values in data["scorecards"]:
        assert set(json.loads(values)) <= keys[scheme_at[employee_id, period]]
    assert {scheme_at["E0024", p] for e, p, _ in data["scorecards"] if e == "E0024"} == {
        "star-levels",
        "supervisor-kpi",
    }
    codes = {e.code for e in catalogue(load_scheme("assistant-class"))}
    assert {row[2] for row in data["incidents"]} <= codes
    scheme_of = {row[0]: row[7] for row in data["employees"]}
    assert {scheme_of[row[0]] for row in data["incidents"]} == {"assistant-class"}


def test_large_id_space_keeps_ids_sortable(tmp_path):
    path, summary = build(tmp_path, employees=10_000, months=1)
    ids = [row[0] for row in content(path)["employees"]]
    assert len(ids) == 10_000 and ids == sorted(ids) and ids[0] == "E00001"


# ------------------------------------------------------------------ never overwrite


def test_refuses_an_existing_database(tmp_path):
    path, _ = build(tmp_path)
    before = content(path)
    with pytest.raises(DemoRefused, match="never overwrites"):
        build_demo(path, end=END, login=ADMIN)
    assert content(path) == before
    assert issubclass(DemoRefused, StoreError)


def test_refuses_any_non_empty_file_and_keeps_it(tmp_path):
    path = tmp_path / "company.db"
    path.write_bytes(b"not a demo")
    with pytest.raises(DemoRefused):
        build_demo(path, end=END)
    assert path.read_bytes() == b"not a demo"


def test_an_empty_file_may_be_used(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    summary = build_demo(path, employees=5, months=2, end=END, login=ADMIN)
    assert summary.employees == 5


def test_a_failed_build_leaves_no_file(tmp_path, monkeypatch):
    def boom(*args, **kw):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(demo_build, "_override", boom)
    path = tmp_path / "demo.db"
    with pytest.raises(RuntimeError):
        build_demo(path, end=END, login=ADMIN)
    assert not path.exists()


# ------------------------------------------------------------------ the command line


def test_cli_demo_builds_and_prints_the_summary(tmp_path):
    path = tmp_path / "cli.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(path), "--employees", "30", "--months", "6"])
    assert result.exit_code == 0, result.output
    assert f"try: cstui --db {path}" in result.output
    assert f"--scheme star-levels --period {END}" in result.output  # CSTUI_TODAY=2026-11-15 in conftest
    with Store.open(path) as store:
        assert store.count_employees() == 30


def test_cli_demo_refuses_to_overwrite(tmp_path):
    path = tmp_path / "cli.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["demo", "--db", str(path), "--employees", "10"]).exit_code == 0
    before = content(path)
    result = runner.invoke(cli, ["demo", "--db", str(path)])
    assert result.exit_code != 0
    assert "never overwrites" in result.output + (result.stderr or "")
    assert "Traceback" not in result.output
    assert content(path) == before


# ------------------------------------------------------------------ outcomes under the real schemes


def grade_everything(path, summary) -> dict[str, dict[str, object]]:
    """{employee_id: {period: Result}} for every month and every whole quarter of the demo."""
    months = [Period.from_ordinal(o) for o in range(summary.first_month.ordinal, summary.last_month.ordinal + 1)]
    quarters = sorted(
        {
            m.quarter
            for m in months
            if m.quarter.months()[0] >= summary.first_month and m.quarter.last_month <= summary.last_month
        }
    )
    results: dict[str, dict[str, object]] = defaultdict(dict)
    with Store.open(path, login=ADMIN) as store:
        for name in SCHEMES:
            scheme = load_scheme(name)
            for period in [*months, *quarters]:
                for history in store.team_histories(name, period):
                    for r in scheme.model.grade(scheme, history, period):
                        results[r.employee_id][str(period)] = r
    return results


@pytest.fixture(scope="module", params=["2026-10", "2026-12", "2027-02"])
def graded(request, tmp_path_factory):
    end = Period.parse(request.param)
    path = tmp_path_factory.mktemp("graded") / "demo.db"
    summary = build_demo(path, end=end, login=ADMIN)
    return end, grade_everything(path, summary)


def last_quarter(end: Period) -> Period:
    return end.quarter if end.completes_quarter() else end.quarter.prev()


def decisions(results, employee_id) -> list[tuple[str, str]]:
    return [(p, r.decision) for p, r in results[employee_id].items()]


def test_star_promotions_and_demotion(graded):
    end, results = graded
    promotions = [p for p, d in decisions(results, "E0001") if d == "promote" and "Q" not in p]
    assert len(promotions) == 3
    assert results["E0001"][str(end)].level_after == "5-star"
    for employee_id, before, after, kind in (
        ("E0002", "1-star", "2-star", "promote"),
        ("E0003", "3-star", "2-star", "demote"),
        ("E0006", "1-star", "2-star", "promote"),
    ):
        r = results[employee_id][str(end)]
        assert (r.decision, r.level_before, r.level_after) == (kind, before, after), employee_id


def test_missing_month_probation_and_override(graded):
    end, results = graded
    assert results["E0004"][str(end.prev())].decision == "missing"
    assert results["E0005"][str(end)].level_after == "probation"
    assert results["E0005"][str(end)].decision not in ("promote", "demote")
    placed = results["E0007"][str(end.shift(-3))]
    assert "override" in placed.flags and placed.level_after == "3-star"


def test_assistant_class_award_dismissal_and_elimination(graded):
    end, results = graded
    q = str(last_quarter(end))
    award = results["E0010"][q]
    assert (award.decision, award.level_before, award.level_after) == ("promote", "class-3", "class-2")
    assert any("sleeping-on-duty" in f for f in results["E0011"][str(end)].flags)
    bad_month = results["E0012"][str(last_quarter(end).last_month)]
    assert bad_month.score < 60 and any(f.startswith("dismissal-review") for f in bad_month.flags)
    assert results["E0012"][q].decision == "elimination-review"
    new_hire = results["E0013"][str(end)]
    assert new_hire.score is not None and new_hire.pay_delta is None  # scored, not paid
    assert results["E0013"][str(end.prev())].pay_delta is None


def test_five_tier_and_shop_reviews(graded):
    end, results = graded
    q, prev = last_quarter(end), last_quarter(end).prev()
    assert results["E0014"][str(q)].decision == "promote"
    assert results["E0015"][str(q)].decision == "eligible"
    probation = results["E0016"][str(prev)]
    assert (probation.decision, probation.level_after) == ("probation", "junior")
    assert results["E0016"][str(q.months()[0])].decision != "dismissal-review"
    assert results["E0017"][str(prev)].decision == "probation"
    assert results["E0017"][str(q.months()[0])].decision == "dismissal-review"
    assert (results["E0018"][str(q)].decision, results["E0018"][str(q)].level_after) == ("demote", "intermediate")
    assert results["E0019"][str(q)].decision == "promote"
    assert (results["E0020"][str(q)].decision, results["E0020"][str(q)].level_after) == ("demote", "junior")


def test_generated_employees_grade_without_errors_and_vary(graded):
    _, results = graded
    generated = {e: r for e, r in results.items() if e not in SCENARIOS}
    assert len(generated) == 60 - len(SCENARIOS)
    kinds = {r.decision for periods in generated.values() for r in periods.values()}
    assert {"stay", "promote"} <= kinds
    assert not [r for periods in generated.values() for r in periods.values() if any("invalid" in f for f in r.flags)]


def test_every_scenario_is_documented():
    assert list(SCENARIOS) == [f"E{n:04d}" for n in range(1, 27)]
    assert all(SCENARIOS.values())


def test_front_desk_supervisors_placement_and_a_scheme_switch(graded):
    end, results = graded
    last, before = str(end), str(end.prev())
    # front desk appearance (5 points, -1 each, more than 3 take all 5): 2 violations, then 4
    assert results["E0021"][str(end.shift(-2))].score - results["E0021"][before].score == 2
    assert results["E0021"][before].score - results["E0021"][last].score == 3
    assert results["E0022"][str(end.shift(-2))].pay_delta == 300  # the 90+ bonus band
    # supervisor scorecard: a complaint handled late costs 10; the post allowance stays
    sup = results["E0023"]
    assert (
        sup[before].score - sup[last].score == 10 and sup[last].pay_delta == 1100 and sup[last].level_after == "post-2"
    )
    # the promoted supervisor: star-levels up to the switch, supervisor-kpi from it at post-1
    switched = str(end.shift(-2))
    assert results["E0024"][str(end.shift(-3))].scheme == "star-levels"
    assert (results["E0024"][switched].scheme, results["E0024"][switched].level_before) == ("supervisor-kpi", "post-1")
    # placement: placed on hire at assistant-2; not placed, then placed by the next form
    assert (results["E0025"][str(end.shift(-4))].decision, results["E0025"][last].level_after) == (
        "placed",
        "assistant-2",
    )
    assert results["E0026"][str(end.shift(-3))].decision == "not-placed"
    assert (results["E0026"][str(end.shift(-2))].decision, results["E0026"][last].level_after) == (
        "placed",
        "assistant-1",
    )
