"""Trace lines, flags and reasons as templates with arguments, rendered in the user's language.

A :class:`Line` *is* its English text (a ``str``: every report, CSV, JSON and stored result
reads exactly what it did before) and also carries the template key and the arguments that
made it, so a reader can render it again in 中文 with :func:`render`. Templates live in one
catalog; each plugin registers its own with :func:`register` when its module is imported,
built-in models the same way as third-party ones. A template without 中文 renders in English.

Arguments are texts already formatted the way the English line shows them (numbers keep their
digits in every language), nested lines (rendered in the same language), lists of lines joined
by :func:`joined`, or labels: a template names which of its arguments are labels of which kind
(``level``, ``team``, ``metric``, ``decision``, ``incident``, ``role``) and :func:`render`
looks those up in the ``labels`` it is given (the scheme's and roster's ``label_zh``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

LANGS = ("en", "zh")

# a label lookup: kind → {key: label in the wanted language}; a missing key shows itself
Labels = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class Template:
    """One text in English and 中文 (``str.format`` fields by name); ``labels`` maps the
    fields that are labels to their kind."""

    en: str
    zh: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)


_CATALOG: dict[str, Template] = {}
JOIN = "join"  # the key of a list of lines joined by a separator (see joined)


def register(templates: Mapping[str, Template | tuple]) -> None:
    """Add templates (key → Template, or (en, zh) / (en, zh, labels)) to the catalog.

    Keys are namespaced by their owner (``star-levels.promote``); registering a key again
    replaces it (a module reloaded in a test registers the same texts).
    """
    for key, value in templates.items():
        _CATALOG[key] = value if isinstance(value, Template) else Template(*value)


def template(key: str) -> Template | None:
    return _CATALOG.get(key)


def catalog() -> dict[str, Template]:
    """Every registered template (a copy), for the meta-test and docs."""
    return dict(_CATALOG)


class Line(str):
    """An English text that remembers its template ``key`` and ``args`` (see the module doc)."""

    key: str
    args: dict[str, Any]
    # None: a line of one result. A line many results share (:func:`shared`) keeps here its
    # stored JSON once encoded ("" until then), so an apply encodes it once, not per result.
    stored: str | None = None

    def __new__(cls, key: str, args: dict[str, Any]) -> Line:
        self = str.__new__(cls, _english(key, args))
        self.key, self.args = key, args
        return self

    def __reduce__(self) -> tuple:  # pickled to the worker pool and back: rebuilt from key and args
        if self.stored is not None:  # a shared line stays shared (pickle sends it once per dump)
            return (_rebuilt, (str(self), self.key, self.args, self.stored))
        return (_rebuilt, (str(self), self.key, self.args))

    def __repr__(self) -> str:
        return f"Line({self.key!r}, {str.__repr__(self)})"


def _rebuilt(text: str, key: str, args: dict[str, Any], stored: str | None = None) -> Line:
    self = str.__new__(Line, text)
    self.key, self.args = key, args
    if stored is not None:
        self.stored = stored
    return self


_new_str = str.__new__


def line(key: str, **args: Any) -> Line:
    """The line of template ``key`` with ``args`` (the key must be registered).

    :class:`Line`'s constructor inlined: a replay makes a flag per missing month of every
    employee, and this is half the cost of going through it."""
    found = _CATALOG.get(key)
    if found is None:
        raise KeyError(f"text template {key!r} is not registered")
    self = _new_str(Line, found.en.format_map(args))
    self.key = key
    self.args = args
    return self


def shared(text: Line) -> Line:
    """Mark ``text`` as a line many results share (one a model remembers and hands out again):
    its stored JSON is then encoded once (cstui.store.periods.lines_json). Its arguments,
    like every line's, are never changed after it is made."""
    text.stored = ""
    return text


def joined(items: Iterable[Any], sep: str = "; ") -> Line:
    """Lines (or plain texts) joined by ``sep``, each rendered in the reader's language."""
    return Line(JOIN, {"items": list(items), "sep": sep})


def _english(key: str, args: dict[str, Any]) -> str:
    if key == JOIN:
        return args["sep"].join(map(str, args["items"]))
    found = _CATALOG.get(key)
    if found is None:
        raise KeyError(f"text template {key!r} is not registered")
    return found.en.format_map(args)


