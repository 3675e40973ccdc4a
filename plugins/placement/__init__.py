"""Built-in plugin: the ``placement`` model (客服部岗位定级标准, doc 000) and its scheme file."""

from importlib.resources import files

from cstui.hookspecs import hookimpl

from .model import Placement, place  # noqa: F401  (place: for a future ``cstui place``)


@hookimpl
def register_models(register):
    register(Placement())


@hookimpl
def register_schemes(register):
    register(files("cstui_schemes") / "placement.toml")
