"""The footer of every cstui screen, made to fit 80 columns.

Textual's footer lists every binding in order and cuts off the rest at the right edge, so
at 80 columns the app's keys (1/2/3, [ ], ?) fell off. This one is compact, leaves out the
ctrl+p hint (the help modal names it), and on screens that set ``APP_KEYS_IN_FOOTER =
False`` shows only ``?`` of the app's keys: there the screen's own keys matter more, and
``?`` lists all of them.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

ALWAYS_SHOWN = {"help", "help_anywhere"}  # app actions shown even where the screen's keys come first


class KeysFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._composed_keys: tuple | None = None  # what the footer shows now (None: nothing yet)

    def bindings_changed(self, screen) -> None:
        # Textual's footer rebuilds its keys on every bindings signal (each focus change, each
        # refresh_bindings: a cursor move on some screens); rebuilding mounts and styles a
        # dozen widgets, the largest part of opening a history. Rebuild when what it shows changed.
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self.shown_keys() != self._composed_keys:
            await self.recompose()

    def shown_keys(self) -> tuple:
        """What the footer shows, as comparable values (key, label, action, state, group)."""
        app = self.app
        return tuple(
            (b.key, app.get_key_display(b), b.description, b.action, enabled, tooltip, b.group)
            for b, enabled, tooltip in self.shown_bindings()
        )

    def shown_bindings(self) -> list:
        """(binding, enabled, tooltip) of the keys this footer shows, screen's first."""
        screen, app = self.screen, self.app
        app_keys = getattr(screen, "APP_KEYS_IN_FOOTER", True)
        shown = []
        for node, binding, enabled, tooltip in screen.active_bindings.values():
            if not binding.show:
                continue
            if node is app and not app_keys and binding.action not in ALWAYS_SHOWN:
                continue
            shown.append((binding, enabled, tooltip))
        return shown

    def compose(self) -> ComposeResult:
        # Footer.compose with the filter above (Textual 8: same widgets, same grouping)
        if not self._bindings_ready:
            return
        self._composed_keys = self.shown_keys()
        by_action: defaultdict[str, list] = defaultdict(list)
        for binding, enabled, tooltip in self.shown_bindings():
            by_action[binding.action].append((binding, enabled, tooltip))
        self.styles.grid_size_columns = len(by_action)
        for group, items in groupby(by_action.values(), lambda multi: multi[0][0].group):
            items = list(items)
            if group is not None and len(items) > 1:
                with KeyGroup(classes="-compact" if group.compact else ""):
                    for multi in items:
                        binding, enabled, tooltip = multi[0]
                        yield FooterKey(
                            binding.key,
                            self.app.get_key_display(binding),
                            "",
                            binding.action,
                            disabled=not enabled,
                            tooltip=tooltip or binding.description,
                            classes="-grouped",
                        ).data_bind(compact=Footer.compact)
                yield FooterLabel(group.description)
                continue
            for multi in items:
                binding, enabled, tooltip = multi[0]
                yield FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    disabled=not enabled,
                    tooltip=tooltip,
                ).data_bind(compact=Footer.compact)
