"""A scheme file's problems (``FILE: key.path: what was expected``) as text templates, so a
bad scheme is explained in the reader's language (``--lang zh``, the TUI's language).

The line itself is ``scheme.problem`` (file and key path as they are in every language);
its message is one of the ``problem.*`` templates below, whose ``what`` and ``got`` are the
phrases ``what.*`` / ``got.*`` (what was expected, what the file holds). Values quoted from the
file (``'abc'``, ``3``) and keys stay as written. A model's own messages are registered by its
plugin the same way (``texts.register``) and added with ``problems.add(path, line(KEY, ...))``.
"""

from __future__ import annotations

from typing import Any

from cstui.domain import texts
from cstui.domain.texts import Line, line

texts.register(
    {
        "scheme.problem": ("{source}: {path}: {message}", "{source}：{path}：{message}"),
        "problem.expected": ("expected {what}", "应为{what}"),
        "problem.expected_got": ("expected {what}, got {got}", "应为{what}，实际为 {got}"),
        "problem.missing": ("missing; expected {what}", "缺少此项；应为{what}"),
        "problem.one_of": ("expected one of {options}, got {got}", "应为 {options} 之一，实际为 {got}"),
        "problem.unknown_key": ("unknown key {name}", "未知的键 {name}"),
        "problem.unknown_key_close": (
            "unknown key {name}; did you mean {close}?",
            "未知的键 {name}；是否应为 {close}？",
        ),
        "problem.unknown_key_of": ("unknown key {name}; expected one of {names}", "未知的键 {name}；应为 {names} 之一"),
        "problem.unknown_model": ("unknown model {model}; installed: {known}", "未知模型 {model}；已安装：{known}"),
        "problem.none": ("none", "无"),
        "problem.duplicate_level": ("duplicate level {level}", "级别 {level} 重复"),
        "problem.unknown_level": ("unknown level {level}; levels: {levels}", "未知级别 {level}；级别有：{levels}"),
        "problem.levels": (
            "expected a non-empty array of tables with a {field} each, lowest level first",
            "应为非空的表数组，每个表有一个 {field}，最低级别在前",
        ),
        # what was expected
        "what.number": ("a number", "数字"),
        "what.whole": ("a whole number", "整数"),
        "what.string": ("a string", "字符串"),
        "what.flag": ("{true} or {false}", "布尔值 {true} 或 {false}"),
        "what.any": ("any value", "任意值"),
        "what.table": ("a table", "表"),
        "what.array_of": ("an array of {many}", "由{many}组成的数组"),
        "what.table_of": ("a table of {what} = {values}", "“{what} = {values}”形式的表"),
        "what.table_with": ("a table with {keys}", "含 {keys} 的表"),
        "what.tables_with": ("an array of tables [[{table}]] with {keys}", "表数组 [[{table}]]，每个表含 {keys}"),
        "what.whole_at_least": ("a whole number >= {minimum}", "不小于 {minimum} 的整数"),
        "what.level_key": ("a level key ({levels})", "级别键（{levels}）"),
        "what.metric_key": ("a metric key", "指标键"),
        "what.metric_key_of": ("a metric key ({metrics})", "指标键（{metrics}）"),
        "what.whole_months": ("a whole number of months", "整月数"),
        "what.whole_months_0": ("a whole number of months 0 or more", "不小于 0 的整月数"),
        "what.whole_0": ("a whole number 0 or more", "不小于 0 的整数"),
        "what.number_0": ("a number 0 or more", "不小于 0 的数"),
        "what.number_above_0": ("a number above 0", "大于 0 的数"),
        "what.positive_number": ("a positive number", "正数"),
        "what.positive_weight": ("a positive weight in percent", "正的百分比权重"),
        "what.string_array": ("an array of strings", "字符串数组"),
        "what.decimals": ("a whole number of decimals 0..6", "0..6 之间的小数位数（整数）"),
        "what.months_at_least_0": ("a whole number of months >= 0", "不小于 0 的整月数"),
        "what.count_metric": ("a count metric ({metrics})", "计数指标（{metrics}）"),
        "what.metric_of_kind": ("a metric of kind {kinds}", "类型为 {kinds} 的指标"),
        "problem.no_metric": (
            "no metric {metric}; add [{table}] with its kind",
            "没有指标 {metric}；请添加 [{table}] 并写明其类型",
        ),
        "problem.min_above_max": ("min {min} is above max {max}", "最小值 {min} 大于最大值 {max}"),
        "problem.weights_sum": ("weights must sum to 100, got {total}", "权重之和应为 100，实际为 {total}"),
        "many.numbers": ("numbers", "数字"),
        "many.whole": ("whole numbers", "整数"),
        "many.strings": ("strings", "字符串"),
        "many.flags": ("{true}/{false} values", "{true}/{false} 值"),
        "many.values": ("values", "值"),
        "many.tables": ("tables", "表"),
        # what the file holds instead
        "got.boolean": ("a boolean {value}", "布尔值 {value}"),
        "got.string": ("a string {text}", "字符串 {text}"),
        "got.whole": ("a whole number {text}", "整数 {text}"),
        "got.whole_digits": ("a whole number of {digits} digits", "{digits} 位的整数"),
        "got.number": ("a number {text}", "数字 {text}"),
        "got.table": ("a table", "表"),
        "got.array": ("an array", "数组"),
        "got.date": ("a date or time {text}", "日期或时间 {text}"),
        # what the keys of a table the scheme fills hold (MapOf's ``what``)
        "word.key": ("key", "键"),
        "word.metric key": ("metric key", "指标键"),
        "word.level key": ("level key", "级别键"),
        "word.grade or span": ("grade or span", "等级或等级区间"),
        "word.incident code": ("incident code", "奖惩代码"),
        "word.choice": ("choice", "选项"),
        "word.ledger category": ("ledger category", "扣分类别"),
        "word.count metric": ("count metric", "计数指标"),
        "word.part name": ("part name", "部分名称"),
    }
)


def expected(what: Any, got: Any = None) -> Line:
    """``expected WHAT`` (``, got GOT`` when given); ``what`` a phrase line or a ``what.*`` key."""
    what = phrase(what)
    return line("problem.expected", what=what) if got is None else line("problem.expected_got", what=what, got=got)


def missing(what: Any) -> Line:
    """``missing; expected WHAT``."""
    return line("problem.missing", what=phrase(what))


def phrase(what: Any) -> Any:
    """A registered phrase key (``what.number``) as its line; a line or a text as it is."""
    if isinstance(what, str) and not isinstance(what, Line) and texts.template(what) is not None:
        return line(what)
    return what


def word(text: str) -> Any:
    """A word a shape was declared with (``metric key``) as a line where it has 中文, else the text."""
    return line(f"word.{text}") if texts.template(f"word.{text}") is not None else text


def one_of(options: str, got: Any) -> Line:
    return line("problem.one_of", options=options, got=got)


def unknown_model(model: Any, installed: list[str]) -> Line:
    """``unknown model 'x'; installed: a, b`` (``none`` when no model is installed)."""
    return line("problem.unknown_model", model=repr(model), known=", ".join(installed) or line("problem.none"))
