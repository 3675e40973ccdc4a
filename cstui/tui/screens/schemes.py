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

from cstui.domain.texts import DOMAIN_ZH
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
        "schemes.yes": ("yes", "是"),
        "schemes.no": ("no", "否"),
    }
)

# a metric's kind in the metrics table (short: the table shares 80 columns with the list)
KIND_ZH = {
    "rate": "比率",
    "seconds": "秒数",
    "count": "计数",
    "number": "数字",
    "money": "金额",
    "rating": "评分",
    "points": "分数",
    "text": "文字",
}

# the scheme files' own words, in 中文 (English shows the key as the file writes it); a key
# that is a level, metric or incident of the scheme shows that one's label_zh instead
KEYS_ZH = {
    "allowance": "津贴",
    "award": "奖励",
    "bonus": "奖金",
    "card": "考核表",
    "classes": "等级",
    "demotion": "降级",
    "dismissal_review": "辞退审查",
    "elimination": "淘汰",
    "exemption": "豁免",
    "grade_bands": "评级区间",
    "ledger": "积分台账",
    "pay_float": "薪资浮动",
    "placement": "定级",
    "probation": "试用期",
    "promotion": "晋升",
    "ranking": "排名",
    "review": "评审",
    "score": "计分",
    "team_lead": "领班",
    "test": "考试",
    "bands": "区间",
    "base": "基础分",
    "cap": "上限",
    "categories": "类别",
    "category": "类别",
    "incidents": "奖惩项目",
    "min": "最小值",
    "max": "最大值",
    "metric": "指标",
    "weight": "权重",
    "points": "分数",
    "label": "名称",
    "code": "代码",
    "months": "月数",
    "level": "级别",
    "levels": "级别",
    "pay": "薪资",
    "grade": "评级",
    "above": "高于",
    "below": "低于",
    "from": "从",
    "to": "至",
    "target": "目标",
    "kind": "类型",
    "required": "必填",
    "key": "字段",
    "options": "选项",
    "amount": "金额",
    "each": "每项",
    "per": "每",
    "part": "部分",
    "actual": "实际",
    "better": "更优方向",
    "self": "自评",
    "supervisor": "主管评",
    "window": "时间窗口",
    "method": "方法",
    "role": "角色",
    "severity": "严重程度",
    "repeatable": "可重复",
    "reason_metric": "原因字段",
    # the built-in schemes' deeper parameters (tests/tui/test_schemes.py checks each one shown has its 中文)
    "all_lost_above": "超过即全扣",
    "at_most": "至多",
    "average_at_least": "平均分不低于",
    "average_places": "平均分小数位",
    "best_quarters": "最佳季度数",
    "blend": "加权合成",
    "bottom_n": "末位人数",
    "bottom_quarters": "末位季度数",
    "complaint_months": "投诉回看月数",
    "complaints_metric": "投诉字段",
    "conduct": "工作规范",
    "consecutive_quarters": "连续季度数",
    "counts_at_least": "计数不低于",
    "deductions_below": "扣分低于",
    "demote_below": "降级线（低于）",
    "dismissal": "辞退",
    "dismissal_below": "辞退审查线（低于）",
    "failing_duties": "失职",
    "first_level": "首个级别",
    "form": "考核表",
    "form_factor": "考核表系数",
    "hard": "硬性条件",
    "hard_part_max": "硬性部分上限",
    "items": "考核项目",
    "kpis": "关键指标",
    "label_zh": "中文名称",
    "last_in_team_below": "组内末位且低于",
    "last_in_team_months": "组内末位月数",
    "min_level": "最低级别",
    "min_tenure_months": "最短司龄（月）",
    "minor_at_least": "轻度违规至少",
    "moderate_at_least": "中度违规至少",
    "neutral": "中性",
    "parts": "组成部分",
    "per_point": "每分",
    "places": "小数位",
    "plan": "工作计划",
    "practice_at_least": "实操不低于",
    "probation_below": "试用线（低于）",
    "probation_level": "试用级别",
    "probation_months": "试用月数",
    "promote_above": "晋升线（高于）",
    "promote_at": "晋升线（不低于）",
    "quarter_deductions_over": "季度扣分超过",
    "regular_level": "转正级别",
    "review_quarter": "季度评审",
    "score_below": "得分低于",
    "suggestions_at_least": "建议不少于",
    "suggestions_metric": "建议字段",
    "tenure_months": "司龄（月）",
    "theory_at_least": "理论不低于",
    "top": "前几名",
    "total_quarters_over": "累计季度超过",
    "typing_at_least": "打字速度不低于",
    "unpaid_first_months": "首几个月不浮动",
    "unqualified_quarters": "不合格季度数",
    "year_deductions_over": "年度扣分超过",
}

