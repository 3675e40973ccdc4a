"""The second-wave scheme files: 'cstui scheme check' is clean, every model is registered through
the cstui entry point group, and each declares the parameter shape of its own tables."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.schemes import load_scheme

SCHEMES = (
    "placement",
    "five-tier-g",
    "probation-test",
    "rank-streak",
    "front-desk",
    "plan-and-form",
    "supervisor-kpi",
    "manager-kpi",
)
PLUGINS = {"kpi-card", "placement", "probation-test", "five-tier-g", "rank-streak"}


@pytest.mark.parametrize("name", SCHEMES)
def test_scheme_check_is_clean(name):
    scheme = load_scheme(name)
    result = CliRunner().invoke(cli, ["scheme", "check", scheme.source])
    assert result.exit_code == 0, result.output
    assert f"ok ({name} 1, model {scheme.model.name})" in result.output


def test_the_models_are_registered_like_the_built_ins():
    names = {ep.name for ep in entry_points(group="cstui")}
    assert names >= PLUGINS and {"star-levels", "five-tier"} <= names


@pytest.mark.parametrize("name", SCHEMES)
def test_declared_shape_fits_the_shipped_file_and_refuses_unknown_keys(name):
    from cstui.schemes import Problems

    scheme = load_scheme(name)
    shape = scheme.model.params_schema
    problems = Problems(name)
    own = {k: v for k, v in scheme.params.items() if k in shape.fields}
    assert own and shape.check(own, "", problems) and problems.lines == []
    key = next(iter(shape.fields))
    shape.check({**own, key: {**own.get(key, {}), "no_such_key": 1}}, "", problems)
    assert problems.lines and "no_such_key" in problems.lines[0]


@pytest.mark.parametrize(
    "name, table, typo, suggestion",
    [
        ("supervisor-kpi", "score", "maxx", "score.max"),
        ("placement", "placement", "form_factr", "placement.form_factor"),
        ("probation-test", "test", "theory_at_leest", "test.theory_at_least"),
        ("rank-streak", "promotion", "topp", "promotion.top"),
        ("five-tier-g", "review", "promote_abov", "review.promote_above"),
    ],
)
def test_scheme_check_refuses_an_unknown_key_in_a_company_file(tmp_path, name, table, typo, suggestion):
    path = tmp_path / "acme.toml"
    path.write_text(f'name = "acme"\nextends = "{name}"\nversion = "2"\n\n[{table}]\n{typo} = 1\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["scheme", "check", str(path)])
    assert result.exit_code == 3, result.output
    assert f"did you mean {suggestion}?" in result.output
