"""Package discovery only; everything else lives in pyproject.toml.

The repository keeps scheme plugins in ``plugins/`` and scheme TOML in ``schemes/``;
they install as the ``cstui_plugins`` and ``cstui_schemes`` packages so they cannot
collide with anything else in site-packages.
"""

from setuptools import find_packages, setup

packages = find_packages(include=["cstui", "cstui.*"])
packages += ["cstui_plugins"] + [f"cstui_plugins.{p}" for p in find_packages("plugins")]
packages += ["cstui_schemes"]

setup(
    packages=packages,
    package_dir={"cstui_plugins": "plugins", "cstui_schemes": "schemes"},
)
