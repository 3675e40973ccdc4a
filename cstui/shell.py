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
    "--db": "the database is fixed by your key's forced command",
    "--output": "reports go to standard output (redirect it on your side)",
    "--demo": "not through the service account",
    "--debug": "not through the service account",
}


class ShellRefused(AccessDenied):
    """A command the forced command does not allow; nothing ran."""


def trust_login(db_path: Path, login: str) -> None:
    """Refuse ``shell LOGIN`` unless this process is the database's service account (and, under
    sudo, LOGIN is the person who ran sudo): anyone else could claim any login."""
    require_database_file(db_path)
    if not is_service_account(db_path):
        raise ShellRefused(
            f"cstui shell runs only as the account that owns {db_path} (the service account); "
            "as yourself, run cstui without shell"
        )
    invoker = sudo_login()
    if invoker is not None and invoker != login:
        raise ShellRefused(f"cstui shell {login}: under sudo you are {invoker}, not {login}")


def requested_words(words: tuple[str, ...], original: str | None) -> list[str]:
    """The command to run: the words after LOGIN (fixed by whoever wrote the forced command),
    else ``SSH_ORIGINAL_COMMAND``; [] opens the TUI. Checked against the allow-list."""
    if words:
        chosen = list(words)
    elif original and original.strip():
        try:
            chosen = shlex.split(original)
        except ValueError as error:
            raise ShellRefused(f"cannot read the command ({error}); nothing ran") from None
    else:
        return []
    check_allowed(chosen)
    return chosen


def check_allowed(words: list[str]) -> None:
    for word in words:
        option = word.split("=", 1)[0]
        if option in REFUSED_OPTIONS:
            raise ShellRefused(f"{option} is not allowed here: {REFUSED_OPTIONS[option]}; nothing ran")
    if len(words) == 1 and words[0] in ALONE:
        return
    if words[0].startswith("-"):
        _check_batch(words)
        return
    command = next((c for c in ALLOWED_COMMANDS if tuple(words[: len(c)]) == c), None)
    if command is None:
        raise ShellRefused(
            f"'{shlex.join(words[:2])}' is not a command cstui allows here; "
            "allowed: batch (--scheme --period), import, period, user, scheme show, schemes, check, audit, employee, place, "
            "web-token, results, confirm, dispute"
        )
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
            raise ShellRefused(f"{word}: not a batch option allowed here; nothing ran")
    if not {"--scheme", "--period"} <= given:
        raise ShellRefused("batch mode needs --scheme NAME and --period P; nothing ran")


def _check_arguments(command: tuple[str, ...], rest: list[str]) -> None:
    if command[0] == "import" and (not rest or rest[0] != "-"):
        raise ShellRefused(
            "import reads its file from standard input here: give - as the file "
            "(ssh ... import scorecards - --period P --scheme S < file.csv); nothing ran"
        )
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
        raise ShellRefused(f"--scheme {name}: only an installed scheme's name here, not a file; nothing ran")


def ssh_original_command() -> str | None:
    return os.environ.get("SSH_ORIGINAL_COMMAND")
