"""The assistant-class team's months, worked out once per team and month (ranks, who is last,
each member's look-back run), give what a fresh per-month reading gives, whatever the order of
the questions: nothing read for one month or member is served for another."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant_cards import P, card, emp
from cstui.engine.ledger import compile_ledger
from cstui.engine.model import TeamHistory
from cstui.engine.ranking import competition_ranks
from cstui.schemes import load_scheme
from cstui_plugins.assistant_class import params as rules_params
from cstui_plugins.assistant_class.months import TeamMonths, stored_facts
from cstui_plugins.assistant_class.months import window as look_back_months

SCHEME = load_scheme("assistant-class")
RULES = rules_params.compile_rules(SCHEME.params)
LEDGER = compile_ledger(SCHEME.params)
MONTHS = [P("2026-07").shift(k) for k in range(6)]


def team_months(history: TeamHistory) -> TeamMonths:
    return TeamMonths(LEDGER, RULES.count_metrics, history, RULES.lead_role)


def fresh_is_last(history: TeamHistory, employee_id: str, month) -> bool:
    """The reference: the month's ranks from a new TeamMonths, read for this question only."""
    ranks = team_months(history).ranks(month)
    scored = [r for r in ranks.values() if r is not None]
    worst = max(scored, default=None)
    return ranks.get(employee_id) is not None and ranks[employee_id] == worst and worst > 1


def fresh_score(history: TeamHistory, employee_id: str, month):
    return team_months(history).score(employee_id, month)


# per member: per month, a score (None: no card that month); the last member is a team lead
team_scores = st.lists(
    st.lists(st.one_of(st.none(), st.integers(60, 90)), min_size=len(MONTHS), max_size=len(MONTHS)),
    min_size=2,
    max_size=5,
)


@settings(max_examples=40, deadline=None)
@given(team_scores, st.randoms(use_true_random=False), st.integers(1, 4))
def test_runs_and_ranks_match_a_fresh_reading(scores, rng, span):
    employees = [emp(i) for i in range(len(scores) - 1)] + [emp(len(scores) - 1, role=RULES.lead_role)]
    history = TeamHistory("T1", employees)
    for e, row in zip(employees, scores):
        for month, score in zip(MONTHS, row):
            if score is not None:
                history.cards.setdefault(e.id, {})[month] = card(e.id, month, score)
    months = team_months(history)  # one for every question, as a grading run shares it
    questions = [(e.id, k) for e in employees for k in range(span - 1, len(MONTHS))]
    rng.shuffle(questions)
    for employee_id, k in questions:
        window = MONTHS[k - span + 1 : k + 1]
        expected = [(fresh_is_last(history, employee_id, m), fresh_score(history, employee_id, m)) for m in window]
        assert months.look_back(employee_id, MONTHS[k], span) == expected
        assert [months.is_last(employee_id, m) for m in window] == [last for last, _ in expected]
        month = MONTHS[k]
        assert months.ranks(month) == competition_ranks(
            {e.id: fresh_score(history, e.id, month) for e in employees if e.role != RULES.lead_role}
        )


def decoded_score(table: dict, employee_id: str, month):
    """The reference for a month a checkpoint keeps: its row decoded in full (``stored_facts``)."""
    row = table.get(employee_id, {}).get(str(month))
    return None if row is None else stored_facts(row, RULES.count_metrics).score


# per member: per month, a checkpoint row's score (None: no row; "problem": a card not scored)
stored_rows = st.lists(
    st.lists(
        st.one_of(st.none(), st.just("problem"), st.decimals(55, 95, places=2, allow_nan=False).map(str)),
        min_size=len(MONTHS),
        max_size=len(MONTHS),
    ),
    min_size=2,
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(stored_rows, st.randoms(use_true_random=False), st.integers(1, 4))
def test_a_checkpoints_scores_read_alone_are_its_decoded_rows(rows, rng, span):
    """A resumed month reads the scores of the months a checkpoint keeps without decoding their
    rows: each score, rank and look-back run is what the fully decoded rows give."""
    employees = [emp(i) for i in range(len(rows))]
    table = {}
    for e, row in zip(employees, rows):
        for month, score in zip(MONTHS, row):
            if score is not None:
                kept = {"problem": "bad"} if score == "problem" else {"score": score, "counts": [1] * 5}
                table.setdefault(e.id, {})[str(month)] = kept
    months = team_months(TeamHistory("T1", employees))
    months.restore(table)
    questions = [(e.id, k) for e in employees for k in range(span - 1, len(MONTHS))]
    rng.shuffle(questions)
    for employee_id, k in questions:
        window = look_back_months(MONTHS[k], span)
        assert window == tuple(MONTHS[k - span + 1 : k + 1])
        ranks = [competition_ranks({e.id: decoded_score(table, e.id, m) for e in employees}) for m in window]
        worst = [max((n for n in r.values() if n is not None), default=None) for r in ranks]
        last = [w is not None and w > 1 and r.get(employee_id) == w for r, w in zip(ranks, worst)]
        scores = [decoded_score(table, employee_id, m) for m in window]
        assert months.look_back(employee_id, MONTHS[k], span) == list(zip(last, scores))
        if rng.random() < 0.3:  # a month decoded in full afterwards (a review) agrees with its scores
            facts = months.get(employee_id, MONTHS[k])
            assert (None if facts is None else facts.score) == decoded_score(table, employee_id, MONTHS[k])


@given(st.text(alphabet="0123456789²³¹٣３ -.", max_size=4))
def test_counts_read_as_the_general_parser_reads_them(text):
    """The plain-digit shortcut of read_counts gives what parse_count gives, and never raises:
    "²" is a digit to str.isdigit, not to int()."""
    from cstui.domain import Scorecard
    from cstui.domain.values import ValueProblem, parse_count
    from cstui_plugins.assistant_class.months import read_counts

    problems = []
    counts = read_counts(Scorecard("E1", MONTHS[0], {"tickets": text}), ("tickets",), problems)
    if not text.strip():
        assert counts == {"tickets": 0} and not problems
        return
    try:
        expected = parse_count(text)
    except ValueProblem:
        assert problems and "tickets" not in counts
    else:
        assert counts == {"tickets": expected} and not problems
