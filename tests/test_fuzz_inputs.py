"""Fuzzing what people type and import (issue 8): no input leaves anything but the project's own errors.

Every number parser (``cstui.domain.values.PARSERS``, ``parse_decimal``, ``parse_date``) gets
arbitrary text, number-like text (signs, digits, dots, commas, exponents, %, spaces, unicode
digits, very long runs) and arbitrary floats, ints and Decimals (NaN, infinities, exponents like
``Decimal('1e9999999')``): only :class:`ValueProblem` may be raised, and an accepted value is
finite, inside its kind's limits and survives ``format_number`` and a re-parse unchanged. The
CSV/XLSX readers and the three imports get arbitrary bytes and arbitrary cells: only
``InvalidData``, ``ValueProblem`` or a ``StoreError`` may leave, and each maps to a documented
exit code other than 1 ("unexpected error").

The example count is read from ``CSTUI_FUZZ_EXAMPLES`` (default 2000: CI's bounded run, about half
a minute on an idle 2-core machine). The parser test runs that many examples (each value through
every parser); the file-based tests a twentieth (CSV and bytes) or a fiftieth (XLSX, which
openpyxl writes slowly) of it. A long run sets it higher, e.g.

    CSTUI_FUZZ_EXAMPLES=50000 /work/venv/bin/pytest tests/test_fuzz_inputs.py -p no:cacheprovider
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from cstui.domain import Employee, Period
from cstui.domain.values import (
    MAX_COUNT,
    MAX_DIGITS,
    MAX_MAGNITUDE,
    MAX_SECONDS,
    MAX_TEXT_FIELD,
    PARSERS,
    ValueProblem,
    format_number,
    parse_date,
    parse_decimal,
    parse_rate,
)
from cstui.errors import EXIT_OTHER, InvalidData, exit_code_for
from cstui.io.imports import import_incidents, import_roster, import_scorecards
from cstui.io.readers import open_table
from cstui.schemes import load_scheme
from cstui.store import Store, StoreError

EXAMPLES = max(1, int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "2000")))
FILE_EXAMPLES = max(1, EXAMPLES // 20)
XLSX_EXAMPLES = max(1, EXAMPLES // 50)
HEALTH = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
]
PARSER_RUN = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=HEALTH)
FILE_RUN = settings(max_examples=FILE_EXAMPLES, deadline=None, suppress_health_check=HEALTH)
XLSX_RUN = settings(max_examples=XLSX_EXAMPLES, deadline=None, suppress_health_check=HEALTH)

OWN_ERRORS = (InvalidData, ValueProblem, StoreError)

# ------------------------------------------------------------------------------ strategies

NUMBER_PIECES = [
    "+",
    "-",
    ".",
    ",",
    "e",
    "E",
    "%",
    " ",
    "\t",
    "\u00a0",
    "\u3000",
    "_",
    "'",
    "0",
    "1",
    "5",
    "9",
    "00",
    "62",
    "100",
    "1000000",
    "999999999999",
    "0.0000000000000001",
    "٣",
    "１２",
    "𝟗",
    "²",
    "½",
    "Ⅻ",  # unicode digits and digit-like characters
    "inf",
    "Infinity",
    "nan",
    "NaN",
    "sNaN",
    "1e9999999",
    "1E+28",
    "0x1F",
    "1_000",
]
number_like = st.one_of(
    st.lists(st.sampled_from(NUMBER_PIECES), max_size=12).map("".join),
    st.tuples(st.sampled_from(["", "-", "+"]), st.integers(1, 5000), st.sampled_from(["", ".", ".5", "%", "e5"])).map(
        lambda t: f"{t[0]}{'9' * t[1]}{t[2]}"
    ),  # very long runs of digits
    st.tuples(st.integers(0, 10**15), st.integers(0, 20), st.sampled_from(["", "%", " %"])).map(
        lambda t: f"{Decimal(t[0]).scaleb(-t[1])}{t[2]}"
    ),  # plausible values near the limits
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
)
any_text = st.one_of(st.text(), number_like)
decimals = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.tuples(st.integers(0, 1), st.lists(st.integers(0, 9), max_size=40), st.integers(-(10**9), 10**9)).map(
        lambda t: Decimal((t[0], tuple(t[1]) or (0,), t[2]))
    ),  # any exponent, e.g. 1E+999999999
    st.sampled_from(
        [
            Decimal("1e9999999"),
            Decimal("-1e9999999"),
            Decimal("1e-9999999"),
            Decimal("sNaN"),
            Decimal("-NaN"),
            Decimal("-0"),
        ]
    ),
)
# ints beyond 4300 digits are left to test_a_huge_int_is_a_value_problem (a known failure)
ints = st.one_of(
    st.integers(),
    st.integers(-(10**4000), 10**4000),
    st.sampled_from([10**12, 10**12 + 1, MAX_COUNT, MAX_COUNT + 1, -1]),
)
floats = st.floats(allow_nan=True, allow_infinity=True)
any_value = st.one_of(any_text, decimals, ints, floats, st.booleans(), st.none())

LIMITS = {  # (low, high) of an accepted value of each kind
    "rate": (0, 1),
    "seconds": (0, MAX_SECONDS),
    "count": (0, MAX_COUNT),
    "number": (0, MAX_MAGNITUDE),
    "money": (-MAX_MAGNITUDE, MAX_MAGNITUDE),
    "rating": (0, 100),
    "points": (-MAX_MAGNITUDE, MAX_MAGNITUDE),
}


def significant_digits(value: Decimal) -> int:
    digits = "".join(map(str, value.normalize().as_tuple().digits)).lstrip("0")
    return max(len(digits), 1)


def decimals_of(value: Decimal) -> int:
    return max(0, -value.normalize().as_tuple().exponent)


def known_percent_rounding(kind: str, raw: object, value: Decimal) -> bool:
    """No known exception left: a percent whose fraction would need more than 15 decimals is
    refused as typed (test_a_percent_whose_fraction_would_need_more_than_15_decimals_is_refused)."""
    return False


def check_accepted(kind: str, raw: object, value: object) -> None:
    """An accepted value: finite, in its kind's limits, and the same after format_number and a re-parse."""
    if kind == "text":
        assert isinstance(value, str) and len(value) <= MAX_TEXT_FIELD
        assert PARSERS["text"](value) == value
        return
    if kind == "count":
        assert type(value) is int
    else:
        assert isinstance(value, Decimal) and value.is_finite(), value
        if known_percent_rounding(kind, raw, value):
            return
        assert significant_digits(value) <= MAX_DIGITS and decimals_of(value) <= MAX_DIGITS, (kind, raw, value)
    low, high = LIMITS[kind]
    assert low <= value <= high, (kind, raw, value)
    if kind == "money":
        assert value == value.quantize(Decimal("0.01"))
    text = format_number(value)
    try:
        again = PARSERS[kind](text)
    except ValueProblem as error:
        raise AssertionError(f"{kind}: {raw!r} was accepted as {text!r}, which is then refused: {error}") from None
    assert again == value and type(again) is type(value), (kind, raw, text, again)


