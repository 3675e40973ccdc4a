"""What every screen needs: the store, the current period, the language, loaded schemes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from cstui.domain import Period
from cstui.domain.texts import DOMAIN_ZH, render, with_domain
from cstui.levels import CurrentLevels
from cstui.schemes import Scheme, SchemeError, catalog
from cstui.store import Store
from cstui.tui.guard import user_message
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

    # -- one answer for every screen: the level now, and labels in the user's language ----------

    @cached_property
    def levels(self) -> CurrentLevels:
        """Each employee's level now (see :mod:`cstui.levels`), cached until the store changes."""
        return CurrentLevels(self.store, self.scheme)

    def level_now(self, employees, period: Period | None = None) -> dict[str, str]:
        return self.levels.of(employees, period or self.period)

    def level_label(self, scheme_name: str | None, key: str | None, full: bool = False) -> str:
        """A level in the user's language: the scheme's 中文 label in zh; in English the key (short,
        and the name files and commands use), or with ``full`` the scheme's English label."""
        if not key or (self.lang != "zh" and not full):
            return key or ""
        scheme, _problem = self.try_scheme(scheme_name)
        for level in scheme.levels if scheme is not None else []:
            if level.key == key:
                return (level.label_zh if self.lang == "zh" else level.label) or key
        return key

    @cached_property
    def _team_names(self) -> dict[str, str]:
        return {row["id"]: (row.get("name_zh") or row["id"]) for row in self.store.teams()}

    def text_labels(self, scheme_name: str | None) -> dict[str, dict[str, str]]:
        """The 中文 labels a trace line or flag of ``scheme_name`` may name (levels, metrics,
        incidents, teams, decisions, roles), built once per scheme."""
        cache = self.__dict__.setdefault("_text_labels", {})
        if scheme_name not in cache:
            scheme, _problem = self.try_scheme(scheme_name)
            own = scheme.labels_zh() if scheme is not None else {}
            cache[scheme_name] = with_domain(own | {"team": self._team_names})
        return cache[scheme_name]

    def scheme_label(self, name: str | None) -> str:
        """A scheme by its name in English (the name commands use), by its 中文 label in zh."""
        scheme, _problem = self.try_scheme(name) if self.lang == "zh" else (None, None)
        return scheme.label_zh if scheme is not None else (name or "")

    def domain_label(self, kind: str, key: str) -> str:
        """A decision, role or incident category in the user's language (its key in English)."""
        return DOMAIN_ZH.get(kind, {}).get(key, key) if self.lang == "zh" else key

    def show(self, text, scheme_name: str | None = None) -> str:
        """A trace line, flag or reason in the user's language (English: the text as it is)."""
        if self.lang != "zh":
            return str(text) if not isinstance(text, str) else text
        return render(text, "zh", self.text_labels(scheme_name))

    def show_all(self, texts, scheme_name: str | None = None, sep: str | None = None) -> str:
        """Flags or lines joined in the user's language (``, `` or ``，``)."""
        sep = sep if sep is not None else ("，" if self.lang == "zh" else ", ")
        return sep.join(self.show(t, scheme_name) for t in texts)

    def error_text(self, error: BaseException) -> str:
        """A refusal or failure as the user reads it: in zh with the teams' 中文 names."""
        return user_message(error, self.lang, self.text_labels(None) if self.lang == "zh" else None)

    def team_label(self, team: str | None) -> str:
        """A team as the roster names it: its 中文 name in zh, its id in English."""
        if not team:
            return ""
        return self._team_names.get(team, team) if self.lang == "zh" else team
