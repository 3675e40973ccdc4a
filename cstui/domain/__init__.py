"""The domain core: plain types and value rules, no I/O and no UI imports."""

from cstui.domain.period import Period, PeriodError, months_between
from cstui.domain.types import (
    ROLES,
    STATUSES,
    Decision,
    Employee,
    Incident,
    Override,
    Result,
    Scorecard,
)
from cstui.domain.values import ValueProblem

__all__ = [
    "ROLES",
    "STATUSES",
    "Decision",
    "Employee",
    "Incident",
    "Override",
    "Period",
    "PeriodError",
    "Result",
    "Scorecard",
    "ValueProblem",
    "months_between",
]
