"""tutorial's cstui plugin: its schemes (and models) registered through cstui's hooks."""

from importlib.resources import files

from cstui import hookimpl

__version__ = "0.1.0"


@hookimpl
def register_schemes(register):
    for path in files(__name__).iterdir():
        if path.name.endswith(".toml"):
            register(path)


@hookimpl
def register_models(register):
    from .model import TutorialFollowUps  # imported when cstui asks: `cstui --help` stays fast

    register(TutorialFollowUps())
