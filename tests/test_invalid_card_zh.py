"""The ``invalid-scorecard`` flag and trace line carry the card's problem as a line of its own:
in 中文 the field is the metric's label and the reason the scheme's own 中文, not the English
quoted; the English of flag and trace is what it always was."""

from __future__ import annotations

import re
from decimal import Decimal

from cstui.domain import Period, Result, Scorecard
from cstui.domain.texts import from_json, render, to_json, with_domain
from cstui.engine.cards import card_problems, mark_invalid
from cstui.schemes import catalog

MONTH = Period.parse("2026-10")


def graded(employee_id: str) -> Result:
    return Result(
        employee_id, "张三", "T1", MONTH, "star-levels", "1", Decimal(90), "A", 1, "1-star", "1-star", "stay", None
    )


def test_an_invalid_card_reads_in_chinese_in_its_flag_and_trace():
    scheme = catalog().get("star-levels")
    card = Scorecard("E1", MONTH, {"sales_target": "0", "sales_actual": "10"})
    result = graded("E1")
    mark_invalid([result], {"E1": {MONTH: card_problems(scheme, card)}}, MONTH, explain=True)
    flag, trace = result.flags[0], result.trace[0]
    assert flag == "invalid-scorecard 2026-10: sales_target: expected a target above 0, got 0"
    assert trace.startswith("scorecard 2026-10 refused by the scheme (sales_target: expected a target above 0, got 0)")
    labels = with_domain(scheme.labels_zh())
    for said in (flag, from_json(to_json(flag)), trace):  # as made, and as stored and read back
        zh = render(said, "zh", labels)
        assert "销售目标" in zh and "sales_target" not in zh, zh
        assert set(re.findall(r"[A-Za-z]{3,}", zh)) == set(), zh


def test_an_assistant_card_the_ledger_cannot_score_reads_in_chinese():
    from cstui.engine.ledger import compile_ledger
    from cstui_plugins.assistant_class.months import month_facts

    scheme = catalog().get("assistant-class")
    card = Scorecard("A1", MONTH, {"a_followups": "-3", "adjustment": "0"})
    facts = month_facts(compile_ledger(scheme.params), ("a_followups",), card)
    assert facts.total is None and facts.problem.startswith("A1 2026-10 a_followups: ")
    zh = render(facts.problem, "zh", with_domain(scheme.labels_zh()))
    assert "a_followups" not in zh and zh.startswith("A1 2026-10 "), zh
