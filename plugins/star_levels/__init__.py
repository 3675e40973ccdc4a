"""Built-in plugin: the ``star-levels`` model and its scheme file."""

from cstui.hookspecs import hookimpl
from cstui_plugins import builtin_scheme


@hookimpl
def register_models(register):
    register("cstui_plugins.star_levels.model:StarLevels", name="star-levels")  # imported on first use


@hookimpl
def register_schemes(register):
    register(builtin_scheme("star-levels.toml"))
