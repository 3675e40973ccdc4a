"""A readable, plain-text view of an effective scheme (``cstui scheme show``)."""

from __future__ import annotations

from typing import Any

from cstui.io.text import render_table

_SKIP = {"name", "model", "version", "label", "label_zh", "levels", "metrics", "extends", "description"}


def describe_scheme(scheme) -> str:
    lines = [
        f"{scheme.name} {scheme.version}: {scheme.label} / {scheme.label_zh}",
        f"model {scheme.model.name} ({scheme.model.review} review), plugin {scheme.plugin or '-'}",
        "source " + " <- ".join(scheme.chain or [scheme.source]),
        "",
        "levels (low to high)",
        render_table(("key", "label", "中文"), [(lv.key, lv.label, lv.label_zh) for lv in scheme.levels]),
        "",
        "metrics",
        render_table(
            ("key", "kind", "label", "中文", "required"),
            [(m.key, m.kind, m.label, m.label_zh, "yes" if m.required else "no") for m in scheme.model.metrics(scheme)],
        ),
    ]
    for key, value in scheme.params.items():
        if key in _SKIP:
            continue
        lines += ["", key]
        lines += _describe_value(value, indent="  ")
    return "\n".join(lines)


def _describe_value(value: Any, indent: str) -> list[str]:
    if isinstance(value, dict):
        if value and all(isinstance(v, dict) for v in value.values()) and _flat_tables(value.values()):
            return _table_of_tables(value, indent)
        lines = []
        for key, sub in value.items():
            if isinstance(sub, (dict, list)) and not _scalar_list(sub):
                lines.append(f"{indent}{key}")
                lines += _describe_value(sub, indent + "  ")
            else:
                lines.append(f"{indent}{key} = {_scalar(sub)}")
        return lines
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) and _flat_tables(value):
        columns = list(dict.fromkeys(k for row in value for k in row))
        table = render_table(columns, [[_scalar(row.get(c, "")) for c in columns] for row in value])
        return [indent + line for line in table.splitlines()]
    return [f"{indent}{_scalar(value)}"]


def _table_of_tables(value: dict, indent: str) -> list[str]:
    columns = list(dict.fromkeys(k for row in value.values() for k in row))
    rows = [[key] + [_scalar(row.get(c, "")) for c in columns] for key, row in value.items()]
    table = render_table(["key"] + columns, rows)
    return [indent + line for line in table.splitlines()]


def _flat_tables(rows) -> bool:
    return all(
        not isinstance(v, dict) and (not isinstance(v, list) or _scalar_list(v)) for row in rows for v in row.values()
    )


def _scalar_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return str(value)
