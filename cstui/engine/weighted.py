"""Weighted items: each item scores 0-100 and carries a weight; the weights sum to 100.

A rate item scores rate × 100 (``follow_up_rate 0.92`` → 92); a 0-100 rating scores
itself. A rated item may be a blend of the agent's own rating and the supervisor's
(self 20% + supervisor 80% by default, both from TOML).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from cstui.domain import texts
from cstui.domain.texts import line, shared
from cstui.domain.values import HUNDRED, format_number
from cstui.engine.bands import as_decimal, show
from cstui.engine.problem_texts import expected

if TYPE_CHECKING:
    from cstui.engine.protocol import Problems

ITEM_KINDS = ("rate", "rating")


@dataclass(frozen=True, slots=True)
class WeightedItem:
    key: str  # the metric key on the scorecard
    weight: Decimal  # percent of the total
    kind: str  # "rate" (scores ×100) or "rating" (0-100 as is)
    label: str


# the problems of a blend and of weighted items (TOML as written)
texts.register(
    {
        "weighted.blend": ("a table {example}", "形如 {example} 的表"),
        "weighted.weight_0": ("a non-negative weight in percent", "非负的百分比权重"),
        "weighted.blend_sum": (
            "{a} + {b} must be 100, got {total}",
            "{a} + {b} 应为 100，实际为 {total}",
        ),
        "weighted.items": ("a table of items, e.g. {example}", "项目的表，例如 {example}"),
        "weighted.table_with": ("a table with {name}", "含 {name} 的表"),
        "weighted.no_metric": (
            'no metric {metric}; add [{table}] with {kind} = "{rate}" or "{rating}"',
            '没有指标 {metric}；请添加 [{table}]，其 {kind} 为 "{rate}" 或 "{rating}"',
        ),
        "weighted.item_kind": (
            "metric {metric} has kind {kind}; a weighted item needs a rate or a 0-100 rating",
            "指标 {metric} 的类型为 {kind}；加权项目需要比率或 0-100 的评分",
        ),
    }
)
texts.register(
    {
        "weighted.item": (
            "{label} {value} → {score} × {weight}% = {part}",
            "{metric} {value} → {score} × {weight}% = {part}",
            {"metric": "metric"},
        ),
    }
)


def item_score(item: WeightedItem, value: Decimal) -> Decimal:
    return value * HUNDRED if item.kind == "rate" else value


def weighted_total(items: tuple[WeightedItem, ...], values: dict[str, Decimal]) -> tuple[Decimal, list[str]]:
    """Σ weight × item score / 100, with one trace line per item.

    An item's line depends only on the item and the value (every number in it is shown with
    its zeros cut), and a company's cards repeat the same few hundred values: each line is
    made once per item and value (:func:`item_line`) and shared. The sum is computed from
    each card's own value, so the total keeps exactly the digits it always had."""
    total = Decimal(0)
    trace = []
    for item in items:
        value = values[item.key]
        total += item.weight * item_score(item, value) / HUNDRED
        trace.append(shared_item_line(item, value))
    return total, trace


def shared_item_line(item: WeightedItem, value: Decimal) -> str:
    """:func:`item_line`, remembered per item and value and shared.

    Remembered by the item object and the value's own text (``str``: its sign, digits and
    exponent exactly), not by ``(item, value)``: a Decimal's hash costs ~3,700 instructions
    (the item's hashes its weight too), its text a few hundred, and one text is one value, so
    the line is the one :func:`item_line` makes (0 and -0, 1.0 and 1.00 each their own)."""
    lines = _item_lines(item)
    key = str(value)
    known = lines.get(key)
    if known is None:
        known = item_line(item, value)
        if len(lines) < _ITEM_LINES_MAX:
            lines[key] = shared(known)
    return known


def _item_lines(item: WeightedItem) -> dict[str, str]:
    """The lines remembered for ``item`` (this object: an equal item of another compiled
    scheme has its own), by its value's text."""
    known = _ITEM_LINES.get(id(item))
    if known is None or known[0] is not item:
        if len(_ITEM_LINES) >= _ITEMS_KEPT:
            _ITEM_LINES.clear()
        known = _ITEM_LINES[id(item)] = (item, {})
    return known[1]


