"""Schemes: what is installed, and the effective numbers of the one selected."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from cstui.plugins import get_registry
from cstui.schemes import Scheme, catalog, short_source
from cstui.tui.context import AppContext
from cstui.tui.i18n import register
from cstui.tui.navigation import make_screen
from cstui.tui.widgets.footer import KeysFooter

register(
    {
        "schemes.installed": ("Installed schemes", "已安装方案"),
        "schemes.none": ("No scheme is installed.", "未安装任何方案。"),
        "schemes.model": ("model", "模型"),
        "schemes.version": ("version", "版本"),
        "schemes.plugin": ("plugin", "插件"),
        "schemes.source": ("TOML", "TOML 文件"),
        "schemes.extends": ("extends", "继承"),
        "schemes.levels": ("Levels (low → high)", "级别（低 → 高）"),
        "schemes.metrics": ("Metrics", "指标"),
        "schemes.problems": ("Problems", "问题"),
        "schemes.plugin_error": ("plugin {plugin}: {message}", "插件 {plugin}：{message}"),
        "Details": ("Details", "详情"),
        "List": ("List", "列表"),
        "What if": ("What if", "假设"),  # the key's name; its screens are in cstui.tui.screens.whatif
    }
)

# keys shown in the header or the levels/metrics sections, not again among the params
SHOWN = {"name", "model", "version", "label", "label_zh", "description", "levels", "metrics", "extends", "replace"}


class SchemesScreen(Screen):
    BINDINGS = [
        Binding("tab", "switch_pane", "Details", show=False),
        Binding("w", "whatif", "What if"),
    ]

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.current: str | None = None
        self.schemes, self.problems = catalog().all()
        self.problems = self.problems + [
            ctx.t("schemes.plugin_error", plugin=e.plugin, message=e.message) for e in get_registry().errors
        ]

    def compose(self) -> ComposeResult:
        t = self.ctx.t
        yield Header()
        with Horizontal(id="schemes-body"):
            with Vertical(id="schemes-side"):
                yield Static(t("schemes.installed"), classes="pane-title")
                options = [Option(self._option_text(s), id=s.name) for s in self.schemes]
                yield OptionList(*options, id="schemes-list")
                if self.problems:
                    yield Static(self._problems(), id="schemes-problems")
            with VerticalScroll(id="schemes-detail"):
                yield Static(t("schemes.none") if not self.schemes else "", id="schemes-detail-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        listing = self.query_one("#schemes-list", OptionList)
        listing.focus()
        if self.schemes:
            listing.highlighted = 0
            self.show(self.schemes[0])

    def _option_text(self, scheme: Scheme) -> Text:
        text = Text(scheme.name, style="bold")
        text.append(f" v{scheme.version}", style="dim")
        return text

    def _problems(self) -> Text:
        text = Text(self.ctx.t("schemes.problems") + "\n", style="bold")
        for line in self.problems:
            text.append(line + "\n", style="red")
        return text

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        scheme = next((s for s in self.schemes if s.name == event.option.id), None)
        if scheme is not None:
            self.show(scheme)

    def action_switch_pane(self) -> None:
        self.focus_next()

    def action_whatif(self) -> None:
        """A scheme file against the selected scheme (cstui.tui.screens.whatif)."""
        scheme = next((s for s in self.schemes if s.name == self.current), None)
        if scheme is None:
            return

        def show_changes(report) -> None:
            if report is not None:
                self.app.push_screen(make_screen(self.ctx, "whatif", report))

        self.app.push_screen(make_screen(self.ctx, "whatif-ask", scheme), show_changes)

    def show(self, scheme: Scheme) -> None:
        self.current = scheme.name
        self.query_one("#schemes-detail-text", Static).update(describe(scheme, self.ctx.lang, self.ctx.t))
        self.query_one("#schemes-detail", VerticalScroll).scroll_home(animate=False)


def describe(scheme: Scheme, lang: str, t) -> RenderableType:
    """The effective scheme: header, levels ladder, metrics, then every other parameter."""
    label = scheme.label_zh if lang == "zh" else scheme.label
    head = Text(f"{scheme.name}", style="bold")
    head.append(f"  {label}\n" if label != scheme.name else "\n")
    facts = [
        (t("schemes.model"), scheme.model.name),
        (t("schemes.version"), scheme.version),
        (t("schemes.plugin"), scheme.plugin or "-"),
        (t("schemes.source"), short_source(scheme.source)),
    ]
    if len(scheme.chain) > 1:
        facts.append((t("schemes.extends"), " → ".join(short_source(s) for s in scheme.chain[1:])))
    parts: list[RenderableType] = [head, _pairs(facts)]
    if scheme.params.get("description"):
        parts.append(Text(str(scheme.params["description"]), style="italic"))
    parts += [_section(t("schemes.levels")), _levels(scheme, lang)]
    metrics = scheme.params.get("metrics") or {}
    if metrics:
        parts += [_section(t("schemes.metrics")), _metrics(metrics, lang)]
    for key, value in scheme.params.items():
        if key not in SHOWN:
            parts += list(_param(key, value))
    return Group(*parts)


def _metrics(metrics: dict, lang: str) -> Table:
    rows = []
    for key, spec in metrics.items():
        label = spec.get("label_zh" if lang == "zh" else "label", spec.get("label", key))
        rest = {k: v for k, v in spec.items() if k not in ("label", "label_zh")}
        rows.append({"key": key, **rest, "label": label})
    return _records(rows)


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def _pairs(pairs: list[tuple[str, Any]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for key, value in pairs:
        table.add_row(str(key), _scalar(value))
    return table


def _levels(scheme: Scheme, lang: str) -> Table:
    table = Table.grid(padding=(0, 2))
    for number, level in enumerate(scheme.levels, start=1):
        table.add_row(str(number), Text(level.key, style="bold"), level.label_zh if lang == "zh" else level.label)
    return table


def _records(rows: list[dict]) -> Table:
    """A list of tables (band rows, incident catalogue ...) as one table, columns in first-seen order."""
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    table = Table(show_edge=False, box=None, pad_edge=False, header_style="bold")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_scalar(row.get(c, "")) for c in columns))
    return table


def _param(key: str, value: Any, depth: int = 0):
    """Render one parameter: scalars as pairs, tables as sections, arrays of tables as tables."""
    title = Text(("\n" if depth == 0 else "") + "  " * depth + key, style="bold underline" if depth == 0 else "bold")
    if isinstance(value, dict):
        scalars = [(k, v) for k, v in value.items() if not isinstance(v, (dict, list)) or _is_plain_list(v)]
        yield title
        if scalars:
            yield _pairs(scalars)
        for k, v in value.items():
            if isinstance(v, dict) or (isinstance(v, list) and not _is_plain_list(v)):
                yield from _param(k, v, depth + 1)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        yield title
        yield _records(value)
    else:
        yield _pairs([(key, value)])


def _is_plain_list(value: Any) -> bool:
    return isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value)


def _scalar(value: Any) -> Text:
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, list):
        return Text(", ".join(str(v) for v in value))
    if isinstance(value, dict):
        return Text(", ".join(f"{k}={v}" for k, v in value.items()))
    return Text(str(value))
