"""Reports and errors in the reader's language: batch ``--lang zh`` (or LANG) renders a report's
labels (team, levels, decision), flags and trace in 中文 from their templates
(:mod:`cstui.domain.texts`), and an error's message (:func:`user_message`, the command line's and
the TUI's one renderer of errors).

English is the records and messages as they are: not a byte changes.
"""

from __future__ import annotations

import errno
import os
import re
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
        # what the system or Python's csv module said, where cstui knows the cause: the English
        # is their own text (as it always read), the 中文 cstui's words; any other is quoted
        "os.error": ("{file}: {reason}", "{file}：{reason}"),
        "os.missing": ("{text}", "文件或目录不存在"),
        "os.permission": ("{text}", "没有权限"),
        "os.is_directory": ("{text}", "这是一个目录，不是文件"),
        "os.not_directory": ("{text}", "路径中有一段不是目录"),
        "os.exists": ("{text}", "文件已存在"),
        "os.no_space": ("{text}", "磁盘空间已满"),
        "os.read_only": ("{text}", "文件系统只读"),
        "os.io": ("{text}", "磁盘读写出错"),
        "os.too_long": ("{text}", "文件名太长"),
        "os.null_byte": ("{text}", "路径中含有空字节"),
        "csv.field_limit": ("field larger than field limit ({limit})", "单元格超过长度上限（{limit} 个字符）"),
        "csv.nul": ("{text}", "该行含有空字节"),
        "csv.end_of_data": ("{text}", "数据意外结束（可能有未闭合的引号）"),
        "csv.newline": ("{text}", "未加引号的单元格中有换行符"),
    }
)

_OS_REASONS = {
    errno.ENOENT: "os.missing",
    errno.EACCES: "os.permission",
    errno.EPERM: "os.permission",
    errno.EISDIR: "os.is_directory",
    errno.ENOTDIR: "os.not_directory",
    errno.EEXIST: "os.exists",
    errno.ENOSPC: "os.no_space",
    errno.EDQUOT: "os.no_space",
    errno.EROFS: "os.read_only",
    errno.EIO: "os.io",
    errno.ENAMETOOLONG: "os.too_long",
}


def os_reason(error: OSError | ValueError):
    """Why the system refused a file, as it said it (``strerror``, without the errno and the
    path) in English and in cstui's 中文 where the cause is known; else its text as a last resort."""
    text = str(getattr(error, "strerror", None) or error)
    key = _OS_REASONS.get(getattr(error, "errno", None))
    if key is None and isinstance(error, ValueError) and "null byte" in text:
        key = "os.null_byte"
    return line(key, text=text) if key else text


_CSV_REASONS = {"line contains NUL": "csv.nul", "unexpected end of data": "csv.end_of_data"}


def csv_reason(error: Exception):
    """What Python's csv module said about a row, in the reader's language where it is known."""
    text = str(error)
    limit = re.fullmatch(r"field larger than field limit \((\d+)\)", text)
    if limit:
        return line("csv.field_limit", limit=limit.group(1))
    if text.startswith("new-line character seen in unquoted field"):
        return line("csv.newline", text=text)
    key = _CSV_REASONS.get(text)
    return line(key, text=text) if key else text


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
        return line("os.error", file=str(error.filename), reason=os_reason(error))
    return text


def user_message(error: BaseException, lang: str = "en", labels: Labels | None = None) -> str:
    """One readable message for ``error`` (the store's messages are already user-facing), in
    ``lang`` where it was raised with text templates (see :func:`error_line`); ``labels``: the
    中文 names of teams, roles and the like it may name (the domain's own words by default)."""
    said = error_line(error)
    if lang == "en":
        return str.__str__(said).strip() or type(error).__name__
    return render(said, lang, labels or with_domain()).strip()
