"""The items of a KPI scorecard (``[[score.items]]``), each scoring points from the card.

Kinds (any scheme on the ``kpi-card`` model may mix them):

- ``bands``: a band table on one metric (``better``, ``bands`` with ``points``), e.g. a
  team score >= 90 → 20 (doc 001 #18).
- ``deduction``: ``points`` less ``per`` each violation counted in a count metric, all of
  them lost above ``all_lost_above`` (the front-desk appearance item, doc 001 #2;
  :mod:`cstui.engine.deductions`).
- ``weighted``: a rate (× 100) or a 0-100 rating times ``weight`` % (doc 001 #3's plan).
- ``rated``: the agent's own rating (``self`` metric) and the supervisor's (``supervisor``
  metric), blended by ``[score.blend]`` (self 20 % + supervisor 80 %, doc 001 #3), times
  ``weight`` % (:func:`cstui.engine.weighted.blend`).

An item may name the ``part`` of the form it belongs to; ``[score.parts]`` then gives each
part's weight, and the weights of its items must add up to it (plan 60, form 40).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cstui.domain import texts
from cstui.domain.texts import Line, joined, line
from cstui.domain.values import HUNDRED, format_number
from cstui.engine.bands import BandTable, as_decimal, load_band_table, show
from cstui.engine.deductions import DeductionItem, load_deduction
from cstui.engine.params_schema import load_tables
from cstui.engine.problem_texts import expected, one_of
from cstui.engine.weighted import blend

KINDS = ("bands", "deduction", "weighted", "rated")

texts.register(
    {
        "kpi-card.band": ("{label} {value} {band} → {points}", "{label_zh} {value} {band} → {points}"),
        "kpi-card.deduction": ("{label}: {why}", "{label_zh}：{why}"),
        "kpi-card.weighted": (
            "{label} {value} → {scored} × {weight}% = {points}",
            "{label_zh} {value} → {scored} × {weight}% = {points}",
        ),
        "kpi-card.rated": (
            "{label}: self {own} × {own_weight}% + supervisor {supervisor} × {supervisor_weight}% = {blended} × {weight}% = {points}",
            "{label_zh}：自评 {own} × {own_weight}% + 主管评 {supervisor} × {supervisor_weight}% = {blended} × {weight}% = {points}",
        ),
    }
)
RATED_KINDS = ("rate", "rating")


@dataclass(frozen=True, slots=True)
class CardItem:
    key: str
    label: str
    kind: str
    metrics: tuple[str, ...]  # the card fields it reads: one, or (self, supervisor) for "rated"
    metric_kind: str  # the kind of its metric(s), for showing values
    weight: Decimal | None = None  # weighted and rated
    table: BandTable | None = None  # bands
    deduction: DeductionItem | None = None  # deduction
    part: str | None = None
    label_zh: str = ""  # the trace's item name in 中文

    @property
    def most(self) -> Decimal:
        """The most points the item can give."""
        if self.table is not None:
            return max(band.value for band in self.table.bands)
        if self.deduction is not None:
            return self.deduction.points
        return self.weight or Decimal(0)

    def score(self, values: dict[str, Any], weights: tuple[Decimal, Decimal]) -> tuple[Decimal, str]:
        """The item's points and its trace line."""
        value = values[self.metrics[0]]
        if self.table is not None:
            band = self.table.band_of(value)
            shown = show(value, self.metric_kind)
            band_text = self.table.describe(band, self.metric_kind)
            return band.value, self._line(
                "kpi-card.band", value=shown, band=band_text, points=format_number(band.value)
            )
        if self.deduction is not None:
            return self.deduction.score(value), self._line("kpi-card.deduction", why=self.deduction.explain(value))
        weight = self.weight or Decimal(0)
        if self.kind == "weighted":
            scored = value * HUNDRED if self.metric_kind == "rate" else value
            points = weight * scored / HUNDRED
            shown = dict(value=show(value, self.metric_kind), scored=format_number(scored))
            return points, self._line(
                "kpi-card.weighted", **shown, weight=format_number(weight), points=format_number(points)
            )
        supervisor = values[self.metrics[1]]
        blended = blend(value, supervisor, *weights)
        points = weight * blended / HUNDRED
        rated = dict(own=format_number(value), own_weight=format_number(weights[0]))
        rated |= dict(supervisor=format_number(supervisor), supervisor_weight=format_number(weights[1]))
        rated |= dict(blended=format_number(blended), weight=format_number(weight), points=format_number(points))
        return points, self._line("kpi-card.rated", **rated)

    def _line(self, key: str, **args: Any) -> Line:
        return line(key, label=self.label, label_zh=self.label_zh or self.label, **args)


