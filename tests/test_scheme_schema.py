"""Scheme files are checked like code: unknown keys with a suggestion, types named, bad files named,
the model's own check only on well-typed values, every metric kind graded wherever it is accepted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cstui.domain import Employee, Period, Scorecard
from cstui.domain.values import PARSERS
from cstui.engine.model import DocumentModel, TeamHistory
from cstui.engine.params_schema import NUMBER, WHOLE, ArrayOf, MapOf, OneOf, Table
from cstui.hookspecs import hookimpl
from cstui.plugins import build_registry
from cstui.schemes import SchemeCatalog, SchemeError, load_scheme

REPO = Path(__file__).resolve().parent.parent
SHIPPED = sorted((REPO / "schemes").glob("*.toml")) + sorted((REPO / "examples").glob("*/*/*.toml"))


def problems_of(tmp_path: Path, text: str, catalog: SchemeCatalog | None = None) -> list[str]:
    path = tmp_path / "company.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemeError) as caught:
        (catalog or SchemeCatalog()).get(str(path))
    return [line.removeprefix(f"{path}: ") for line in caught.value.problems]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_scheme_file_is_clean(path, monkeypatch):
    if (path.parent / "model.py").is_file():  # an example plugin with a model of its own: loaded with it
        import importlib

        monkeypatch.syspath_prepend(str(path.parent.parent))
        plugin = importlib.import_module(path.parent.name)
        scheme = SchemeCatalog(build_registry(extra_plugins=((path.parent.name, plugin),))).get(str(path))
    else:
        scheme = load_scheme(str(path))
    assert scheme.name and scheme.model is not None


@pytest.mark.parametrize(
    ("parent", "table", "key", "suggested"),
    [
        ("star-levels", "review", "promote_att = 3", "review.promote_at"),
        ("assistant-class", "pay_float", "neutrall = 80", "pay_float.neutral"),
        ("assistant-class", "classes.class-1", "average_at_leest = 90", "classes.class-1.average_at_least"),
        ("star-levels", "probation", 'first_levle = "1-star"', "probation.first_level"),
        ("five-tier", "bonus", "bandz = []", "bonus.bands"),
        ("assistant-class", "ledger.incidents.late", "repeatabel = true", "ledger.incidents.late.repeatable"),
    ],
)
def test_an_unknown_key_is_named_with_its_path_and_a_suggestion(tmp_path, parent, table, key, suggested):
    lines = problems_of(tmp_path, f'name = "c"\nextends = "{parent}"\nversion = "1"\n[{table}]\n{key}\n')
    typo = f"{table}.{key.split(' =')[0]}"
    assert f"{typo}: unknown key {typo}; did you mean {suggested}?" in lines


def test_an_unknown_top_level_key_lists_what_is_known_when_nothing_is_close(tmp_path):
    lines = problems_of(tmp_path, 'name = "c"\nextends = "star-levels"\nversion = "1"\nzzz = 1\n')
    assert len(lines) == 1 and lines[0].startswith(
        "zzz: unknown key zzz; expected one of calibration, description, distribution, extends, label"
    )


@pytest.mark.parametrize(
    ("toml", "line"),
    [
        ('[review]\npromote_at = "abc"', "review.promote_at: expected a number, got a string 'abc'"),
        ("review = 5", "review: expected a table, got a whole number 5"),
        ("[review]\nwindow = 2.5", "review.window: expected a whole number, got a number 2.5"),
        ("[review]\npromote_at = nan", "review.promote_at: expected a number, got a number nan"),
        ("[probation]\nmonths = true", "probation.months: expected a whole number, got a boolean true"),
        ("[score]\nkpis = 3", "score.kpis: expected an array of tables, got a whole number 3"),
        ("[[score.kpis]]\nweight = [1]", "score.kpis[0].weight: expected a number, got an array"),
        ("[metrics]\nsales_actual = 1", "metrics.sales_actual: expected a table, got a whole number 1"),
        ("levels = [1]", "levels[0]: expected a table, got a whole number 1"),
        (
            "[review]\ndemote_below = 2026-01-01",
            "review.demote_below: expected a number, got a date or time 2026-01-01",
        ),
    ],
)
def test_a_wrong_type_names_the_key_and_the_expected_type(tmp_path, toml, line):
    lines = problems_of(tmp_path, f'name = "c"\nextends = "star-levels"\nversion = "1"\n{toml}\n')
    assert line in lines


def test_types_in_the_shared_building_blocks(tmp_path):
    text = (
        'name = "c"\nextends = "assistant-class"\nversion = "1"\n'
        "classes = { class-1 = 3 }\n"
        '[ledger.incidents.late]\npoints = "x"\n'
        '[ledger.incidents.messy-desk]\npoints = [1, "a"]\n'
        "[team_lead]\npay = { average_at_least = 1 }\n"
    )
    lines = problems_of(tmp_path, text)
    assert "classes.class-1: expected a table, got a whole number 3" in lines
    assert "ledger.incidents.late.points: expected a number or an array of numbers, got a string 'x'" in lines
    assert "ledger.incidents.messy-desk.points[1]: expected a number, got a string 'a'" in lines
    assert "team_lead.pay: expected an array of tables, got a table" in lines


def test_a_file_that_is_not_utf8_or_not_toml_is_named(tmp_path):
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "café"\n'.encode("latin-1"))
    with pytest.raises(
        SchemeError, match=rf"^{latin}: not UTF-8 text \(byte 0xe9 at offset 11\); save the file as UTF-8$"
    ):
        load_scheme(str(latin))
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\n\n[review\n', encoding="utf-8")
    with pytest.raises(SchemeError, match=rf"^{broken}:3:8: not valid TOML: "):
        load_scheme(str(broken))
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b'\xef\xbb\xbfname = "b"\nextends = "star-levels"\nversion = "1"\n')
    assert load_scheme(str(bom)).name == "b"  # Notepad's UTF-8 is UTF-8


class _Strict(DocumentModel):
    """A plugin model with a schema whose check would crash on a wrong type."""

    name = "strict"
    params_schema = Table(
        {"rule": Table({"at": NUMBER, "steps": ArrayOf(WHOLE)}), "free": MapOf(OneOf((NUMBER, Table({"x": NUMBER}))))}
    )
    checked: list = []

    def check(self, params, problems):
        self.checked.append(params)
        if params["rule"]["at"] + sum(params["rule"]["steps"]) < 0:
            problems.add("rule.at", "expected the total 0 or more")


class _Loose(_Strict):
    name = "loose"
    params_schema = None

    def check(self, params, problems):
        self.checked.append(params)


class _Plugin:
    @hookimpl
    def register_models(self, register):
        register(_Strict())
        register(_Loose())


@pytest.fixture
def plugin_catalog():
    _Strict.checked = []
    return SchemeCatalog(build_registry(extra_plugins=(("strict-plugin", _Plugin()),)))


def _doc(model: str, body: str) -> str:
    return f'name = "s"\nmodel = "{model}"\nversion = "1"\n{body}\n[[levels]]\nkey = "a"\n'


def test_a_plugin_model_check_runs_only_on_well_typed_params(tmp_path, plugin_catalog):
    lines = problems_of(tmp_path, _doc("strict", '[rule]\nat = "1"\nsteps = [1, 2.5]'), plugin_catalog)
    assert lines == [
        "rule.at: expected a number, got a string '1'",
        "rule.steps[1]: expected a whole number, got a number 2.5",
    ]
    assert _Strict.checked == []  # never called on the wrong types
    lines = problems_of(
        tmp_path, _doc("strict", "[rule]\nat = -5\nsteps = [1]\n[free]\na = 1\nb = { x = 2, xx = 3 }"), plugin_catalog
    )
    assert lines == ["free.b.xx: unknown key free.b.xx; did you mean free.b.x?"]
    lines = problems_of(tmp_path, _doc("strict", "[rule]\nat = -5\nsteps = [1]"), plugin_catalog)
    assert lines == ["rule.at: expected the total 0 or more"] and len(_Strict.checked) == 1


def test_a_model_without_a_schema_keeps_other_keys_unchecked(tmp_path, plugin_catalog):
    path = tmp_path / "loose.toml"
    path.write_text(_doc("loose", "[anything]\ngoes = 1"), encoding="utf-8")
    assert plugin_catalog.get(str(path)).params["anything"] == {"goes": 1}
    lines = problems_of(
        tmp_path, _doc("loose", 'label = 3\n[metrics.m]\nkind = "count"\nrequierd = true'), plugin_catalog
    )
    assert "label: expected a string, got a whole number 3" in lines
    assert "metrics.m.requierd: unknown key metrics.m.requierd; did you mean metrics.m.required?" in lines


# --- every metric kind, wherever a metric may be used -----------------------------------

SAMPLE = {
    "rate": ("0.5", "0.8"),
    "seconds": ("30", "40"),
    "count": ("3", "4"),
    "number": ("2.5", "5"),
    "money": ("100.50", "201"),
    "rating": ("80", "90"),
    "points": ("5", "10"),
    "text": ("abc", "def"),
}


def _grade_one(scheme, values: dict[str, str], level: str) -> None:
    employee = Employee("E1", "A", "T1", "agent", date(2020, 1, 1), scheme=scheme.name, level=level)
    months = [Period.parse(m) for m in ("2026-01", "2026-02", "2026-03")]
    cards = {m: Scorecard("E1", m, values, []) for m in months}
    history = TeamHistory("T1", [employee], {"E1": cards})
    assert scheme.model.score_month(scheme, employee, cards[months[0]]).score is not None
    for period in (months[-1], Period.parse("2026-Q1")):
        results = scheme.model.grade(scheme, history, period)
        assert results and results[0].score is not None


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_star_levels_kpis_of_every_kind(tmp_path, kind):
    text = (
        f'name = "k"\nextends = "star-levels"\nversion = "1"\nreplace = ["metrics"]\n'
        f'[metrics.sales_actual]\nkind = "{kind}"\n[metrics.sales_target]\nkind = "{kind}"\n'
    )
    path = tmp_path / "k.toml"
    path.write_text(text, encoding="utf-8")
    if kind not in ("money", "number", "count"):
        with pytest.raises(
            SchemeError, match="score.kpis\\[0\\].actual: metric 'sales_actual' must be money, number or count"
        ):
            load_scheme(str(path))
        return
    actual, target = SAMPLE[kind]
    _grade_one(load_scheme(str(path)), {"sales_actual": actual, "sales_target": target}, "2-star")


def test_a_count_kpi_scores_exactly(tmp_path):
    path = tmp_path / "calls.toml"
    path.write_text(
        'name = "calls"\nextends = "star-levels"\nversion = "1"\nreplace = ["metrics"]\n'
        '[metrics.sales_actual]\nkind = "count"\n[metrics.sales_target]\nkind = "count"\n',
        encoding="utf-8",
    )
    scheme = load_scheme(str(path))
    employee = Employee("E1", "A", "T1", "agent", date(2020, 1, 1), scheme="calls", level="2-star")
    card = Scorecard("E1", Period.parse("2026-01"), {"sales_actual": "1", "sales_target": "3"}, [])
    assert scheme.model.score_month(scheme, employee, card).score == Decimal("33.33")


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_five_tier_band_tables_of_every_kind(tmp_path, kind):
    text = (
        f'name = "b"\nextends = "ecommerce-kpi"\nversion = "1"\nreplace = ["metrics", "score"]\n'
        f'[metrics.m]\nkind = "{kind}"\n[score]\nmethod = "bands"\n'
        '[score.bands.m]\nbetter = "higher"\nbands = [{ from = 1, points = 90 }, { to = 1, points = 40 }]\n'
    )
    path = tmp_path / "b.toml"
    path.write_text(text, encoding="utf-8")
    if kind == "text":
        with pytest.raises(SchemeError, match="score.bands.m: metric 'm' has kind 'text'; a band table needs a number"):
            load_scheme(str(path))
        return
    _grade_one(load_scheme(str(path)), {"m": SAMPLE[kind][0]}, "junior")


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_five_tier_weighted_items_of_every_kind(tmp_path, kind):
    text = (
        f'name = "w"\nextends = "five-tier"\nversion = "1"\nreplace = ["metrics", "score"]\n'
        f'[metrics.m]\nkind = "{kind}"\n[score]\nmethod = "weighted"\n[score.items.m]\nweight = 100\n'
    )
    path = tmp_path / "w.toml"
    path.write_text(text, encoding="utf-8")
    if kind not in ("rate", "rating"):
        with pytest.raises(SchemeError, match=f"score.items.m: metric 'm' has kind '{kind}'; a weighted item needs"):
            load_scheme(str(path))
        return
    _grade_one(load_scheme(str(path)), {"m": SAMPLE[kind][0]}, "junior")


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_assistant_class_counts_of_every_kind(tmp_path, kind):
    text = (
        f'name = "a"\nextends = "assistant-class"\nversion = "1"\n'
        f'[metrics.calls]\nkind = "{kind}"\nrequired = false\n'
        "[classes.class-2.counts_at_least]\ncalls = 1\n"
        f'[team_lead]\nsuggestions_metric = "calls"\n'
    )
    path = tmp_path / "a.toml"
    path.write_text(text, encoding="utf-8")
    if kind != "count":
        with pytest.raises(SchemeError) as caught:
            load_scheme(str(path))
        assert any("classes.class-2.counts_at_least.calls: unknown count metric" in p for p in caught.value.problems)
        assert any("team_lead.suggestions_metric: expected a count metric" in p for p in caught.value.problems)
        return
    _grade_one(load_scheme(str(path)), {"calls": SAMPLE[kind][0]}, "class-3")


def test_a_strange_key_stays_on_one_line_and_is_quoted_as_toml_would(tmp_path):
    text = 'name = "c"\nextends = "star-levels"\nversion = "1"\n[review]\n"promote.at" = 1\n"a\\nb" = 2\n'
    lines = problems_of(tmp_path, text)
    assert 'review."promote.at": unknown key review."promote.at"; did you mean review.promote_at?' in lines
    assert any(line.startswith('review."a\\nb": unknown key') for line in lines)
    assert all("\n" not in line for line in lines)