_ZH_SEPARATORS = {"; ": "；", ", ": "，", " or ": " 或 "}


# the domain's own words in 中文 (domain.md): decisions, roles, incident categories
DOMAIN_ZH: dict[str, dict[str, str]] = {
    "decision": {
        "promote": "晋升",
        "demote": "降级",
        "stay": "保持",
        "probation": "试用",
        "elimination-review": "淘汰审查",
        "dismissal-review": "辞退审查",
        "exemption": "豁免",
        "eligible": "符合条件",
        "missing": "缺数据",
        "invalid": "考核表无效",
        "none": "无评审",
        "pass": "通过",
        "retry": "补考",
        "placed": "已定级",
        "not-placed": "未定级",
    },
    "role": {
        "agent": "客服专员",
        "assistant": "客服助理",
        "team-lead": "领班",
        "supervisor": "主管",
        "manager": "经理",
        "admin": "管理员",  # and the roles of logins (cstui.store.identity.USER_ROLES)
        "viewer": "只读用户",
    },
    "category": {
        "merit": "奖励",
        "appearance": "仪容仪表",
        "conduct": "工作及案件处理规范",
        "attendance": "考勤",
        "service": "服务",
        "discipline": "纪律",
    },
}


def with_domain(labels: Labels | None = None) -> dict[str, dict[str, str]]:
    """``labels`` over the domain's own 中文 words (a scheme's label of the same key wins)."""
    merged = {kind: dict(words) for kind, words in DOMAIN_ZH.items()}
    for kind, words in (labels or {}).items():
        merged.setdefault(kind, {}).update(words)
    return merged


def render(text: Any, lang: str = "en", labels: Labels | None = None) -> str:
    """``text`` in ``lang``: a :class:`Line` from its template (arguments that are labels looked
    up in ``labels``), anything else as it is. English is the text itself, unchanged."""
    if lang != "zh" or not isinstance(text, Line):
        return str(text) if not isinstance(text, str) else text
    labels = labels or {}
    if text.key == JOIN:
        sep = text.args["sep"]
        return _ZH_SEPARATORS.get(sep, sep).join(render(item, lang, labels) for item in text.args["items"])
    found = _CATALOG.get(text.key)
    if found is None or found.zh is None:
        return str.__str__(text)
    values = {}
    for name, value in text.args.items():
        kind = found.labels.get(name)
        if kind is not None and isinstance(value, str) and not isinstance(value, Line):
            values[name] = labels.get(kind, {}).get(value, value)
        else:
            values[name] = render(value, lang, labels)
    return found.zh.format_map(values)


def renderer(lang: str, labels: Labels | None = None) -> Callable[[Any], str]:
    """``render`` bound to a language and labels (identity-cheap in English)."""
    if lang != "zh":
        return lambda text: text if isinstance(text, str) else str(text)
    return lambda text: render(text, lang, labels)


# --- stored form: JSON of a trace or flags list -------------------------------------------------


def to_json(value: Any) -> Any:
    """A line as JSON: ``{"text", "key", "args"}`` for a :class:`Line`, the text otherwise
    (an argument that is neither text, number nor list is kept as its text, e.g. a Period).

    Exact types are tested first: an apply stores every result's trace (100,000 results, a
    handful of lines each, each line's arguments plain texts), and the generic tests below
    cost more than the JSON encoding itself."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is Line:
        return _line_json(value)
    if kind is list or kind is tuple:
        return [to_json(v) for v in value]
    if isinstance(value, Line):
        return _line_json(value)
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (str, int, float)):
        return value
    return str(value)


_AS_IS = frozenset({str, int, float, bool, type(None)})  # JSON as they are


def _line_json(value: Line) -> dict:
    args = value.args
    for arg in args.values():
        if type(arg) not in _AS_IS:  # a nested line, a list of lines, a Period: converted one by one
            args = {k: to_json(v) for k, v in args.items()}
            break
    else:
        args = dict(args)  # a copy: the caller may change what it is given, never the line
    return {"text": str.__str__(value), "key": value.key, "args": args}


def from_json(value: Any) -> Any:
    """The inverse of :func:`to_json`; a stored plain string stays itself (old rows)."""
    if isinstance(value, dict) and "text" in value and "key" in value:
        return _rebuilt(value["text"], value["key"], {k: from_json(v) for k, v in value.get("args", {}).items()})
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value
