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

# bad input the store will not take (BadInput, exit 3) and actions it will not do now (Refused,
# exit 4); the English is what these refusals always read
texts.register(
    {
        "store.row": ("row {number}: {problem}", "第 {number} 行：{problem}"),
        "store.row_of": ("row {number}: ", "第 {number} 行："),
        "store.employee_no_id": ("{where}employee: ", "{where}员工："),
        "store.field_name": (
            "{where}scorecard field names must be non-empty text, got {field}",
            "{where}考核表字段名必须是非空文本，收到的是 {field}",
        ),
        "store.field_text": (
            "{where}scorecard field {field}: store the text as typed, got {kind}",
            "{where}考核表字段 {field}：应按输入原样保存文本，收到的是 {kind}",
        ),
        "store.incident_of": ("{where}incident of employee {employee}: ", "{where}员工 {employee} 的奖惩记录："),
        "store.incident_date": (
            "{prefix}date must be a date ({pattern}), got {value}",
            "{prefix}日期必须是日期（{pattern}），收到的是 {value}",
        ),
        "store.incident_code": ("{prefix}code is required", "{prefix}必须填写代码"),
        "store.incident_count": (
            "{prefix}count must be a whole number >= 1, got {value}",
            "{prefix}次数必须是大于等于 1 的整数，收到的是 {value}",
        ),
        "store.incident_points": (
            "{prefix}points must be a Decimal or empty, got {value}",
            "{prefix}分数必须是数字或留空，收到的是 {value}",
        ),
        "store.card_twice": (
            "row {number}: scorecard {employee}/{month} appears twice (also row {first})",
            "第 {number} 行：考核表 {employee}/{month} 出现了两次（另见第 {first} 行）",
        ),
        "store.employee_of": ("{where}employee {employee}: ", "{where}员工 {employee}："),
        "store.employee_field": ("{prefix}{field} is required", "{prefix}必须填写 {field}"),
        "store.employee_status": (
            "{prefix}status {status}: expected one of {statuses}",
            "{prefix}状态 {status} 无效：应为 {statuses} 之一",
        ),
        "store.employee_exists": ("employee {employee} already exists", "员工 {employee} 已存在"),
        "store.employee_twice": (
            "row {number}: employee {employee} appears twice (also row {first})",
            "第 {number} 行：员工 {employee} 出现了两次（另见第 {first} 行）",
        ),
        "store.sort_by": (
            "cannot sort employees by {column}: expected one of {columns}",
            "不能按 {column} 排序员工：应为 {columns} 之一",
        ),
        "store.user_role": ("role {role}: expected one of {roles}", "角色 {role} 无效：应为 {roles} 之一"),
        "store.supervisor_teams": (
            "supervisor '{login}' needs at least one team ({option} T)",
            "主管“{login}”至少需要一个组别（{option} T）",
        ),
        "store.agent_teams": (
            "agent '{login}' reads only their own records: give no {option}",
            "客服专员“{login}”只能查看本人的记录：请勿指定 {option}",
        ),
        "store.agent_login": (
            "agent '{login}' must be the roster login of exactly one employee; "
            "set it with an import or the roster form first",
            "客服专员“{login}”必须恰好是一名员工在花名册中的登录名；请先通过导入或花名册表单设置",
        ),
        "store.last_admin": (
            "'{login}' is the last admin; add another admin first",
            "“{login}”是最后一名管理员；请先添加另一名管理员",
        ),
        "store.team_id": ("team id must not be empty", "组别编号不能为空"),
        "store.month_not_quarter": (
            "period {period}: scorecards and incidents belong to a month ({pattern}), not a quarter",
            "周期 {period}：考核表和奖惩记录属于某个月（{pattern}），不属于季度",
        ),
        "store.already_closed": (
            "period {period} is already closed (by {by} at {at})",
            "周期 {period} 已关闭（{by} 于 {at} 关闭）",
        ),
        "store.reopen_reason": ("reopening period {period} needs a reason", "重新打开周期 {period} 需要填写原因"),
        "store.closed_by_quarter": (
            "period {period} is closed through quarter {quarter}: reopen {quarter}",
            "周期 {period} 随季度 {quarter} 一并关闭：请重新打开 {quarter}",
        ),
        "store.not_closed": ("period {period} is not closed", "周期 {period} 未关闭"),
        "store.override_reason": (
            "override of employee {employee}: a reason is required",
            "员工 {employee} 的级别调整：必须填写原因",
        ),
        "store.override_level": (
            "override of employee {employee}: a level is required",
            "员工 {employee} 的级别调整：必须选择级别",
        ),
        "store.dispute_reason": ("a dispute needs a reason ({option} TEXT)", "申诉需要填写原因（{option} 文本）"),
        "store.answer_reason": (
            "an answer to a dispute needs a reason ({option} TEXT)",
            "答复申诉需要填写原因（{option} 文本）",
        ),
        "store.newer_schema": (
            "{path} has schema version {found}, newer than this {program} understands ({known}); upgrade {program}",
            "{path} 的数据库结构版本为 {found}，比本 {program} 能识别的版本（{known}）新；请升级 {program}",
        ),
        "store.desk_schema": (
            "{path}: schema version {found}, this {program} needs {known}; run any {program} command on it first "
            "({command})",
            "{path}：数据库结构版本为 {found}，本 {program} 需要 {known}；请先对它运行任一 {program} 命令（{command}）",
        ),
        "store.cannot_open": (
            "{path}: cannot open as a {program} database ({error})",
            "{path}：无法作为 {program} 数据库打开（{error}）",
        ),
        "store.no_employee": ("{where}no employee {employee}", "{where}没有员工 {employee}"),
        "store.no_incident": ("no incident {id}", "没有编号为 {id} 的奖惩记录"),
        "store.no_user": ("no user '{login}'", "没有用户“{login}”"),
        "store.no_dispute": ("no dispute {id}", "没有编号为 {id} 的申诉"),
        "store.no_result": ("you have no graded result for {period} to sign off", "您在 {period} 没有可签认的评定结果"),
        "store.window_closed": (
            "the sign-off window of {period} closed on {day} (applied {applied})",
            "{period} 的签认期限已于 {day} 结束（结果记录于 {applied}）",
        ),
        "store.confirmed_already": (
            "you confirmed your result of {period} at {at}",
            "您已于 {at} 确认了 {period} 的结果",
        ),
        "store.dispute_open": (
            "your dispute {id} of {period} is still open: wait for its answer",
            "您对 {period} 的申诉 {id} 尚待答复：请等待答复",
        ),
        "store.answered_already": (
            "dispute {id} was already {status} by {by} at {at}",
            "申诉 {id} 已由 {by} 于 {at} {status}",
        ),
        "store.status.accepted": ("accepted", "接受"),
        "store.status.rejected": ("rejected", "驳回"),
        "store.window_days": (
            "{source}: {setting}: expected a whole number of days >= 0, got {raw}",
            "{source}：{setting}：应为大于等于 0 的整数天数，实际为 {raw}",
        ),
        "store.no_role": Template(
            "login '{login}' has no role in {path}; ask an admin to run: {command}",
            "账号“{login}”在 {path} 中没有角色；请管理员运行：{command}",
        ),
        "store.agents_sign": Template(
            "only an agent tied to one employee signs off results; login '{login}' is {role}",
            "只有对应一名员工的客服专员才能签认结果；账号“{login}”是{role}",
            ROLE,
        ),
        "store.disputes_open": (
            "period {period} has {count} open dispute(s) ({command}); answer them, or close it with {option}",
            "周期 {period} 有 {count} 个申诉尚待答复（{command}）；请先答复，或用 {option} 说明原因后关闭",
        ),
        "store.no_group": ("no group named {group} on this machine", "本机没有名为 {group} 的用户组"),
        "store.share_directory": (
            "cannot give {directory} to group {group}; make it first: {command}",
            "无法把 {directory} 交给用户组 {group}；请先创建：{command}",
        ),
    }
)


class StoreError(CstuiError):
    """A store operation that cannot be done; ``str(error)`` is the user-facing message."""


def error_text(error: BaseException):
    """What ``error`` was raised with: its template line (rendered again in the reader's
    language where it is quoted inside another), else its text."""
    said = error.args[0] if len(error.args) == 1 else None
    return said if isinstance(said, str) else str(error)


class BadInput(StoreError):
    """A value or request the store will not take: a required field left empty, an id given
    twice or already taken, a malformed period, a reason missing (invalid data, exit 3)."""

    exit_code = EXIT_INVALID


class Refused(StoreError):
    """An action the store will not do in the database's present state: remove the last admin,
    reopen a period that is not closed, open a file of a newer cstui (refused, exit 4)."""

    exit_code = EXIT_REFUSED


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
