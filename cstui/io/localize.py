"""Reports in the reader's language: batch ``--lang zh`` (or LANG) renders a report's labels
(team, levels, decision), flags and trace in 中文 from their templates (:mod:`cstui.domain.texts`).

English is the records as they are: not a byte changes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from cstui.domain.texts import LANGS, Labels, renderer, with_domain


def lang_from_env(explicit: str | None = None) -> str:
    """``--lang`` wins; else ``zh`` when LC_ALL/LC_MESSAGES/LANG (the first one set) starts with zh; else ``en``."""
    if explicit in LANGS:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def report_labels(store, scheme) -> dict[str, dict[str, str]]:
    """Every 中文 label a report of ``scheme`` may show: the scheme's, the teams' ``name_zh``
    and the domain's own words (decisions, roles, incident categories)."""
    teams = {row["id"]: row.get("name_zh") or row["id"] for row in store.teams()}
    return with_domain(scheme.labels_zh() | {"team": teams})


def localized(records: Iterable[dict], lang: str, labels: Labels) -> Iterable[dict]:
    """``records`` with labels, flags and trace in ``lang`` (the same records in English)."""
    if lang != "zh":
        return records
    return _in_zh(records, labels)


def _in_zh(records: Iterable[dict], labels: Labels) -> Iterator[dict]:
    show = renderer("zh", labels)
    kinds = {"team": "team", "level_before": "level", "level_after": "level", "decision": "decision"}
    for record in records:
        record = dict(record)
        for column, kind in kinds.items():
            value = record.get(column)
            if value is not None:
                record[column] = labels.get(kind, {}).get(value, value)
        for column in ("flags", "trace"):
            if record.get(column) is not None:
                record[column] = [show(text) for text in record[column]]
        yield record
