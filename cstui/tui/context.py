"""What every screen needs: the store, the current period, the language, loaded schemes."""

from __future__ import annotations

from dataclasses import dataclass, field

from cstui.domain import Period
from cstui.schemes import Scheme, SchemeError, catalog
from cstui.store import Store
from cstui.tui.i18n import translate


@dataclass
class AppContext:
    store: Store
    period: Period  # the month being worked on
    lang: str = "en"
    _schemes: dict[str, Scheme] = field(default_factory=dict)

    def t(self, key: str, **values: object) -> str:
        return translate(key, self.lang, **values)

    def scheme(self, name: str) -> Scheme:
        """A scheme by name, loaded once per app run (raises SchemeError)."""
        if name not in self._schemes:
            self._schemes[name] = catalog().get(name)
        return self._schemes[name]

    def try_scheme(self, name: str | None) -> tuple[Scheme | None, str | None]:
        if not name:
            return None, None
        try:
            return self.scheme(name), None
        except SchemeError as exc:
            return None, str(exc)
