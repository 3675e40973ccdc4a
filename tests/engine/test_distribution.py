"""Forced distribution (issue 11 item 4): the loader's refusals, a hand-made team whose quotas
break (reported) and are enforced by rank, and the rules as properties (nobody moves up; a max
stays broken only by a tie at the boundary rank)."""

from __future__ import annotations

import os
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.domain import Period, Result
from cstui.engine.distribution import breaches, compile_distribution, enforce
from cstui.schemes import SchemeError, load_scheme

GRADES = ("A", "B", "C", "D", "E", "F")
BANDS = [{"grade": g} for g in GRADES]  # compile_distribution reads only the grade names, in order
EXAMPLES = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000"))


def variant(tmp_path, body: str, parent: str = "assistant-class") -> str:
    path = tmp_path / "quota.toml"
    path.write_text(
        f'name = "{parent}"\nextends = "{parent}"\nversion = "q1"\n[distribution]\n{body}', encoding="utf-8"
    )
    return str(path)


def problems(tmp_path, body: str, parent: str = "assistant-class") -> list[str]:
    path = variant(tmp_path, body, parent)
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    return [line.removeprefix(f"{path}: ") for line in caught.value.problems]


# -- the loader -------------------------------------------------------------------------------


def test_a_scheme_with_quotas_loads(tmp_path):
    scheme = load_scheme(variant(tmp_path, 'max = { A = 0.2, "A-B" = 0.5 }\nmin = { "D-F" = 0.1 }\nenforce = true\n'))
    dist = compile_distribution(scheme.params)
    assert dist.enforce and dist.grades == GRADES
    assert [(q.bound, q.key, q.grades, q.share) for q in dist.quotas] == [
        ("max", "A", ("A",), Fraction(1, 5)),
        ("max", "A-B", ("A", "B"), Fraction(1, 2)),
        ("min", "D-F", ("D", "E", "F"), Fraction(1, 10)),
    ]


@pytest.mark.parametrize(
    "body, line",
    [
        ("max = { A = 20 }", "distribution.max.A: expected a share from 0 to 1 (20% is 0.20), got 20"),
        ("min = { F = -0.1 }", "distribution.min.F: expected a share from 0 to 1 (20% is 0.20), got -0.1"),
        ('max = { A = "20%" }', "distribution.max.A: expected a number, got a string '20%'"),
        ("max = { Z = 0.1 }", "distribution.max.Z: unknown grade or span 'Z'; the grades are A, B, C, D, E, F"),
        ('max = { "F-A" = 0.1 }', "distribution.max.F-A: unknown grade or span 'F-A'"),
        ("enforce = 1", "distribution.enforce: expected true or false, got a whole number 1"),
        ("maxx = { A = 0.1 }", "distribution.maxx: unknown key distribution.maxx; did you mean distribution.max?"),
        (
            'max = { "A-B" = 0.2 }\nmin = { B = 0.3 }',
            "distribution.min.B: at least 30% B contradicts at most 20% A-B (distribution.max.A-B)",
        ),
        (
            'min = { A = 0.6, "D-F" = 0.5 }',
            "distribution.min.D-F: at least 60% A and at least 50% D-F cannot both hold",
        ),
        (
            "max = { B = 0.2 }\nenforce = true",
            "distribution.max.B: enforce = true moves grades down only: a max must cover the top grade",
        ),
        ("max = { A-F = 0.2 }\nenforce = true", "distribution.max.A-F: enforce = true moves grades down only"),
        (
            "min = { D = 0.2 }\nenforce = true",
            "distribution.min.D: enforce = true moves grades down only: a min must cover the lowest grade",
        ),
    ],
)
def test_a_bad_quota_is_refused_with_its_key_named(tmp_path, body, line):
    lines = problems(tmp_path, body + "\n")
    assert any(found.startswith(line) for found in lines), lines


def test_a_quota_on_a_scheme_without_grades_is_refused(tmp_path):
    for parent in ("star-levels", "five-tier", "ecommerce-kpi"):
        lines = problems(tmp_path, "max = { A = 0.2 }\n", parent)
        assert lines == [
            "distribution: this scheme gives no grades (it has no [[grade_bands]]): a grade quota cannot apply; remove [distribution]"
        ]


def test_the_shipped_schemes_set_no_quota():
    assert compile_distribution(load_scheme("assistant-class").params) is None


# -- a hand-made team -------------------------------------------------------------------------


def member(i: int, score: int, grade: str, rank: int | None) -> Result:
    return Result(
        f"E{i}",
        f"Agent {i}",
        "T1",
        Period.parse("2026-06"),
        "s",
        "1",
        Decimal(score),
        grade,
        rank,
        "class-3",
        "class-3",
        "none",
        Decimal(0),
        [],
        [f"total {score} → grade {grade}"],
    )


def team() -> list[Result]:
    """Ranks 1..7 by score; two C tied at the bottom; one not graded (missing)."""
    rows = [
        member(1, 100, "A", 1),
        member(2, 95, "A", 2),
        member(3, 92, "A", 3),
        member(4, 90, "B", 4),
        member(5, 80, "B", 5),
        member(6, 78, "C", 6),
        member(7, 78, "C", 6),
    ]
    missing = Result(
        "E8",
        "Agent 8",
        "T1",
        Period.parse("2026-06"),
        "s",
        "1",
        None,
        None,
        None,
        "class-3",
        "class-3",
        "missing",
        None,
    )
    return rows + [missing]


