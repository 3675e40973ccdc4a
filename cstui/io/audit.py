"""The audit trail as people read it: one record per row, with what changed in words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cstui.store.file_audit import IMPORT_FILE, summary

AUDIT_COLUMNS = ("id", "at", "who", "action", "table", "key", "change")
MAX_CHANGE = 300  # characters of a change shown in a table cell or a list row


def _text(value: object) -> str:
    if value is None:
        return "∅"
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def change_summary(before: object, after: object) -> str:
    """``field: old → new; ...`` for the fields that differ (a new row: its fields; a removed one: "removed")."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted(set(before) | set(after))
        parts = [f"{k}: {_text(before.get(k))} → {_text(after.get(k))}" for k in keys if before.get(k) != after.get(k)]
        return "; ".join(parts) or "(no change)"
    if before is None and isinstance(after, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in sorted(after.items()) if v not in (None, ""))
    if after is None and before is not None:
        return "removed"
    return f"{_text(before)} → {_text(after)}"


def row_change(row: dict) -> str:
    """What one audit row changed, in words; an imported file's one entry: the file, its counts,
    its hash and the cards it replaced (cstui.store.file_audit)."""
    if row["action"] == IMPORT_FILE:
        return summary(row)
    return change_summary(row["before"], row["after"])


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
