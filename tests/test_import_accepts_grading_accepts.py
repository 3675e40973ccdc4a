"""What import accepts, grading accepts (issue 8), and the converse spot check.

For each built-in scheme, hypothesis writes scorecard files (valid-looking and invalid values of
each metric kind, blank cells, partial columns, over a stored card or none) and imports them into
a fresh copy of a small company. When the import succeeds, grading the month (and, for a
quarterly scheme, its quarter) raises nothing and gives no ``invalid`` result, and every stored
card passes the scheme's own check. When the import refuses a metric cell, the card as the file
would have left it is one the scheme's own ``card_problems`` refuses too.

Examples: ``CSTUI_FUZZ_EXAMPLES`` / 25 per scheme (80 at the default 2000).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from datetime import date

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from cstui.domain import Employee, Incident, Period, Scorecard
from cstui.engine.cards import card_problems
from cstui.errors import InvalidData
from cstui.grading import graded_results
from cstui.io.imports import import_scorecards
from cstui.schemes import load_scheme
from cstui.store import Store
from gate_support import LEVEL, MONTH, QUARTER, QUARTERLY, ROLE, SCHEMES, valid_card

EXAMPLES = max(1, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")) // 25)
RUN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
IDS = ("P0", "P1", "P2", "P3")
STORED = ("P0", "P1")  # have a valid MONTH card before the file comes in
OTHER = "Q0"  # an employee on another scheme

# ------------------------------------------------------------------------------ values by kind


def decimal_text(low: int, high: int, places: int) -> st.SearchStrategy[str]:
    return st.decimals(low, high, places=places, allow_nan=False, allow_infinity=False).map(str)


VALID = {
    "rate": st.one_of(
        decimal_text(0, 1, 4),
        decimal_text(0, 100, 2).map(lambda t: t + "%"),
        st.sampled_from(["0", "1", "100%", "0%", " 62% "]),
    ),
    "rating": st.one_of(decimal_text(0, 100, 2), st.sampled_from(["0", "100", "99.99"])),
    "seconds": st.one_of(decimal_text(0, 10**6, 3), st.sampled_from(["0", "1000000"])),
    "count": st.one_of(st.integers(0, 10**6).map(str), st.sampled_from(["1,000", " 2 ", "1.0", "0"])),
    "number": st.one_of(decimal_text(0, 10**12, 4), st.sampled_from(["1.2", "0"])),
    "money": st.one_of(
        decimal_text(0, 10**12, 2), decimal_text(-(10**12), 10**12, 2), st.sampled_from(["0.01", "100000", "12,500.50"])
    ),
    "points": st.one_of(st.integers(-6, 6).map(str), decimal_text(-6, 6, 1)),
    "text": st.one_of(st.text(max_size=12).filter(lambda t: "\r" not in t and "\n" not in t), st.just("x" * 1001)),
}
INVALID = st.one_of(
    st.sampled_from(
        [
            "1E+28",
            "1e9999999",
            "NaN",
            "inf",
            "-inf",
            "62",
            "101",
            "-1",
            "-0.01",
            "1.5",
            "12.345",
            "abc",
            "1/2",
            "0.123456789012345%",
            "1234567890123456",
            "9" * 50,
            "٣",
            "1,,2",
            "--1",
            "%",
        ]
    ),
    st.text(alphabet="0123456789.,-+eE% ", max_size=10),
)


BLANK = st.sampled_from(["", " "])


@st.composite
def card_file(draw, scheme_name: str):
    """(header, rows): employee_id then some of the scheme's metric columns, a few employees' rows.

    A file's ``noise`` (0, 5, 20 or 50 %) is the chance of each cell being invalid or blank, so
    clean files (which import) and dirty ones (which do not) both come up often.
    """
    scheme = load_scheme(scheme_name)
    specs = scheme.model.metrics(scheme)
    required = [s.key for s in specs if s.required]
    optional = [s.key for s in specs if not s.required]
    columns = required + draw(st.lists(st.sampled_from(optional), unique=True)) if optional else list(required)
    if required and draw(st.integers(0, 19)) == 0:
        columns.remove(draw(st.sampled_from(required)))  # a partial file of a scheme whose fields are all required
    kinds = {s.key: s.kind for s in specs}
    people = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=4, unique=True))
    if draw(st.integers(0, 9)) == 0:
        people.append(draw(st.sampled_from([OTHER, people[0]])))  # someone on another scheme, or a row twice
    noise = draw(st.sampled_from([0, 5, 20, 50]))

    def cell(kind: str) -> str:
        if draw(st.integers(0, 99)) < noise:
            return draw(st.one_of(INVALID, BLANK))
        return draw(VALID[kind])

    rows = [[person] + [cell(kinds[c]) for c in columns] for person in people]
    return ["employee_id", *columns], rows


# ------------------------------------------------------------------------------ the company


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """Per scheme: P0..P3 on it (valid cards for the quarter's first two months, and for P0, P1 the
    last one too), Q0 on another scheme; assistant-class P0 also has incidents in MONTH."""
    made = {}
    for scheme in SCHEMES:
        path = tmp_path_factory.mktemp("property") / f"{scheme}.db"
        other = "five-tier" if scheme != "five-tier" else "star-levels"
        roster = [
            Employee(p, f"张{i}", "T1", ROLE.get(scheme, "agent"), date(2023, 3, 1), scheme=scheme, level=LEVEL[scheme])
            for i, p in enumerate(IDS)
        ]
        roster.append(Employee(OTHER, "Other", "T1", "agent", date(2023, 3, 1), scheme=other, level=LEVEL[other]))
        with Store.open(path, create=True) as store:
            store.import_roster(roster)
            cards = [
                (p, m, valid_card(scheme, i, Period.parse(m).index))
                for i, p in enumerate(IDS)
                for m in ("2026-07", "2026-08")
            ]
            cards += [(p, MONTH, valid_card(scheme, i, 9)) for i, p in enumerate(STORED)]
            store.save_scorecards(cards)
            if scheme == "assistant-class":
                store.add_incidents(
                    [Incident("P0", date(2026, 9, 3), "late"), Incident("P0", date(2026, 9, 9), "zero-complaints")]
                )
        made[scheme] = path
    return made


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue()


def outcome(name: str) -> None:
    if currently_in_test_context():  # (the control test below runs outside hypothesis)
        event(name)


def imported(templates, tmp_path, scheme_name: str, header, rows):
    """Copy the company, import the file: (store path, scheme, None) or (…, the InvalidData)."""
    path = tmp_path / "company.db"
    shutil.copyfile(templates[scheme_name], path)
    source = tmp_path / "cards.csv"
    source.write_text(csv_text(header, rows), encoding="utf-8")
    scheme = load_scheme(scheme_name)
    with Store.open(path) as store:
        try:
            import_scorecards(store, source, Period.parse(MONTH), scheme)
        except InvalidData as refused:
            outcome("refused")
            return path, scheme, refused
    outcome("imported")
    return path, scheme, None


def grade_everything(path, scheme) -> None:
    periods = [MONTH, QUARTER] if scheme.name in QUARTERLY else [MONTH]
    with Store.open(path) as store:
        for period in periods:
            for team in graded_results(store, scheme, Period.parse(period)):
                invalid = [(r.employee_id, r.flags) for r in team.results if r.decision == "invalid"]
                assert invalid == [], f"{period}: imported cards graded invalid: {invalid}"
        for employee_id in IDS:
            card = store.scorecard(employee_id, MONTH)
            if card.version:  # a month with no card is a legitimate state
                assert card_problems(scheme, card) == [], (employee_id, card.values)


@pytest.mark.parametrize("scheme_name", SCHEMES)
def test_what_import_accepts_grading_accepts(templates, tmp_path, scheme_name):
    @RUN
    @given(file=card_file(scheme_name))
    def check(file):
        path, scheme, refused = imported(templates, tmp_path, scheme_name, *file)
        if refused is None:
            grade_everything(path, scheme)

    check()


# ------------------------------------------------------------------------------ the converse

LINE = re.compile(r"^(?P<source>.*):(?P<row>\d+):(?P<column>[^:]+): (?P<reason>.*)$")


def known_percent_rounding(reason: str, raw: str) -> bool:
    """No known exception left (test_import_and_scheme_agree_on_a_percent_with_too_many_decimals)."""
    return False


def card_as_the_file_leaves_it(store, scheme, header, row) -> Scorecard:
    """The file's non-blank cells over the stored card (metrics the file has no column for are kept)."""
    employee_id = row[0]
    stored = store.month_values(Period.parse(MONTH), [employee_id]).get(employee_id, {})
    values = {k: v for k, v in stored.items() if k not in header}
    values |= {k: v.strip() for k, v in zip(header[1:], row[1:]) if v.strip()}
    incidents = store.incidents(employee_id, MONTH)
    return Scorecard(employee_id, Period.parse(MONTH), values, incidents)


