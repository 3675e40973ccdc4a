"""Bonus bands: a month's score → a bonus in yuan (doc 001 #15: 90-100 → 300 ... < 60 → -50).

The document writes the bands as whole-number ranges (80-89, 90-100) and leaves the
fractions between them undefined. Here every band is lower-bound inclusive, like any
higher-is-better band table: 89.5 is in the ``from = 80, to = 90`` band (200), 90 and
above get 300. The table is a :class:`~cstui.engine.bands.BandTable` whose bands carry
``amount`` instead of ``points``::

    [bonus]
    better = "higher"
    bands = [
      { from = 90, amount = 300 },
      { from = 80, to = 90, amount = 200 },
      ...
      { to = 60, amount = -50 },
    ]
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from cstui.domain import texts
from cstui.domain.texts import line, shared
from cstui.domain.values import format_number
from cstui.engine.bands import BandTable, load_band_table
from cstui.engine.exact import side_text

if TYPE_CHECKING:
    from cstui.engine.protocol import Problems


def load_bonus(data: object, key_path: str, problems: Problems) -> BandTable | None:
    table = load_band_table(data, key_path, problems, value_key="amount")
    if table is not None and table.better != "higher":
        problems.add(f"{key_path}.better", line("bonus.higher", higher="higher"))
        return None
    return table


texts.register(
    {
        "bonus.band": ("bonus: score {score} {band} → {amount} yuan", "奖金：得分 {score} {band} → {amount} 元"),
        "bonus.higher": ('bonus bands grade the score: expected "{higher}"', '奖金区间按得分评定：应为 "{higher}"'),
    }
)


def bounds(table: BandTable) -> tuple[Decimal, ...]:
    """Every band bound of the table: the thresholds a score is compared with."""
    known = _BOUNDS.get(id(table))
    if known is not None and known[0] is table:
        return known[1]
    found = tuple(dict.fromkeys(b for band in table.bands for b in (band.low, band.high) if b is not None))
    if len(_BOUNDS) < 64:  # tables are a scheme's few
        _BOUNDS[id(table)] = (table, found)
    return found


def bonus_for(table: BandTable, score: Decimal) -> tuple[Decimal, str]:
    """The bonus of a month's score (the exact score decides), and its trace line.

    Both depend only on the table and the score (shown by side_text, the same text for equal
    scores), and a company's scores repeat: each is made once per table and score and the line
    shared. Remembered by the table's id, the table kept alive by the memo, and a Decimal
    score's own text (sign, digits and exponent: 0 and -0 apart; a fresh Decimal's hash
    costs more than its text)."""
    decimal = type(score) is Decimal
    key = (id(table), str(score)) if decimal else None
    known = _BONUSES.get(key) if decimal else None
    if known is not None and known[0] is table:
        return known[1], known[2]
    band = table.band_of(score)
    amount = band.value
    sign = "+" if amount > 0 else ""
    text = line(
        "bonus.band",
        score=side_text(score, *bounds(table)),
        band=table.describe(band),
        amount=f"{sign}{format_number(amount)}",
    )
    if decimal and len(_BONUSES) < _BONUSES_MAX:
        _BONUSES[key] = (table, amount, shared(text))
    return amount, text


_BOUNDS: dict[int, tuple[BandTable, tuple[Decimal, ...]]] = {}
_BONUSES: dict[tuple[int, str], tuple[BandTable, Decimal, str]] = {}
_BONUSES_MAX = 16_384
