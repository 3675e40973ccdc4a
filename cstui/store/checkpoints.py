"""Replay checkpoints: a team's replay state at the end of an applied month (a cache).

Levels stay derived from the data; a checkpoint only saves replaying the months before it.
It is exact because every write that could change it deletes it in the same transaction:
:meth:`CheckpointsMixin._invalidate_checkpoints` is the one helper every write path calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cstui.domain import Period, texts
from cstui.domain.texts import line
from cstui.engine.model import UNREAD
from cstui.store.codec import dumps, now
from cstui.store.core import StoreCore

texts.register({"what.checkpoints": ("grading checkpoints", "计算检查点")})  # what a refused write of them names

# A checkpoint is a cache: keep the newest few per scheme and team. Four months cover
# re-grading the quarter that ends at the latest applied month (it resumes from the month
# before the quarter); anything older is replayed from the scorecards when asked.
KEEP_PER_TEAM = 4
PRUNE = (
    "DELETE FROM checkpoints WHERE scheme = ? AND team = ? AND month NOT IN "
    "(SELECT month FROM checkpoints WHERE scheme = ? AND team = ? ORDER BY month DESC LIMIT ?)"
)


def state_json(state: dict | None, timelines_apart: bool = False) -> tuple[str, str | None] | None:
    """A checkpoint state as the ``state`` and ``timelines`` columns hold it (None: nothing to
    keep); with ``timelines_apart`` (the model's :attr:`DocumentModel.timelines_apart`) the
    members' timelines go to the second, else it is None and the state is kept whole."""
    if state is None:
        return None
    if not timelines_apart:
        return dumps(state), None
    kept, timelines = split_timelines(state)
    return dumps(kept), timelines_json(timelines)


class StoredTimeline(list):
    """A member's level timeline as a checkpoint's ``timelines`` column was read, with its JSON
    text as stored (``text``): a member whose level did not change in the month (most of them)
    keeps this very list in the next checkpoint, which then writes the text back instead of
    encoding every past why again (the timelines are most of a checkpoint's bytes). A change
    in place forgets the text; the models build a new list when they extend one."""

    __slots__ = ("text",)

    def __init__(self, entries: list, text: str | None = None):
        super().__init__(entries)
        self.text = text

    def __reduce__(self):  # a worker sends its teams' states to the parent pickled: the text goes too
        return StoredTimeline, (list(self), self.text)


def _forgets_text(name: str):
    method = getattr(list, name)

    def changed(self, *args):
        self.text = None
        return method(self, *args)

    changed.__name__ = name
    return changed


for _name in (
    "append",
    "extend",
    "insert",
    "pop",
    "remove",
    "clear",
    "sort",
    "reverse",
    "__setitem__",
    "__delitem__",
    "__iadd__",
    "__imul__",
):
    setattr(StoredTimeline, _name, _forgets_text(_name))


def read_timelines(text: str) -> dict:
    """The ``timelines`` column decoded, each member's timeline a :class:`StoredTimeline` with
    its stored text; a text not spelled as :func:`timelines_json` spells it (written by hand)
    is decoded plainly (its timelines are then encoded again when written back)."""
    import json
    from json.decoder import scanstring

    if text == "{}" or not text.startswith('{"') or not text.endswith("}"):
        return json.loads(text)
    try:
        read = _stored_timelines(text, scanstring, _scanner())
    except (StopIteration, ValueError):  # not JSON: the plain read names the error
        read = None
    return json.loads(text) if read is None else read


def _stored_timelines(text: str, scanstring, scan) -> dict | None:
    """:func:`read_timelines` of a text as :func:`timelines_json` spells it, member by member;
    None when it is spelled otherwise."""
    timelines, at, end = {}, 1, len(text) - 1
    while True:
        key, at = scanstring(text, at + 1)
        if text[at : at + 2] != ": ":
            return None
        entries, after = scan(text, at + 2)
        timelines[key] = StoredTimeline(entries, text[at + 2 : after]) if type(entries) is list else entries
        if after == end:
            return timelines
        if text[after : after + 3] != ', "':
            return None
        at = after + 2


def _scanner():
    global _SCAN
    if _SCAN is None:
        import json
        from json.scanner import make_scanner

        _SCAN = make_scanner(json.JSONDecoder())
    return _SCAN


_SCAN = None  # the JSON decoder's value scanner, made when first read (an apply's)


def timelines_json(timelines: dict) -> str:
    """``dumps(timelines)``, each member's :class:`StoredTimeline` that kept its text written as
    that text (what encoding it gives: its keys sorted, as the stored column has them)."""
    if not any(type(t) is StoredTimeline and t.text is not None for t in timelines.values()):
        return dumps(timelines)
    if any(type(key) is not str for key in timelines):
        return dumps(timelines)
    from json.encoder import encode_basestring

    pieces = []
    for key in sorted(timelines):
        entries = timelines[key]
        kept = entries.text if type(entries) is StoredTimeline else None
        pieces.append(f"{encode_basestring(key)}: {dumps(entries) if kept is None else kept}")
    return "{" + ", ".join(pieces) + "}"


def split_timelines(state: dict) -> tuple[dict, dict]:
    """``state`` without its members' timelines, and those timelines by employee id (an entry
    without one, a model's hint for a replay not begun, is kept as it is). ``state`` is not changed."""
    entries, timelines = {}, {}
    for employee_id, entry in state["employees"].items():
        if "timeline" in entry:
            timelines[employee_id] = entry["timeline"]
            entry = {key: value for key, value in entry.items() if key != "timeline"}
        entries[employee_id] = entry
    return {**state, "employees": entries}, timelines


class CheckpointsMixin(StoreCore):
    def save_checkpoints(
        self,
        scheme: str,
        fingerprint: str,
        month: Period | str,
        states: Mapping[str, dict],
        timelines_apart: bool = False,
    ) -> int:
        """Keep each team's state at the end of ``month`` (replacing one kept before); returns the count.

        Joins the caller's write transaction, so results and their checkpoints are saved together.
        ``timelines_apart``: the scheme's model's (:func:`state_json`).
        """
        encoded = {team: state_json(state, timelines_apart) for team, state in states.items()}
        return self.save_encoded_checkpoints(scheme, fingerprint, month, encoded)

    def save_encoded_checkpoints(
        self, scheme: str, fingerprint: str, month: Period | str, states: Mapping[str, tuple[str, str | None] | None]
    ) -> int:
        """:meth:`save_checkpoints` of states already encoded by :func:`state_json` (an apply
        encodes each team's state once, when it spools it); a None state is not kept."""
        month_text, stamp = str(Period.parse(str(month))), now()
        with self.write():
            for team in states:
                self._require_write(team, line("what.checkpoints"))
            self.conn.executemany(
                "INSERT OR REPLACE INTO checkpoints (scheme, fingerprint, team, month, state, timelines, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (scheme, fingerprint, team, month_text, *encoded, stamp)
                    for team, encoded in states.items()
                    if encoded is not None
                ),
            )
            self.conn.executemany(PRUNE, ((scheme, team, scheme, team, KEEP_PER_TEAM) for team in states))
        return len(states)

    def checkpoints(self, scheme: str | None = None) -> list[dict]:
        """The kept checkpoints (without their states), for inspection: scheme, fingerprint, team, month."""
        scope, params = self._team_scope("team")
        sql = f"SELECT scheme, fingerprint, team, month, created_at FROM checkpoints WHERE {scope}"
        if scheme is not None:
            sql += " AND scheme = ?"
            params.append(scheme)
        return [dict(row) for row in self._rows(sql + " ORDER BY scheme, team, month", params)]

    def _latest_checkpoint(
        self, scheme: str, fingerprint: str, team: str, before: str, timelines: bool = True
    ) -> tuple[str, str, str | None] | None:
        """(month, state JSON, timelines JSON) of the team's latest checkpoint before month
        ``before`` under these parameters. The timelines are None when the state holds them
        (:func:`state_json`), :data:`UNREAD` when not read (``timelines=False``: a grading that
        needs none does not read that column, most of a checkpoint's bytes)."""
        kept = "timelines" if timelines else f"CASE WHEN timelines IS NULL THEN NULL ELSE '{UNREAD}' END"
        return self.conn.execute(
            f"SELECT month, state, {kept} FROM checkpoints WHERE scheme = ? AND team = ? AND month < ? "
            "AND fingerprint = ? ORDER BY month DESC LIMIT 1",
            (scheme, team, before, fingerprint),
        ).fetchone()

    def _invalidate_checkpoints(self, changes: Iterable[tuple[str, str]] = (), teams: Iterable[str] = ()) -> None:
        """Delete the checkpoints a write makes stale, inside the write's transaction.

        ``changes``: (employee id, month) of a changed scorecard, incident or override: the
        employee's team loses its checkpoints from that month on. ``teams``: a roster change
        (the old and the new team): those teams lose all their checkpoints.
        """
        if not self._depth:
            raise RuntimeError("checkpoints invalidated outside a write transaction")  # a bug, not a user error
        if self.conn.execute("SELECT 1 FROM checkpoints LIMIT 1").fetchone() is None:
            return  # none to delete (a company before its first graded month): no walk over the changes
        earliest: dict[str, str] = {}
        for employee_id, month in changes:
            if employee_id not in earliest or month < earliest[employee_id]:
                earliest[employee_id] = month
        teams = set(teams)
        if not (earliest or teams):
            return
        by_month: dict[str, list[str]] = {}
        for employee_id, month in earliest.items():
            by_month.setdefault(month, []).append(employee_id)
        # each month's teams, not each employee's (an import changes 100,000 cards of a few
        # hundred teams); the earliest month first, so a team keeps its earliest
        by_team: dict[str, str] = {}
        sql = "SELECT DISTINCT team FROM employees WHERE id IN (SELECT value FROM json_each(?))"
        for month, ids in sorted(by_month.items()):
            for (team,) in self.conn.execute(sql, (dumps(ids),)):
                by_team.setdefault(team, month)
        for team in teams:
            by_team[team] = ""  # every month
        self.conn.executemany("DELETE FROM checkpoints WHERE team = ? AND month >= ?", by_team.items())
