"""Built-in plugin: the ``five-tier`` model, its scheme file and the ``ecommerce-kpi`` variant."""

from importlib.resources import files

from cstui.hookspecs import hookimpl

from .model import FiveTier


@hookimpl
def register_models(register):
    register(FiveTier())


@hookimpl
def register_schemes(register):
    register(files("cstui_schemes") / "five-tier.toml")
    register(files("cstui_schemes") / "ecommerce-kpi.toml")