def dist(enforced: bool, **quotas):
    raw = {"max": quotas.get("max", {}), "min": quotas.get("min", {}), "enforce": enforced}
    return compile_distribution({"grade_bands": BANDS, "distribution": raw})


def grades(results: list[Result]) -> dict[str, str | None]:
    return {r.employee_id: r.grade for r in results}


def test_a_team_that_breaks_its_quotas_is_reported_and_left_alone():
    d, results = dist(False, max={"A": 0.2}, min={"D-F": 0.1}), team()
    before = grades(results)
    found = breaches(d, "s", "T1", results)
    assert [(b.quota.key, b.count, b.graded, b.quota.allowed(b.graded)) for b in found] == [
        ("A", 3, 7, 1),
        ("D-F", 0, 7, 1),
    ]
    assert found[0].text() == "team T1: 3 of 7 graded A (42.9%), quota at most 20% A [s]"
    assert found[1].text() == "team T1: 0 of 7 graded D-F (0%), quota at least 10% D-F [s]"
    assert grades(results) == before  # reported, not enforced


def test_enforcing_moves_exactly_the_lowest_ranked_down():
    d, results = dist(True, max={"A": 0.3}, min={"D-F": 0.1}), team()
    enforce(d, results, explain=True)
    # at most 30% of 7 graded is 2 A: rank 3 of the A becomes B; at least 10% of 7 is 1 D-F: the
    # lowest-ranked above D are the two C tied at rank 6, and a tie moves together (domain.md)
    assert grades(results) == {"E1": "A", "E2": "A", "E3": "B", "E4": "B", "E5": "B", "E6": "D", "E7": "D", "E8": None}
    by_id = {r.employee_id: r for r in results}
    assert (
        by_id["E3"].trace[-1]
        == "forced distribution: grade A → B: at most 30% A of the team (2 of 7 graded); rank 3 of 3 graded A"
    )
    assert (
        by_id["E6"].trace[-1]
        == "forced distribution: grade C → D: at least 10% D-F of the team (1 of 7 graded); among the 1 lowest-ranked above D"
    )
    assert by_id["E1"].trace == ["total 100 → grade A"]
    assert breaches(d, "s", "T1", results) == []


def test_a_tie_at_the_boundary_keeps_the_grade_and_the_report_says_so():
    d = dist(True, max={"A": 0.2})
    results = [
        member(1, 95, "A", 1),
        member(2, 95, "A", 1),
        member(3, 80, "B", 3),
        member(4, 80, "B", 3),
        member(5, 70, "C", 5),
    ]
    enforce(d, results, explain=False)
    assert grades(results)["E1"] == grades(results)["E2"] == "A"  # 1 allowed, two share rank 1
    (breach,) = breaches(d, "s", "T1", results)
    assert breach.text().endswith("(kept by a tie at the boundary rank)")
    assert all(r.trace == [f"total {r.score} → grade {r.grade}"] for r in results)  # explain=False: no line


# -- properties -------------------------------------------------------------------------------

BAND_LOWS = (90, 80, 70, 65, 60)  # assistant-class: A above 90, B 80-90, ... (enough for ordering)


def grade_for(score: int) -> str:
    return next((g for g, low in zip(GRADES, BAND_LOWS) if score > low), "F")


def ranked_team(scores: list[int]) -> list[Result]:
    return [member(i, s, grade_for(s), 1 + sum(1 for o in scores if o > s)) for i, s in enumerate(scores)]


SHARES = st.sampled_from([0, 0.05, 0.1, 0.15, 0.2, 0.25, 1 / 3, 0.5, 0.75, 1])
TOP_SPANS = st.sampled_from(["A", "A-B", "A-C", "A-D", "A-E"])
BOTTOM_SPANS = st.sampled_from(["F", "E-F", "D-F", "C-F", "B-F", "A-F"])


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    scores=st.lists(st.integers(40, 110), min_size=1, max_size=40),
    maxes=st.dictionaries(TOP_SPANS, SHARES, max_size=3),
    mins=st.dictionaries(BOTTOM_SPANS, SHARES, max_size=2),
)
def test_enforcing_never_moves_anyone_up_and_leaves_only_ties_over_a_max(scores, maxes, mins):
    d = dist(True, max=maxes, min=mins)
    if d is None:
        return
    results = ranked_team(scores)
    before = {r.employee_id: r.grade for r in results}
    enforce(d, results, explain=True)
    for r in results:
        assert GRADES.index(r.grade) >= GRADES.index(before[r.employee_id])  # never up
        assert (r.grade != before[r.employee_id]) == any(line.startswith("forced distribution") for line in r.trace)
    for quota in d.quotas:
        members = [r for r in results if r.grade in quota.grades]
        allowed = quota.allowed(len(results))
        if quota.bound == "min":
            assert len(members) >= allowed
        elif len(members) > allowed:  # only a tie at the boundary rank keeps it broken
            ranks = sorted(r.rank for r in members)
            assert ranks[allowed] == ranks[allowed - 1] and allowed > 0
        if quota.bound == "max":  # whoever left the span ranked below everyone who stayed
            left = [r for r in results if before[r.employee_id] in quota.grades and r.grade not in quota.grades]
            assert all(o.rank > s.rank for o in left for s in members)
