"""Schemes: a document model (plugin code) plus its numbers (TOML).

A scheme file names its ``model`` or ``extends`` another scheme by name or path and
overrides some values. Tables merge key by key; any other value (arrays included)
replaces the inherited one. Every problem is reported as ``FILE: key.path: what was
expected``.

A scheme is checked like code, in two steps: every key and type against the generic keys
and the model's declared :attr:`~cstui.engine.model.DocumentModel.params_schema` (unknown
keys with a "did you mean"); then, only when the types fit, the model's own ``check``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

# defined in the engine (which must not import the loader); plugins import them from here
from cstui.engine.protocol import Problems, SchemeError, one_line  # noqa: F401
from cstui.plugins import PluginFailure, Registry, get_registry

if TYPE_CHECKING:
    from cstui.engine.params_schema import Table
    from cstui.loaded_scheme import Scheme

# The model code and the parameter schema are imported when a scheme is built, not to list
# schemes (`cstui schemes` stays a start-up's worth of work): see generic_shapes().
SHAPE_NAMES = ("LEVEL_SHAPE", "METRIC_SHAPE", "GENERIC_SHAPE", "GENERIC_KEYS")


def _problem(key: str, **args: Any) -> Any:
    """A scheme file's problem as a text line (cstui.scheme_texts): imported when one is met, so
    listing schemes (``cstui schemes``) imports no domain code."""
    from cstui.scheme_texts import line

    return line(key, **args)


def _bad_toml(where: str, reason: Any) -> SchemeError:
    return SchemeError([_problem("scheme.bad_toml", where=where, toml="TOML", reason=reason)])


@lru_cache(maxsize=1)
def generic_shapes() -> dict[str, Any]:
    """LEVEL_SHAPE, METRIC_SHAPE, GENERIC_SHAPE (the keys every scheme may have, whatever its model), GENERIC_KEYS."""
    from cstui.engine.params_schema import FLAG, NUMBER, TEXT, ArrayOf, MapOf, Table

    level = Table({"key": TEXT, "label": TEXT, "label_zh": TEXT, "description": TEXT})
    metric = Table({"kind": TEXT, "label": TEXT, "label_zh": TEXT, "required": FLAG, "description": TEXT})
    generic = Table(
        {
            "name": TEXT,
            "model": TEXT,
            "extends": TEXT,
            "replace": ArrayOf(TEXT),
            "version": TEXT,
            "label": TEXT,
            "label_zh": TEXT,
            "description": TEXT,
            "levels": ArrayOf(level),
            "metrics": MapOf(metric, "metric key"),
            "calibration": Table({"flag_z": NUMBER}),  # read by cstui.calibration, whatever the model
            "sign_off": Table(
                {"window_days": NUMBER}
            ),  # days after an apply an agent may confirm or dispute (cstui.store.signoff)
            # grade quotas per team, for any model whose results carry grades (cstui.engine.distribution)
            "distribution": Table(
                {"max": MapOf(NUMBER, "grade or span"), "min": MapOf(NUMBER, "grade or span"), "enforce": FLAG}
            ),
        }
    )
    return {"LEVEL_SHAPE": level, "METRIC_SHAPE": metric, "GENERIC_SHAPE": generic, "GENERIC_KEYS": set(generic.fields)}


def __getattr__(name: str) -> Any:
    if name in SHAPE_NAMES:
        return generic_shapes()[name]
    if name in ("Scheme", "Level"):  # defined on first use: see cstui.loaded_scheme
        from cstui import loaded_scheme

        return getattr(loaded_scheme, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class SchemeSummary:
    """What `cstui schemes` lists of a registered scheme: read from its TOML (and the files it
    extends), without the model's code. Whether it loads is :meth:`SchemeCatalog.all`'s question.
    (A plain class: a dataclass costs `cstui schemes` about 1 ms of start-up to define.)"""

    __slots__ = ("name", "model", "version", "plugin", "source")

    def __init__(self, name: str, model: str, version: str, plugin: str, source: str):
        self.name, self.model, self.version, self.plugin, self.source = name, model, version, plugin, source

    def __repr__(self) -> str:
        return f"SchemeSummary({self.name!r}, model={self.model!r}, version={self.version!r}, plugin={self.plugin!r})"


def short_source(source: str) -> str:
    """A built-in scheme file by its name under schemes/; any other file by its full path."""
    path = Path(source)
    if "cstui_schemes" in path.parts or path.parent.name == "schemes":
        return f"schemes/{path.name}"
    return source


def scheme_file_error(path: str, problems: list[str]) -> str:
    """A plugin's load error for its scheme file: the file named once, though most problems name it."""
    return "scheme file " + "; ".join(p if p.startswith(path) else f"{short_source(path)}: {p}" for p in problems)


