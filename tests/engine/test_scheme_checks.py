"""Scheme files that extend the built-ins: every fault is reported with its key path."""

from __future__ import annotations

import pytest

from cstui.schemes import SchemeCatalog, SchemeError


def load(tmp_path, text):
    path = tmp_path / "acme.toml"
    path.write_text(text, encoding="utf-8")
    return SchemeCatalog().get(str(path))


def problems(tmp_path, text):
    with pytest.raises(SchemeError) as caught:
        load(tmp_path, text)
    return caught.value.problems


def test_built_in_schemes_load_cleanly():
    schemes, errors = SchemeCatalog().all()
    names = {s.name for s in schemes}
    assert {"star-levels", "five-tier", "ecommerce-kpi"} <= names
    assert not [e for e in errors if any(n in e for n in ("star-levels", "five-tier", "ecommerce-kpi"))]


def test_a_variant_changes_a_number(tmp_path):
    scheme = load(tmp_path, 'name = "acme"\nextends = "star-levels"\n[review]\npromote_at = 120\n')
    assert scheme.model.name == "star-levels"
    assert scheme.params["review"] == {"promote_at": 120, "demote_below": 110, "window": 3}


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[review]\npromote_at = "110"\n', "review.promote_at: expected a number, got a string '110'"),
        ("[review]\nwindow = 0\n", "review.window: expected a whole number >= 1, got 0"),
        ("[review]\ndemote_below = 120\n", "review.demote_below: expected at most promote_at (110)"),
        ('[probation]\nfirst_level = "6-star"\n', "probation.first_level: unknown level '6-star'"),
        (
            '[[score.kpis]]\nkey = "a"\nactual = "sales_actual"\ntarget = "sales_target"\nweight = 60\n'
            '[[score.kpis]]\nkey = "b"\nactual = "sales_actual"\ntarget = "sales_target"\nweight = 30\n',
            "score.kpis: weights must sum to 100, got 90",
        ),
        (
            '[[score.kpis]]\nkey = "a"\nactual = "calls"\ntarget = "sales_target"\nweight = 100\n',
            "score.kpis[0].actual: expected a metric key",
        ),
    ],
)
def test_star_levels_problems(tmp_path, text, expected):
    lines = problems(tmp_path, f'name = "acme"\nextends = "star-levels"\n{text}')
    assert any(line.endswith(expected) or expected in line for line in lines), lines
    assert all(line.startswith(str(tmp_path / "acme.toml") + ": ") for line in lines)


def test_star_levels_missing_promote_at(tmp_path):
    lines = problems(
        tmp_path,
        'name = "acme"\nextends = "star-levels"\nreplace = ["review"]\n[review]\ndemote_below = 100\nwindow = 3\n',
    )
    assert lines == [f"{tmp_path / 'acme.toml'}: review.promote_at: missing; expected a number"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[score.items.training]\nweight = 30\n", "score.items: weights must sum to 100, got 105"),
        ('[score]\nmethod = "average"\n', 'score.method: expected "weighted" or "bands", got \'average\''),
        ("[review.min_tenure_months]\nguru = 99\n", "review.min_tenure_months.guru: unknown level 'guru'"),
        ('[review]\npromote_above = "80"\n', "review.promote_above: expected a number, got a string '80'"),
        ("[review]\nprobation_below = 75\n", "review.probation_below: expected at most demote_below (70)"),
        (
            "[bonus]\nbands = [{from = 90, amount = 300}, {from = 80, to = 85, amount = 200}, {to = 80, amount = 0}]\n",
            "bonus.bands[1]: gap between 85 and 90",
        ),
    ],
)
def test_five_tier_problems(tmp_path, text, expected):
    lines = problems(tmp_path, f'name = "acme"\nextends = "five-tier"\n{text}')
    assert any(expected in line for line in lines), lines


def test_ecommerce_variant_with_overlapping_bands(tmp_path):
    text = (
        'name = "acme"\nextends = "ecommerce-kpi"\n'
        "[score.bands.conversion]\nbands = [{from = 0.6, points = 30}, {from = 0.5, to = 0.65, points = 26}, {to = 0.5, points = 0}]\n"
    )
    lines = problems(tmp_path, text)
    assert lines == [
        f"{tmp_path / 'acme.toml'}: score.bands.conversion.bands[1]: overlaps band 0: 0.6-0.65 is in both (list bands best first)"
    ]


def test_ecommerce_band_for_an_unknown_metric(tmp_path):
    text = 'name = "acme"\nextends = "ecommerce-kpi"\n[score.bands.refund_rate]\nbetter = "lower"\nbands = [{to = 0.05, points = 10}, {from = 0.05, points = 0}]\n'
    lines = problems(tmp_path, text)
    assert any("score.bands.refund_rate: no metric 'refund_rate'" in line for line in lines)


def test_a_variant_adds_a_band_metric(tmp_path):
    text = (
        'name = "acme"\nextends = "ecommerce-kpi"\n[score]\nmax = 120\n'
        '[metrics.refund_rate]\nkind = "rate"\nlabel = "Refund rate"\n'
        '[score.bands.refund_rate]\nbetter = "lower"\nbands = [{to = 0.05, points = 10}, {from = 0.05, points = 0}]\n'
    )
    scheme = load(tmp_path, text)
    assert [m.key for m in scheme.model.metrics(scheme)][-1] == "refund_rate"


def test_replace_must_be_a_list_of_keys(tmp_path):
    lines = problems(tmp_path, 'name = "acme"\nextends = "five-tier"\nreplace = "score"\n')
    assert lines == [
        f'{tmp_path / "acme.toml"}: replace: expected an array of top-level keys, e.g. ["metrics", "score"]'
    ]