# {id(item): (the item, kept alive so its id is never another's; {value's text: line})}
_ITEM_LINES: dict[int, tuple[WeightedItem, dict[str, str]]] = {}
_ITEM_LINES_MAX = 16_384  # lines remembered per item
_ITEMS_KEPT = 256  # items remembered (a process grades a few schemes)


def item_line(item: WeightedItem, value: Decimal) -> str:
    """The trace line of one item's value: ``label value → score × weight% = part``."""
    score = item_score(item, value)
    return line(
        "weighted.item",
        label=item.label,
        metric=item.key,
        value=show(value, item.kind),
        score=format_number(score),
        weight=format_number(item.weight),
        part=format_number(item.weight * score / HUNDRED),
    )


def weighted_sum(items: tuple[WeightedItem, ...], values: dict[str, Decimal]) -> Decimal:
    """The same total as :func:`weighted_total`, without the trace (replaying history)."""
    return sum((item.weight * item_score(item, values[item.key]) for item in items), Decimal(0)) / HUNDRED


def blend(self_score: Decimal, supervisor_score: Decimal, self_weight: Decimal, supervisor_weight: Decimal) -> Decimal:
    """A rated item from both ratings: self_weight% of the agent's own + supervisor_weight% of the supervisor's."""
    return (self_score * self_weight + supervisor_score * supervisor_weight) / HUNDRED


def load_blend(data: object, key_path: str, problems: Problems) -> tuple[Decimal, Decimal] | None:
    """``{ self = 20, supervisor = 80 }`` → (20, 80); the two must sum to 100."""
    if not isinstance(data, dict):
        problems.add(key_path, expected(line("weighted.blend", example="{ self = 20, supervisor = 80 }")))
        return None
    weights = []
    for key in ("self", "supervisor"):
        weight = as_decimal(data.get(key))
        if weight is None or weight < 0:
            problems.add(f"{key_path}.{key}", expected("weighted.weight_0", repr(data.get(key))))
            return None
        weights.append(weight)
    if sum(weights) != HUNDRED:
        problems.add(key_path, line("weighted.blend_sum", a="self", b="supervisor", total=format_number(sum(weights))))
        return None
    return weights[0], weights[1]


def load_items(data: object, key_path: str, metrics: dict, problems: Problems) -> tuple[WeightedItem, ...] | None:
    """``[score.items.KEY] weight = 20`` for each metric; the weights must sum to 100.

    The item's kind comes from the metric (``rate`` or ``rating``), so a rate scores
    rate × 100 without saying so twice.
    """
    if not isinstance(data, dict) or not data:
        problems.add(key_path, expected(line("weighted.items", example="[score.items.satisfaction] weight = 20")))
        return None
    before = len(problems.lines)
    items = []
    for key, spec in data.items():
        path = f"{key_path}.{key}"
        if not isinstance(spec, dict):
            problems.add(path, expected(line("weighted.table_with", name="'weight'")))
            continue
        weight = as_decimal(spec.get("weight"))
        if weight is None or weight <= 0:
            problems.add(f"{path}.weight", expected("what.positive_weight", repr(spec.get("weight"))))
            continue
        metric = metrics.get(key) if isinstance(metrics, dict) else None
        kind = metric.get("kind") if isinstance(metric, dict) else None
        if metric is None:
            problems.add(
                path,
                line(
                    "weighted.no_metric",
                    metric=repr(key),
                    table=f"metrics.{key}",
                    kind="kind",
                    rate="rate",
                    rating="rating",
                ),
            )
            continue
        if kind not in ITEM_KINDS:
            problems.add(path, line("weighted.item_kind", metric=repr(key), kind=repr(kind)))
            continue
        items.append(WeightedItem(key, weight, kind, spec.get("label", metric.get("label", key))))
    if len(problems.lines) > before:
        return None
    total = sum((item.weight for item in items), Decimal(0))
    if total != HUNDRED:
        problems.add(key_path, line("problem.weights_sum", total=format_number(total)))
        return None
    return tuple(items)
