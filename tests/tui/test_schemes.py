"""The schemes screen: every installed scheme, the effective tables of the selected one."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from cstui.schemes import catalog
from cstui.tui.screens.schemes import describe
from pilot_support import settle


def render_text(renderable) -> str:
    console = Console(width=100, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


@pytest.mark.parametrize("name", ["star-levels", "assistant-class", "five-tier", "ecommerce-kpi"])
def test_describe_shows_levels_metrics_and_tables(name):
    scheme = catalog().get(name)
    text = render_text(describe(scheme, "en", lambda key, **kw: key))
    for level in scheme.level_keys:
        assert level in text
    for spec in scheme.metric_specs():
        assert spec.key in text
    assert scheme.source in text.replace("\n", "") or scheme.source.split("/")[-1] in text


def test_describe_ecommerce_band_table():
    text = render_text(describe(catalog().get("ecommerce-kpi"), "en", lambda key, **kw: key))
    assert "conversion" in text and "five-tier" in text


async def test_list_and_select(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        names = [s.name for s in app.screen.schemes]
        assert {"star-levels", "assistant-class", "five-tier", "ecommerce-kpi"} <= set(names)
        await pilot.press("down")
        await pilot.pause()
        assert app.screen.current == names[1]


def test_schemes_list_snapshot(make_app, snap_compare):
    async def go(pilot):
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=go)


def test_scheme_detail_snapshot(make_app, snap_compare):
    async def go(pilot):
        await pilot.press("3", "down", "down")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=go)


def test_scheme_detail_in_chinese_wide(make_app, snap_compare):
    async def go(pilot):
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(make_app(lang="zh"), terminal_size=(120, 40), run_before=go)


def test_scheme_detail_in_chinese_snapshot(make_app, snap_compare):
    async def go(pilot):
        await pilot.press("3", "down", "down")  # five-tier: its bands, pay and incidents in 中文
        await settle(pilot)

    assert snap_compare(make_app(lang="zh"), terminal_size=(80, 24), run_before=go)


def plain(renderable) -> str:
    from rich.console import Console

    console = Console(width=120, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def test_the_scheme_screen_in_chinese_names_keys_by_their_labels():
    from cstui.schemes import catalog
    from cstui.tui.i18n import translate
    from cstui.tui.screens.schemes import describe

    scheme = next(s for s in catalog().all()[0] if s.name == "assistant-class")
    text = plain(describe(scheme, "zh", lambda key, **values: translate(key, "zh", **values)))
    english = plain(describe(scheme, "en", lambda key, **values: translate(key, "en", **values)))
    assert "积分台账" in text and "奖励, 仪容仪表" in text and re.search("计数 +否", text)
    assert "\nledger\n" in english and "merit" in english and re.search("count +no", english)  # the file's words
    assert "adjustment " in text  # a metric's key stays as imports and the CLI type it


def test_every_parameter_name_a_built_in_scheme_shows_has_a_zh_entry(monkeypatch):
    """Each key the schemes screen names (a parameter, a nested table, a column of a table) reads in
    中文: from KEYS_ZH, or the scheme's own label of a level, metric or incident of that name."""
    from cstui.tui.screens import schemes as screen

    asked: list[str] = []
    named = screen.Words.key
    monkeypatch.setattr(screen.Words, "key", lambda self, key: asked.append(str(key)) or named(self, key))
    missing = {}
    for scheme in catalog().all()[0]:
        asked.clear()
        screen.describe(scheme, "zh", lambda key, **values: key)
        words = screen.Words(scheme, "zh", lambda key, **values: key)
        for key in asked:
            if not key.startswith("schemes.") and named(words, key) == key:
                missing.setdefault(key, []).append(scheme.name)
    assert len(catalog().all()[0]) >= 10
    assert missing == {}


async def test_the_list_names_each_scheme_by_its_chinese_label_and_keeps_its_name(make_app):
    app = make_app(lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        listing = app.screen.query_one("#schemes-list")
        shown = {option.id: str(option.prompt) for option in listing._options}
        assert shown["star-levels"] == "星级客服\nstar-levels v1"
        assert shown["five-tier"].startswith("客服岗位定级\nfive-tier v")
