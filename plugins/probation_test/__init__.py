"""Built-in plugin: the ``probation-test`` model (the conversion test, doc 000) and its scheme."""

from cstui.hookspecs import hookimpl
from cstui_plugins import builtin_scheme


@hookimpl
def register_models(register):
    register("cstui_plugins.probation_test.model:ProbationTest", name="probation-test")  # imported on first use


@hookimpl
def register_schemes(register):
    register(builtin_scheme("probation-test.toml"))
