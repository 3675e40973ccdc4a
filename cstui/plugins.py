"""Plugin discovery: entry points of the ``cstui`` group, filtered by ``CSTUI_LOAD_PLUGINS``.

``CSTUI_LOAD_PLUGINS`` unset loads every installed plugin; set to an empty string it loads
the built-ins only (those shipped in the cstui distribution itself); set to a comma list it
loads the built-ins and those names. A plugin that fails to import or raises in a hook is recorded in
:attr:`Registry.errors` and skipped, so cstui keeps working.

"Raises" means anything but Ctrl-C: ``sys.exit()`` in a plugin's import or hook is a load
error of that plugin like any exception. A registered model's methods are guarded too
(:class:`GuardedMethod`): what they raise, other than cstui's own error types, comes out
as :class:`PluginFailure` naming the plugin, which the command line shows as one line.
"""

from __future__ import annotations

import inspect
import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import pluggy

from cstui import hookspecs
from cstui.entry_points import EntryPoint, entry_points, import_object

GROUP = "cstui"
BUILTIN_DISTRIBUTION = "cstui"
# The DocumentModel methods the rest of cstui calls: each is guarded on a registered model.
MODEL_METHODS = (
    "check",
    "metrics",
    "card_problems",
    "incident_problems",
    "score_month",
    "grade",
    "levels",
    "checkpoint",
    "grade_and_checkpoint",
)


class PluginFailure(Exception):
    """Plugin code raised (or called ``sys.exit``): which plugin, and what it raised.

    The command line shows it as one line with exit code 1; ``--debug`` shows the
    traceback of the plugin's own exception (the ``__cause__``).
    """

    def __init__(self, plugin: str, what: str):
        super().__init__(f"plugin {plugin}: {what}")
        self.plugin, self.what = plugin, what

    def __reduce__(self):  # a worker process sends it to the parent pickled
        return (PluginFailure, (self.plugin, self.what))


def what_raised(exc: BaseException) -> str:
    """``RuntimeError: down``, ``called sys.exit(3)``: one line naming the exception."""
    if isinstance(exc, SystemExit):
        return f"called sys.exit({exc.code!r})"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def is_project_error(exc: BaseException) -> bool:
    """cstui's own error types (a bad card, a bad scheme, a refused write; those the built-in
    plugins declare, like a checkpoint that does not fit) pass through a guard: a model raises
    them on purpose, and callers and the command line know what they mean."""
    module = type(exc).__module__
    return module == "cstui" or module.startswith(("cstui.", "cstui_plugins."))


# Metaclasses whose classes keep their attributes in a plain ``__dict__`` (no metaclass
# ``__dict__`` of their own): for their classes the MRO walk below finds exactly what
# inspect.getattr_static finds, at a tenth of its cost (a guarded call is made per card).
_PLAIN_METACLASSES = {type}


def class_attribute(cls: type, name: str) -> Any:
    """``inspect.getattr_static(cls, name)``, looked up at each call (a patched class counts)."""
    if type(cls) in _PLAIN_METACLASSES:
        for klass in cls.__mro__:
            found = klass.__dict__.get(name, _MISSING)
            if found is not _MISSING:
                return found
    return inspect.getattr_static(cls, name)  # not on the class: the metaclass's, or AttributeError


_MISSING = object()


class GuardedMethod:
    """A registered model's method: what it raises, other than cstui's own errors and Ctrl-C,
    becomes :class:`PluginFailure` naming the plugin.

    Set on the model instance, so ``type(model)`` and its class attributes stay as they are;
    the method is looked up on the class at each call (a patched class method still counts).
    """

    def __init__(self, model: Any, name: str, plugin: str):
        self.model, self.name, self.plugin = model, name, plugin

    @property
    def __wrapped__(self) -> Callable[..., Any]:  # inspect.signature() follows it
        cls = type(self.model)
        attr = class_attribute(cls, self.name)
        return attr.__get__(self.model, cls) if hasattr(attr, "__get__") else attr

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self.__wrapped__(*args, **kwargs)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            if is_project_error(exc):
                raise
            model = getattr(self.model, "name", type(self.model).__name__)
            raise PluginFailure(self.plugin, f"model {model}: {self.name}() raised {what_raised(exc)}") from exc

    def __reduce__(self):
        return (GuardedMethod, (self.model, self.name, self.plugin))


def guard_model(model: Any, plugin: str) -> None:
    """Guard each of :data:`MODEL_METHODS` the model has (a model with ``__slots__`` stays as it is)."""
    for name in MODEL_METHODS:
        if callable(getattr(model, name, None)):
            try:
                setattr(model, name, GuardedMethod(model, name, plugin))
            except (AttributeError, TypeError):
                return


