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

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.domain.values import format_number
from cstui.engine.problem_texts import expected

if TYPE_CHECKING:
    from cstui.engine.protocol import Problems

DIRECTIONS = ("higher", "lower")

# a band table's problems (keys and TOML words as written: from, to, better, the value key)
texts.register(
    {
        "bands.table": ("a table with {better} and {bands}", "含 {better} 和 {bands} 的表"),
        "bands.direction": (
            'expected "{higher}" or "{lower}", got {got}',
            '应为 "{higher}" 或 "{lower}"，实际为 {got}',
        ),
        "bands.array": (
            "expected a non-empty array of {{{keys}}} tables, best band first",
            "应为非空的 {{{keys}}} 表数组，最好的区间在前",
        ),
        "bands.band": ("a table {{{keys}}}", "{{{keys}}} 形式的表"),
        "bands.unknown_key": ("unknown key; expected {keys}", "未知的键；应为 {keys}"),
        "bands.from_below_to": (
            "{low_key} ({low}) must be below {high_key} ({high})",
            "{low_key}（{low}）应小于 {high_key}（{high}）",
        ),
        "bands.best_open": (
            "the best band must have no {side}: values beyond it would get no band",
            "最好的区间不应有 {side}：超出它的值将不落入任何区间",
        ),
        "bands.worst_open": (
            "the worst band must have no {side}: values beyond it would get no band",
            "最差的区间不应有 {side}：超出它的值将不落入任何区间",
        ),
        "bands.or_zero": ("{side} (or {zero})", "{side}（或 {zero}）"),
        "bands.both_bounds": (
            "band {band} must start where band {before} ends; expected both bounds to be set",
            "区间 {band} 应从区间 {before} 的终点开始；两端的界限都应给出",
        ),
        "bands.gap": (
            "gap between {low} and {high}: values there get no band",
            "{low} 与 {high} 之间有空缺：其中的值不落入任何区间",
        ),
        "bands.overlap": (
            "overlaps band {band}: {low}-{high} is in both (list bands best first)",
            "与区间 {band} 重叠：{low}-{high} 同在两个区间（请把最好的区间列在前面）",
        ),
    }
)


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
        problems.add(key_path, expected(line("bands.table", better="'better'", bands="'bands'")))
        return None
    before = len(problems.lines)
    better = data.get("better")
    if better not in DIRECTIONS:
        problems.add(f"{key_path}.better", line("bands.direction", higher="higher", lower="lower", got=repr(better)))
    raw = data.get("bands")
    if not isinstance(raw, list) or not raw:
        problems.add(f"{key_path}.bands", line("bands.array", keys=f"from, to, {value_key}"))
        return None
    bands = [_load_band(item, f"{key_path}.bands[{i}]", problems, value_key) for i, item in enumerate(raw)]
    if len(problems.lines) > before or better not in DIRECTIONS:
        return None
    table = BandTable(better, tuple(bands))  # type: ignore[arg-type]
    _check_coverage(table, f"{key_path}.bands", problems)
    return None if len(problems.lines) > before else table


def _load_band(item: object, key_path: str, problems: Problems, value_key: str) -> Band | None:
    if not isinstance(item, dict):
        problems.add(key_path, expected(line("bands.band", keys=f"from, to, {value_key}")))
        return None
    unknown = set(item) - {"from", "to", value_key, "label"}
    for key in sorted(unknown):
        problems.add(f"{key_path}.{key}", line("bands.unknown_key", keys=f"from, to, {value_key}"))
    bounds = {}
    for key in ("from", "to"):
        if key in item:
            bounds[key] = as_decimal(item[key])
            if bounds[key] is None:
                problems.add(f"{key_path}.{key}", expected("what.number", repr(item[key])))
    value = as_decimal(item.get(value_key))
    if value is None:
        problems.add(f"{key_path}.{value_key}", expected("what.number", repr(item.get(value_key))))
        return None
    low, high = bounds.get("from"), bounds.get("to")
    if low is not None and high is not None and low >= high:
        words = {"low_key": "'from'", "high_key": "'to'", "low": format_number(low), "high": format_number(high)}
        problems.add(key_path, line("bands.from_below_to", **words))
    return Band(low, high, value)


def _check_coverage(table: BandTable, key_path: str, problems: Problems) -> None:
    """Adjacent bands must meet exactly; the outer bands must be open (no value left out)."""
    bands = table.bands
    higher = table.better == "higher"
    best, worst = bands[0], bands[-1]
    if (best.high if higher else best.low) is not None:
        problems.add(f"{key_path}[0]", line("bands.best_open", side="'to'" if higher else "'from'"))
    worst_open = worst.low is None or worst.low == 0 if higher else worst.high is None
    if not worst_open:
        side = line("bands.or_zero", side="'from'", zero="from = 0") if higher else "'to'"
        problems.add(f"{key_path}[{len(bands) - 1}]", line("bands.worst_open", side=side))
    for i in range(len(bands) - 1):
        better_band, worse_band = bands[i], bands[i + 1]
        # higher-is-better: a band's 'from' is the next (worse) band's 'to'; lower: its 'to' is the next one's 'from'
        edge = better_band.low if higher else better_band.high
        meets = worse_band.high if higher else worse_band.low
        where = f"{key_path}[{i + 1}]"
        if edge is None or meets is None:
            problems.add(where, line("bands.both_bounds", band=str(i + 1), before=str(i)))
        elif edge == meets:
            continue
        elif (meets < edge) == higher:
            problems.add(
                where, line("bands.gap", low=format_number(min(edge, meets)), high=format_number(max(edge, meets)))
            )
        else:
            low, high = format_number(min(edge, meets)), format_number(max(edge, meets))
            problems.add(where, line("bands.overlap", band=str(i), low=low, high=high))
