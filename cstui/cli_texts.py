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
