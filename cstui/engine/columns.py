"""Scorecard values as columns: what a model's column-wise fast path reads (issue 14).

A full replay of a long history spends most of its time on per-card Python objects (a
``Scorecard`` per month, a dict of texts, Decimals, a check and a score per card). A model
may offer :meth:`checkpoint_columns`: given the months *before* the graded period as columns
of exact fixed-point numbers (the store's ``units`` x 10^-``scale``, see
:mod:`cstui.store.numbers`), it returns the replay state at the end of those months, the
state a checkpoint would hold. The period itself is then graded by the model's per-card
path resuming from that state (the reference): results, flags and traces come from the same
code as ever, and traces are built only for the reported months.

numpy is imported by the fast path's modules alone (this one, :mod:`cstui.store.columns` and
a model's own, e.g. plugins/star_levels/columnar.py), never by ``cstui --help``, ``cstui
schemes`` or a grading that stays per card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from cstui.domain import Employee, Period, Scorecard

# A value's cell in a column: what the stored text is (the number beside it is exact).
ABSENT = 0  # no row, or a blank text (nothing typed)
NUMBER = 1  # a plain number ("12,500.50", " 97 ")
PERCENT = 2  # a number typed with a percent sign ("62%": stored as its fraction)
NOT_A_NUMBER = 3  # typed text that is no number cstui accepts ("yes", "1-2", "1e9")

MAX_COUNT = 10**6  # cstui.domain.values.MAX_COUNT: a count's bound
# A text's decimals up to MAX_DIGITS (15) parse to a Decimal of that exponent, 2 more for a percent;
# more decimals are normalised by the parse (cstui.domain.values._bounded): not modelled here
MAX_TYPED, MAX_PLACES = 15, 17
SAFE = 2**62  # products below this stay exact in int64 (with room for a sum of two)


@dataclass(slots=True)
class MetricColumn:
    """One metric over employees x months: the number ``units`` x 10^-``scale``, its cell kind and
    the decimal places of the number as the scheme parses its text (see :func:`exact_values`)."""

    units: np.ndarray  # int64, (employees, months); 0 where not a number
    scale: np.ndarray  # int64, (employees, months)
    cell: np.ndarray  # int8, (employees, months): ABSENT, NUMBER, PERCENT, NOT_A_NUMBER
    places: np.ndarray  # int64, (employees, months): the parsed Decimal's -exponent; > MAX_PLACES: not known


@dataclass(slots=True)
class CardColumns:
    """Some teams' employees (rows) and their cards' values for months ``first`` .. ``first + months - 1``.

    ``metrics`` holds the columns of the metric keys asked for; ``unreadable`` marks cards the
    store could not read (refused, as the per-card check refuses them). ``recent`` holds the
    cards of the period's months as ``Scorecard`` objects; ``older`` adds an earlier month's
    for some employees (a model's reference run over a few months before the period).
    """

    employees: list[Employee]
    first: int  # month ordinal of column 0
    months: int
    metrics: dict[str, MetricColumn]
    unreadable: np.ndarray  # bool, (employees, months)
    recent: dict[str, dict[Period, Scorecard]] = field(default_factory=dict)
    # older(month, employee ids): adds those employees' cards of an earlier month to ``recent``
    older: Callable[[Period, list[str]], None] | None = None

    def row_of(self) -> dict[str, int]:
        return {e.id: i for i, e in enumerate(self.employees)}


def kind_valid(kind: str, column: MetricColumn, required: bool) -> np.ndarray | None:
    """Where a cell passes :func:`cstui.engine.cards.value_problems` for its kind; None: a kind
    this check does not model (the caller takes the per-card path).

    The rules are those of :data:`cstui.domain.values.PARSERS` read off the exact number: the
    store's number exists exactly when ``parse_decimal`` accepts the text (``numbers.py``).
    """
    units, scale, cell = column.units, column.scale, column.cell
    number = cell == NUMBER
    if kind == "money":
        ok = number & (scale <= 2)
    elif kind == "count":
        ok = number & (scale == 0) & (units >= 0) & (units <= MAX_COUNT)
    elif kind == "number":
        ok = number & (units >= 0)
    else:
        return None
    return ok | ((cell == ABSENT) & (not required))


def fixed(column: MetricColumn, places: int) -> np.ndarray:
    """The numbers in whole units of 10^-``places`` (every scale must be at most ``places``)."""
    return column.units * (10 ** (places - np.minimum(column.scale, places)))


def fits(*bounds: int) -> bool:
    """Whether every product bound stays exact in int64."""
    return all(abs(b) < SAFE for b in bounds)


# Bounds of the kinds :func:`value_valid` adds, as :data:`cstui.domain.values.PARSERS` checks them.
RATE_MAX, RATING_MAX, SECONDS_MAX = 1, 100, 10**6


def value_valid(kind: str, column: MetricColumn, required: bool) -> np.ndarray | None:
    """:func:`kind_valid`, also for rates (0..1, or 0%..100% with at most 15 decimals as a
    fraction), 0-100 ratings and seconds (0..10^6); None: a kind neither models."""
    if kind not in ("rate", "rating", "seconds"):
        return kind_valid(kind, column, required)
    units, scale, cell = column.units, column.scale, column.cell
    # scale <= 17 (15 decimals, 2 more for a percent): 10^scale x 100 stays below 2^62
    if kind == "rate":
        ok = ((cell == NUMBER) | ((cell == PERCENT) & (scale <= 15))) & (units <= 10 ** np.minimum(scale, 17))
    elif kind == "rating":
        ok = (cell == NUMBER) & (units <= RATING_MAX * 10 ** np.minimum(scale, 16))
    else:  # |units| < 10^15: at 9 decimals or more every number is below 10^6
        ok = (cell == NUMBER) & ((scale >= 9) | (units <= SECONDS_MAX * 10 ** np.minimum(scale, 8)))
    return (ok & (units >= 0)) | ((cell == ABSENT) & (not required))


def specs_valid(specs, columns: CardColumns, check=value_valid) -> np.ndarray | None:
    """Where a card passes the default card check over ``specs`` (each field of its kind by
    ``check``, the required ones filled, the card readable); None when ``check`` does not model
    a field's kind."""
    valid = ~columns.unreadable
    for spec in specs:
        ok = check(spec.kind, columns.metrics[spec.key], spec.required)
        if ok is None:
            return None
        valid &= ok
    return valid


def typed_places(typed: np.ndarray, cell: np.ndarray) -> np.ndarray:
    """The parsed Decimals' places from the decimals typed: a percent's fraction has 2 more
    (``parse_rate``: "62.5%" -> 0.625); more than :data:`MAX_TYPED` typed: not known."""
    return np.where(typed > MAX_TYPED, MAX_PLACES + 1, typed + 2 * (cell == PERCENT))


def places_known(column: MetricColumn, where: np.ndarray) -> bool:
    """Whether :func:`exact_values` can rebuild every value ``where`` is true."""
    return not bool((where & (column.places > MAX_PLACES)).any())


def exact_values(kind: str, column: MetricColumn, rows: np.ndarray, j: int) -> list:
    """The values of valid cells ``rows`` of month column ``j`` exactly as
    :data:`cstui.domain.values.PARSERS` parses their texts: an int for a count, else the Decimal
    with the typed trailing zeros ("0.90" -> Decimal("0.90"), which the stored scale drops).
    The places must be known (:func:`places_known`)."""
    units, scale = column.units[rows, j].tolist(), column.scale[rows, j].tolist()
    if kind == "count":  # parse_count: an int, whatever decimals were typed ("5.0" -> 5)
        return [u // 10**s for u, s in zip(units, scale, strict=True)]
    places = column.places[rows, j].tolist()
    # from text: exact at any length (scaleb would round past the context's 28 digits)
    return [Decimal(f"{u * 10 ** (p - s)}E-{p}") for u, s, p in zip(units, scale, places, strict=True)]
