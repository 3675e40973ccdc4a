"""The audit entry of one imported file: one chained row for the whole file, not one per card.

A 100,000-card import is one act of one person with one file: its entry says who, when, the
file's name and the SHA-256 of its bytes, the scheme, the month(s) and how many cards were
new, changed and unchanged. The cards' new values are the file (the hash identifies it; the
cards hold them); what the file replaced is not in the file, so the entry keeps it: ``before``
is ``[[employee, month, values before], ...]`` of each card the import changed, and ``after``
names the cards it created (``new_cards``: ``[[month, [employee, ...]], ...]``).

Readers that need one card's changes (a card's history, ``changes_since``, ``cstui audit
--employee``) expand an entry with :func:`written_cards` / :func:`card_row`. Older trails
hold the per-card rows an import wrote before (action ``import``, key ``employee/month``):
they read as they always did.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from cstui.domain import texts
from cstui.store.deferred import records_found_here

if TYPE_CHECKING:
    from cstui.store.records import ImportedFile

IMPORT_FILE = "import-file"  # the action of a file's one entry (``import``: an older per-card row)


def entry(
    source: ImportedFile,
    months: list[str],
    new_cards: list[tuple],
    replaced: list[list],
    unchanged: int,
) -> tuple[str, list | None, dict]:
    """(key, before, after) of the file's audit entry. The key ends with the month (one month:
    ``file/2027-01``) so that a period's listing finds the entry as it finds a card's row.
    ``new_cards``: rows that begin (employee, month), e.g. the save's inserts."""
    by_month: dict[str, list[str]] = {}
    if len(months) == 1 and new_cards:  # the usual file: every new card of its one month, in order
        by_month[months[0]] = [card[0] for card in new_cards]
    for card in () if len(months) == 1 else new_cards:
        by_month.setdefault(card[1], []).append(card[0])
    after = {
        "file": source.name,
        "sha256": source.sha256,
        "scheme": source.scheme,
        "periods": months,
        "new": len(new_cards),
        "changed": len(replaced),
        "unchanged": unchanged,
        "new_cards": [[month, ids] for month, ids in by_month.items()],
    }
    key = f"{source.name}/{months[0]}" if len(months) == 1 else source.name
    return key, (replaced or None), after


def written_cards(before: list | None, after: dict) -> Iterator[tuple[str, dict | None]]:
    """(``employee/month``, values before or None) of every card the entry wrote."""
    for employee_id, month, values in before or ():
        yield f"{employee_id}/{month}", values
    for month, ids in after.get("new_cards", ()):
        for employee_id in ids:
            yield f"{employee_id}/{month}", None


def card_row(row: dict, employee_id: str, month: str) -> dict | None:
    """The decoded entry ``row`` narrowed to one card: ``before`` that card's values before the
    import (None: the import created it), ``after`` the entry's account of the file without
    its card lists; None when the entry did not write that card."""
    before, after = row["before"], row["after"] or {}
    found = next((b for e, m, b in before or () if e == employee_id and m == month), None)
    created = any(m == month and employee_id in ids for m, ids in after.get("new_cards", ()))
    if found is None and not created:
        return None
    return row | {"before": found, "after": account(after), "card": f"{employee_id}/{month}"}


def account(after: dict) -> dict:
    """The entry's ``after`` without its list of new cards (what a reader shows of the file)."""
    return {k: v for k, v in after.items() if k != "new_cards"}


texts.register(
    {
        "audit.file": (
            "{file} {periods} ({scheme}): {new} new, {changed} changed, {unchanged} unchanged; sha256 {sha}",
            "{file} {periods}（{scheme}）：新增 {new}，更改 {changed}，未变 {unchanged}；sha256 {sha}",
        ),
        "audit.file.new_card": ("; new card", "；新建考核表"),
        "audit.file.before": ("; before: {values}", "；导入前：{values}"),
        "audit.file.replaced": ("; replaced: {cards}{more}", "；覆盖：{cards}{more}"),
        "audit.file.more": (" (+{n} more)", "（另 {n} 张）"),
        "audit.file.empty": ("(empty)", "（空）"),
    }
)


def summary(row: dict, shown: int = 3, names: dict[str, str] | None = None) -> texts.Line:
    """The entry in words: the file, its counts and hash, and the first cards it replaced
    (their values named by ``names``, a field without one by its key)."""
    after = row["after"] or {}
    counts = {k: f"{after.get(k, 0):,}" for k in ("new", "changed", "unchanged")}
    head = texts.line(
        "audit.file",
        file=after.get("file"),
        periods=", ".join(after.get("periods", ())),
        scheme=after.get("scheme"),
        sha=str(after.get("sha256", ""))[:12],
        **counts,
    )
    if "card" in row:  # narrowed to one card
        tail = (
            texts.line("audit.file.new_card")
            if row["before"] is None
            else texts.line("audit.file.before", values=_values(row["before"], names))
        )
        return texts.joined([head, tail], "")
    replaced = row["before"] or []
    if not replaced:
        return head
    firsts = "; ".join(f"{e}/{m} {_values(b, names)}" for e, m, b in replaced[:shown])
    more = [texts.line("audit.file.more", n=f"{len(replaced) - shown:,}")] if len(replaced) > shown else []
    return texts.joined([head, texts.line("audit.file.replaced", cards=firsts, more=texts.joined(more, ""))], "")


def _values(values: dict, names: dict[str, str] | None = None) -> str:
    names = names or {}
    return ", ".join(f"{names.get(k, k)}: {v}" for k, v in sorted(values.items())) or texts.line("audit.file.empty")


# records defined on first use, still found here (cstui.store.deferred)
__getattr__ = records_found_here(__name__, "ImportedFile")
