"""Who recorded what in a period: the raw input of calibration (``cstui.calibration``).

A card's rater is the login that last saved it (``scorecards.updated_by``); an incident's is
its ``recorded_by``. Reads are scoped to the login's teams like every other read, so a
supervisor's calibration sees the raters of their own teams' cards only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cstui.domain import Incident, Period
from cstui.store.codec import incident_from_row
from cstui.store.core import StoreCore
from cstui.store.deferred import records_found_here
from cstui.store.periods import as_period

if TYPE_CHECKING:
    from cstui.store.records import RatedCard


class RatersMixin(StoreCore):
    def rated_cards(self, period: Period | str) -> list[RatedCard]:
        """Every visible scorecard of ``period``'s months with the login that saved it."""
        from cstui.store.records import RatedCard

        months = [str(m) for m in as_period(period).months()]
        scope, params = self._team_scope("e.team", "e.id")
        sql = (
            "SELECT s.employee_id, s.period, s.updated_by, v.metric, v.value FROM scorecards s "
            "JOIN employees e ON e.id = s.employee_id "
            "LEFT JOIN scorecard_values v ON v.period = s.period AND v.employee_id = s.employee_id "
            f"WHERE {scope} AND s.period IN ({', '.join('?' * len(months))}) ORDER BY s.employee_id, s.period"
        )
        cards: dict[tuple[str, str], RatedCard] = {}
        for employee_id, month, rater, metric, value in self._rows(sql, [*params, *months]):
            card = cards.setdefault((employee_id, month), RatedCard(employee_id, month, rater or "", {}))
            if metric is not None:
                card.values[metric] = value
        return list(cards.values())

    def rated_incidents(self, period: Period | str) -> list[Incident]:
        """Every visible incident (not deleted) of ``period``'s months, with its recorder."""
        months = [str(m) for m in as_period(period).months()]
        scope, params = self._team_scope("e.team", "e.id")
        sql = (
            "SELECT i.* FROM incidents i JOIN employees e ON e.id = i.employee_id "
            f"WHERE {scope} AND i.deleted = 0 AND i.period IN ({', '.join('?' * len(months))}) ORDER BY i.id"
        )
        return [incident_from_row(row) for row in self._rows(sql, [*params, *months])]


# records defined on first use, still found here (cstui.store.deferred)
__getattr__ = records_found_here(__name__, "RatedCard")
