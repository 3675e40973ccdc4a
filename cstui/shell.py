"""``cstui shell LOGIN``: the one command a person's SSH key (or a sudo rule) may run.

The deployment (docs/deploy.md) gives the database to a service account, mode 0600; people
reach it only through ``authorized_keys`` lines such as

    command="/opt/cstui/bin/cstui --db /srv/cstui/company.db shell li.wang",restrict,pty ssh-ed25519 AAAA...

so the login comes from the key, not from the person. ``shell`` trusts LOGIN only when the
process runs as the account that owns the database; under sudo, LOGIN must be the account
that ran sudo. The command the person asked for (``SSH_ORIGINAL_COMMAND``, or the words after
LOGIN) is split with shlex, never given to a shell, and must be on the allow-list below; with
none, the TUI opens (``ssh -t``).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.store import AccessDenied
from cstui.store.files import require_database_file
from cstui.store.identity import is_service_account, sudo_login

# commands a login may run through the forced command; the store checks the login's role
# for each of them, as for anyone else
ALLOWED_COMMANDS = {
    ("import", "roster"),
    ("import", "scorecards"),
    ("import", "incidents"),
    ("period", "list"),
    ("period", "close"),
    ("period", "reopen"),
    ("user", "list"),
    ("user", "add"),
    ("scheme", "show"),
    ("schemes",),
    ("check",),
    ("audit",),
    ("employee", "assign"),
    ("employee", "timeline"),
    ("place",),
    ("web-token",),  # a link to the TUI in a browser, for this key's login (cstui web, docs/deploy.md)
    ("results",),
    ("confirm",),
    ("dispute", "list"),
    ("dispute", "open"),
    ("dispute", "answer"),
}
BATCH_VALUE_OPTIONS = {"--scheme", "--period", "--team", "--format"}  # not --jobs: workers are cstui's choice here
BATCH_FLAGS = {"--explain", "--apply"}
ALONE = {"--version", "--help", "-h"}
# the forced command fixes the database; files on the server are the service account's
REFUSED_OPTIONS = {
    "--db": "shell.why_db",
    "--output": "shell.why_output",
    "--demo": "shell.why_service",
    "--debug": "shell.why_service",
}
ALLOWED_HINT = (
    "batch (--scheme --period), import, period, user, scheme show, schemes, check, audit, employee, place, "
    "web-token, results, confirm, dispute"
)

# the forced command's refusals; commands, options and the program's name are arguments (they
# read the same in 中文)
texts.register(
    {
        "shell.why_db": ("the database is fixed by your key's forced command", "数据库由您密钥的强制命令指定"),
        "shell.why_output": (
            "reports go to standard output (redirect it on your side)",
            "报告输出到标准输出（请在您这一端重定向）",
        ),
        "shell.why_service": ("not through the service account", "不能通过服务账户使用"),
        "shell.not_owner": (
            "{program} {shell} runs only as the account that owns {path} (the service account); "
            "as yourself, run {program} without {shell}",
            "{program} {shell} 只能以拥有 {path} 的账户（服务账户）运行；以您本人身份请直接运行 {program}，不要加 {shell}",
        ),
        "shell.sudo": (
            "{program} {shell} {login}: under {sudo} you are {invoker}, not {login}",
            "{program} {shell} {login}：在 {sudo} 下您是 {invoker}，不是 {login}",
        ),
        "shell.unreadable": (
            "cannot read the command ({error}); nothing ran",
            "无法解析该命令（{error}）；未执行任何操作",
        ),
        "shell.option": (
            "{option} is not allowed here: {why}; nothing ran",
            "此处不允许 {option}：{why}；未执行任何操作",
        ),
        "shell.command": (
            "'{command}' is not a command {program} allows here; allowed: {allowed}",
            "此处 {program} 不允许命令“{command}”；允许的有：{allowed}",
        ),
        "shell.batch_option": (
            "{word}: not a batch option allowed here; nothing ran",
            "{word}：此处不允许该批处理选项；未执行任何操作",
        ),
        "shell.batch_needs": (
            "batch mode needs {scheme} NAME and {period} P; nothing ran",
            "批处理模式需要 {scheme} 方案名 和 {period} 周期；未执行任何操作",
        ),
        "shell.stdin": (
            "import reads its file from standard input here: give - as the file ({example}); nothing ran",
            "此处导入从标准输入读取文件：请以 - 作为文件（{example}）；未执行任何操作",
        ),
        "shell.scheme_file": (
            "{option} {name}: only an installed scheme's name here, not a file; nothing ran",
            "{option} {name}：此处只能用已安装方案的名称，不能用文件；未执行任何操作",
        ),
    }
)


class ShellRefused(AccessDenied):
    """A command the forced command does not allow; nothing ran."""


def trust_login(db_path: Path, login: str) -> None:
    """Refuse ``shell LOGIN`` unless this process is the database's service account (and, under
    sudo, LOGIN is the person who ran sudo): anyone else could claim any login."""
    require_database_file(db_path)
    if not is_service_account(db_path):
        raise ShellRefused(line("shell.not_owner", program="cstui", shell="shell", path=str(db_path)))
    invoker = sudo_login()
    if invoker is not None and invoker != login:
        raise ShellRefused(
            line("shell.sudo", program="cstui", shell="shell", sudo="sudo", login=login, invoker=invoker)
        )


def requested_words(words: tuple[str, ...], original: str | None) -> list[str]:
    """The command to run: the words after LOGIN (fixed by whoever wrote the forced command),
    else ``SSH_ORIGINAL_COMMAND``; [] opens the TUI. Checked against the allow-list."""
    if words:
        chosen = list(words)
    elif original and original.strip():
        try:
            chosen = shlex.split(original)
        except ValueError as error:
            raise ShellRefused(line("shell.unreadable", error=str(error))) from None
    else:
        return []
    check_allowed(chosen)
    return chosen


def check_allowed(words: list[str]) -> None:
    for word in words:
        option = word.split("=", 1)[0]
        if option in REFUSED_OPTIONS:
            raise ShellRefused(line("shell.option", option=option, why=line(REFUSED_OPTIONS[option])))
    if len(words) == 1 and words[0] in ALONE:
        return
    if words[0].startswith("-"):
        _check_batch(words)
        return
    command = next((c for c in ALLOWED_COMMANDS if tuple(words[: len(c)]) == c), None)
    if command is None:
        raise ShellRefused(line("shell.command", command=shlex.join(words[:2]), program="cstui", allowed=ALLOWED_HINT))
    _check_arguments(command, words[len(command) :])


def _check_batch(words: list[str]) -> None:
    given, rest = set(), iter(words)
    for word in rest:
        option, has_value, value = word.partition("=")
        if option in BATCH_FLAGS and not has_value:
            given.add(option)
        elif option in BATCH_VALUE_OPTIONS:
            value = value if has_value else next(rest, "")
            if option == "--scheme":
                _check_scheme_name(value)
            given.add(option)
        else:
            raise ShellRefused(line("shell.batch_option", word=word))
    if not {"--scheme", "--period"} <= given:
        raise ShellRefused(line("shell.batch_needs", scheme="--scheme", period="--period"))


def _check_arguments(command: tuple[str, ...], rest: list[str]) -> None:
    if command[0] == "import" and (not rest or rest[0] != "-"):
        example = "ssh ... import scorecards - --period P --scheme S < file.csv"
        raise ShellRefused(line("shell.stdin", example=example))
    if command == ("scheme", "show") and rest:
        _check_scheme_name(rest[0])
    for option, value in zip(rest, rest[1:]):
        if option == "--scheme":
            _check_scheme_name(value)
    for word in rest:
        if word.startswith("--scheme="):
            _check_scheme_name(word.split("=", 1)[1])


def _check_scheme_name(name: str) -> None:
    if "/" in name or name.endswith(".toml") or name.startswith("."):
        raise ShellRefused(line("shell.scheme_file", option="--scheme", name=name))


def ssh_original_command() -> str | None:
    return os.environ.get("SSH_ORIGINAL_COMMAND")