def guarded_call(plugin: str, what: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A registered importer or exporter: its failures (and its iterator's) name the plugin."""

    def call(*args: Any, **kwargs: Any) -> Any:
        result = _guarded(plugin, what, function, *args, **kwargs)
        return _guarded_iter(plugin, what, result) if isinstance(result, Iterator) else result

    call.__wrapped__ = function  # type: ignore[attr-defined]
    return call


def _guarded(plugin: str, what: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return function(*args, **kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        if is_project_error(exc):
            raise
        raise PluginFailure(plugin, f"{what} raised {what_raised(exc)}") from exc


def _guarded_iter(plugin: str, what: str, items: Iterator[Any]) -> Iterator[Any]:
    while True:
        try:
            item = _guarded(plugin, what, next, items)
        except PluginFailure as failure:
            if isinstance(failure.__cause__, StopIteration):
                return
            raise
        yield item


class _Record:
    """``==`` and a repr over the fields named in ``_fields``, as a dataclass gives them: the
    records ``cstui schemes`` makes are plain classes, because defining a dataclass costs its
    start-up about 0.3 ms each, and importing :mod:`dataclasses` 1 ms (issue 14)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._fields)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"


class PluginInfo(_Record):
    __slots__ = _fields = ("name", "version", "builtin", "hooks", "error")

    def __init__(
        self, name: str, version: str, builtin: bool, hooks: list[str] | None = None, error: str | None = None
    ):
        self.name, self.version, self.builtin = name, version, builtin
        self.hooks = [] if hooks is None else hooks
        self.error = error


class PluginError(_Record):
    __slots__ = _fields = ("plugin", "message")

    def __init__(self, plugin: str, message: str):
        self.plugin, self.message = plugin, message


class SchemeSource(_Record):
    """A registered scheme TOML file and the plugin that registered it."""

    __slots__ = _fields = ("path", "plugin")

    def __init__(self, path: Any, plugin: str):
        self.path, self.plugin = path, plugin


class LazyModels(Mapping):
    """The registered models by name. A model registered as ``"module:Class"`` is imported, made and
    guarded on first use, so listing schemes or plugins runs none of its code.

    A model that fails to load (its module raises, its class takes arguments, its ``name`` is not
    the one it was registered under) is a load error of its plugin and raises :class:`PluginFailure`
    wherever it is used; the failure is kept, so the import is not tried again.
    """

    def __init__(self, registry: Registry):
        self._registry = registry
        self._loaded: dict[str, Any] = {}
        self._targets: dict[str, str] = {}
        self._failed: dict[str, PluginFailure] = {}

    def add(self, name: str, model: Any) -> None:
        self._loaded[name] = model

    def add_lazy(self, name: str, target: str) -> None:
        self._targets[name] = target

    def is_loaded(self, name: str) -> bool:
        return name in self._loaded

    def __contains__(self, name: object) -> bool:
        return name in self._loaded or name in self._targets

    def __iter__(self) -> Iterator[str]:
        return iter([*self._loaded, *(name for name in self._targets if name not in self._loaded)])

    def __len__(self) -> int:
        return len(set(self._loaded) | set(self._targets))

    def __getitem__(self, name: str) -> Any:
        if name in self._loaded:
            return self._loaded[name]
        if name in self._failed:
            raise self._failed[name]
        target = self._targets[name]  # a KeyError for a name nobody registered, as a dict
        try:
            made = import_object(target)
            model = made() if isinstance(made, type) else made
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # an import that fails, or sys.exit() in it, is the plugin's load error
            raise self._failure(name, what_raised(exc)) from exc
        if getattr(model, "name", None) != name:
            raise self._failure(name, f"{target} is named {getattr(model, 'name', None)!r}, registered as {name!r}")
        guard_model(model, self._registry.model_plugins[name])
        self._loaded[name] = model
        return model

    def _failure(self, name: str, what: str) -> PluginFailure:
        plugin = self._registry.model_plugins[name]
        failure = self._failed[name] = PluginFailure(plugin, f"model {name} failed to load: {what}")
        self._registry.fail(plugin, failure.what)
        return failure


class Registry:
    """Everything the loaded plugins registered."""

    def __init__(self) -> None:
        self.plugins: list[PluginInfo] = []
        self.models = LazyModels(self)
        self.model_plugins: dict[str, str] = {}
        self.scheme_sources: list[SchemeSource] = []
        self.importers: dict[str, Callable[..., Any]] = {}
        self.exporters: dict[str, Callable[..., Any]] = {}
        self.errors: list[PluginError] = []
        self.manager: pluggy.PluginManager | None = None

    def fail(self, plugin: str, message: str) -> None:
        if any(e.plugin == plugin and e.message == message for e in self.errors):
            return  # the same scheme file read again by another catalogue
        self.errors.append(PluginError(plugin, message))
        for info in self.plugins:
            if info.name == plugin and info.error is None:
                info.error = message

    def notify_period_closed(self, db_path: str, period: str, closed_by: str) -> None:
        _call_each(self, "period_closed", db_path=db_path, period=period, closed_by=closed_by)


def allowed_names() -> set[str] | None:
    """Names from ``CSTUI_LOAD_PLUGINS``; None when unset (load all)."""
    raw = os.environ.get("CSTUI_LOAD_PLUGINS")
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def _entry_points() -> list[EntryPoint]:
    return sorted(entry_points(GROUP), key=lambda ep: ep.name)


def _is_builtin(ep: EntryPoint) -> bool:
    return ep.dist is not None and ep.dist.name == BUILTIN_DISTRIBUTION


def build_registry(extra_plugins: tuple[tuple[str, object], ...] = ()) -> Registry:
    """Discover, load and call the registration hooks of every allowed plugin.

    ``extra_plugins`` are ``(name, module_or_object)`` pairs registered in addition to
    the entry points (tests use it for plugins that are not installed).
    """
    registry = Registry()
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    registry.manager = pm
    allowed = allowed_names()
    eps = _entry_points()
    known = {ep.name for ep in eps} | {name for name, _ in extra_plugins}
    if allowed:
        for name in sorted(allowed - known):
            warnings.warn(f"CSTUI_LOAD_PLUGINS names {name!r}, which is not installed", stacklevel=2)
    for ep in eps:
        builtin = _is_builtin(ep)
        if allowed is not None and not builtin and ep.name not in allowed:
            continue
        version = ep.dist.version if ep.dist is not None else "?"
        info = PluginInfo(ep.name, version, builtin)
        registry.plugins.append(info)
        try:
            module = ep.load()
            pm.register(module, name=ep.name)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a broken plugin must not take cstui down, not even by sys.exit()
            registry.fail(ep.name, f"failed to load: {what_raised(exc)}")
            continue
        info.hooks = sorted(impl_name for impl_name in _hook_names(pm, module))
    for name, module in extra_plugins:
        if allowed is not None and name not in allowed:
            continue
        info = PluginInfo(name, getattr(module, "__version__", "?"), False)
        registry.plugins.append(info)
        try:
            pm.register(module, name=name)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            registry.fail(name, f"failed to load: {what_raised(exc)}")
            continue
        info.hooks = sorted(_hook_names(pm, module))
    _collect(registry)
    return registry


def _hook_names(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    return [caller.name for caller in pm.get_hookcallers(plugin) or []]


def _call_each(registry: Registry, hook_name: str, **kwargs: Any) -> None:
    """Call one hook plugin by plugin, so a failure is pinned on the plugin that raised."""
    pm = registry.manager
    if pm is None:
        return
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        try:
            impl.function(**kwargs)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            registry.fail(impl.plugin_name, f"{hook_name} raised {what_raised(exc)}")


def _collect(registry: Registry) -> None:
    current = {"plugin": ""}

    def register_model(model: Any, name: str | None = None) -> None:
        lazy = isinstance(model, str)
        if lazy and not (isinstance(name, str) and name):
            raise ValueError(f"register({model!r}) needs the model's name: register({model!r}, name=...)")
        name = name if lazy else model.name
        if name in registry.models:
            raise ValueError(f"model {name!r} is already registered by {registry.model_plugins[name]}")
        registry.model_plugins[name] = current["plugin"]
        if lazy:
            registry.models.add_lazy(name, model)
            return
        guard_model(model, current["plugin"])
        registry.models.add(name, model)

    def register_scheme(path: Any) -> None:
        registry.scheme_sources.append(SchemeSource(path, current["plugin"]))

    def register_importer(name: str, reader: Callable[..., Any]) -> None:
        registry.importers[name] = guarded_call(current["plugin"], f"importer {name!r}", reader)

    def register_exporter(name: str, writer: Callable[..., Any]) -> None:
        registry.exporters[name] = guarded_call(current["plugin"], f"exporter {name!r}", writer)

    pm = registry.manager
    assert pm is not None
    for hook_name, callback in (
        ("register_models", register_model),
        ("register_schemes", register_scheme),
        ("register_importers", register_importer),
        ("register_exporters", register_exporter),
    ):
        # oldest-registered first, so built-ins register before company plugins
        for impl in reversed(getattr(pm.hook, hook_name).get_hookimpls()):
            current["plugin"] = impl.plugin_name
            try:
                impl.function(register=callback)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                registry.fail(impl.plugin_name, f"{hook_name} raised {what_raised(exc)}")


@lru_cache(maxsize=1)
def get_registry() -> Registry:
    """The process-wide registry, built on first use."""
    return build_registry()


def reset_registry() -> None:
    """Forget the cached registry (tests change ``CSTUI_LOAD_PLUGINS``)."""
    get_registry.cache_clear()
