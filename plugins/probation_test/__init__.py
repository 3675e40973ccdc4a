"""Built-in plugin: the ``probation-test`` model (the conversion test, doc 000) and its scheme."""

from importlib.resources import files

from cstui.hookspecs import hookimpl

from .model import ProbationTest


@hookimpl
def register_models(register):
    register(ProbationTest())


@hookimpl
def register_schemes(register):
    register(files("cstui_schemes") / "probation-test.toml")
