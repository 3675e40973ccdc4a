"""Built-in plugin: the ``kpi-card`` model and its schemes (front desk, plan and form,
supervisors, managers)."""

from cstui.hookspecs import hookimpl
from cstui_plugins import builtin_scheme

SCHEMES = ("front-desk.toml", "plan-and-form.toml", "supervisor-kpi.toml", "manager-kpi.toml")


@hookimpl
def register_models(register):
    register("cstui_plugins.kpi_card.model:KpiCard", name="kpi-card")  # imported on first use


@hookimpl
def register_schemes(register):
    for name in SCHEMES:
        register(builtin_scheme(name))