def deep_merge(base: dict, override: dict) -> dict:
    merged = _copied(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = _copied(value)
    return merged


def _copied(value: Any) -> Any:
    """A TOML value copied as ``copy.deepcopy`` would: its tables and arrays new, its scalars
    (text, numbers, dates: immutable) shared. Without the ``copy`` module, which `cstui schemes`
    imported only for this."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


_WHERE = r"\s*\(at line (\d+), column (\d+)\)$"  # compiled when a file fails to parse, not at start-up


def read_toml(path: Any) -> dict:
    """Parse a TOML file (a Path or an importlib.resources traversable), UTF-8 with or without a BOM."""
    return parse_toml(read_text(path), path)


def read_text(path: Any) -> str:
    """A scheme file's text: read and decoded, or a SchemeError naming what is wrong."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SchemeError([_problem("scheme.cannot_read", path=str(path), reason=str(exc.strerror or exc))]) from None
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")  # utf-8-sig's codec module: an import more
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        problem = _problem("scheme.not_utf8", path=str(path), utf8="UTF-8", byte=f"{byte:02x}", offset=str(exc.start))
        raise SchemeError([problem]) from None


def parse_toml(text: str, path: Any) -> dict:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(_WHERE, message)
        if where is None:
            raise _bad_toml(str(path), message) from None
        reason = message[: where.start()]
        raise _bad_toml(f"{path}:{where[1]}:{where[2]}", reason) from None
    except RecursionError:
        raise _bad_toml(str(path), _problem("scheme.too_deep")) from None


# A top-level line of the simple kind: ``key = "text"``, ``key = 'text'`` or ``key = ["a", "b"]``,
# maybe with a comment. No line of this kind can start or end a multi-line value.
_STRING = r"""(?:"[^"\\\x00-\x08\x0a-\x1f\x7f]*"|'[^'\x00-\x08\x0a-\x1f\x7f]*')"""
_STRINGS = rf"\[[ \t]*(?:{_STRING}[ \t]*,[ \t]*)*(?:{_STRING}[ \t]*)?\]"
_COMMENT = r"(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?"
_SIMPLE_LINE = rf"[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*({_STRING}|{_STRINGS})[ \t]*{_COMMENT}"
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_CONTROL = frozenset(chr(c) for c in (*range(0x09), *range(0x0A, 0x20), 0x7F))
_NOT_IN_BASIC = _CONTROL | {'"', "\\"}


@lru_cache(maxsize=1)
def _simple_line_patterns() -> tuple[re.Pattern, re.Pattern]:
    """The simple line and one string of it, compiled on first use: compiling them was a tenth
    of `cstui schemes`, whose heads are lines :func:`_plain_line` reads without them."""
    return re.compile(_SIMPLE_LINE), re.compile(_STRING)


def _plain_line(line: str) -> tuple[str, str | list[str]] | None:
    """(key, value) of the usual head line, ``key = "text"`` or ``key = ["a", "b"]`` (double
    quotes, no escape), maybe with a comment, as the simple-line pattern reads it; None for any
    other line (the pattern decides). A ``#`` or ``,`` inside a text leaves a part that is no
    whole text: None."""
    key, equals, rest = line.partition("=")
    key = key.strip(" \t")
    if not (equals and key and _KEY_CHARS.issuperset(key)):
        return None
    value, _, comment = rest.partition("#")
    value = value.strip(" \t")
    if _CONTROL.intersection(comment) or len(value) < 2:
        return None
    if value[0] == "[" and value[-1] == "]":
        parts = value[1:-1].split(",")
        if not parts[-1].strip(" \t"):  # a trailing comma, or no text at all
            parts.pop()
        texts = [_plain_text(part.strip(" \t")) for part in parts]
        return None if None in texts else (key, texts)
    text = _plain_text(value)
    return None if text is None else (key, text)


def _plain_text(quoted: str) -> str | None:
    if len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"' or _NOT_IN_BASIC.intersection(quoted[1:-1]):
        return None
    return quoted[1:-1]


def simple_line(line: str) -> tuple[str, str | list[str]] | None:
    """(key, value) of a simple top-level line (a text, or a list of texts); None otherwise."""
    plain = _plain_line(line)
    if plain is not None:
        return plain
    pattern, string = _simple_line_patterns()
    match = pattern.fullmatch(line)
    if match is None:
        return None
    strings = [value[1:-1] for value in string.findall(match[2])]
    return match[1], strings if match[2].startswith("[") else strings[0]


def toml_head(text: str, path: Any) -> tuple[dict, dict | None]:
    """The head of a scheme file: its top-level keys before its first ``[table]`` (name, model,
    extends, version, labels); and the whole file parsed, when that had to be done to read them.

    A head of simple lines is read without parsing the rest of the file (parsing every file is
    most of what listing the schemes would cost); any other file is parsed whole, and its head
    is then all of it."""
    head: dict[str, Any] = {}
    for line in text.split("\n"):
        line = line.removesuffix("\r")
        stripped = line.strip(" \t")
        if stripped.startswith("["):
            return head, None
        if not stripped or stripped.startswith("#"):
            continue
        found = simple_line(line)
        if found is None or found[0] in head:
            data = parse_toml(text, path)
            return data, data
        head[found[0]] = found[1]
    return head, None


def is_toml_file(path: Path) -> bool:
    """Whether ``path`` names an existing file; a name no file can have is simply not one."""
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long, or with a NUL byte
        return False


def params_shape(model: Any) -> Table:
    """The generic keys plus the model's declared tables; without a declaration, other keys pass unchecked."""
    from cstui.engine.params_schema import Table

    generic = generic_shapes()["GENERIC_SHAPE"]
    own = getattr(model, "params_schema", None) if model is not None else None
    if not isinstance(own, Table):
        return generic.extended({}, open=True)
    return generic.extended(own.fields)


class RegisteredFile:
    """A registered scheme file: its head (:func:`toml_head`) read at once, the whole file parsed on first use."""

    def __init__(self, path: Any, plugin: str):
        self.path, self.source, self.plugin = path, str(path), plugin
        self._text = read_text(path)
        self.head, self._data = toml_head(self._text, path)

    @property
    def data(self) -> dict:
        if self._data is None:
            self._data = parse_toml(self._text, self.path)
        return self._data


class SchemeCatalog:
    """The schemes the loaded plugins registered, by name, plus files named by path.

    Registered files are read when the catalogue is made, but only their heads are parsed:
    the rest of a file, and its model's code, wait until the scheme is used (:meth:`get`)."""

    def __init__(self, registry: Registry | None = None):
        self.registry = registry or get_registry()
        self._raw: dict[str, RegisteredFile] = {}
        self.errors: list[str] = []
        for src in self.registry.scheme_sources:
            try:
                self._register(src.path, src.plugin)
            except SchemeError as exc:
                # a plugin's scheme file that cannot be read is a load error of the plugin
                self.errors.extend(exc.problems)
                self.registry.fail(src.plugin, scheme_file_error(str(src.path), exc.problems))

    def _register(self, path: Any, plugin: str) -> None:
        registered = RegisteredFile(path, plugin)
        name = registered.head.get("name")
        if not isinstance(name, str):
            raise SchemeError([_problem("scheme.name_string", path=str(path), field="name")])
        if name in self._raw:
            first = self._raw[name].plugin or "?"
            raise SchemeError(
                [_problem("scheme.name_taken", path=str(path), field="name", name=repr(name), plugin=first)]
            )
        self._raw[name] = registered

    def names(self) -> list[str]:
        return sorted(self._raw)

    def get(self, name_or_path: str) -> Scheme:
        """A scheme by registered name, or from a TOML file path (``./acme.toml``)."""
        if name_or_path in self._raw:
            registered = self._raw[name_or_path]
            return self._build(registered.data, registered.source, registered.plugin)
        path = Path(name_or_path)
        if path.suffix == ".toml" or is_toml_file(path):
            if not is_toml_file(path):
                raise SchemeError([_problem("scheme.no_file", path=str(path))])
            # a file is not registered under its name, so it may extend the registered scheme
            # of the same name (a company re-tuning "star-levels" itself)
            return self._build(read_toml(path), str(path), "", registered=False)
        known = ", ".join(self.names()) or _problem("scheme.none")
        raise SchemeError([_problem("scheme.unknown", name=repr(name_or_path), known=known)])

    def from_toml_text(self, text: str, source: str) -> Scheme:
        """A scheme from standalone TOML text (a remembered snapshot), checked like a file;
        ``source`` names it in problems (``star-levels@2026-10``)."""
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _bad_toml(source, str(exc)) from None
        return self._build(data, source, "", registered=False)

    def all(self) -> tuple[list[Scheme], list[str]]:
        """Every registered scheme that loads, and the problems of those that do not.

        A scheme that does not load is also a load error of the plugin that registered it
        (``cstui plugins`` shows it); one whose model raised, of the model's plugin too.
        """
        schemes, problems = [], list(self.errors)
        for name in self.names():
            try:
                schemes.append(self.get(name))
            except SchemeError as exc:
                problems.extend(exc.problems)
                self.registry.fail(self._raw[name].plugin, does_not_load(name, exc))
            except PluginFailure as exc:
                problems.append(f"{self._raw[name].source}: {exc}")
                self.registry.fail(exc.plugin, exc.what)
        return schemes, problems

    def summaries(self) -> tuple[list[SchemeSummary], list[str]]:
        """Every registered scheme's name, model, version, plugin and file, read from the heads
        of its file and those it extends (no model code runs), and the problems of those whose
        file cannot be read or whose head names no installed model or no version.

        Each such problem is also a load error of the plugin that registered the scheme.
        """
        summaries, problems = [], list(self.errors)
        for name in self.names():
            try:
                summaries.append(self._summary(self._raw[name]))
            except SchemeError as exc:
                problems.extend(exc.problems)
                self.registry.fail(self._raw[name].plugin, does_not_load(name, exc))
        return summaries, problems

    def _summary(self, registered: RegisteredFile) -> SchemeSummary:
        name, source = registered.head["name"], registered.source
        params, _ = self._resolve(registered.head, source, [name], heads=True)
        problems = Problems(source)
        model, version = params.get("model"), params.get("version")
        if not isinstance(model, str) or model not in self.registry.models or not isinstance(version, str):
            self._head_problems(model, version, problems)  # imports the problems' texts: rare
        if problems:
            raise SchemeError(problems.lines)
        plugin = registered.plugin or self.registry.model_plugins.get(model, "")
        return SchemeSummary(name, model, version, plugin, source)

    def _head_problems(self, model: Any, version: Any, problems: Problems) -> None:
        from cstui.engine.problem_texts import expected, missing, unknown_model

        if not isinstance(model, str):
            problems.add("model", missing("what.string") if model is None else expected("what.string"))
        elif model not in self.registry.models:
            problems.add("model", unknown_model(model, sorted(self.registry.models)))
        if not isinstance(version, str):
            problems.add("version", missing("what.string") if version is None else expected("what.string"))

    def _parent(self, parent_name: str, source: str, heads: bool) -> tuple[dict, str]:
        """The data (or only the head) of the scheme ``extends`` names: registered, or a path next to ``source``."""
        if parent_name in self._raw:
            registered = self._raw[parent_name]
            return (registered.head if heads else registered.data), registered.source
        parent_path = Path(parent_name)
        if not parent_path.is_absolute():
            parent_path = Path(source).parent / parent_path
        if parent_path.suffix != ".toml" or not is_toml_file(parent_path):
            known = ", ".join(self.names())
            raise SchemeError(
                [_problem("scheme.extends_unknown", path=source, field="extends", name=repr(parent_name), known=known)]
            )
        if heads:
            return toml_head(read_text(parent_path), parent_path)[0], str(parent_path)
        return read_toml(parent_path), str(parent_path)

    def _resolve(self, data: dict, source: str, seen: list[str], heads: bool = False) -> tuple[dict, list[str]]:
        parent_name = data.get("extends")
        if parent_name is None:
            return data, [source]
        if not isinstance(parent_name, str):
            raise SchemeError([_problem("scheme.extends_type", path=source, field="extends", suffix=".toml")])
        if parent_name in seen:
            chain = " -> ".join(seen)
            raise SchemeError(
                [_problem("scheme.extends_cycle", path=source, field="extends", name=repr(parent_name), chain=chain)]
            )
        parent, parent_source = self._parent(parent_name, source, heads)
        merged_parent, chain = self._resolve(parent, parent_source, seen + [parent_name], heads)
        # ``replace = ["metrics", "score"]``: these top-level tables replace the parent's
        # instead of merging into them (a variant with its own KPIs drops the parent's).
        replaced = data.get("replace", [])
        if not isinstance(replaced, list) or not all(isinstance(k, str) for k in replaced):
            example = '["metrics", "score"]'
            raise SchemeError([_problem("scheme.replace_type", path=source, field="replace", example=example)])
        child = {k: v for k, v in data.items() if k not in ("extends", "replace")}
        base = {k: v for k, v in merged_parent.items() if k not in replaced}
        return deep_merge(base, child), [source] + chain

    def _build(self, data: dict, source: str, plugin: str, registered: bool = True) -> Scheme:
        name = data.get("name", "")
        params, chain = self._resolve(data, source, [name] if isinstance(name, str) and name and registered else [])
        problems = Problems(source)
        model_name = params.get("model")
        model = self.registry.models.get(model_name) if isinstance(model_name, str) else None
        well_typed = params_shape(model).check(params, "", problems)
        check_generic(params, problems)
        if model is None and isinstance(model_name, str):
            from cstui.engine.problem_texts import unknown_model

            problems.add("model", unknown_model(model_name, sorted(self.registry.models)))
        if model is not None and well_typed:  # the model's rules read well-typed values only
            model.check(params, problems)
        if problems:
            raise SchemeError(problems.lines)
        from cstui.loaded_scheme import Scheme

        return Scheme(
            name=params["name"],
            model=model,
            version=str(params["version"]),
            params=params,
            source=source,
            plugin=plugin or self.registry.model_plugins.get(model.name, ""),
            chain=chain,
        )


def does_not_load(name: str, error: SchemeError) -> str:
    """The load error a scheme that does not load gives the plugin that registered it."""
    return f"scheme {name} does not load: {len(error.problems)} problem(s), see `cstui scheme check`"


def sets_quotas(params: dict) -> bool:
    """Whether a scheme sets grade quotas (a ``[distribution]`` table): only then is
    cstui.engine.distribution imported, to check or enforce them (its dataclasses and Fraction
    cost a batch run's start-up more than a scheme without quotas uses of it)."""
    return isinstance(params.get("distribution"), dict)


def check_generic(params: dict, problems: Problems) -> None:
    """Checks every scheme must pass, whatever its model (types are :data:`GENERIC_SHAPE`'s)."""
    from cstui.domain.texts import line
    from cstui.domain.values import PARSERS
    from cstui.engine.problem_texts import missing, one_of

    if sets_quotas(params):
        from cstui.engine.distribution import check_distribution

        check_distribution(params, problems)
    for key in ("name", "model", "version"):
        if key not in params:
            problems.add(key, missing("what.string"))
    levels = params.get("levels")
    if "levels" not in params or levels == []:
        problems.add("levels", line("problem.levels", field="'key'"))
    elif isinstance(levels, list):
        seen: set[str] = set()
        for i, level in enumerate(levels):
            if not isinstance(level, dict) or not isinstance(level.get("key"), str):
                if isinstance(level, dict) and "key" not in level:
                    problems.add(f"levels[{i}].key", missing("what.string"))
                continue
            if level["key"] in seen:
                problems.add(f"levels[{i}].key", line("problem.duplicate_level", level=repr(level["key"])))
            seen.add(level["key"])
    metrics = params.get("metrics", {})
    if not isinstance(metrics, dict):
        return
    for key, spec in metrics.items():
        if not isinstance(spec, dict):
            continue
        kind = spec.get("kind")
        if (kind is None or isinstance(kind, str)) and kind not in PARSERS:
            problems.add(f"metrics.{key}.kind", one_of(", ".join(sorted(PARSERS)), repr(kind)))


_catalog: SchemeCatalog | None = None


def catalog() -> SchemeCatalog:
    """The process-wide catalogue of registered schemes."""
    global _catalog
    if _catalog is None or _catalog.registry is not get_registry():
        _catalog = SchemeCatalog()
    return _catalog


def load_scheme(name_or_path: str) -> Scheme:
    return catalog().get(name_or_path)
