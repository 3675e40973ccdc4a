"""Scheme snapshots: the parameters that graded each applied period, kept with its results.

A scheme file may change (or be deleted) after a period is applied; the snapshot keeps the
scheme's full effective parameters as standalone TOML, keyed by the fingerprint its replay
checkpoints carry, so a closed period can always be re-explained and compared. The link
(period, scheme, team) -> fingerprint is written inside the apply's write transaction,
beside the results it explains.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.store.codec import now
from cstui.store.core import StoreCore
from cstui.store.deferred import records_found_here
from cstui.store.periods import as_period

if TYPE_CHECKING:
    from cstui.store.records import AppliedScheme, SchemeSnapshot

texts.register(
    {"what.snapshots": ("the scheme record of applied results", "已记录结果的方案记录")}
)  # what a refused write of them names


class SnapshotsMixin(StoreCore):
    def remember_scheme(self, snapshot: SchemeSnapshot, period, teams: Iterable[str]) -> None:
        """Keep ``snapshot`` (once per fingerprint) and link it to ``teams`` of ``period``.

        Joins the caller's write transaction: an apply records its results and the scheme
        that graded them together, or neither. The first keeping of a fingerprint is audited.
        """
        teams = list(dict.fromkeys(teams))
        period_text, stamp = str(as_period(period)), now()
        with self.write():
            for team in teams:
                self._require_write(team, line("what.snapshots"))
            inserted = self.conn.execute(
                "INSERT OR IGNORE INTO scheme_snapshots (fingerprint, scheme, version, model, toml, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    snapshot.fingerprint,
                    snapshot.scheme,
                    snapshot.version,
                    snapshot.model,
                    snapshot.toml,
                    self.login,
                    stamp,
                ),
            ).rowcount
            if inserted:
                after = {"scheme": snapshot.scheme, "version": snapshot.version, "model": snapshot.model}
                self._audit("remember-scheme", "scheme_snapshots", snapshot.fingerprint, None, after)
            self.conn.executemany(
                "INSERT OR REPLACE INTO applied_schemes (period, scheme, team, fingerprint, applied_by, applied_at) VALUES (?, ?, ?, ?, ?, ?)",
                ((period_text, snapshot.scheme, team, snapshot.fingerprint, self.login, stamp) for team in teams),
            )

    def scheme_snapshot(self, fingerprint: str) -> SchemeSnapshot | None:
        """The remembered scheme with this fingerprint (parameters are no one's personal data: unscoped)."""
        from cstui.store.records import SchemeSnapshot

        row = self._one("SELECT * FROM scheme_snapshots WHERE fingerprint = ?", (fingerprint,))
        return None if row is None else SchemeSnapshot(**dict(row))

    def applied_schemes(self, period, scheme: str | None = None) -> list[AppliedScheme]:
        """The snapshots that graded ``period`` (of ``scheme``), one per fingerprint with its
        visible teams, by scheme then first application."""
        scope, params = self._team_scope("a.team")
        sql = (
            "SELECT a.team, a.applied_by, a.applied_at, s.* FROM applied_schemes a "
            f"JOIN scheme_snapshots s ON s.fingerprint = a.fingerprint WHERE {scope} AND a.period = ?"
        )
        params.append(str(as_period(period)))
        if scheme is not None:
            sql += " AND a.scheme = ?"
            params.append(scheme)
        grouped: dict[str, list] = {}
        for row in self._rows(sql + " ORDER BY a.scheme, a.applied_at, a.team", params):
            grouped.setdefault(row["fingerprint"], []).append(row)
        return [_applied(str(as_period(period)), rows) for rows in grouped.values()]


def _applied(period: str, rows: list) -> AppliedScheme:
    from cstui.store.records import AppliedScheme, SchemeSnapshot

    first, latest = rows[0], max(rows, key=lambda row: row["applied_at"])
    snapshot = SchemeSnapshot(**{key: first[key] for key in SchemeSnapshot.__dataclass_fields__})
    return AppliedScheme(
        period, snapshot, tuple(row["team"] for row in rows), latest["applied_by"], latest["applied_at"]
    )


# records defined on first use, still found here (cstui.store.deferred)
__getattr__ = records_found_here(__name__, "SchemeSnapshot", "AppliedScheme")