def parse_or_refuse(parser, raw):
    try:
        return True, parser(raw)
    except ValueProblem:
        return False, None
    # anything else propagates: the test fails with the exception and the example


# ------------------------------------------------------------------------------ parsers


@PARSER_RUN
@given(raw=st.one_of(any_value, st.dates().map(date.isoformat), st.dates(), st.datetimes()))
@example(raw="1e9999999")
@example(raw=Decimal("1e9999999"))
@example(raw="1E+28")
@example(raw=float("nan"))
@example(raw="62")
@example(raw="9" * 100_000)
def test_every_parser_refuses_only_with_a_value_problem(raw):
    """Each value through every parser (one example serves them all: the count stays what it says)."""
    for kind, parser in PARSERS.items():
        accepted, value = parse_or_refuse(parser, raw)
        if accepted:
            check_accepted(kind, raw, value)
    for limit in (MAX_MAGNITUDE, Decimal(MAX_COUNT), Decimal(100), Decimal(1)):
        accepted, value = parse_or_refuse(lambda v, limit=limit: parse_decimal(v, "a number", limit), raw)
        if accepted:
            assert isinstance(value, Decimal) and value.is_finite()
            assert value.copy_abs() <= limit and significant_digits(value) <= MAX_DIGITS
            assert parse_decimal(format_number(value), "a number", limit) == value
    accepted, value = parse_or_refuse(parse_date, raw)
    if accepted:
        assert isinstance(value, date)
        # (a datetime is a date to Python: parse_date hands it back as it is, time and all)
        day = date(value.year, value.month, value.day)
        assert parse_date(day.isoformat()) == day


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_kinds_accept_their_ordinary_values(kind):
    """The control of the fuzz: each kind's parser accepts a plain value, so the checks above run."""
    ordinary = {
        "rate": "62%",
        "seconds": "30",
        "count": "12",
        "number": "1.2",
        "money": "12500.50",
        "rating": "80",
        "points": "-3",
        "text": "帮助同事",
    }
    accepted, value = parse_or_refuse(PARSERS[kind], ordinary[kind])
    assert accepted
    check_accepted(kind, ordinary[kind], value)


