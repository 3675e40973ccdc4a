"""A loaded scheme: its model and effective parameters (:func:`cstui.schemes.load_scheme` builds it).

Defined apart from the loader (and re-exported by :mod:`cstui.schemes`), so that listing the
schemes (``cstui schemes``) neither defines these dataclasses nor imports :mod:`dataclasses`
(issue 14's start-up target). Plugins may ``dataclasses.replace`` a scheme as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cstui.engine.model import DocumentModel, MetricSpec


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
        return [
            Level(lv["key"], lv.get("label", lv["key"]), lv.get("label_zh", lv.get("label", lv["key"])))
            for lv in self.params.get("levels", [])
        ]

    def labels_zh(self) -> dict[str, dict[str, str]]:
        """The scheme's 中文 labels by kind (``level``, ``metric``, ``incident``), for rendering
        trace lines and flags (:func:`cstui.domain.texts.render`); a key without one is left out."""
        incidents = (self.params.get("ledger") or {}).get("incidents") or {}
        return {
            "level": {lv.key: lv.label_zh for lv in self.levels},
            "metric": {m.key: m.label_zh for m in self.metric_specs()},
            "incident": {
                code: spec.get("label_zh", code) for code, spec in incidents.items() if isinstance(spec, dict)
            },
        }

    @property
    def level_keys(self) -> list[str]:
        return [lv["key"] for lv in self.params.get("levels", [])]

    @property
    def fingerprint(self) -> str:
        """16 hex of sha256 over the parameters and the model's state layout version: a
        checkpoint resumes only under the same numbers and the same model code layout."""
        import json

        keyed = {"params": self.params, "model": self.model.name, "state_version": self.model.state_version}
        text = json.dumps(keyed, sort_keys=True, default=str)
        return _sha256()(text.encode("utf-8")).hexdigest()[:16]

    def metric_specs(self) -> list[MetricSpec]:
        from cstui.engine.model import MetricSpec

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
        import tomli_w

        data = {k: v for k, v in self.params.items() if k != "extends"}
        data["name"], data["model"], data["version"] = self.name, self.model.name, self.version
        return tomli_w.dumps(data)


def _sha256():
    """SHA-256's constructor: CPython's built-in one when it has it (``_sha256``; ``_sha2`` from
    3.12), the digest the same as ``hashlib``'s. A resumed month reads its checkpoints by this
    fingerprint, and ``import hashlib`` loads OpenSSL's module (``_hashlib``): 11 million
    instructions of a dry run's ~300 million start-up, for one 16-character digest.
    ``hashlib`` itself falls back to the same built-in modules."""
    try:
        from _sha256 import sha256
    except ImportError:
        try:
            from _sha2 import sha256
        except ImportError:
            from hashlib import sha256
    return sha256
