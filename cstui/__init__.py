"""cstui: grade customer-service staff."""

__version__ = "0.1.0"


def __getattr__(name: str):
    # ``from cstui import hookimpl`` for plugin authors, without importing pluggy on --version
    if name == "hookimpl":
        from cstui.hookspecs import hookimpl

        return hookimpl
    raise AttributeError(name)
