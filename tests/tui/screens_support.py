"""A bare App that shows one of the scorecard / board / history screens over the seeded
company of conftest.py (``company_db``), as the real app would push it."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.screen import Screen

from cstui.clock import default_period
from cstui.domain import Period
from cstui.store import Store
from cstui.tui.context import AppContext
from cstui.tui.guard import localize_bindings


def open_ctx(path: Path, login: str = "admin", lang: str = "en", period: Period | None = None) -> AppContext:
    store = Store.open(path, login=login, create=False)
    return AppContext(store=store, period=period or default_period(), lang=lang)


class ScreenApp(App):
    """Shows the screen ``make(ctx)``; every pushed screen gets translated key labels."""

    def __init__(self, ctx: AppContext, make):
        super().__init__()
        self.ctx, self.make = ctx, make

    def push_screen(self, screen, *args, **kwargs):
        if isinstance(screen, Screen):
            localize_bindings(screen, self.ctx.t)
        return super().push_screen(screen, *args, **kwargs)

    def on_mount(self) -> None:
        self.push_screen(self.make(self.ctx))


def screen_app(path: Path, make, login: str = "admin", lang: str = "en", period: str | None = None) -> ScreenApp:
    ctx = open_ctx(path, login=login, lang=lang, period=Period.parse(period) if period else None)
    return ScreenApp(ctx, make)