# keys shown in the header or the levels/metrics sections, not again among the params
SHOWN = {
    "name",
    "model",
    "version",
    "label",
    "label_zh",
    "description",
    "description_zh",
    "levels",
    "metrics",
    "extends",
    "replace",
}


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
        """The scheme as the list names it: in zh its 中文 label, with the name people type (in
        imports, --scheme) under it; in English the name, which the file and commands use."""
        if self.ctx.lang == "zh" and scheme.label_zh and scheme.label_zh != scheme.name:
            text = Text(scheme.label_zh, style="bold")
            text.append(f"\n{scheme.name} v{scheme.version}", style="dim")
            return text
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


class Words:
    """How the scheme screen says a scheme file's keys and values in ``lang``: English as the file
    writes them; 中文 from KEYS_ZH, the scheme's own labels, and 是/否 for booleans."""

    def __init__(self, scheme: Scheme, lang: str, t):
        self.zh, self.t = lang == "zh", t
        self.labels: dict[str, str] = {}
        if self.zh:
            for kind in ("incident", "metric", "level"):  # a level's label wins over a like-named key
                self.labels.update(scheme.labels_zh().get(kind, {}))

    def key(self, key: Any) -> str:
        key = str(key)
        return (self.labels.get(key) or KEYS_ZH.get(key) or key) if self.zh else key

    def scalar(self, value: Any, column: str | None = None) -> Text:
        if isinstance(value, bool):
            return Text(self.t("schemes.yes") if value else self.t("schemes.no"))
        if isinstance(value, list):
            return Text(", ".join(self.word(v, column) for v in value))
        if isinstance(value, dict):
            return Text(", ".join(f"{k}={v}" for k, v in value.items()))
        if self.zh and column == "kind" and value in KIND_ZH:
            return Text(KIND_ZH[value])
        return Text(self.word(value, column))

    def word(self, value: Any, column: str | None) -> str:
        """A value that names a metric, level, incident or category by its 中文 label in zh; keys
        and codes stay as people type them (imports, the CLI)."""
        if not self.zh or not isinstance(value, str) or column in ("key", "code"):
            return str(value)
        if column in ("category", "categories"):
            return DOMAIN_ZH["category"].get(value, value)
        return self.labels.get(value, value)


def describe(scheme: Scheme, lang: str, t) -> RenderableType:
    """The effective scheme: header, levels ladder, metrics, then every other parameter."""
    words = Words(scheme, lang, t)
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
    parts: list[RenderableType] = [head, _pairs(facts, words)]
    # a scheme file describes itself in English only (description_zh where it writes one)
    description = scheme.params.get("description_zh" if lang == "zh" else "description")
    if description:
        parts.append(Text(str(description), style="italic"))
    parts += [_section(t("schemes.levels")), _levels(scheme, lang)]
    metrics = scheme.params.get("metrics") or {}
    if metrics:
        parts += [_section(t("schemes.metrics")), _metrics(metrics, lang, words)]
    for key, value in scheme.params.items():
        if key not in SHOWN:
            parts += list(_param(key, value, words))
    return Group(*parts)


def _metrics(metrics: dict, lang: str, words: Words) -> Table:
    rows = []
    for key, spec in metrics.items():
        label = spec.get("label_zh" if lang == "zh" else "label", spec.get("label", key))
        rest = {k: v for k, v in spec.items() if k not in ("label", "label_zh")}
        rows.append({"key": key, **rest, "label": label})
    return _records(rows, words)


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def _pairs(pairs: list[tuple[str, Any]], words: Words) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for key, value in pairs:
        table.add_row(words.key(key), words.scalar(value, str(key)))
    return table


def _levels(scheme: Scheme, lang: str) -> Table:
    table = Table.grid(padding=(0, 2))
    for number, level in enumerate(scheme.levels, start=1):
        table.add_row(str(number), Text(level.key, style="bold"), level.label_zh if lang == "zh" else level.label)
    return table


def _records(rows: list[dict], words: Words) -> Table:
    """A list of tables (band rows, incident catalogue ...) as one table, columns in first-seen order."""
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    table = Table(show_edge=False, box=None, pad_edge=False, header_style="bold")
    for column in columns:
        table.add_column(words.key(column))
    for row in rows:
        table.add_row(*(words.scalar(row.get(c, ""), c) for c in columns))
    return table


def _param(key: str, value: Any, words: Words, depth: int = 0):
    """Render one parameter: scalars as pairs, tables as sections, arrays of tables as tables."""
    name = words.key(key)
    title = Text(("\n" if depth == 0 else "") + "  " * depth + name, style="bold underline" if depth == 0 else "bold")
    if isinstance(value, dict):
        scalars = [(k, v) for k, v in value.items() if not isinstance(v, (dict, list)) or _is_plain_list(v)]
        yield title
        if scalars:
            yield _pairs(scalars, words)
        for k, v in value.items():
            if isinstance(v, dict) or (isinstance(v, list) and not _is_plain_list(v)):
                yield from _param(k, v, words, depth + 1)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        yield title
        yield _records(value, words)
    else:
        yield _pairs([(key, value)], words)


def _is_plain_list(value: Any) -> bool:
    return isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value)
