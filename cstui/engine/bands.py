"""Band tables: metric value ranges → points (评分标准).

A band table is written best band first. Each band has ``from`` and/or ``to`` and the
value it gives (``points`` or, for bonus bands, ``amount``)::

    better = "higher"                       # conversion: the lower bound is inclusive
    bands = [
      { from = 0.60, points = 30 },          # X >= 60%
      { from = 0.50, to = 0.60, points = 26 },
      { to = 0.50, points = 0 },             # X < 50%
    ]

    better = "lower"                        # seconds: the upper bound is inclusive
    bands = [
      { to = 6, points = 20 },               # ST <= 6
      { from = 6, to = 12, points = 15 },    # 6 < ST <= 12
      { from = 12, points = 0 },             # ST > 12
    ]

Adjacent bands must meet exactly (the worse band's bound equals the better band's
other bound), so the table has no gap and no overlap; the best band is open on its
best side and the worst band open on its worst side (or, for higher-is-better, starts at 0,
since every metric value is non-negative).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from cstui.domain.values import format_number

if TYPE_CHECKING:
    from cstui.engine.protocol import Problems

DIRECTIONS = ("higher", "lower")


def as_decimal(value: object) -> Decimal | None:
    """A TOML number as an exact Decimal (floats by their shortest repr); None for others."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


def show(value: Decimal, kind: str = "number") -> str:
    """A bound or value the way people write it: rates as percent, the rest plain."""
    if kind == "rate":
        return f"{format_number(value * 100)}%"
    if kind == "seconds":
        return f"{format_number(value)}s"
    return format_number(value)


@dataclass(frozen=True, slots=True)
class Band:
    low: Decimal | None  # ``from``
    high: Decimal | None  # ``to``
    value: Decimal


@dataclass(frozen=True, slots=True)
class BandTable:
    """A compiled band table; :meth:`lookup` gives the value of the band a metric falls in."""

    better: str  # "higher" or "lower"
    bands: tuple[Band, ...]  # best first

    def lookup(self, value: Decimal) -> Decimal:
        return self.band_of(value).value

    def band_of(self, value: Decimal) -> Band:
        if self.better == "higher":
            for band in self.bands:
                if band.low is None or value >= band.low:
                    return band
        else:
            for band in self.bands:
                if band.high is None or value <= band.high:
                    return band
        return self.bands[-1]  # unreachable for a checked table; keeps lookup total

    def describe(self, band: Band, kind: str = "number") -> str:
        """The band's condition: ``>= 60%``, ``>= 50%, < 60%``, ``<= 6s``, ``> 6s, <= 12s``, ``> 30s``.

        Remembered per band object (kept alive by the memo, so its id is never another's): a
        trace describes the same few bands for every employee graded."""
        key = (id(band), kind, self.better)
        known = _DESCRIBED.get(key)
        if known is not None and known[0] is band:
            return known[1]
        text = self._described(band, kind)
        if len(_DESCRIBED) < _DESCRIBED_MAX:
            _DESCRIBED[key] = (band, text)
        return text

    def _described(self, band: Band, kind: str) -> str:
        low = None if band.low is None else show(band.low, kind)
        high = None if band.high is None else show(band.high, kind)
        if self.better == "higher":
            if high is None:
                return f">= {low}"
            if low is None or band.low == 0:
                return f"< {high}"
            return f">= {low}, < {high}"
        if low is None:
            return f"<= {high}"
        if high is None:
            return f"> {low}"
        return f"> {low}, <= {high}"


_DESCRIBED: dict[tuple[int, str, str], tuple[Band, str]] = {}
_DESCRIBED_MAX = 4096


def load_band_table(data: object, key_path: str, problems: Problems, value_key: str = "points") -> BandTable | None:
    """Compile a band table from TOML, adding a problem line for every fault; None if any."""
    if not isinstance(data, dict):
        problems.add(key_path, "expected a table with 'better' and 'bands'")
        return None
    before = len(problems.lines)
    better = data.get("better")
    if better not in DIRECTIONS:
        problems.add(f"{key_path}.better", f'expected "higher" or "lower", got {better!r}')
    raw = data.get("bands")
    if not isinstance(raw, list) or not raw:
        problems.add(
            f"{key_path}.bands", f"expected a non-empty array of {{from, to, {value_key}}} tables, best band first"
        )
        return None
    bands = [_load_band(item, f"{key_path}.bands[{i}]", problems, value_key) for i, item in enumerate(raw)]
    if len(problems.lines) > before or better not in DIRECTIONS:
        return None
    table = BandTable(better, tuple(bands))  # type: ignore[arg-type]
    _check_coverage(table, f"{key_path}.bands", problems)
    return None if len(problems.lines) > before else table


def _load_band(item: object, key_path: str, problems: Problems, value_key: str) -> Band | None:
    if not isinstance(item, dict):
        problems.add(key_path, f"expected a table {{from, to, {value_key}}}")
        return None
    unknown = set(item) - {"from", "to", value_key, "label"}
    for key in sorted(unknown):
        problems.add(f"{key_path}.{key}", f"unknown key; expected from, to, {value_key}")
    bounds = {}
    for key in ("from", "to"):
        if key in item:
            bounds[key] = as_decimal(item[key])
            if bounds[key] is None:
                problems.add(f"{key_path}.{key}", f"expected a number, got {item[key]!r}")
    value = as_decimal(item.get(value_key))
    if value is None:
        problems.add(f"{key_path}.{value_key}", f"expected a number, got {item.get(value_key)!r}")
        return None
    low, high = bounds.get("from"), bounds.get("to")
    if low is not None and high is not None and low >= high:
        problems.add(key_path, f"'from' ({format_number(low)}) must be below 'to' ({format_number(high)})")
    return Band(low, high, value)


def _check_coverage(table: BandTable, key_path: str, problems: Problems) -> None:
    """Adjacent bands must meet exactly; the outer bands must be open (no value left out)."""
    bands = table.bands
    higher = table.better == "higher"
    best, worst = bands[0], bands[-1]
    if (best.high if higher else best.low) is not None:
        side = "'to'" if higher else "'from'"
        problems.add(f"{key_path}[0]", f"the best band must have no {side}: values beyond it would get no band")
    worst_open = worst.low is None or worst.low == 0 if higher else worst.high is None
    if not worst_open:
        side = "'from' (or from = 0)" if higher else "'to'"
        problems.add(
            f"{key_path}[{len(bands) - 1}]", f"the worst band must have no {side}: values beyond it would get no band"
        )
    for i in range(len(bands) - 1):
        better_band, worse_band = bands[i], bands[i + 1]
        # higher-is-better: a band's 'from' is the next (worse) band's 'to'; lower: its 'to' is the next one's 'from'
        edge = better_band.low if higher else better_band.high
        meets = worse_band.high if higher else worse_band.low
        where = f"{key_path}[{i + 1}]"
        if edge is None or meets is None:
            problems.add(where, f"band {i + 1} must start where band {i} ends; expected both bounds to be set")
        elif edge == meets:
            continue
        elif (meets < edge) == higher:
            problems.add(
                where,
                f"gap between {format_number(min(edge, meets))} and {format_number(max(edge, meets))}: values there get no band",
            )
        else:
            problems.add(
                where,
                f"overlaps band {i}: {format_number(min(edge, meets))}-{format_number(max(edge, meets))} is in both (list bands best first)",
            )
