"""Built-in plugin: the ``assistant-class`` model and its scheme file."""

from importlib.resources import files

from cstui.hookspecs import hookimpl

from .model import AssistantClass


@hookimpl
def register_models(register):
    register(AssistantClass())


@hookimpl
def register_schemes(register):
    register(files("cstui_schemes") / "assistant-class.toml")
