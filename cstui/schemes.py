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

import hashlib
import json
import re
import tomllib
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from cstui.domain.values import PARSERS
from cstui.engine.model import DocumentModel, MetricSpec
from cstui.engine.params_schema import FLAG, TEXT, ArrayOf, MapOf, Table
from cstui.plugins import PluginFailure, Registry, get_registry

LEVEL_SHAPE = Table({"key": TEXT, "label": TEXT, "label_zh": TEXT, "description": TEXT})
METRIC_SHAPE = Table({"kind": TEXT, "label": TEXT, "label_zh": TEXT, "required": FLAG, "description": TEXT})
# The keys every scheme may have, whatever its model.
GENERIC_SHAPE = Table({
    "name": TEXT, "model": TEXT, "extends": TEXT, "replace": ArrayOf(TEXT), "version": TEXT,
    "label": TEXT, "label_zh": TEXT, "description": TEXT,
    "levels": ArrayOf(LEVEL_SHAPE), "metrics": MapOf(METRIC_SHAPE, "metric key"),
})
GENERIC_KEYS = set(GENERIC_SHAPE.fields)


class SchemeError(Exception):
    """A scheme that cannot be loaded; ``problems`` holds every line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class Problems:
    """Collects ``FILE: key.path: message`` lines while a scheme is checked."""

    def __init__(self, source: str):
        self.source = source
        self.lines: list[str] = []

    def add(self, key_path: str, message: str) -> None:
        # a key or value from the file may hold a newline or a control character: one problem, one line
        self.lines.append(one_line(f"{self.source}: {key_path}: {message}"))

    def __bool__(self) -> bool:
        return bool(self.lines)


def one_line(text: str) -> str:
    """Control characters (newlines included) shown escaped, as ``\\x1e``; other text as it is."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


@dataclass
class Level:
    key: str
    label: str
    label_zh: str


