"""Built-in plugin: the ``star-levels`` model and its scheme file."""

from importlib.resources import files

from cstui.hookspecs import hookimpl

from .model import StarLevels


@hookimpl
def register_models(register):
    register(StarLevels())


@hookimpl
def register_schemes(register):
    register(files("cstui_schemes") / "star-levels.toml")
