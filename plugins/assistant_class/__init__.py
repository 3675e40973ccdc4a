"""Built-in plugin: the ``assistant-class`` model and its scheme file."""

from cstui.hookspecs import hookimpl
from cstui_plugins import builtin_scheme


@hookimpl
def register_models(register):
    register("cstui_plugins.assistant_class.model:AssistantClass", name="assistant-class")  # imported on first use


@hookimpl
def register_schemes(register):
    register(builtin_scheme("assistant-class.toml"))
