"""Built-in plugin: the ``kpi-card`` model and its schemes (front desk, plan and form,
supervisors, managers)."""

from importlib.resources import files

from cstui.hookspecs import hookimpl

from .model import KpiCard

SCHEMES = ("front-desk.toml", "plan-and-form.toml", "supervisor-kpi.toml", "manager-kpi.toml")


@hookimpl
def register_models(register):
    register(KpiCard())


@hookimpl
def register_schemes(register):
    for name in SCHEMES:
        register(files("cstui_schemes") / name)
