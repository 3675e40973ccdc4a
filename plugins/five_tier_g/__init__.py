"""Built-in plugin: the ``five-tier-g`` model (G1-G6 sub-grades, doc 000) and its scheme file."""

from importlib.resources import files

from cstui.hookspecs import hookimpl

from .model import FiveTierG


@hookimpl
def register_models(register):
    register(FiveTierG())


@hookimpl
def register_schemes(register):
    register(files("cstui_schemes") / "five-tier-g.toml")
