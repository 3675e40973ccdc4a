"""Built-in plugin: the ``rank-streak`` model (D → C promotion, doc 000) and its scheme file."""

from importlib.resources import files

from cstui.hookspecs import hookimpl

from .model import RankStreak


@hookimpl
def register_models(register):
    register(RankStreak())


@hookimpl
def register_schemes(register):
    register(files("cstui_schemes") / "rank-streak.toml")
