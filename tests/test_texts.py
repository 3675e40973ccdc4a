"""Trace lines as templates with arguments (cstui.domain.texts): English byte for byte, 中文 on
demand, labels looked up, stored and pickled with their template."""

from __future__ import annotations

import json
import pickle

import pytest

from cstui.domain import texts
from cstui.domain.texts import Line, from_json, joined, line, render, to_json, with_domain

texts.register(
    {
        "test.move": (
            "{why} → {before} → {after}",
            "{why} → {before} → {after}",
            {"before": "level", "after": "level"},
        ),
        "test.why": ("3 months >= {bar}", "连续 3 个月 >= {bar}"),
        "test.english_only": ("only English {x}", None),
    }
)
LABELS = {"level": {"1-star": "一星客服员", "2-star": "二星客服员"}}


def test_a_line_is_its_english_text():
    why = line("test.why", bar="110")
    moved = line("test.move", why=why, before="1-star", after="2-star")
    assert moved == "3 months >= 110 → 1-star → 2-star"
    assert json.dumps([moved]) == '["3 months >= 110 \\u2192 1-star \\u2192 2-star"]'
    assert f"{moved}" == str.__str__(moved) and moved.startswith("3 months")
    assert render(moved, "en", LABELS) == "3 months >= 110 → 1-star → 2-star"


def test_zh_renders_nested_lines_and_labels():
    moved = line("test.move", why=line("test.why", bar="110"), before="1-star", after="2-star")
    assert render(moved, "zh", LABELS) == "连续 3 个月 >= 110 → 一星客服员 → 二星客服员"
    # a level without a 中文 label shows its key
    assert (
        render(line("test.move", why="x", before="9-star", after="2-star"), "zh", LABELS) == "x → 9-star → 二星客服员"
    )


def test_without_zh_a_template_and_a_plain_text_render_as_they_are():
    assert render(line("test.english_only", x=1), "zh") == "only English 1"
    assert render("an old stored line", "zh", LABELS) == "an old stored line"


def test_joined_lines_use_chinese_separators_in_zh():
    both = joined([line("test.why", bar="110"), "plain"], "; ")
    assert both == "3 months >= 110; plain"
    assert render(both, "zh") == "连续 3 个月 >= 110；plain"


def test_a_stored_line_comes_back_with_its_template():
    moved = line("test.move", why=line("test.why", bar="110"), before="1-star", after="2-star")
    back = from_json(json.loads(json.dumps(to_json([moved, "old"]))))
    assert back == [moved, "old"] and isinstance(back[0], Line) and type(back[1]) is str
    assert render(back[0], "zh", LABELS) == "连续 3 个月 >= 110 → 一星客服员 → 二星客服员"


def test_a_pickled_line_keeps_its_template():
    moved = pickle.loads(pickle.dumps(line("test.why", bar="110")))
    assert isinstance(moved, Line) and render(moved, "zh") == "连续 3 个月 >= 110"


def test_an_unregistered_key_is_an_error_where_it_is_made():
    with pytest.raises(KeyError):
        line("test.nowhere")


def test_domain_words_and_scheme_labels_merge():
    merged = with_domain({"decision": {"stay": "留级"}, "level": {"a": "甲"}})
    assert merged["decision"]["stay"] == "留级" and merged["decision"]["promote"] == "晋升"
    assert merged["role"]["team-lead"] == "领班" and merged["level"] == {"a": "甲"}


def test_a_scheme_gives_its_labels():
    from cstui.schemes import load_scheme

    labels = load_scheme("assistant-class").labels_zh()
    assert labels["level"]["class-1"] == "一级客服助理"
    assert labels["metric"]["adjustment"] == "主管调整分"
    assert labels["incident"]["no-mandarin"] == "工作时间未讲普通话"


def _to_json_reference(value):
    """to_json as first written (isinstance tests, every argument converted): the fast one's reference."""
    if isinstance(value, Line):
        return {
            "text": str.__str__(value),
            "key": value.key,
            "args": {k: _to_json_reference(v) for k, v in value.args.items()},
        }
    if isinstance(value, (list, tuple)):
        return [_to_json_reference(v) for v in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    return str(value)


def test_to_json_gives_what_the_generic_walk_gave():
    from decimal import Decimal

    from cstui.domain import Period

    class Label(str):  # a str subclass that is not a line stays itself
        pass

    why = line("test.why", bar=Decimal("110.5"))
    values = [
        line("test.move", why=why, before="1-star", after="2-star"),
        line("test.english_only", x=Period.parse("2026-10")),
        line("test.english_only", x=(1, 2.5, None, True)),
        joined([why, "plain", Label("label")]),
        Label("label"),
        ("a", why),
        Period.parse("2026-Q4"),
        3,
        None,
    ]
    assert to_json(values) == _to_json_reference(values)
    assert json.dumps(to_json(values), sort_keys=True) == json.dumps(_to_json_reference(values), sort_keys=True)


def test_to_json_copies_the_arguments_it_gives():
    made = line("test.why", bar="110")
    to_json(made)["args"]["bar"] = "changed"
    assert made.args == {"bar": "110"} and render(made, "zh") == "连续 3 个月 >= 110"


def test_a_stored_line_whose_template_is_gone_reads_as_its_english_text():
    """A plugin uninstalled (or its model not imported yet: models load lazily) after its
    results were recorded: the stored line is its English text, in every language."""
    texts.register({"test.gone": ("{n} months gone", "{n} 个月")})
    stored = json.dumps(to_json([line("test.gone", n="3")]))
    del texts._CATALOG["test.gone"]
    back = from_json(json.loads(stored))
    assert back == ["3 months gone"] and back[0].key == "test.gone"
    assert render(back[0], "zh", LABELS) == "3 months gone" and render(back[0], "en") == "3 months gone"