@pytest.mark.parametrize("text", ["0.123456789012345%", ".00000000000001%"])
def test_a_percent_whose_fraction_would_need_more_than_15_decimals_is_refused(text):
    """Stored as a fraction, a percent has 2 decimals more: one of 14-15 decimals is refused
    as typed (the parser that reads it back would refuse the stored fraction)."""
    with pytest.raises(ValueProblem, match="at most 13 decimals in a percent"):
        parse_rate(text)


@pytest.mark.parametrize("text", ["0.1234567890123%", "62.5%"])
def test_a_percent_of_up_to_13_decimals_round_trips(text):
    value = parse_rate(text)
    assert decimals_of(value) <= MAX_DIGITS
    assert parse_rate(format_number(value)) == value


@pytest.mark.parametrize("kind", ["count", "money", "points", "rate"])
def test_a_huge_int_is_a_value_problem(kind):
    with pytest.raises(ValueProblem):
        PARSERS[kind](10**5000)


@pytest.mark.parametrize("text", ["1E+28", "-1E+30", "123456789012345678901234567890"])
def test_format_number_writes_any_finite_decimal(text):
    assert Decimal(format_number(Decimal(text))) == Decimal(text)


@PARSER_RUN
@given(
    value=st.tuples(st.integers(0, 1), st.lists(st.integers(0, 9), min_size=1, max_size=28), st.integers(-40, 0))
    .map(lambda t: Decimal((t[0], tuple(t[1]), t[2])))
    .filter(lambda d: d.adjusted() < 27)
)
def test_format_number_writes_decimals_below_28_digits(value):
    """A Decimal of at most 28 digits (a parsed value has at most 15) is written exactly, without
    an exponent."""
    text = format_number(value)
    assert "E" not in text.upper() and Decimal(text) == value


# ------------------------------------------------------------------------------ readers


def must_be_own(error: BaseException) -> None:
    assert isinstance(error, OWN_ERRORS), f"{type(error).__module__}.{type(error).__name__}: {error}"
    assert exit_code_for(error) != EXIT_OTHER, f"{type(error).__name__} would exit 1 (unexpected error): {error}"


def read_all(path: Path, fmt: str | None = None) -> list:
    table = open_table(path, fmt)
    assert table.header is not None
    return list(table)


@FILE_RUN
@given(
    data=st.one_of(
        st.binary(), st.text().map(lambda t: t.encode("utf-8")), st.text().map(lambda t: t.encode("gb18030", "replace"))
    ),
    suffix=st.sampled_from([".csv", ".xlsx", ".txt"]),
)
def test_readers_take_any_bytes(tmp_path, data, suffix):
    path = tmp_path / f"file{suffix}"
    path.write_bytes(data)
    try:
        rows = read_all(path)
    except Exception as error:  # noqa: BLE001  (the assertion says which kind leaked)
        must_be_own(error)
        return
    for number, row in rows:
        assert number >= 2 and all(isinstance(k, str) and isinstance(v, str) for k, v in row.items())


cells = st.one_of(st.text(max_size=30), number_like, st.sampled_from(["", "E1", "A1", "2026-10-03", "late", "62%"]))
grids = st.lists(st.lists(cells, max_size=8), min_size=0, max_size=8)


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding, "surrogatepass")


@FILE_RUN
@given(rows=grids)
def test_csv_reader_takes_any_cells(tmp_path, rows):
    path = tmp_path / "file.csv"
    path.write_bytes(csv_bytes(rows))
    try:
        read_all(path)
    except Exception as error:  # noqa: BLE001
        must_be_own(error)


xlsx_values = st.one_of(
    st.none(),
    cells,
    ints.filter(lambda n: abs(n) < 10**300),
    floats,
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.dates(min_value=date(1900, 3, 1)),
    decimals.filter(lambda d: d.is_finite() and abs(d.adjusted()) < 300),
)