# the problems of a kpi-card scheme's items and parts (keys as written)
texts.register(
    {
        "kpi-card.problem.duplicate": ("duplicate item key {name}", "项目键 {name} 重复"),
        "kpi-card.hint.item": ("{a}, {b} and {c}", "{a}、{b} 和 {c}"),  # TOML keys, as written
        "kpi-card.problem.part_name": ("the name of a part", "部分的名称"),
        "kpi-card.problem.deduction_count": (
            "a deduction counts violations: metric {metric} must be a count, not {kind}",
            "扣分项按违规次数计：指标 {metric} 应为计数，而不是 {kind}",
        ),
        "kpi-card.problem.item_kind": (
            "metric {metric} has kind {kind}; a {item} item needs {allowed}",
            "指标 {metric} 的类型为 {kind}；{item} 项目需要 {allowed}",
        ),
        "kpi-card.problem.unweighed": (
            "item {item} names part {part}; add [{table}] with its weight",
            "项目 {item} 指明了部分 {part}；请添加 [{table}] 并写明其权重",
        ),
        "kpi-card.problem.parts": ("a table: part = weight in percent", "表：部分 = 百分比权重"),
        "kpi-card.problem.part_weight": (
            "the items of part {part} weigh {total}, expected {weight}",
            "部分 {part} 的项目合计权重 {total}，应为 {weight}",
        ),
        "kpi-card.problem.part_not_weighed": (
            "item {item} names part {part}, which [{table}] does not weigh",
            "项目 {item} 指明的部分 {part} 在 [{table}] 中没有权重",
        ),
    }
)


def load_items(raw: object, metrics: dict, problems: Any) -> tuple[CardItem, ...]:
    """``[[score.items]]``: every item checked, every problem added."""
    items = load_tables(
        raw,
        "score.items",
        (line("kpi-card.hint.item", a="key", b="kind", c="metric"),) * 2,
        problems,
        lambda data, path: _load_item(data, path, metrics, problems),
    )
    keys = [item.key for item in items]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.add("score.items", line("kpi-card.problem.duplicate", name=repr(key)))
    return tuple(items)


def _load_item(data: dict, path: str, metrics: dict, problems: Any) -> CardItem | None:
    kind = data.get("kind")
    if kind not in KINDS:
        problems.add(f"{path}.kind", one_of(", ".join(KINDS), repr(kind)))
        return None
    fields = ("self", "supervisor") if kind == "rated" else ("metric",)
    names = tuple(_metric(data, f"{path}.{f}", f, metrics, problems) for f in fields)
    if None in names:
        return None
    metric_kind = str(metrics[names[0]].get("kind"))
    key = str(data.get("key", names[0]))
    label = str(data.get("label", metrics[names[0]].get("label", key)))
    label_zh = str(data.get("label_zh", metrics[names[0]].get("label_zh", label)))
    part = data.get("part")
    if part is not None and not isinstance(part, str):
        problems.add(f"{path}.part", expected("kpi-card.problem.part_name", repr(part)))
    common = dict(key=key, label=label, kind=kind, metrics=names, metric_kind=metric_kind, part=part, label_zh=label_zh)  # type: ignore[arg-type]
    if kind == "bands":
        table = load_band_table({k: data.get(k) for k in ("better", "bands")}, path, problems)
        return CardItem(**common, table=table) if table is not None else None  # type: ignore[arg-type]
    if kind == "deduction":
        if metric_kind != "count":
            problems.add(
                f"{path}.metric", line("kpi-card.problem.deduction_count", metric=repr(names[0]), kind=metric_kind)
            )
            return None
        deduction = load_deduction(data, path, problems)
        return CardItem(**common, deduction=deduction) if deduction is not None else None  # type: ignore[arg-type]
    return _weighted(data, path, names, metrics, common, problems)


def _weighted(data: dict, path: str, names: tuple, metrics: dict, common: dict, problems: Any) -> CardItem | None:
    for name in names:
        kind = metrics[name].get("kind")
        allowed = RATED_KINDS if common["kind"] == "weighted" else ("rating",)
        if kind not in allowed:
            words = {"metric": repr(name), "kind": repr(kind), "item": common["kind"]}
            problems.add(path, line("kpi-card.problem.item_kind", **words, allowed=joined(list(allowed), " or ")))
            return None
    weight = as_decimal(data.get("weight"))
    if weight is None or weight <= 0:
        problems.add(f"{path}.weight", expected("what.positive_weight", repr(data.get("weight"))))
        return None
    return CardItem(**common, weight=weight)


def _metric(data: dict, path: str, field: str, metrics: dict, problems: Any) -> str | None:
    name = data.get(field)
    if not isinstance(name, str) or not isinstance(metrics.get(name), dict):
        problems.add(path, expected(line("what.metric_key_of", metrics=", ".join(metrics)), repr(name)))
        return None
    return name


def check_parts(raw: object, items: tuple[CardItem, ...], problems: Any) -> dict[str, Decimal]:
    """``[score.parts]`` plan = 60, form = 40: each part's items' weights add up to it."""
    if raw is None:
        for item in items:
            if item.part is not None:
                words = {"item": repr(item.key), "part": repr(item.part), "table": "score.parts"}
                problems.add("score.parts", line("kpi-card.problem.unweighed", **words))
                return {}
        return {}
    if not isinstance(raw, dict):
        problems.add("score.parts", expected("kpi-card.problem.parts"))
        return {}
    parts = {}
    for name, value in raw.items():
        weight = as_decimal(value)
        if weight is None or weight <= 0:
            problems.add(f"score.parts.{name}", expected("what.positive_weight", repr(value)))
            continue
        total = sum((item.most for item in items if item.part == name), Decimal(0))
        if total != weight:
            words = {"part": repr(name), "total": format_number(total), "weight": format_number(weight)}
            problems.add(f"score.parts.{name}", line("kpi-card.problem.part_weight", **words))
        parts[name] = weight
    for item in items:
        if item.part is not None and item.part not in parts and item.part not in raw:
            words = {"item": repr(item.key), "part": repr(item.part), "table": "score.parts"}
            problems.add("score.parts", line("kpi-card.problem.part_not_weighed", **words))
    return parts
