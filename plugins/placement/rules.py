"""The placement form's arithmetic (客服部岗位定级标准, doc 000): hard items, the rated form
× 0.75, and the score → level table. Plain functions: the ``placement`` model and a future
``cstui place`` command share them.

- A hard item (items 1-5 of the document, 0-5 points each) is one of: ``options`` (a text
  field's choice → points: education, post), a band table (``better`` and ``bands``: years
  of work experience), or ``each`` with ``max`` (a count: 1 point a certificate, at most 5).
- ``hard_part_max`` (optional) scales the hard items' points so that their maxima together
  weigh that much: the document's five items weigh 25; without the height-and-looks item
  (not shipped: discriminatory) the four left are scaled to 25 so that 100 stays reachable.
- The form (items 6-11, rated 0-100 each on the performance form) is a weighted total
  (weights summing to 100), counted × ``form_factor`` (0.75, doc: 实际得分=(总分*0.75)).
- ``[[placement.levels]]`` ``level`` and ``from``: a score >= ``from`` holds the level (lower
  bound inclusive, like every higher-is-better band); below the lowest ``from``, not placed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.domain.values import format_number
from cstui.engine.bands import BandTable, as_decimal, load_band_table
from cstui.engine.params_schema import load_tables
from cstui.engine.problem_texts import expected, missing
from cstui.engine.weighted import WeightedItem, load_items, weighted_total

_M = {"metric": "metric", "level": "level"}
texts.register(
    {
        "placement.option": ("{label} {value} → {points}", "{metric} {value} → {points}", _M),
        "placement.band": ("{label} {value} {band} → {points}", "{metric} {value} {band} → {points}", _M),
        "placement.at_most": (" (at most {cap})", "（最多 {cap}）"),
        # what [[placement.hard]] holds, said in the problems of its tables
        "placement.hint.hard": ("a {metric} each", "一个 {metric}"),  # TOML keys, as written
        "placement.hint.hard_table": (
            "{metric} and {options}, {bands}, or {each} and {max}",
            "{metric}，以及 {options}、{bands} 或 {each} 与 {max}",
        ),
        "placement.each": (
            "{label} {value} × {each} → {points}{capped}",
            "{metric} {value} × {each} → {points}{capped}",
            _M,
        ),
        "placement.hard": ("hard items: {shown}", "硬性条件：{shown}"),
        "placement.form": ("form: {form} × {factor} = {part}", "表现考核：{form} × {factor} = {part}"),
        "placement.not_placed": ("score {score} < {lowest} → not placed", "得分 {score} < {lowest} → 不定级"),
        "placement.level": ("score {score} >= {low}{upper} → {level}", "得分 {score} >= {low}{upper} → {level}", _M),
    }
)


@dataclass(frozen=True, slots=True)
class HardItem:
    metric: str
    label: str
    options: dict[str, Decimal] | None = None  # text choice → points
    table: BandTable | None = None  # number → points
    each: Decimal | None = None  # count × each, at most ``cap``
    cap: Decimal | None = None

    @property
    def most(self) -> Decimal:
        if self.options is not None:
            return max(self.options.values())
        if self.table is not None:
            return max(b.value for b in self.table.bands)
        return self.cap or Decimal(0)

    def points(self, value: Any) -> tuple[Decimal, str]:
        if self.options is not None:
            points = self.options[value]
            return points, line(
                "placement.option", label=self.label, metric=self.metric, value=value, points=format_number(points)
            )
        if self.table is not None:
            band = self.table.band_of(value)
            shown = dict(value=format_number(value), band=self.table.describe(band), points=format_number(band.value))
            return band.value, line("placement.band", label=self.label, metric=self.metric, **shown)
        raw = self.each * value  # type: ignore[operator]
        points = min(raw, self.cap)  # type: ignore[type-var]
        capped = line("placement.at_most", cap=format_number(self.cap)) if raw > points else ""
        shown = dict(value=value, each=format_number(self.each), points=format_number(points), capped=capped)
        return points, line("placement.each", label=self.label, metric=self.metric, **shown)


@dataclass(frozen=True, slots=True)
class PlacementRules:
    hard: tuple[HardItem, ...]
    hard_part_max: Decimal | None
    form: tuple[WeightedItem, ...]
    form_factor: Decimal
    levels: tuple[tuple[str, Decimal], ...]  # (level, from), lowest first

    @property
    def hard_scale(self) -> Decimal | None:
        """hard_part_max / Σ item maxima, or None when the points count as they are."""
        if self.hard_part_max is None:
            return None
        return self.hard_part_max / sum((item.most for item in self.hard), Decimal(0))


def placement_score(rules: PlacementRules, values: dict[str, Any]) -> tuple[Decimal, list[str]]:
    """The exact placement score (hard part + form × factor) and its trace."""
    hard, trace = Decimal(0), []
    for item in rules.hard:
        points, item_line = item.points(values[item.metric])
        hard += points
        trace.append(item_line)
    shown = format_number(hard)
    if rules.hard_scale is not None:
        most = sum((item.most for item in rules.hard), Decimal(0))
        hard = hard * rules.hard_scale
        shown = f"{shown} / {format_number(most)} × {format_number(rules.hard_part_max)} = {format_number(hard)}"
    trace.append(line("placement.hard", shown=shown))
    form, lines = weighted_total(rules.form, values)
    part = form * rules.form_factor
    factor = format_number(rules.form_factor)
    trace += lines + [line("placement.form", form=format_number(form), factor=factor, part=format_number(part))]
    return hard + part, trace


def level_for(rules: PlacementRules, score: Decimal) -> tuple[str | None, str]:
    """The level a score holds (the highest whose ``from`` it reaches), and the trace line."""
    held = [(level, low) for level, low in rules.levels if score >= low]
    if not held:
        lowest = rules.levels[0][1]
        return None, line("placement.not_placed", score=format_number(score), lowest=format_number(lowest))
    level, low = held[-1]
    above = [lv for lv in rules.levels if lv[1] > low]
    upper = f", < {format_number(above[0][1])}" if above else ""
    return level, line("placement.level", score=format_number(score), low=format_number(low), upper=upper, level=level)


# --- parameters ---------------------------------------------------------------------------

# the problems of a placement scheme's [placement] (keys and TOML words as written)
texts.register(
    {
        "placement.problem.section": ("a table with {keys} and {last}", "含 {keys} 和 {last} 的表"),
        "placement.problem.hard_item": (
            "expected {options} (a text metric), {bands} (a number), or {each} and {max} above 0 (a count metric)",
            "应为 {options}（文本指标）、{bands}（数值）或大于 0 的 {each} 和 {max}（计数指标）",
        ),
        "placement.problem.options": (
            "expected {choice} = {points} (>= 0) for text metric {metric}",
            "文本指标 {metric} 应写作 {choice} = {points}（>= 0）",
        ),
        "placement.problem.levels": ("an array of {table} tables, lowest first", "{table} 表的数组，最低级别在前"),
        "placement.problem.level": (
            "expected {{ {level} = one of {levels}, {from_key} = a score }}",
            "应为 {{ {level} = {levels} 之一, {from_key} = 分数 }}",
        ),
        "placement.problem.above": (
            "expected above {low}: list levels lowest first",
            "应高于 {low}：级别按从低到高列出",
        ),
    }
)


def load_rules(section: object, ladder: tuple[str, ...], metrics: dict, problems: Any) -> PlacementRules | None:
    if not isinstance(section, dict):
        problems.add(
            "placement", missing(line("placement.problem.section", keys="hard, form, form_factor", last="levels"))
        )
        return None
    before = len(problems.lines)
    hard = _hard_items(section.get("hard"), metrics, problems)
    part_max = _positive(section, "hard_part_max", problems) if "hard_part_max" in section else None
    form = load_items(section.get("form"), "placement.form", metrics, problems)
    factor = _positive(section, "form_factor", problems)
    levels = _levels(section.get("levels"), ladder, problems)
    if len(problems.lines) > before:
        return None
    return PlacementRules(hard, part_max, form or (), factor, levels)  # type: ignore[arg-type]


def _positive(section: dict, key: str, problems: Any) -> Decimal | None:
    value = as_decimal(section.get(key))
    if value is None or value <= 0:
        problems.add(f"placement.{key}", expected("what.number_above_0", repr(section.get(key))))
    return value


def _hard_items(raw: object, metrics: dict, problems: Any) -> tuple[HardItem, ...]:
    keys = {key: key for key in ("metric", "options", "bands", "each", "max")}
    hints = (line("placement.hint.hard", metric="metric"), line("placement.hint.hard_table", **keys))
    return tuple(
        load_tables(
            raw, "placement.hard", hints, problems, lambda data, path: _hard_item(data, path, metrics, problems)
        )
    )


def _hard_item(data: dict, path: str, metrics: dict, problems: Any) -> HardItem | None:
    metric = data.get("metric")
    spec = metrics.get(metric) if isinstance(metric, str) else None
    if not isinstance(spec, dict):
        problems.add(f"{path}.metric", expected(line("what.metric_key_of", metrics=", ".join(metrics)), repr(metric)))
        return None
    kind, label = spec.get("kind"), str(data.get("label", spec.get("label", metric)))
    if "options" in data:
        return _options(data["options"], kind, path, metric, label, problems)
    if "bands" in data:
        table = load_band_table({k: data.get(k) for k in ("better", "bands")}, path, problems)
        return HardItem(metric, label, table=table) if table is not None else None
    each, most = as_decimal(data.get("each")), as_decimal(data.get("max"))
    if kind != "count" or each is None or each <= 0 or most is None or most <= 0:
        problems.add(
            path, line("placement.problem.hard_item", options="options", bands="bands", each="each", max="max")
        )
        return None
    return HardItem(metric, label, each=each, cap=most)


def _options(raw: object, kind: object, path: str, metric: str, label: str, problems: Any) -> HardItem | None:
    points = {key: as_decimal(value) for key, value in raw.items()} if isinstance(raw, dict) else {}
    if kind != "text" or not points or any(v is None or v < 0 for v in points.values()):
        words = {"choice": "choice", "points": "points", "metric": repr(metric)}
        problems.add(f"{path}.options", line("placement.problem.options", **words))
        return None
    return HardItem(metric, label, options=points)  # type: ignore[arg-type]


def _levels(raw: object, ladder: tuple[str, ...], problems: Any) -> tuple[tuple[str, Decimal], ...]:
    if not isinstance(raw, list) or not raw:
        problems.add("placement.levels", expected(line("placement.problem.levels", table="{ level, from }")))
        return ()
    levels: list[tuple[str, Decimal]] = []
    for i, data in enumerate(raw):
        path = f"placement.levels[{i}]"
        level = data.get("level") if isinstance(data, dict) else None
        low = as_decimal(data.get("from")) if isinstance(data, dict) else None
        if level not in ladder or low is None:
            problems.add(
                path, line("placement.problem.level", level="level", levels=", ".join(ladder), from_key="from")
            )
            continue
        if levels and low <= levels[-1][1]:
            problems.add(f"{path}.from", line("placement.problem.above", low=format_number(levels[-1][1])))
        levels.append((level, low))
    return tuple(levels)