def xlsx_file(path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    workbook = Workbook()
    sheet = workbook.active
    try:
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    except (IllegalCharacterError, ValueError, TypeError, OverflowError):  # a cell openpyxl cannot write
        assume(False)


@XLSX_RUN
@given(rows=st.lists(st.lists(xlsx_values, max_size=7), max_size=6))
def test_xlsx_reader_takes_any_cells(tmp_path, rows):
    path = tmp_path / "file.xlsx"
    xlsx_file(path, rows)
    try:
        read_all(path)
    except Exception as error:  # noqa: BLE001
        must_be_own(error)


def xlsx_with_raw_number(path: Path, raw: bytes) -> None:
    """A workbook whose B2 is a numeric cell (t="n") holding ``raw``: what a hand edit or another
    program can leave, and openpyxl never writes."""
    import zipfile

    from openpyxl import Workbook

    plain = path.with_name("plain.xlsx")
    workbook = Workbook()
    workbook.active.append(["employee_id", "a_followups"])
    workbook.active.append(["A1", 12345])
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert data.count(b"<v>12345</v>") == 1
                data = data.replace(b"<v>12345</v>", b"<v>" + raw + b"</v>")
            target.writestr(item, data)


RAW_NUMBERS = [
    pytest.param(b"abc", id="letters"),
    pytest.param(b"nan", id="nan"),
    pytest.param(b"1" * 5000, id="5000-digits"),
]


@pytest.mark.parametrize("raw", RAW_NUMBERS)
def test_a_numeric_xlsx_cell_that_is_no_number_is_invalid_data(tmp_path, raw):
    path = tmp_path / "cards.xlsx"
    xlsx_with_raw_number(path, raw)
    with pytest.raises(InvalidData):
        read_all(path)


@pytest.mark.parametrize("raw", RAW_NUMBERS)
def test_importing_a_numeric_xlsx_cell_that_is_no_number_exits_3(tmp_path, template, raw):
    from gate_support import run_cli

    path, db = tmp_path / "cards.xlsx", tmp_path / "company.db"
    xlsx_with_raw_number(path, raw)
    shutil.copyfile(template, db)
    result = run_cli(db, "import", "scorecards", str(path), "--period", "2026-11", "--scheme", "assistant-class")
    assert result.exit_code == 3, result.output


def test_a_numeric_xlsx_cell_of_infinity_is_read_and_refused(tmp_path, store):
    """The control: a number openpyxl can read (1E+999999 is a float, inf) reaches the parser, which refuses it."""
    path = tmp_path / "cards.xlsx"
    xlsx_with_raw_number(path, b"1E+999999")
    assert read_all(path) == [(2, {"employee_id": "A1", "a_followups": "Infinity"})]
    with pytest.raises(InvalidData, match=r":2:a_followups: expected a whole count"):
        import_scorecards(store, path, Period.parse("2026-11"), load_scheme("assistant-class"))


# ------------------------------------------------------------------------------ imports

STAR = ["employee_id", "sales_target", "sales_actual"]
FIVE = ["employee_id", "follow_up_rate", "satisfaction", "handling", "training", "attendance"]
ASSISTANT = [
    "employee_id",
    "adjustment",
    "adjustment_reason",
    "a_followups",
    "b_followups",
    "a_reports",
    "b_reports",
    "suggestions",
]
KPI = ["employee_id", "conversion", "unit_price_ratio", "first_response_s", "avg_response_s", "satisfaction"]
HEADERS = {"star-levels": STAR, "five-tier": FIVE, "assistant-class": ASSISTANT, "ecommerce-kpi": KPI}
ROSTER = ["employee_id", "name", "team", "role", "hire_date", "login", "scheme", "level"]
INCIDENTS = ["employee_id", "date", "code", "count", "points", "note"]
IDS = ["E1", "E2", "A1", "F1", "K1", "X9", ""]
OCT = Period.parse("2026-10")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "company.db"
    with Store.open(path, create=True) as store:
        store.import_roster(
            [
                Employee("E1", "王芳", "T1", "agent", date(2024, 1, 5), scheme="star-levels", level="2-star"),
                Employee("E2", "Li Lei", "T1", "agent", date(2024, 2, 5), scheme="star-levels", level="1-star"),
                Employee("A1", "赵敏", "T1", "assistant", date(2023, 6, 1), scheme="assistant-class", level="class-3"),
                Employee("F1", "周杰", "T2", "agent", date(2022, 6, 1), scheme="five-tier", level="junior"),
                Employee("K1", "孙丽", "T2", "agent", date(2022, 6, 1), scheme="ecommerce-kpi", level="junior"),
            ]
        )
        store.save_scorecard("A1", OCT, {"adjustment": "2", "adjustment_reason": "帮助同事", "a_followups": "5"}, 0)
    return path


@pytest.fixture(scope="module")
def store(template):
    """One store (a copy of the template) for every example: imports that succeed change it, as a user's would."""
    path = template.with_name("fuzzed.db")
    shutil.copyfile(template, path)
    with Store.open(path) as s:
        yield s


def table_rows(draw, header_pool: list[str], id_column: bool = True):
    header = draw(
        st.lists(st.sampled_from(header_pool + ["bonus", "", " employee_id "]), max_size=len(header_pool) + 1)
    )
    if draw(st.booleans()):
        header = list(header_pool)  # most files have the right columns: the cells are what is fuzzed
    values = st.one_of(cells, st.sampled_from(IDS)) if id_column else cells
    rows = draw(st.lists(st.lists(values, min_size=0, max_size=len(header) + 1), max_size=5))
    return [header, *rows]


@st.composite
def card_files(draw):
    scheme = draw(st.sampled_from(sorted(HEADERS)))
    return scheme, table_rows(draw, HEADERS[scheme])


def run_import(call) -> None:
    try:
        call()
    except Exception as error:  # noqa: BLE001
        must_be_own(error)
        event(f"refused: {type(error).__name__}")
    else:
        event("imported")


@FILE_RUN
@given(
    file=card_files(),
    raw=st.one_of(st.none(), st.binary(max_size=200)),
    month=st.sampled_from(["2026-10", "2026-11", "2026-Q4"]),
)
def test_scorecard_import_takes_any_file(store, tmp_path, file, raw, month):
    scheme, rows = file
    path = tmp_path / "cards.csv"
    path.write_bytes(csv_bytes(rows) if raw is None else raw)
    run_import(lambda: import_scorecards(store, path, Period.parse(month), load_scheme(scheme)))


@st.composite
def roster_files(draw):
    rows = table_rows(draw, ROSTER)
    for row in rows[1:]:  # some plausible cells, so rows get past the first checks
        if draw(st.booleans()) and len(row) >= 8:
            row[3] = draw(st.sampled_from(["agent", "assistant", "team-lead", "boss", ""]))
            row[6] = draw(st.sampled_from(["star-levels", "five-tier", "assistant-class", "ecommerce-kpi", "nope", ""]))
            row[7] = draw(st.sampled_from(["", "2-star", "junior", "class-3", "probation"]))
    return rows


@FILE_RUN
@given(rows=roster_files(), raw=st.one_of(st.none(), st.binary(max_size=200)))
def test_roster_import_takes_any_file(store, tmp_path, rows, raw):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(rows) if raw is None else raw)
    run_import(lambda: import_roster(store, path))


