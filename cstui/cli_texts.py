"""The command line's own refusals (cli_people, cli_signoff, cli_schemes) as text templates:
a command imports this when it refuses, so ``--help`` never imports the domain for them."""

from __future__ import annotations

from cstui.domain import texts
from cstui.domain.texts import line

texts.register(
    {
        # cli: audit verify
        "audit.broken": (
            "audit trail broken at {at} ({checked} rows before it hold)",
            "审计链在 {at} 处断开（其前 {checked} 行完好）",
        ),
        # cli_people
        "place.not_placement": (
            "{option} {scheme}: model {model}, not placement; a placement form needs a placement scheme",
            "{option} {scheme}：模型为 {model}，不是入职定级模型；定级表需要入职定级方案",
        ),
        "place.no_level": (
            "{employee}: score {score} places no level; nothing recorded",
            "{employee}：得分 {score} 定不出级别；未记录任何内容",
        ),
        "place.bad_field": (
            "{option} {field}: expected {pattern} with FIELD one of {fields}",
            "{option} {field}：应为 {pattern}，其中字段为 {fields} 之一",
        ),
        # cli_signoff
        "signoff.no_own_employee": (
            "login '{login}' is the roster login of no employee (or of several)",
            "账号“{login}”不是任何员工的花名册登录名（或同时属于多名员工）",
        ),
        "signoff.no_dispute": ("no dispute {id}", "没有编号为 {id} 的申诉"),
        "signoff.not_accepted": (
            "dispute {id} is {status}: only an accepted one is recorded again",
            "申诉 {id} {status}：只有已接受的申诉才能重新记录结果",
        ),
        "signoff.status.open": ("open", "尚待答复"),
        "signoff.status.rejected": ("rejected", "已被驳回"),
        "signoff.status.accepted": ("accepted", "已被接受"),
        # usage errors cstui raises itself (click's own say theirs)
        "usage.batch_needs_both": (
            "batch mode needs both {scheme} and {period}",
            "批处理模式需要同时给出 {scheme} 和 {period}",
        ),
        "usage.batch_option": (
            "{options} is for batch mode or the TUI, not for `{command}`; leave it out",
            "{options} 只用于批处理模式或终端界面，不用于 `{command}`；请去掉",
        ),
        "usage.batch_options": (
            "{options} are for batch mode or the TUI, not for `{command}`; leave them out",
            "{options} 只用于批处理模式或终端界面，不用于 `{command}`；请去掉",
        ),
        "usage.needs_output": ("{format} needs {output}", "{format} 需要同时给出 {output}"),
        "usage.tui_needs_terminal": (
            "no command given, and the TUI needs a terminal: {ssh} for the TUI, or give a command",
            "未给出命令，而终端界面需要一个终端：用 {ssh} 打开终端界面，或给出一条命令",
        ),
        "usage.format_one_of": ("{format}; expected one of {known}", "{format}：应为 {known} 之一"),
        "usage.accept_or_reject": ("say {accept} or {reject}", "请指定 {accept} 或 {reject}"),
        "usage.web_session": (
            "{command} is started by `{web}` for a browser; run `{token}` instead",
            "{command} 由 `{web}` 为浏览器启动；请改用 `{token}`",
        ),
        # cli_schemes
        "schemes.none_named": (
            "{ref}: no installed scheme is named {name}; name the scheme it would replace: {option}",
            "{ref}：没有已安装的方案名为 {name}；请指明它要替换的方案：{option}",
        ),
    }
)


def dispute_status(status: str):
    """A dispute's status as a line (in the reader's language); an unknown one as it is."""
    return line(f"signoff.status.{status}") if texts.template(f"signoff.status.{status}") else status
