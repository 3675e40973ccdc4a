"""Calibration: which rater scores harsher or more leniently than the rest of the department.

A **rater** is a login that recorded part of a person's period: saved one of their scorecards
(the card's last saver, ``scorecards.updated_by``, owns its supervisor adjustment) or recorded
one of their incidents. A person counts once for each rater who touched them, and once in the
department. The **scores** are the period's results as graded: for a closed period the results
recorded when it was applied (a closed period is never recomputed, as in batch), otherwise a
dry run of the same grading service batch uses (nothing is written). Calibration is per scheme:
scores of different schemes are on different scales.

For each rater: the people rated, the mean and sample standard deviation of their scores,
grade and decision shares, deduction points per person and the adjustments on their cards;
then the difference of their mean from the **rest** (the department's scored people they did
not rate) with a 95% Welch confidence interval, and ``z`` = difference / Welch standard error.
A rater is flagged ``harsh`` or ``lenient`` when |z| >= the scheme's ``[calibration] flag_z``
(default 2.0). Welch needs two scores on each side; with fewer there is no interval and no z.

Figures are Decimal (40 significant digits inside, rounded only for display); the one figure
that is not a finite decimal computation, Student's t quantile for the interval, is found in
binary floating point to 9 decimal places, far beyond the places shown.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from cstui.domain import Incident, Period, Result, texts
from cstui.domain.texts import line
from cstui.errors import InvalidData

texts.register(
    {
        "calibration.flag_z": (
            "{source}: {setting}: expected a number above 0, got {raw}",
            "{source}：{setting}：应为大于 0 的数，实际为 {raw}",
        ),
    }
)

FLAG_Z_DEFAULT = Decimal("2.0")
CONFIDENCE = 0.95
PRECISION = 40
ZERO = Decimal(0)
SHOWN = Decimal("0.01")  # places on screen and in the table
UNKNOWN_RATER = "(unknown)"  # a card or incident stored without a login (written before cstui kept one)


# -- pure computation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Touch:
    """One rater's part in one person's period: a card they saved or an incident they recorded."""

    rater: str
    employee_id: str
    adjustment: Decimal | None = None  # the supervisor adjustment on a card they saved
    deduction: Decimal = ZERO  # deduction points (positive) of an incident they recorded


@dataclass(frozen=True)
class Sample:
    """Count, mean and sample standard deviation (None below two scores) of some scores."""

    n: int
    mean: Decimal | None
    sd: Decimal | None
    variance: Decimal | None = None


def sample(scores: Iterable[Decimal]) -> Sample:
    values = list(scores)
    n = len(values)
    if n == 0:
        return Sample(0, None, None)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        mean = sum(values, ZERO) / n
        if n < 2:
            return Sample(n, mean, None)
        variance = sum(((x - mean) ** 2 for x in values), ZERO) / (n - 1)
        return Sample(n, mean, variance.sqrt(), variance)


@dataclass(frozen=True)
class Comparison:
    """The rater's mean against the rest's: difference, Welch 95% interval, z (= difference / SE)."""

    difference: Decimal | None
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None
    z: Decimal | None = None
    df: Decimal | None = None


def compare(rater: Sample, rest: Sample) -> Comparison:
    """Welch's comparison of two samples' means (unequal variances, Satterthwaite's df)."""
    if rater.mean is None or rest.mean is None:
        return Comparison(None)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        difference = rater.mean - rest.mean
        if rater.variance is None or rest.variance is None:
            return Comparison(difference)
        va, vb = rater.variance / rater.n, rest.variance / rest.n
        se2 = va + vb
        if se2 == 0:  # no spread on either side: a difference, but nothing to measure it against
            return Comparison(difference)
        se = se2.sqrt()
        df = se2**2 / (va**2 / (rater.n - 1) + vb**2 / (rest.n - 1))
        t = Decimal(f"{t_quantile((1 + CONFIDENCE) / 2, float(df)):.9f}")
        return Comparison(difference, difference - t * se, difference + t * se, difference / se, df)


@dataclass
class RaterRow:
    """One rater's figures for a period, compared with the rest of the department."""

    rater: str
    people: int
    scores: Sample
    grades: dict[str, Decimal]  # grade -> share of the rated people with a grade
    decisions: dict[str, Decimal]  # decision -> share of the rated people
    deductions: Decimal
    adjustments: int
    adjustment_total: Decimal
    rest: Sample
    comparison: Comparison
    flag: str = ""  # "harsh", "lenient" or ""

    @property
    def deductions_per_person(self) -> Decimal | None:
        return self.deductions / self.people if self.people else None


@dataclass
class Calibration:
    """A period's calibration under one scheme: the department and each rater, harshest first."""

    scheme: str
    period: str
    flag_z: Decimal
    department: Sample
    grades: dict[str, Decimal]
    raters: list[RaterRow] = field(default_factory=list)
    notice: str = ""  # e.g. "reporting the results recorded when 2026-10 was applied"

    def harshest(self) -> RaterRow | None:
        compared = [r for r in self.raters if r.comparison.difference is not None]
        return min(compared, key=lambda r: r.comparison.difference) if compared else None

    def most_lenient(self) -> RaterRow | None:
        compared = [r for r in self.raters if r.comparison.difference is not None]
        return max(compared, key=lambda r: r.comparison.difference) if compared else None


def calibrate(
    results: Iterable[Result], touches: Iterable[Touch], flag_z: Decimal = FLAG_Z_DEFAULT
) -> tuple[Sample, dict[str, Decimal], list[RaterRow]]:
    """The department's sample and grade shares, and each rater's row (harshest first).

    Only people with a result count; a touch of anyone else (another scheme's employee) is
    ignored. A result without a score (no card, not assessed) counts as rated, not as a score."""
    by_id = {r.employee_id: r for r in results}
    scored = {i: r.score for i, r in by_id.items() if r.score is not None}
    touched: dict[str, list[Touch]] = {}
    for touch in touches:
        if touch.employee_id in by_id:
            touched.setdefault(touch.rater or UNKNOWN_RATER, []).append(touch)
    rows = [_rater_row(rater, mine, by_id, scored, flag_z) for rater, mine in touched.items()]
    rows.sort(key=lambda r: (r.comparison.difference is None, r.comparison.difference or ZERO, r.rater))
    return sample(scored.values()), shares(r.grade for r in by_id.values()), rows


def _rater_row(rater: str, touches: list[Touch], by_id: dict, scored: dict, flag_z: Decimal) -> RaterRow:
    people = list(dict.fromkeys(t.employee_id for t in touches))
    rated = set(people)
    mine = sample(scored[i] for i in people if i in scored)
    rest = sample(s for i, s in scored.items() if i not in rated)
    adjustments = [t.adjustment for t in touches if t.adjustment is not None]
    comparison = compare(mine, rest)
    return RaterRow(
        rater=rater,
        people=len(people),
        scores=mine,
        grades=shares(by_id[i].grade for i in people),
        decisions=shares(by_id[i].decision for i in people),
        deductions=sum((t.deduction for t in touches), ZERO),
        adjustments=len(adjustments),
        adjustment_total=sum(adjustments, ZERO),
        rest=rest,
        comparison=comparison,
        flag=flag_of(comparison.z, flag_z),
    )


def flag_of(z: Decimal | None, flag_z: Decimal) -> str:
    if z is None or abs(z) < flag_z:
        return ""
    return "harsh" if z < 0 else "lenient"


def shares(values: Iterable[str | None]) -> dict[str, Decimal]:
    """Each value's share (a fraction) of the values that are not None, in key order."""
    counts = Counter(v for v in values if v is not None)
    total = sum(counts.values())
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return {key: Decimal(counts[key]) / total for key in sorted(counts)}


# -- figures for reading ---------------------------------------------------------------------


def shown(value: Decimal | None, places: Decimal = SHOWN) -> str:
    return "" if value is None else str(value.quantize(places, ROUND_HALF_EVEN))


def signed(value: Decimal) -> str:
    return f"+{value}" if value > 0 else str(value)


def difference_text(c: Comparison) -> str:
    """``-6.00 [-10.53, -1.47]``: the difference and its interval (the difference alone without one)."""
    if c.difference is None:
        return ""
    text = signed(c.difference.quantize(SHOWN, ROUND_HALF_EVEN))
    return text if c.ci_low is None else f"{text} [{shown(c.ci_low)}, {shown(c.ci_high)}]"


# -- Student's t quantile (for the interval only) --------------------------------------------


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile (p > 0.5) of Student's t with ``df`` (> 0, not necessarily whole) degrees
    of freedom, by bisection on the distribution function."""
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if t_cdf(middle, df) < p else (low, middle)
        if high - low < 1e-12:
            break
    return (low + high) / 2


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for t >= 0: 1 - I_x(df/2, 1/2) / 2 with x = df / (df + t^2)."""
    return 1 - 0.5 * _beta_regularized(df / 2, 0.5, df / (df + t * t))


def _beta_regularized(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b) (a continued fraction, Lentz's method)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300

    def guard(v: float) -> float:
        return tiny if abs(v) < tiny else v

    c, d = 1.0, 1 / guard(1 - (a + b) * x / (a + 1))
    h = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 / guard(1 + numerator * d)
            c = guard(1 + numerator / c)
            h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return h


# -- the service: the store's input, graded as batch grades --------------------------------


def flag_z_of(scheme) -> Decimal:
    """The scheme's ``[calibration] flag_z`` (a number above 0), or the default."""
    raw = (scheme.params.get("calibration") or {}).get("flag_z")
    if raw is None:
        return FLAG_Z_DEFAULT
    value = Decimal(str(raw))
    if value <= 0:
        raise InvalidData([line("calibration.flag_z", source=scheme.source, setting="calibration.flag_z", raw=raw)])
    return value


def touches_of(scheme, cards, incidents: Iterable[Incident]) -> list[Touch]:
    """The touches of saved cards (with the scheme's adjustment, if its ledger has one) and of
    incidents (deductions at the points recorded, or the catalogue's default)."""
    ledger = _ledger(scheme)
    touches = [Touch(card.rater, card.employee_id, _adjustment(ledger, card.values)) for card in cards]
    for inc in incidents:
        points = _incident_points(ledger, inc)
        touches.append(Touch(inc.recorded_by, inc.employee_id, deduction=-points if points < 0 else ZERO))
    return touches


def _ledger(scheme):
    if not isinstance(scheme.params.get("ledger"), dict):
        return None
    from cstui.engine.ledger import compile_ledger

    return compile_ledger(scheme.params)


def _adjustment(ledger, values: dict) -> Decimal | None:
    if ledger is None:
        return None
    try:
        return Decimal(str(values[ledger.adjustment_metric]).strip())
    except (KeyError, ArithmeticError, ValueError):  # absent, or a value the card gate would refuse
        return None


def _incident_points(ledger, inc: Incident) -> Decimal:
    """One incident's signed points times its count (0 when neither it nor a catalogue says)."""
    each = inc.points
    if each is None and ledger is not None and inc.code in ledger.entries:
        each = ledger.entries[inc.code].default_points
    return (each or ZERO) * inc.count


def period_results(store, scheme, period: Period, teams=None):
    """The period's results as batch reports them: recorded (closed) or a dry run; and the cards
    the scheme refused (an InvalidCards to refuse once the report is out) and a notice."""
    from cstui.grading import InvalidCards, graded_results, recorded_results

    invalid = InvalidCards(period)
    recorded = recorded_results(store, scheme, period, teams)
    if recorded is not None:
        return recorded[0], invalid, recorded[1]
    results = []
    for graded in graded_results(store, scheme, period, teams, explain=False):
        invalid.note(graded.results)
        results.extend(graded.results)
    return results, invalid, ""


def calibration(store, scheme, period: Period, teams=None) -> tuple[Calibration, object]:
    """Calibrate ``period`` under ``scheme`` over the teams the store's login sees; returns the
    report and the cards the scheme refused (``.refuse(applying=False)`` after reporting)."""
    results, invalid, notice = period_results(store, scheme, period, teams)
    touches = touches_of(scheme, store.rated_cards(period), store.rated_incidents(period))
    flag_z = flag_z_of(scheme)
    department, grades, rows = calibrate(results, touches, flag_z)
    return Calibration(scheme.name, str(period), flag_z, department, grades, rows, notice), invalid
