"""Reports and errors in the reader's language: batch ``--lang zh`` (or LANG) renders a report's
labels (team, levels, decision), flags and trace in 中文 from their templates
(:mod:`cstui.domain.texts`), and an error's message (:func:`user_message`, the command line's and
the TUI's one renderer of errors).

English is the records and messages as they are: not a byte changes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator

from cstui.domain import texts
from cstui.domain.texts import LANGS, Labels, Line, joined, line, render, renderer, with_domain
from cstui.engine.protocol import SchemeError
from cstui.errors import InvalidData

texts.register(
    {
        "error.more": ("... and {more} more problems", "……另有 {more} 个问题"),
        "error.busy": (
            "the database is busy (another cstui is writing); try again ({text})",
            "数据库正忙（有人正在写入）；请稍后再试",
        ),
        "error.read_only": (
            "the database file is read-only; nothing was saved ({text})",
            "数据库文件只读；未保存任何内容",
        ),
    }
)


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


# --- errors: one message for a person, in their language ---------------------------------------


def error_line(error: BaseException) -> str:
    """What ``error`` says: the template line it was raised with (a :class:`Line`, or for
    :class:`InvalidData` and :class:`SchemeError` their lines joined, each line a template or a text), SQLite's busy and
    read-only errors in cstui's words, else its text. Its English is ``str(error)`` as the
    command line always printed it (the busy and read-only wording as the TUI did)."""
    if isinstance(error, InvalidData):
        more = [line("error.more", more=error.more)] if error.more else []
        return joined([*error.lines, *more], "\n")
    if isinstance(error, SchemeError):
        return joined(error.problems, "\n")
    said = error.args[0] if len(error.args) == 1 else None
    if isinstance(said, Line):
        return said
    text = str(error).strip() or type(error).__name__
    if isinstance(error, sqlite3.OperationalError):
        lowered = text.lower()
        if "locked" in lowered or "busy" in lowered:
            return line("error.busy", text=text)
        if "readonly" in lowered or "read-only" in lowered:
            return line("error.read_only", text=text)
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or text}"
    return text


def user_message(error: BaseException, lang: str = "en", labels: Labels | None = None) -> str:
    """One readable message for ``error`` (the store's messages are already user-facing), in
    ``lang`` where it was raised with text templates (see :func:`error_line`); ``labels``: the
    中文 names of teams, roles and the like it may name (the domain's own words by default)."""
    said = error_line(error)
    if lang == "en":
        return str.__str__(said).strip() or type(error).__name__
    return render(said, lang, labels or with_domain()).strip()
