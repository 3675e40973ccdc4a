"""Assessment periods: a month ``2026-10`` or a quarter ``2026-Q4``.

Grading a company does Period arithmetic millions of times (every employee, every month of
a replay), so a Period is interned: ``Period(2026, "M", 10)``, ``parse``, ``month``,
``from_ordinal`` and ``shift`` return the one object for that period. Its ordinal and hash
are computed once, its quarter, months and text on first use; equal periods are mostly the
same object, so dict and set look-ups stop at the identity check. It behaves as the frozen
dataclass it replaces: same fields, equality, hash value, (year, kind, index) ordering, repr.
"""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from datetime import date

from cstui.domain import texts
from cstui.errors import EXIT_INVALID, CstuiError

texts.register(
    {
        "period.malformed": (
            "period {text}: expected {month} (e.g. 2026-10) or {quarter} (e.g. 2026-Q4)",
            "周期 {text} 无效：应为 {month}（例如 2026-10）或 {quarter}（例如 2026-Q4）",
        ),
    }
)

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_PARSED_LIMIT = 100_000  # distinct texts remembered by parse; beyond it parse still works, uncached


class PeriodError(CstuiError, ValueError):
    """A period string that is neither ``YYYY-MM`` nor ``YYYY-Qn``."""

    exit_code = EXIT_INVALID


class Period:
    """A month (``kind == "M"``, index 1..12) or a quarter (``kind == "Q"``, index 1..4).

    Months order before quarters of the same year only by accident of the tuple; compare
    periods of one kind. Immutable; ``ordinal``, ``is_month`` and ``is_quarter`` are plain
    read-only attributes.
    """

    __slots__ = (
        "year",
        "kind",
        "index",
        "ordinal",
        "is_month",
        "is_quarter",
        "_key",
        "_hash",
        "_quarter",
        "_months",
        "_text",
        "_next",
        "_prev",
    )
    __match_args__ = ("year", "kind", "index")

    # ordinal: months since year 0 (of the first month, for a quarter): consecutive months differ by 1.

    def __new__(cls, year: int, kind: str, index: int) -> Period:
        key = (year, kind, index)
        if cls is Period:
            interned = _INTERNED.get(key)
            if interned is not None:
                return interned
        self = object.__new__(cls)
        put = object.__setattr__
        is_month = kind == "M"
        put(self, "year", year)
        put(self, "kind", kind)
        put(self, "index", index)
        put(self, "is_month", is_month)
        put(self, "is_quarter", kind == "Q")
        put(self, "ordinal", year * 12 + (index if is_month else index * 3 - 2) - 1)
        put(self, "_key", key)
        put(self, "_hash", hash(key))  # the dataclass's hash: same value, computed once
        put(self, "_quarter", None)
        put(self, "_months", None)
        put(self, "_text", None)
        put(self, "_next", None)
        put(self, "_prev", None)
        if cls is Period:
            self = _INTERNED.setdefault(key, self)
        return self

    @classmethod
    def parse(cls, text: str) -> Period:
        remember = cls is Period and type(text) is str
        if remember and (found := _PARSED.get(text)) is not None:
            return found
        period = cls._parse(str(text).strip())
        if remember and len(_PARSED) < _PARSED_LIMIT:
            _PARSED[text] = period
        return period

    @classmethod
    def _parse(cls, text: str) -> Period:
        if m := _MONTH.match(text):
            month = int(m.group(2))
            if 1 <= month <= 12:
                return cls(int(m.group(1)), "M", month)
        if m := _QUARTER.match(text):
            return cls(int(m.group(1)), "Q", int(m.group(2)))
        raise PeriodError(texts.line("period.malformed", text=repr(text), month="YYYY-MM", quarter="YYYY-Qn"))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, "M", month)

    @classmethod
    def of_date(cls, day: date) -> Period:
        return cls(day.year, "M", day.month)

    @classmethod
    def from_ordinal(cls, ordinal: int) -> Period:
        """The month whose :attr:`ordinal` is ``ordinal``."""
        if cls is Period and (found := _BY_ORDINAL.get(ordinal)) is not None:
            return found
        period = cls(ordinal // 12, "M", ordinal % 12 + 1)
        if cls is Period:
            _BY_ORDINAL[ordinal] = period
        return period

    @property
    def quarter(self) -> Period:
        """The quarter this month falls in (a quarter is its own quarter)."""
        quarter = self._quarter
        if quarter is None:
            quarter = self if self.is_quarter else Period(self.year, "Q", (self.index - 1) // 3 + 1)
            object.__setattr__(self, "_quarter", quarter)
        return quarter

    def months(self) -> list[Period]:
        """The months of this period, in order (a new list: callers may change it)."""
        return list(self._month_tuple())

    def _month_tuple(self) -> tuple[Period, ...]:
        months = self._months
        if months is None:
            months = (self,) if self.is_month else tuple(Period.from_ordinal(self.ordinal + i) for i in range(3))
            object.__setattr__(self, "_months", months)
        return months

    @property
    def first_day(self) -> date:
        first = self._month_tuple()[0]
        return date(first.year, first.index, 1)

    @property
    def last_month(self) -> Period:
        return self._month_tuple()[-1]

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (earlier when negative), of the same kind."""
        if self.is_month:
            return Period.from_ordinal(self.ordinal + n)
        q = self.year * 4 + self.index - 1 + n
        return Period(q // 4, "Q", q % 4 + 1)

    def next(self) -> Period:
        following = self._next
        if following is None:
            following = self.shift(1)
            object.__setattr__(self, "_next", following)
        return following

    def prev(self) -> Period:
        preceding = self._prev
        if preceding is None:
            preceding = self.shift(-1)
            object.__setattr__(self, "_prev", preceding)
        return preceding

    def contains(self, day: date) -> bool:
        return Period.of_date(day) in self._month_tuple()

    def completes_quarter(self) -> bool:
        """True for months 3, 6, 9 and 12: the month that closes a quarterly review window."""
        return self.is_month and self.index % 3 == 0

    def __str__(self) -> str:
        text = self._text
        if text is None:
            text = f"{self.year:04d}-{self.index:02d}" if self.is_month else f"{self.year:04d}-Q{self.index}"
            object.__setattr__(self, "_text", text)
        return text

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}(year={self.year!r}, kind={self.kind!r}, index={self.index!r})"

    # Equality, hash and order as the dataclass(eq, order) had them: the (year, kind, index)
    # tuple, only against another Period. Interning makes identity the usual answer.
    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if other.__class__ is self.__class__:
            return self._key == other._key
        return NotImplemented

    def __hash__(self) -> int:
        return self._hash

    def __lt__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key < other._key
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key <= other._key
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key > other._key
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key >= other._key
        return NotImplemented

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    # Pickle and copy go through the constructor, so they come back interned.
    def __reduce__(self) -> tuple:
        return (type(self), self._key)

    def __copy__(self) -> Period:
        return self

    def __deepcopy__(self, memo: dict) -> Period:
        return self


_INTERNED: dict[tuple, Period] = {}
_BY_ORDINAL: dict[int, Period] = {}
_PARSED: dict[str, Period] = {}


def months_between(earlier: date, later_month: Period) -> int:
    """Months of employment at ``later_month``: the month of ``earlier`` counts as month 1."""
    return later_month.ordinal - (earlier.year * 12 + earlier.month - 1) + 1
