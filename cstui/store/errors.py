"""Errors the store raises. Every message is written for the person at the keyboard."""

from __future__ import annotations

from cstui.domain import texts
from cstui.domain.texts import Template, line
from cstui.errors import EXIT_INVALID, EXIT_REFUSED, CstuiError

ROLE = {"role": "role"}  # the argument of a refusal that is a login's role: shown by its label

# the refusals a person meets in the TUI as in the CLI: English for the CLI as it always read,
# 中文 for the TUI in zh (cstui.tui.guard.user_message renders them); ``what`` is a line too
texts.register(
    {
        "store.closed": (
            "{what}: period {period} is closed (by {by} at {at}); a manager can reopen it with a reason",
            "{what}：周期 {period} 已关闭（{by} 于 {at} 关闭）；经理可填写原因重新打开",
        ),
        "store.see_own": Template(
            "login '{login}' ({role}) may see only their own records, not {what}",
            "账号“{login}”（{role}）只能查看本人的记录，不能查看{what}",
            ROLE,
        ),
        "store.see_team": Template(
            "login '{login}' ({role}) may not see {what} of team {team}",
            "账号“{login}”（{role}）不能查看组别 {team} 的{what}",
            ROLE | {"team": "team"},
        ),
        "store.write_viewer": Template(
            "cannot change {what} of team {team}: login '{login}' ({role}) is a viewer and may not change anything",
            "不能修改组别 {team} 的{what}：账号“{login}”（{role}）只能查看，不能修改任何内容",
            ROLE | {"team": "team"},
        ),
        "store.write_teams": Template(
            "cannot change {what} of team {team}: login '{login}' ({role}) may only change teams {teams}",
            "不能修改组别 {team} 的{what}：账号“{login}”（{role}）只能修改组别 {teams}",
            ROLE | {"team": "team"},
        ),
        "store.manager_only": Template(
            "only a manager or admin may {what}; login '{login}' is {role}",
            "只有经理或管理员可以{what}；账号“{login}”是{role}",
            ROLE,
        ),
        "store.admin_only": Template(
            "only an admin may {what}; login '{login}' is {role}", "只有管理员可以{what}；账号“{login}”是{role}", ROLE
        ),
        "store.conflict": (
            "{entity} {id} {change} since you read it (your version {expected}, now {actual}); "
            "nothing was saved: reload and apply your change again",
            "{entity} {id} 在您读取后{change}（您的版本 {expected}，当前 {actual}）；未保存任何内容：请刷新后重新修改",
        ),
        "store.conflict.deleted": ("was deleted", "已被删除"),
        "store.conflict.changed": ("was changed by {who} at {when}", "已被 {who} 于 {when} 修改"),
        "store.conflict.someone": ("someone", "他人"),
        "store.conflict.unknown_time": ("an unknown time", "未知时间"),
        "store.conflict.scorecard": ("scorecard", "考核表"),
        "store.conflict.employee": ("employee", "员工"),
        "store.conflict.incident": ("incident", "奖惩记录"),
        "store.team": ("{team}", "{label_zh}"),  # a team in a refusal (StoreCore._team_named)
        "store.no_teams": ("(none)", "（无）"),
        # what a refusal is about
        "what.card_of": ("the scorecard of employee {employee}", "员工 {employee} 的考核表"),
        "what.card": ("scorecard {card}", "考核表 {card}"),
        "what.card_row": ("row {number}: scorecard {employee}/{month}", "第 {number} 行：考核表 {employee}/{month}"),
        "what.incidents_of": ("incidents of employee {employee}", "员工 {employee} 的奖惩记录"),
        "what.incident": ("incident {id}", "奖惩记录 {id}"),
        "what.incident_on": ("{where}incident of {employee} on {date}", "{where}{employee} 于 {date} 的奖惩记录"),
        "what.employee": ("employee {employee}", "员工 {employee}"),
        "what.history_of": ("the history of employee {employee}", "员工 {employee} 的历史"),
        "what.assigning": ("assigning employee {employee} from {month}", "自 {month} 起为员工 {employee} 指定方案"),
        "what.sign_off": ("sign-off of {period}", "{period} 的结果确认"),
        "what.dispute": ("dispute {id}", "申诉 {id}"),
        "what.close": ("close period {period}", "关闭周期 {period}"),
        "what.reopen": ("reopen period {period}", "重新打开周期 {period}"),
        "what.place": ("place an employee on a level by hand", "手动为员工定级"),
        "what.override": ("override of employee {employee} from {month}", "自 {month} 起员工 {employee} 的级别调整"),
        "what.results_of": ("results of employee {employee}", "员工 {employee} 的结果"),
        "what.results": ("results of {period}", "{period} 的结果"),
        "what.audit_read": ("read the audit trail", "查看审计记录"),
        "what.audit_verify": ("verify the audit trail", "校验审计记录"),
        "what.users": ("manage users", "管理用户"),
        "what.teams": ("add or rename teams", "添加或重命名组别"),
    }
)


class StoreError(CstuiError):
    """A store operation that cannot be done; ``str(error)`` is the user-facing message."""


class AccessDenied(StoreError):
    """The login has no role, or its role does not allow this read or write."""

    exit_code = EXIT_REFUSED


class NotFound(StoreError):
    """No such employee, incident, user ...: a mistyped id is bad input (exit 3), not a failure."""

    exit_code = EXIT_INVALID


class PeriodClosed(StoreError):
    """The period (or its quarter) is closed: its scorecards, incidents and results are locked."""

    exit_code = EXIT_REFUSED


class ChangedMeanwhile(StoreError):
    """Other writers committed during every try of a write that depends on what it read (an apply)."""

    exit_code = EXIT_REFUSED


CONFLICT_ENTITIES = {"store.conflict.scorecard", "store.conflict.employee", "store.conflict.incident"}


class Conflict(StoreError):
    """Someone else changed the row since it was read (optimistic locking).

    ``who`` and ``when`` name the change that won; nothing was written.
    """

    exit_code = EXIT_REFUSED

    def __init__(self, entity: str, key: str, who: str | None, when: str | None, expected: int, actual: int):
        self.entity = entity
        self.key = key
        self.who = who
        self.when = when
        self.expected = expected
        self.actual = actual
        if actual == 0:
            change = line("store.conflict.deleted")
        else:
            who_text = who or line("store.conflict.someone")
            change = line("store.conflict.changed", who=who_text, when=when or line("store.conflict.unknown_time"))
        named = f"store.conflict.{entity}"
        shown = line(named) if named in CONFLICT_ENTITIES else entity
        super().__init__(line("store.conflict", entity=shown, id=key, change=change, expected=expected, actual=actual))


class SignOffRefused(StoreError):
    """An agent's confirmation or dispute that cannot be taken now: no graded result, its window
    has passed, already confirmed, or a dispute still open; or an answer to a dispute already answered."""

    exit_code = EXIT_REFUSED


class DisputesOpen(StoreError):
    """A period cannot be closed while its disputes are open, unless a manager gives a reason."""

    exit_code = EXIT_REFUSED
