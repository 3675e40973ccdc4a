"""Built-in plugin: the ``five-tier`` model, its scheme file and the ``ecommerce-kpi`` variant."""

from cstui.hookspecs import hookimpl
from cstui_plugins import builtin_scheme


@hookimpl
def register_models(register):
    register("cstui_plugins.five_tier.model:FiveTier", name="five-tier")  # imported on first use


@hookimpl
def register_schemes(register):
    register(builtin_scheme("five-tier.toml"))
    register(builtin_scheme("ecommerce-kpi.toml"))