@pytest.mark.parametrize("scheme_name", SCHEMES)
def test_a_card_import_refuses_the_scheme_refuses(templates, tmp_path, scheme_name):
    metric_keys = {s.key for s in load_scheme(scheme_name).model.metrics(load_scheme(scheme_name))}

    @RUN
    @given(file=card_file(scheme_name))
    def check(file):
        header, rows = file
        path, scheme, refused = imported(templates, tmp_path, scheme_name, header, rows)
        if refused is None:
            return
        with Store.open(path) as store:
            for line in refused.lines:
                found = LINE.match(line)
                assert found, line
                number, column = int(found["row"]), found["column"]
                if number < 2 or column not in metric_keys:
                    continue  # a header or employee problem: not about a card's values
                row = rows[number - 2]
                if row[0] not in IDS:
                    continue  # the card of someone not on the scheme: no card to judge
                raw = row[header.index(column)] if column in header else ""
                if known_percent_rounding(found["reason"], raw):
                    continue
                card = card_as_the_file_leaves_it(store, scheme, header, row)
                assert card_problems(scheme, card) != [], (line, card.values)
                event("converse checked")

    check()


def test_import_and_scheme_agree_on_a_percent_with_too_many_decimals(templates, tmp_path):
    """A percent of 15 decimals is 17 as a stored fraction: the scheme's check and the import both refuse it."""
    header = ["employee_id", "follow_up_rate", "satisfaction", "handling", "training", "attendance"]
    row = ["P2", "0.123456789012345%", "0.9", "80", "80", "0.95"]
    scheme = load_scheme("five-tier")
    problems = card_problems(scheme, Scorecard("P2", Period.parse(MONTH), dict(zip(header[1:], row[1:]))))
    assert [p.field for p in problems] == ["follow_up_rate"]
    _, _, refused = imported(templates, tmp_path, "five-tier", header, [row])
    assert refused is not None and ":2:follow_up_rate: " in refused.lines[0]


def test_the_generated_files_reach_both_outcomes(templates, tmp_path):
    """The control of the property: a valid file is imported and graded, a bad one refused."""
    header = ["employee_id", "sales_target", "sales_actual"]
    path, scheme, refused = imported(templates, tmp_path, "star-levels", header, [["P2", "100000", "120000"]])
    assert refused is None
    grade_everything(path, scheme)
    _, _, refused = imported(templates, tmp_path, "star-levels", header, [["P2", "0", "120000"]])
    assert refused is not None and refused.lines[0].endswith(":2:sales_target: expected a target above 0, got 0")
