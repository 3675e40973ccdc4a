"""One agent's streak of team ranks while the months are replayed (see :mod:`.model`)."""

from __future__ import annotations

from typing import Any

from cstui.domain import Employee, Override, Period, Scorecard, texts
from cstui.domain.texts import from_json, joined, line, to_json
from cstui.domain.values import format_number
from cstui.engine.replay import MonthState, override_why, parse_card
from cstui.engine.tenure import complete_months

_L = {"level": "level", "before": "level", "after": "level"}
texts.register(
    {
        "rank-streak.override": (
            "override → {level} from {month}: {reason}; the streak restarts",
            "手动调整 → {level}，自 {month} 起：{reason}；连续计数重新开始",
            _L,
        ),
        "rank-streak.in_top": (
            "ranking score {score}: rank {rank} of {members} (top {top}) → {n} month(s) in a row",
            "排名得分 {score}：{members} 人中第 {rank} 名（前 {top} 名）→ 连续 {n} 个月",
        ),
        "rank-streak.below_top": (
            "ranking score {score}: rank {rank} of {members} (below the top {top}) → the streak restarts",
            "排名得分 {score}：{members} 人中第 {rank} 名（未进前 {top} 名）→ 连续计数重新开始",
        ),
        "rank-streak.at_top": (
            "{n} months in the top {top} → stays {level}: the top of the ladder",
            "连续 {n} 个月前 {top} 名 → 保持 {level}：已是最高级",
            _L,
        ),
        "rank-streak.tenure_short": (
            "{n} months in the top {top} but {tenure} months in post on {day} < {needed} → stays {level} (eligible)",
            "连续 {n} 个月前 {top} 名，但 {day} 时在岗 {tenure} 个月 < {needed} → 保持 {level}（符合条件）",
            _L,
        ),
        "rank-streak.no_card": ("{month} no card", "{month} 无考核表"),
        "rank-streak.complaints": (
            "{n} months in the top {top} but valid complaints in the last {months} months ({shown}) → stays {level}",
            "连续 {n} 个月前 {top} 名，但近 {months} 个月有有效投诉（{shown}）→ 保持 {level}",
            _L,
        ),
        "rank-streak.why": (
            "{n} months in the top {top} ({months}), {tenure} months in post >= {needed}, no valid complaint in {first}..{last}",
            "连续 {n} 个月前 {top} 名（{months}），在岗 {tenure} 个月 >= {needed}，{first}..{last} 无有效投诉",
        ),
        "rank-streak.move": (
            "{why} → {before} → {after} from {month}",
            "{why} → {before} → {after}，自 {month} 起",
            _L,
        ),
    }
)


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
            "pending_why": to_json(self.pending_why),
        }

    @classmethod
    def restore(cls, team: Any, employee: Employee, state: dict) -> StreakRun:
        run = cls(team, employee, state["level"])
        run.streak, run.complaints, run.pending_why = (
            list(state["streak"]),
            dict(state["complaints"]),
            from_json(state["pending_why"]),
        )
        return run

    def month(self, month: Period, card: Scorecard | None, override: Override | None) -> MonthState:
        state = MonthState(month, self.level, self.level, why=self.pending_why)
        self.pending_why = None
        if override is not None:
            self.level = state.level = state.level_after = override.level
            self.streak = []
            state.why = override_why(override)
            state.flags.append(line("flag.override"))
            state.trace.append(line("rank-streak.override", level=override.level, month=month, reason=override.reason))
        self._remember(month, card)
        if card is None:
            self.streak = []
            state.decision = "missing"
            state.flags.append(line("flag.missing", month=month))
            state.trace.append(line("model.no_card_restart", month=month))
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
            standing = dict(score=format_number(score), rank=rank, members=members, top=top)
            state.trace.append(line("rank-streak.in_top", **standing, n=len(self.streak)))
        else:
            self.streak = []
            standing = dict(score=format_number(score), rank=rank, members=members, top=top)
            state.trace.append(line("rank-streak.below_top", **standing))

    def _check(self, state: MonthState) -> None:
        p, ladder = self.p, self.p.ladder
        at = ladder.index(self.level) if self.level in ladder else 0
        if at + 1 >= len(ladder):
            state.trace.append(line("rank-streak.at_top", n=len(self.streak), top=p.top, level=self.level))
            return
        effective = state.period.next().first_day
        tenure = complete_months(self.employee.hire_date, effective)
        if tenure < p.tenure_months:
            state.decision = "eligible"
            state.flags.append(line("flag.eligible"))
            short = dict(tenure=tenure, day=effective, needed=p.tenure_months, level=self.level)
            state.trace.append(line("rank-streak.tenure_short", n=len(self.streak), top=p.top, **short))
            return
        window = [state.period.shift(-i) for i in range(p.complaint_months - 1, -1, -1)]
        counts = [self.complaints.get(str(m)) for m in window]
        if any(c is None or c > 0 for c in counts):
            shown = joined(
                [line("rank-streak.no_card", month=m) if c is None else f"{m} {c}" for m, c in zip(window, counts)],
                ", ",
            )
            complained = dict(months=p.complaint_months, shown=shown, level=self.level)
            state.trace.append(line("rank-streak.complaints", n=len(self.streak), top=p.top, **complained))
            return
        new = ladder[at + 1]
        streak = dict(n=len(self.streak), top=p.top, months=", ".join(self.streak))
        clean = dict(tenure=tenure, needed=p.tenure_months, first=window[0], last=window[-1])
        why = line("rank-streak.why", **streak, **clean)
        state.decision = "promote"
        state.level_after = new
        state.trace.append(line("rank-streak.move", why=why, before=self.level, after=new, month=state.period.next()))
        self.level, self.pending_why, self.streak = new, why, []
