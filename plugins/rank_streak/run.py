"""One agent's streak of team ranks while the months are replayed (see :mod:`.model`)."""

from __future__ import annotations

from typing import Any

from cstui.domain import Employee, Override, Period, Scorecard
from cstui.domain.values import format_number
from cstui.engine.replay import MonthState, override_why, parse_card
from cstui.engine.tenure import complete_months


class StreakRun:
    def __init__(self, team: Any, employee: Employee, level: str):
        self.team, self.p, self.employee, self.level = team, team.p, employee, level
        self.streak: list[str] = []  # the months in a row in the top, oldest first
        self.complaints: dict[str, int | None] = {}  # the last months' valid complaints (None: no card)
        self.pending_why: str | None = None

    def state(self) -> dict:
        return {
            "level": self.level,
            "streak": self.streak,
            "complaints": self.complaints,
            "pending_why": self.pending_why,
        }

    @classmethod
    def restore(cls, team: Any, employee: Employee, state: dict) -> StreakRun:
        run = cls(team, employee, state["level"])
        run.streak, run.complaints, run.pending_why = (
            list(state["streak"]),
            dict(state["complaints"]),
            state["pending_why"],
        )
        return run

    def month(self, month: Period, card: Scorecard | None, override: Override | None) -> MonthState:
        state = MonthState(month, self.level, self.level, why=self.pending_why)
        self.pending_why = None
        if override is not None:
            self.level = state.level = state.level_after = override.level
            self.streak = []
            state.why = override_why(override)
            state.flags.append("override")
            state.trace.append(f"override → {override.level} from {month}: {override.reason}; the streak restarts")
        self._remember(month, card)
        if card is None:
            self.streak = []
            state.decision = "missing"
            state.flags.append(f"missing {month}")
            state.trace.append(f"no scorecard for {month}: the streak restarts")
            return state
        state.decision = "stay"
        self._rank(state)
        if len(self.streak) >= self.p.months:
            self._check(state)
        return state

    def _remember(self, month: Period, card: Scorecard | None) -> None:
        count = None if card is None else parse_card(self.p.specs, self.employee.id, card)[self.p.complaints]
        self.complaints[str(month)] = count
        keep = {str(month.shift(-i)) for i in range(self.p.complaint_months)}
        self.complaints = {m: c for m, c in self.complaints.items() if m in keep}

    def _rank(self, state: MonthState) -> None:
        score, rank, members = self.team.standing[state.period][self.employee.id]
        state.score = score
        top = self.p.top
        if rank <= top:
            self.streak.append(str(state.period))
            state.trace.append(
                f"ranking score {format_number(score)}: rank {rank} of {members} (top {top}) → {len(self.streak)} month(s) in a row"
            )
        else:
            self.streak = []
            state.trace.append(
                f"ranking score {format_number(score)}: rank {rank} of {members} (below the top {top}) → the streak restarts"
            )

    def _check(self, state: MonthState) -> None:
        p, ladder = self.p, self.p.ladder
        at = ladder.index(self.level) if self.level in ladder else 0
        if at + 1 >= len(ladder):
            state.trace.append(
                f"{len(self.streak)} months in the top {p.top} → stays {self.level}: the top of the ladder"
            )
            return
        effective = state.period.next().first_day
        tenure = complete_months(self.employee.hire_date, effective)
        if tenure < p.tenure_months:
            state.decision = "eligible"
            state.flags.append("eligible")
            state.trace.append(
                f"{len(self.streak)} months in the top {p.top} but {tenure} months in post on {effective} < {p.tenure_months} → stays {self.level} (eligible)"
            )
            return
        window = [state.period.shift(-i) for i in range(p.complaint_months - 1, -1, -1)]
        counts = [self.complaints.get(str(m)) for m in window]
        if any(c is None or c > 0 for c in counts):
            shown = ", ".join(f"{m} {'no card' if c is None else c}" for m, c in zip(window, counts))
            state.trace.append(
                f"{len(self.streak)} months in the top {p.top} but valid complaints in the last {p.complaint_months} months ({shown}) → stays {self.level}"
            )
            return
        new = ladder[at + 1]
        why = f"{len(self.streak)} months in the top {p.top} ({', '.join(self.streak)}), {tenure} months in post >= {p.tenure_months}, no valid complaint in {window[0]}..{window[-1]}"
        state.decision = "promote"
        state.level_after = new
        state.trace.append(f"{why} → {self.level} → {new} from {state.period.next()}")
        self.level, self.pending_why, self.streak = new, why, []
