"""The second-wave scheme files: 'cstui scheme check' is clean, every model is registered through
the cstui entry point group, and each declares the parameter shape of its own tables."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest
from click.testing import CliRunner

from cstui.cli import cli
from cstui.schemes import load_scheme

SCHEMES = ("placement", "five-tier-g", "probation-test", "rank-streak", "front-desk", "plan-and-form", "supervisor-kpi", "manager-kpi")
PLUGINS = {"kpi-card", "placement", "probation-test", "five-tier-g", "rank-streak"}


@pytest.mark.parametrize("name", SCHEMES)
def test_scheme_check_is_clean(name):
    scheme = load_scheme(name)
    result = CliRunner().invoke(cli, ["scheme", "check", scheme.source])
    assert result.exit_code == 0, result.output
    assert f"ok ({name} 1, model {scheme.model.name})" in result.output


def test_the_models_are_registered_like_the_built_ins():
    names = {ep.name for ep in entry_points(group="cstui")}
    assert PLUGINS <= names and {"star-levels", "five-tier"} <= names


@pytest.mark.parametrize("name", SCHEMES)
def test_declared_shape_fits_the_shipped_file(name):
    """Runs once branch plugins-toml (cstui.engine.params_schema) is merged."""
    pytest.importorskip("cstui.engine.params_schema")
    from cstui.schemes import Problems

    scheme = load_scheme(name)
    module = __import__(type(scheme.model).__module__, fromlist=["params_shape"])
    shape = module.params_shape()
    problems = Problems(name)
    own = {k: v for k, v in scheme.params.items() if k in shape.fields}
    assert shape.check(own, "", problems) and problems.lines == []
    problems = Problems(name)
    key = next(iter(shape.fields))
    shape.check({**own, key: {**own.get(key, {}), "no_such_key": 1}}, "", problems)
    assert problems.lines and "no_such_key" in problems.lines[0]
