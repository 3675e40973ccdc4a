"""Micro-benchmark: the interned Period against the frozen dataclass it replaced.

    python benchmarks/bench_period.py

The old class is kept below as the baseline; both run the same operations in the same
process (best of several repeats), and the ratio old / new is printed per operation. The
operations are the ones grading does per employee and month: parse the month text, read
``ordinal``, walk a quarter's ``months()``, step ``next``/``shift``, take ``quarter``, use
periods as dict keys, compare and sort them, format them.
"""

from __future__ import annotations

import re
import timeit
from dataclasses import dataclass
from datetime import date

from cstui.domain.period import Period, months_between

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")


@dataclass(frozen=True, order=True, slots=True)
class OldPeriod:
    """cstui/domain/period.py as of commit 935f612 (docstrings trimmed)."""

    year: int
    kind: str
    index: int

    @classmethod
    def parse(cls, text: str) -> OldPeriod:
        text = str(text).strip()
        if m := _MONTH.match(text):
            month = int(m.group(2))
            if 1 <= month <= 12:
                return cls(int(m.group(1)), "M", month)
        if m := _QUARTER.match(text):
            return cls(int(m.group(1)), "Q", int(m.group(2)))
        raise ValueError(text)

    @classmethod
    def of_date(cls, day: date) -> OldPeriod:
        return cls(day.year, "M", day.month)

    @classmethod
    def from_ordinal(cls, ordinal: int) -> OldPeriod:
        return cls(ordinal // 12, "M", ordinal % 12 + 1)

    @property
    def is_month(self) -> bool:
        return self.kind == "M"

    @property
    def is_quarter(self) -> bool:
        return self.kind == "Q"

    @property
    def ordinal(self) -> int:
        first = self.index if self.is_month else self.index * 3 - 2
        return self.year * 12 + first - 1

    @property
    def quarter(self) -> OldPeriod:
        if self.is_quarter:
            return self
        return OldPeriod(self.year, "Q", (self.index - 1) // 3 + 1)

    def months(self) -> list[OldPeriod]:
        if self.is_month:
            return [self]
        return [OldPeriod.from_ordinal(self.ordinal + i) for i in range(3)]

    @property
    def last_month(self) -> OldPeriod:
        return self.months()[-1]

    def shift(self, n: int) -> OldPeriod:
        if self.is_month:
            return OldPeriod.from_ordinal(self.ordinal + n)
        q = self.year * 4 + self.index - 1 + n
        return OldPeriod(q // 4, "Q", q % 4 + 1)

    def next(self) -> OldPeriod:
        return self.shift(1)

    def __str__(self) -> str:
        if self.is_month:
            return f"{self.year:04d}-{self.index:02d}"
        return f"{self.year:04d}-Q{self.index}"


def old_months_between(earlier: date, later_month: OldPeriod) -> int:
    return later_month.ordinal - OldPeriod.of_date(earlier).ordinal + 1


TEXTS = [f"{2025 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
HIRED = date(2019, 7, 15)


def operations(cls, between):
    months = [cls.parse(t) for t in TEXTS]
    quarters = [m.quarter for m in months[::3]]
    scores = {m: i for i, m in enumerate(months)}
    fresh = [cls.parse(t) for t in TEXTS]  # equal objects from another parse, as a new row gives
    return {
        "parse 24 month texts": lambda: [cls.parse(t) for t in TEXTS],
        "ordinal x24": lambda: [m.ordinal for m in months],
        "quarter.months() x8": lambda: [q.months() for q in quarters],
        "months present in a dict x8 quarters": lambda: [[m for m in q.months() if m in scores] for q in quarters],
        "dict look-up with equal keys x24": lambda: [scores[m] for m in fresh],
        "next() / shift(-3) x24": lambda: [(m.next(), m.shift(-3)) for m in months],
        "m.quarter x24": lambda: [m.quarter for m in months],
        "last_month x8": lambda: [q.last_month for q in quarters],
        "== and < x24": lambda: [(a == b, a < b) for a, b in zip(months, fresh)],
        "sorted 24": lambda: sorted(reversed(fresh)),
        "str x24": lambda: [str(m) for m in months],
        "months_between x24": lambda: [between(HIRED, m) for m in months],
        "max by ordinal x8": lambda: [max(q, m, key=lambda p: p.ordinal) for q, m in zip(quarters, months)],
    }


def best(fn, number: int = 2000, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def main() -> None:
    old, new = operations(OldPeriod, old_months_between), operations(Period, months_between)
    print(f"{'operation':<40} {'old µs':>8} {'new µs':>8} {'old/new':>8}")
    total_old = total_new = 0.0
    for name in old:
        t_old, t_new = best(old[name]), best(new[name])
        total_old, total_new = total_old + t_old, total_new + t_new
        print(f"{name:<40} {t_old * 1e6:8.2f} {t_new * 1e6:8.2f} {t_old / t_new:8.1f}")
    print(f"{'all of the above':<40} {total_old * 1e6:8.2f} {total_new * 1e6:8.2f} {total_old / total_new:8.1f}")


if __name__ == "__main__":
    main()
