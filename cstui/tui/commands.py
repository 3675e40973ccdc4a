"""Every binding of a screen, for the help modal and the command palette (ctrl+p)."""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

# Textual's own defaults (focus next/previous, copy, the palette) are not cstui's commands.
# Matched by action: a binding such as "ctrl+c,super+c" is split into one key per binding.
_TEXTUAL_ACTIONS = {
    b.action for b in (*Screen.BINDINGS, *App.BINDINGS) if isinstance(b, Binding) and b.action != "quit"
} | {"command_palette", "app.command_palette"}


class BindingRow(NamedTuple):
    key: str
    description: str
    enabled: bool
    node: DOMNode
    action: str


def binding_rows(screen: Screen) -> list[BindingRow]:
    """The screen's bindings, then the app's; hidden ones left out.

    Bindings of the focused widget (cursor keys, scrolling) are the widget's own business
    and would bury the screen's keys, so they are not listed.

    ``active_bindings`` already applies each node's ``check_action``: an action that
    returns False is absent, None is present but disabled.
    """
    app = screen.app
    active = list(screen.active_bindings.values())
    ordered = [ab for ab in active if ab.node is screen] + [ab for ab in active if ab.node is app]
    rows, seen = [], set()
    for node, binding, enabled, _tooltip in ordered:
        if not binding.description or binding.action in seen or binding.action in _TEXTUAL_ACTIONS:
            continue
        seen.add(binding.action)
        key = binding.key_display or app.get_key_display(binding)
        rows.append(BindingRow(key, binding.description, enabled, node, binding.action))
    return rows


class ActionsProvider(Provider):
    """One command per enabled binding of the screen the palette was opened from."""

    def _commands(self) -> list[tuple[str, object]]:
        return [
            (f"{row.description}  ({row.key})", partial(self.app.run_action, row.action, row.node))
            for row in binding_rows(self.screen)
            if row.enabled
        ]

    async def discover(self) -> Hits:
        for text, run in self._commands():
            yield DiscoveryHit(text, run)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, run in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run)
