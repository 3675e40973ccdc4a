"""Built-in plugin: the ``five-tier-g`` model (G1-G6 sub-grades, doc 000) and its scheme file."""

from cstui.hookspecs import hookimpl
from cstui_plugins import builtin_scheme


@hookimpl
def register_models(register):
    register("cstui_plugins.five_tier_g.model:FiveTierG", name="five-tier-g")  # imported on first use


@hookimpl
def register_schemes(register):
    register(builtin_scheme("five-tier-g.toml"))
