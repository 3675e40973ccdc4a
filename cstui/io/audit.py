"""The audit trail as people read it: one record per row, with what changed in words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

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


def _text(value: object) -> str:
    if value is None:
        return "∅"
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def change_summary(
    before: object, after: object, names: Mapping[str, str] | None = None, words: Mapping[str, str] | None = None
) -> str:
    """``field: old → new; ...`` for the fields that differ (a new row: its fields; a removed one: "removed").

    ``names``: how to call a field (its key where it has none); ``words``: "(no change)" and
    "removed" in the reader's language (English by default). Fields stay in key order."""
    names, words = names or {}, words or {}
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted(set(before) | set(after))
        parts = [
            f"{names.get(k, k)}: {_text(before.get(k))} → {_text(after.get(k))}"
            for k in keys
            if before.get(k) != after.get(k)
        ]
        return "; ".join(parts) or words.get("(no change)", "(no change)")
    if before is None and isinstance(after, dict):
        return "; ".join(f"{names.get(k, k)}: {_text(v)}" for k, v in sorted(after.items()) if v not in (None, ""))
    if after is None and before is not None:
        return words.get("removed", "removed")
    return f"{_text(before)} → {_text(after)}"


def row_change(row: dict, names: Mapping[str, str] | None = None, words: Mapping[str, str] | None = None) -> str:
    """What one audit row changed, in words (``names``, ``words``: as :func:`change_summary`);
    an imported file's one entry: the file, its counts, its hash and the cards it replaced
    (cstui.store.file_audit), a template line."""
    if row["action"] == IMPORT_FILE:
        return summary(row)
    return change_summary(row["before"], row["after"], names, words)


def audit_records(rows: Iterable[dict], full: bool = False) -> Iterator[dict]:
    """Report records of audit rows (``Store.audit_rows``); ``full`` adds before/after as stored."""
    for row in rows:
        change = row_change(row)
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
