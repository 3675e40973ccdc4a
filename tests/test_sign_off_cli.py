"""`cstui results --mine`, `cstui confirm`, `cstui dispute open|list|answer` and `cstui period
close --reason`, as agents, a supervisor and a manager type them; an agent's listings hold
nothing of a colleague."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.domain import Employee, Period, Result
from cstui.schemes import SchemeError, load_scheme
from cstui.store import Store
from cstui.store.codec import now
from cstui.store.signoff import WINDOW_DAYS_DEFAULT, window_days_of

MONTH = "2026-10"


def run(db, login, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args], obj={"login": login})


@pytest.fixture
def db(tmp_path):
    """ann (1001, 张三) and bob (1002, 李四) on T1, graded for 2026-10; sam supervises T1; mia manages."""
    path = tmp_path / "c.db"
    with Store.open(path, login="alice", create=True) as s:
        s.add_team("T1", "One")
        for id, name, login, score in (("1001", "张三", "ann", "90"), ("1002", "李四", "bob", "70")):
            s.add_employee(Employee(id, name, "T1", "agent", date(2025, 1, 1), login=login, scheme="star-levels"))
            s.add_user(login, "agent")
            s.record_results(
                [
                    Result(
                        id,
                        name,
                        "T1",
                        Period.parse(MONTH),
                        "star-levels",
                        "1",
                        Decimal(score),
                        "B",
                        None,
                        "L1",
                        "L1",
                        "stay",
                        Decimal("0"),
                        [],
                        [f"trace of {name}"],
                    )
                ]
            )
        s.add_user("sam", "supervisor", ["T1"])
        s.add_user("mia", "manager")
    return path


def test_an_agents_listings_hold_nothing_of_a_colleague(db):
    for args in (
        ("results", "--period", MONTH, "--trace"),
        ("results", "--mine", "--period", MONTH, "--json"),
        ("dispute", "list"),
        ("user", "list"),
        ("employee", "show", "1001"),
        ("period", "list"),
    ):
        out = run(db, "ann", *args)
        assert out.exit_code == 0, (args, out.output)
        assert "1002" not in out.output and "李四" not in out.output and "bob" not in out.output, args
    mine = json.loads(run(db, "ann", "results", "--mine", "--period", MONTH, "--json").output)
    assert [(r["employee"], r["trace"], r["sign-off"]) for r in mine] == [("1001", ["trace of 张三"], "pending")]
    assert "trace of 张三" in run(db, "ann", "results", "--period", MONTH, "--trace").output
    for args in (("employee", "show", "1002"), ("audit",), ("employee", "timeline", "1002")):
        out = run(db, "ann", *args)
        assert out.exit_code == 4 and "李四" not in out.output, (args, out.output)


def test_results_mine_for_a_login_of_no_employee(db):
    out = run(db, "sam", "results", "--mine", "--period", MONTH)
    assert out.exit_code == 3 and "roster login of no employee" in out.output
    everyone = run(db, "sam", "results", "--period", MONTH)
    assert "张三" in everyone.output and "李四" in everyone.output


def test_the_dispute_life_cycle_and_the_close(db):
    assert run(db, "ann", "confirm", "--period", MONTH).output.strip() == "1001: 2026-10 confirmed"
    opened = run(db, "bob", "dispute", "open", "--period", MONTH, "--reason", "70 is too low")
    assert opened.exit_code == 0 and opened.output.strip() == "dispute 2: 1002 2026-10 open"
    again = run(db, "bob", "confirm", "--period", MONTH)
    assert again.exit_code == 4 and "still open" in again.output
    queue = json.loads(run(db, "sam", "dispute", "list", "--period", MONTH, "--open", "--json").output)
    assert [(d["id"], d["employee_id"], d["reason"]) for d in queue] == [(2, "1002", "70 is too low")]
    assert "sign-off" in run(db, "sam", "results", "--period", MONTH).output
    refused = run(db, "mia", "period", "close", MONTH)
    assert refused.exit_code == 4 and "1 open dispute" in refused.output and "--reason" in refused.output
    assert run(db, "ann", "dispute", "answer", "2", "--reject", "--reason", "x").exit_code == 4
    assert run(db, "sam", "dispute", "answer", "2", "--reason", "x").exit_code == 2
    answered = run(db, "sam", "dispute", "answer", "2", "--reject", "--reason", "the card is right")
    assert answered.exit_code == 0 and answered.output.strip() == "dispute 2: rejected"
    seen = json.loads(run(db, "bob", "dispute", "list", "--json").output)
    assert [(d["status"], d["answer"]) for d in seen] == [("rejected", "the card is right")]
    assert run(db, "mia", "period", "close", MONTH).exit_code == 0


def test_a_manager_closes_over_open_disputes_with_a_reason(db):
    run(db, "bob", "dispute", "open", "--period", MONTH, "--reason", "too low")
    closed = run(db, "mia", "period", "close", MONTH, "--reason", "payroll cut-off")
    assert closed.exit_code == 0, closed.output
    assert run(db, "sam", "period", "close", "2026-11", "--reason", "x").exit_code == 4  # a supervisor never closes
    late = run(db, "ann", "confirm", "--period", MONTH)
    assert late.exit_code == 4 and "closed" in late.output


def test_the_default_window_is_five_days_after_the_apply(db, monkeypatch):
    applied = date.fromisoformat(now()[:10])
    monkeypatch.setenv("CSTUI_TODAY", (applied + timedelta(days=WINDOW_DAYS_DEFAULT + 1)).isoformat())
    late = run(db, "ann", "dispute", "open", "--period", MONTH, "--reason", "late")
    assert late.exit_code == 4 and "window" in late.output
    monkeypatch.setenv("CSTUI_TODAY", (applied + timedelta(days=WINDOW_DAYS_DEFAULT)).isoformat())
    assert run(db, "ann", "confirm", "--period", MONTH).exit_code == 0


def variant(tmp_path, body: str):
    path = tmp_path / "signed.toml"
    path.write_text(f'name = "signed"\nextends = "star-levels"\n{body}', encoding="utf-8")
    return str(path)


def test_a_scheme_sets_the_window(tmp_path):
    from cstui.errors import InvalidData

    assert window_days_of(load_scheme("star-levels")) == WINDOW_DAYS_DEFAULT
    assert window_days_of(load_scheme(variant(tmp_path, "[sign_off]\nwindow_days = 10\n"))) == 10
    assert window_days_of(load_scheme(variant(tmp_path, "[sign_off]\nwindow_days = 0\n"))) == 0
    for wrong in ("-1", "2.5"):
        with pytest.raises(InvalidData, match="sign_off.window_days"):
            window_days_of(load_scheme(variant(tmp_path, f"[sign_off]\nwindow_days = {wrong}\n")))
    with pytest.raises(SchemeError, match="sign_off.window_dayz"):
        load_scheme(variant(tmp_path, "[sign_off]\nwindow_dayz = 3\n"))


def test_an_admin_makes_an_agent_only_of_a_roster_login(db):
    nobody = run(db, "alice", "user", "add", "zed", "--role", "agent")
    assert nobody.exit_code == 4 and "roster login of exactly one employee" in nobody.output
    teamed = run(db, "alice", "user", "add", "ann", "--role", "agent", "--team", "T1")
    assert teamed.exit_code == 3 and "give no --team" in teamed.output