@st.composite
def incident_files(draw):
    rows = table_rows(draw, INCIDENTS)
    for row in rows[1:]:
        if draw(st.booleans()) and len(row) >= 5:
            row[0] = draw(st.sampled_from(IDS))
            row[1] = draw(st.sampled_from(["2026-10-03", "2026-10-31", "2026-11-01", "2026-02-30", "20261003"]))
            row[2] = draw(
                st.sampled_from(["late", "zero-complaints", "cover-shift", "sleeping-on-duty", "absent", "napping"])
            )
    return rows


@FILE_RUN
@given(rows=incident_files(), raw=st.one_of(st.none(), st.binary(max_size=200)))
def test_incident_import_takes_any_file(store, tmp_path, rows, raw):
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes(rows) if raw is None else raw)
    run_import(lambda: import_incidents(store, path))


@XLSX_RUN
@given(
    scheme=st.sampled_from(sorted(HEADERS)),
    rows=st.lists(st.lists(xlsx_values, max_size=8), max_size=4),
    keep_header=st.booleans(),
)
def test_scorecard_import_takes_any_xlsx(store, tmp_path, scheme, rows, keep_header):
    path = tmp_path / "cards.xlsx"
    xlsx_file(path, [HEADERS[scheme], *rows] if keep_header else rows)
    run_import(lambda: import_scorecards(store, path, OCT, load_scheme(scheme)))
