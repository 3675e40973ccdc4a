"""Built-in plugin: the ``placement`` model (客服部岗位定级标准, doc 000) and its scheme file."""

from cstui.hookspecs import hookimpl
from cstui_plugins import builtin_scheme


@hookimpl
def register_models(register):
    register("cstui_plugins.placement.model:Placement", name="placement")  # imported on first use


@hookimpl
def register_schemes(register):
    register(builtin_scheme("placement.toml"))


def __getattr__(name):
    # ``from cstui_plugins.placement import place`` (``cstui place``) imports the model only then
    if name == "place":
        from .model import place

        return place
    raise AttributeError(name)
