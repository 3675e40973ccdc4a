"""Built-in scheme plugins (installed as ``cstui_plugins``).

Each registers its model by ``"module:Class"`` (imported when a scheme of it is first used) and
its scheme files by path, so discovering them imports no model code.
"""

from pathlib import Path


def builtin_scheme(filename: str) -> Path:
    """A scheme file shipped in the ``cstui_schemes`` package (without importlib.resources: cheaper to import)."""
    import cstui_schemes

    return Path(cstui_schemes.__file__).with_name(filename)
