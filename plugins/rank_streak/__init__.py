"""Built-in plugin: the ``rank-streak`` model (D → C promotion, doc 000) and its scheme file."""

from cstui.hookspecs import hookimpl
from cstui_plugins import builtin_scheme


@hookimpl
def register_models(register):
    register("cstui_plugins.rank_streak.model:RankStreak", name="rank-streak")  # imported on first use


@hookimpl
def register_schemes(register):
    register(builtin_scheme("rank-streak.toml"))
