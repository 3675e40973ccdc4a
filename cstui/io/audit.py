"""The audit trail as people read it: one record per row, with what changed in words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from cstui.store.file_audit import IMPORT_FILE, summary

AUDIT_COLUMNS = ("id", "at", "who", "action", "table", "key", "change")
MAX_CHANGE = 300  # characters of a change shown in a table cell or a list row

# the stored fields of audited rows (employees, incidents, users, periods ...) in 中文, for the
# TUI's "what changed"; a scorecard's fields are its scheme's metrics, named by their labels
FIELDS_ZH = {
    "id": "编号",
    "name": "姓名",
    "team": "组别",
    "teams": "组别",
    "role": "岗位",
    "hire_date": "入职日期",
    "status": "状态",
    "login": "登录名",
    "scheme": "方案",
    "level": "级别",
    "employee_id": "员工编号",
    "file": "文件",  # an imported file's entry (cstui.store.file_audit)
    "sha256": "SHA-256",
    "periods": "周期",
    "new": "新增",
    "unchanged": "未变",
    "new_cards": "新建考核表",
    "date": "日期",
    "period": "周期",
    "since": "起始月份",
    "code": "代码",
    "count": "次数",
    "points": "分数",
    "note": "备注",
    "deleted": "已删除",
    "copy": "份次",
    "reason": "原因",
    "closed_by": "关闭人",
    "closed_at": "关闭时间",
    "open_disputes": "未处理申诉",
    "version": "版本",
    "name_zh": "中文名称",
    "recorded_by": "记录人",
    "recorded_at": "记录时间",
    "kind": "类型",
    "signed_by": "签认人",
    "signed_at": "签认时间",
    "answer": "答复",
    "answered_by": "答复人",
    "answered_at": "答复时间",
    "author": "调整人",
    "created_at": "创建时间",
    "model": "模型",
    "expires_at": "失效时间",
    "redeemed_at": "使用时间",
    "score": "得分",
    "grade": "评级",
    "level_before": "原级别",
    "level_after": "新级别",
    "decision": "结论",
    "pay_delta": "薪资浮动",
    "changed": "有变化",
    "updated_by": "修改人",
    "updated_at": "修改时间",
}
# the summary's own words
WORDS_ZH = {"(no change)": "（无变化）", "removed": "已删除"}


def _shown(value: object, labels: Mapping[object, str] | None) -> str:
    """A value as the reader sees it: its label where ``labels`` has one (an incident code)."""
    if labels and isinstance(value, str) and value in labels:
        return labels[value]
    return _text(value)


def _text(value: object) -> str:
    if value is None:
        return "∅"
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def change_summary(
    before: object,
    after: object,
    names: Mapping[str, str] | None = None,
    words: Mapping[str, str] | None = None,
    values: Mapping[str, Mapping[object, str]] | None = None,
) -> str:
    """``field: old → new; ...`` for the fields that differ (a new row: its fields; a removed one: "removed").

    ``names``: how to call a field (its key where it has none); ``words``: "(no change)" and
    "removed" in the reader's language (English by default); ``values``: field → labels of
    its values (an incident's ``code``: the code's label), a value without one as it is.
    Fields stay in key order."""
    names, words, values = names or {}, words or {}, values or {}
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted(set(before) | set(after))
        parts = [
            f"{names.get(k, k)}: {_shown(before.get(k), values.get(k))} → {_shown(after.get(k), values.get(k))}"
            for k in keys
            if before.get(k) != after.get(k)
        ]
        return "; ".join(parts) or words.get("(no change)", "(no change)")
    if before is None and isinstance(after, dict):
        return "; ".join(
            f"{names.get(k, k)}: {_shown(v, values.get(k))}" for k, v in sorted(after.items()) if v not in (None, "")
        )
    if after is None and before is not None:
        return words.get("removed", "removed")
    return f"{_text(before)} → {_text(after)}"


def row_change(
    row: dict,
    names: Mapping[str, str] | None = None,
    words: Mapping[str, str] | None = None,
    values: Mapping[str, Mapping[object, str]] | None = None,
) -> str:
    """What one audit row changed, in words (``names``, ``words``, ``values``: as
    :func:`change_summary`); an imported file's one entry: the file, its counts, its hash and
    the cards it replaced (cstui.store.file_audit), a template line, its cards' values named
    by ``names``."""
    if row["action"] == IMPORT_FILE:
        return summary(row, names=names)
    return change_summary(row["before"], row["after"], names, words, values)


class AuditLabels:
    """How a reader of the trail sees what a row changed, in ``lang``: a scorecard's fields
    (and an imported file's cards' values) by their scheme's metric labels, an incident's code
    by its label (``label``, or ``label_zh`` in 中文), other stored fields by their 中文 name
    in zh. The scheme is the employee's in the row's month (the file's own for a file entry);
    a key or code without a label shows itself."""

    def __init__(self, store, lang: str = "en"):
        self.store, self.lang = store, lang
        self.base = FIELDS_ZH if lang == "zh" else {}
        self.words = WORDS_ZH if lang == "zh" else {}
        self.schemes: dict[tuple[str, str], Any] = {}  # (employee, month) → their scheme, None if unknown
        self.named: dict[str, Any] = {}  # scheme name → the scheme, None if not installed now

    def change(self, row: dict) -> str:
        """What ``row`` changed, rendered in the reader's language."""
        from cstui.domain.texts import render

        names, values = self.labels(row)
        return render(row_change(row, names, self.words, values), self.lang)

    def labels(self, row: dict) -> tuple[Mapping[str, str], Mapping[str, Mapping[object, str]] | None]:
        """(field names, value labels) for ``row``, as :func:`change_summary` takes them."""
        scheme = self._scheme_of(row)
        if scheme is None:
            return self.base, None
        values = {"code": self._incident_labels(scheme)} if row.get("entity") == "incidents" else None
        return self.base | self._metric_labels(scheme), values

    def _scheme_of(self, row: dict) -> Any:
        if row["action"] == IMPORT_FILE:
            return self.scheme_named((row["after"] or {}).get("scheme"))
        if row.get("entity") == "scorecards" and "/" in (row.get("key") or ""):
            employee_id, _, month = row["key"].rpartition("/")
            return self.scheme_at(employee_id, month)
        if row.get("entity") == "incidents":
            record = row["after"] if isinstance(row["after"], dict) else row["before"]
            if isinstance(record, dict) and "employee_id" in record and "period" in record:
                return self.scheme_at(str(record["employee_id"]), str(record["period"]))
        return None

    def scheme_at(self, employee_id: str, month: str) -> Any:
        """The scheme ``employee_id`` was graded on in ``month`` (None: gone, not visible, or no such scheme now)."""
        key = (employee_id, month)
        if key not in self.schemes:
            self.schemes[key] = self._read_scheme(employee_id, month)
        return self.schemes[key]

    def _read_scheme(self, employee_id: str, month: str) -> Any:
        from cstui.schemes import SchemeError
        from cstui.store import StoreError
        from cstui.store.timeline import scheme_at

        try:
            line = self.store.scheme_assignments(employee_id)
            return self.scheme_named(scheme_at(line, month)) if line else None
        except (StoreError, SchemeError, KeyError, ValueError):
            return None

    def scheme_named(self, name: object) -> Any:
        """The installed scheme ``name`` (never a file a stored row names), None if there is none."""
        from cstui.schemes import SchemeError, catalog

        if not isinstance(name, str):
            return None
        if name not in self.named:
            try:
                self.named[name] = catalog().get(name) if name in catalog().names() else None
            except (SchemeError, KeyError, ValueError):
                self.named[name] = None
        return self.named[name]

    def _metric_labels(self, scheme) -> dict[str, str]:
        zh = self.lang == "zh"
        return {spec.key: (spec.label_zh if zh else spec.label) or spec.key for spec in scheme.metric_specs()}

    def _incident_labels(self, scheme) -> dict[str, str]:
        incidents = (scheme.params.get("ledger") or {}).get("incidents") or {}
        wanted = "label_zh" if self.lang == "zh" else "label"
        return {
            code: str(spec.get(wanted) or spec.get("label") or code)
            for code, spec in incidents.items()
            if isinstance(spec, dict)
        }


def audit_records(rows: Iterable[dict], full: bool = False, labels: AuditLabels | None = None) -> Iterator[dict]:
    """Report records of audit rows (``Store.audit_rows``); ``full`` adds before/after as stored;
    ``labels``: what changed in a reader's language and labels (keys and codes without)."""
    for row in rows:
        change = row_change(row) if labels is None else labels.change(row)
        record = {
            "id": row["id"],
            "at": row["at"],
            "who": row["who"],
            "action": row["action"],
            "table": row["entity"],
            "key": row["key"] or "",
            "change": change if full or len(change) <= MAX_CHANGE else change[: MAX_CHANGE - 1] + "…",
        }
        if full:
            record["before"], record["after"] = row["before"], row["after"]
        yield record