@dataclass
class Scheme:
    name: str
    model: DocumentModel
    version: str
    params: dict[str, Any]
    source: str
    plugin: str = ""
    chain: list[str] = field(default_factory=list)  # this file, then each scheme it extends

    @property
    def label(self) -> str:
        return self.params.get("label", self.name)

    @property
    def label_zh(self) -> str:
        return self.params.get("label_zh", self.label)

    @property
    def levels(self) -> list[Level]:
        return [Level(lv["key"], lv.get("label", lv["key"]), lv.get("label_zh", lv.get("label", lv["key"]))) for lv in self.params.get("levels", [])]

    @property
    def level_keys(self) -> list[str]:
        return [lv["key"] for lv in self.params.get("levels", [])]

    @property
    def fingerprint(self) -> str:
        """16 hex of sha256 over the parameters and the model's state layout version: a
        checkpoint resumes only under the same numbers and the same model code layout."""
        keyed = {"params": self.params, "model": self.model.name, "state_version": self.model.state_version}
        text = json.dumps(keyed, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def metric_specs(self) -> list[MetricSpec]:
        specs = []
        for key, spec in self.params.get("metrics", {}).items():
            specs.append(
                MetricSpec(
                    key=key,
                    kind=spec.get("kind", "number"),
                    label=spec.get("label", key),
                    label_zh=spec.get("label_zh", spec.get("label", key)),
                    required=spec.get("required", True),
                )
            )
        return specs

    def to_toml(self) -> str:
        """The effective scheme as standalone TOML (no ``extends``); loads back to the same."""
        data = {k: v for k, v in self.params.items() if k != "extends"}
        data["name"], data["model"], data["version"] = self.name, self.model.name, self.version
        return tomli_w.dumps(data)


def short_source(source: str) -> str:
    """A built-in scheme file by its name under schemes/; any other file by its full path."""
    path = Path(source)
    if "cstui_schemes" in path.parts or path.parent.name == "schemes":
        return f"schemes/{path.name}"
    return source


def deep_merge(base: dict, override: dict) -> dict:
    merged = deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = deepcopy(value)
    return merged


_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def read_toml(path: Any) -> dict:
    """Parse a TOML file (a Path or an importlib.resources traversable), UTF-8 with or without a BOM."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SchemeError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        raise SchemeError([f"{path}: not UTF-8 text (byte 0x{byte:02x} at offset {exc.start}); save the file as UTF-8"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _WHERE.search(message)
        if where is None:
            raise SchemeError([f"{path}: not valid TOML: {message}"]) from None
        reason = message[: where.start()]
        raise SchemeError([f"{path}:{where[1]}:{where[2]}: not valid TOML: {reason}"]) from None
    except RecursionError:
        raise SchemeError([f"{path}: not valid TOML: arrays or tables nested too deeply"]) from None


def is_toml_file(path: Path) -> bool:
    """Whether ``path`` names an existing file; a name no file can have is simply not one."""
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long, or with a NUL byte
        return False


def params_shape(model: Any) -> Table:
    """The generic keys plus the model's declared tables; without a declaration, other keys pass unchecked."""
    own = getattr(model, "params_schema", None) if model is not None else None
    if not isinstance(own, Table):
        return GENERIC_SHAPE.extended({}, open=True)
    return GENERIC_SHAPE.extended(own.fields)


class SchemeCatalog:
    """The schemes the loaded plugins registered, by name, plus files named by path."""

    def __init__(self, registry: Registry | None = None):
        self.registry = registry or get_registry()
        self._raw: dict[str, tuple[dict, str, str]] = {}  # name -> (data, source, plugin)
        self.errors: list[str] = []
        for src in self.registry.scheme_sources:
            try:
                self._register(src.path, src.plugin)
            except SchemeError as exc:
                # a plugin's scheme file that cannot be read is a load error of the plugin
                self.errors.extend(exc.problems)
                self.registry.fail(src.plugin, f"scheme file {short_source(str(src.path))}: " + "; ".join(exc.problems))

    def _register(self, path: Any, plugin: str) -> None:
        data = read_toml(path)
        name = data.get("name")
        if not isinstance(name, str):
            raise SchemeError([f"{path}: name: expected the scheme's name as a string"])
        if name in self._raw:
            first = self._raw[name][2] or "?"
            raise SchemeError([f"{path}: name: scheme {name!r} is already registered by plugin {first}"])
        self._raw[name] = (data, str(path), plugin)

    def names(self) -> list[str]:
        return sorted(self._raw)

    def get(self, name_or_path: str) -> Scheme:
        """A scheme by registered name, or from a TOML file path (``./acme.toml``)."""
        if name_or_path in self._raw:
            data, source, plugin = self._raw[name_or_path]
            return self._build(data, source, plugin)
        path = Path(name_or_path)
        if path.suffix == ".toml" or is_toml_file(path):
            if not is_toml_file(path):
                raise SchemeError([f"{path}: no such scheme file"])
            # a file is not registered under its name, so it may extend the registered scheme
            # of the same name (a company re-tuning "star-levels" itself)
            return self._build(read_toml(path), str(path), "", registered=False)
        known = ", ".join(self.names()) or "none"
        raise SchemeError([f"unknown scheme {name_or_path!r}; installed schemes: {known}"])

    def from_toml_text(self, text: str, source: str) -> Scheme:
        """A scheme from standalone TOML text (a remembered snapshot), checked like a file;
        ``source`` names it in problems (``star-levels@2026-10``)."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SchemeError([f"{source}: not valid TOML: {exc}"]) from None
        return self._build(data, source, "", registered=False)

    def all(self) -> tuple[list[Scheme], list[str]]:
        """Every registered scheme that loads, and the problems of those that do not.

        A scheme that does not load is also a load error of the plugin that registered it
        (``cstui plugins`` shows it); one whose model raised, of the model's plugin too.
        """
        schemes, problems = [], list(self.errors)
        for name in self.names():
            plugin = self._raw[name][2]
            try:
                schemes.append(self.get(name))
            except SchemeError as exc:
                problems.extend(exc.problems)
                self.registry.fail(plugin, f"scheme {name} does not load: {len(exc.problems)} problem(s), see `cstui scheme check`")
            except PluginFailure as exc:
                problems.append(f"{self._raw[name][1]}: {exc}")
                self.registry.fail(exc.plugin, exc.what)
        return schemes, problems

    def _resolve(self, data: dict, source: str, seen: list[str]) -> tuple[dict, list[str]]:
        parent_name = data.get("extends")
        if parent_name is None:
            return data, [source]
        if not isinstance(parent_name, str):
            raise SchemeError([f"{source}: extends: expected a scheme name or a .toml path"])
        if parent_name in seen:
            raise SchemeError([f"{source}: extends: {parent_name!r} extends itself through {' -> '.join(seen)}"])
        if parent_name in self._raw:
            parent, parent_source, _ = self._raw[parent_name]
        else:
            parent_path = Path(parent_name)
            if not parent_path.is_absolute():
                parent_path = Path(source).parent / parent_path
            if parent_path.suffix != ".toml" or not is_toml_file(parent_path):
                raise SchemeError([f"{source}: extends: unknown scheme {parent_name!r}; installed: {', '.join(self.names())}"])
            parent, parent_source = read_toml(parent_path), str(parent_path)
        merged_parent, chain = self._resolve(parent, parent_source, seen + [parent_name])
        # ``replace = ["metrics", "score"]``: these top-level tables replace the parent's
        # instead of merging into them (a variant with its own KPIs drops the parent's).
        replaced = data.get("replace", [])
        if not isinstance(replaced, list) or not all(isinstance(k, str) for k in replaced):
            raise SchemeError([f"{source}: replace: expected an array of top-level keys, e.g. [\"metrics\", \"score\"]"])
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
            problems.add("model", f"unknown model {model_name!r}; installed: {', '.join(sorted(self.registry.models)) or 'none'}")
        if model is not None and well_typed:  # the model's rules read well-typed values only
            model.check(params, problems)
        if problems:
            raise SchemeError(problems.lines)
        return Scheme(
            name=params["name"],
            model=model,
            version=str(params["version"]),
            params=params,
            source=source,
            plugin=plugin or self.registry.model_plugins.get(model.name, ""),
            chain=chain,
        )


def check_generic(params: dict, problems: Problems) -> None:
    """Checks every scheme must pass, whatever its model (types are :data:`GENERIC_SHAPE`'s)."""
    for key in ("name", "model", "version"):
        if key not in params:
            problems.add(key, "missing; expected a string")
    levels = params.get("levels")
    if "levels" not in params or levels == []:
        problems.add("levels", "expected a non-empty array of tables with a 'key' each, lowest level first")
    elif isinstance(levels, list):
        seen: set[str] = set()
        for i, level in enumerate(levels):
            if not isinstance(level, dict) or not isinstance(level.get("key"), str):
                if isinstance(level, dict) and "key" not in level:
                    problems.add(f"levels[{i}].key", "missing; expected a string")
                continue
            if level["key"] in seen:
                problems.add(f"levels[{i}].key", f"duplicate level {level['key']!r}")
            seen.add(level["key"])
    metrics = params.get("metrics", {})
    if not isinstance(metrics, dict):
        return
    for key, spec in metrics.items():
        if not isinstance(spec, dict):
            continue
        kind = spec.get("kind")
        if (kind is None or isinstance(kind, str)) and kind not in PARSERS:
            problems.add(f"metrics.{key}.kind", f"expected one of {', '.join(sorted(PARSERS))}, got {kind!r}")


_catalog: SchemeCatalog | None = None


def catalog() -> SchemeCatalog:
    """The process-wide catalogue of registered schemes."""
    global _catalog
    if _catalog is None or _catalog.registry is not get_registry():
        _catalog = SchemeCatalog()
    return _catalog


def load_scheme(name_or_path: str) -> Scheme:
    return catalog().get(name_or_path)
