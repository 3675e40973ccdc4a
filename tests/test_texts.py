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
