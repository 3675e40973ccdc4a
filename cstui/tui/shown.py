"""How numbers and decisions read on every screen (shared by the board, history, scorecard and
the export): helpers, not screens, so no screen imports another for them."""

from __future__ import annotations

from decimal import Decimal

from cstui.domain.values import format_number
from cstui.tui.context import AppContext
from cstui.tui.i18n import register

register(
    {
        "decision.promote": ("promotion", "晋升"),
        "decision.demote": ("demotion", "降级"),
        "decision.stay": ("stay", "保持"),
        "decision.probation": ("probation", "试用"),
        "decision.elimination-review": ("elimination review", "淘汰审查"),
        "decision.dismissal-review": ("dismissal review", "辞退审查"),
        "decision.exemption": ("exemption", "豁免"),
        "decision.eligible": ("eligible", "符合条件"),
        "decision.missing": ("missing", "缺数据"),
        "decision.invalid": ("invalid card", "考核表无效"),
        "decision.none": ("no review", "无评审"),
    }
)


def show_number(value: Decimal | int | None, places: str = "0.01") -> str:
    """A score or amount for the screen: at most two decimals, no trailing zeros."""
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        value = value.quantize(Decimal(places))
    return format_number(value)


def decision_text(ctx: AppContext, decision: str) -> str:
    """A decision key in the user's language (the domain's or a plugin's label when the TUI has none)."""
    label = ctx.t(f"decision.{decision}")
    return ctx.domain_label("decision", decision) if label.startswith("decision.") else label
