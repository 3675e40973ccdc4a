"""Assessment periods: a month ``2026-10`` or a quarter ``2026-Q4``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")


class PeriodError(ValueError):
    """A period string that is neither ``YYYY-MM`` nor ``YYYY-Qn``."""


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A month (``kind == "M"``, index 1..12) or a quarter (``kind == "Q"``, index 1..4).

    Months order before quarters of the same year only by accident of the tuple; compare
    periods of one kind.
    """

    year: int
    kind: str
    index: int

    @classmethod
    def parse(cls, text: str) -> Period:
        text = str(text).strip()
        if m := _MONTH.match(text):
            month = int(m.group(2))
            if 1 <= month <= 12:
                return cls(int(m.group(1)), "M", month)
        if m := _QUARTER.match(text):
            return cls(int(m.group(1)), "Q", int(m.group(2)))
        raise PeriodError(f"period {text!r}: expected YYYY-MM (e.g. 2026-10) or YYYY-Qn (e.g. 2026-Q4)")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, "M", month)

    @classmethod
    def of_date(cls, day: date) -> Period:
        return cls(day.year, "M", day.month)

    @classmethod
    def from_ordinal(cls, ordinal: int) -> Period:
        """The month whose :attr:`ordinal` is ``ordinal``."""
        return cls(ordinal // 12, "M", ordinal % 12 + 1)

    @property
    def is_month(self) -> bool:
        return self.kind == "M"

    @property
    def is_quarter(self) -> bool:
        return self.kind == "Q"

    @property
    def ordinal(self) -> int:
        """Months since year 0 (of the first month, for a quarter): consecutive months differ by 1."""
        first = self.index if self.is_month else self.index * 3 - 2
        return self.year * 12 + first - 1

    @property
    def quarter(self) -> Period:
        """The quarter this month falls in (a quarter is its own quarter)."""
        if self.is_quarter:
            return self
        return Period(self.year, "Q", (self.index - 1) // 3 + 1)

    def months(self) -> list[Period]:
        """The months of this period, in order."""
        if self.is_month:
            return [self]
        return [Period.from_ordinal(self.ordinal + i) for i in range(3)]

    @property
    def first_day(self) -> date:
        first = self.months()[0]
        return date(first.year, first.index, 1)

    @property
    def last_month(self) -> Period:
        return self.months()[-1]

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (earlier when negative), of the same kind."""
        if self.is_month:
            return Period.from_ordinal(self.ordinal + n)
        q = self.year * 4 + self.index - 1 + n
        return Period(q // 4, "Q", q % 4 + 1)

    def next(self) -> Period:
        return self.shift(1)

    def prev(self) -> Period:
        return self.shift(-1)

    def contains(self, day: date) -> bool:
        return Period.of_date(day) in self.months()

    def completes_quarter(self) -> bool:
        """True for months 3, 6, 9 and 12: the month that closes a quarterly review window."""
        return self.is_month and self.index % 3 == 0

    def __str__(self) -> str:
        if self.is_month:
            return f"{self.year:04d}-{self.index:02d}"
        return f"{self.year:04d}-Q{self.index}"


def months_between(earlier: date, later_month: Period) -> int:
    """Months of employment at ``later_month``: the month of ``earlier`` counts as month 1."""
    return later_month.ordinal - Period.of_date(earlier).ordinal + 1
