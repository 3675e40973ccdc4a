"""cstui shell LOGIN: the forced command of a person's SSH key (docs/deploy.md).

The login is trusted only when cstui runs as the database's owner (the service account);
SSH_ORIGINAL_COMMAND runs only from the allow-list, split with shlex, never by a shell.
"""

from __future__ import annotations

import csv
import io
import os
import pwd

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstui.errors import EXIT_REFUSED
from cstui.shell import ShellRefused, check_allowed, requested_words, trust_login
from cstui.store.identity import current_login, os_login
from files_support import cstui

FUZZ = int(os.environ.get("CSTUI_FUZZ_EXAMPLES", "300"))


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    path = tmp_path_factory.mktemp("company") / "company.db"
    result = cstui("demo", "--db", str(path), "--employees", "12", "--months", "3")
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.parametrize(
    "command",
    [
        "--scheme star-levels --period 2026-10",
        "--scheme=star-levels --period 2026-10 --team hotline --format json --explain",
        "import scorecards - --period 2026-10 --scheme ecommerce-kpi",
        "import roster -",
        "import incidents -",
        "period list",
        "period close 2026-10",
        "check",
        "--version",
        "schemes",
        "scheme show star-levels",
        "audit verify",
        "user list",
    ],
)
def test_the_allow_list(command):
    assert requested_words((), command) == command.split()


@pytest.mark.parametrize(
    "command",
    [
        "bash",
        "sh -c id",
        "sqlite3 /srv/cstui/company.db",
        "cat company.db",
        "shell li.manager",
        "init x.db",
        "demo --db x.db",
        "plugins",
        "--db other.db period list",
        "period list --db=other.db",
        "--scheme star-levels --period 2026-10 --output /srv/cstui/company.db",
        "import roster staff.csv",
        "import scorecards /etc/shadow --period 2026-10 --scheme star-levels",
        "--scheme ./evil.toml --period 2026-10",
        "scheme show /etc/passwd",
        "scheme check x.toml",
        "--scheme star-levels",
        "--debug period list",
        "period list; bash",
        "'unclosed",
        "--lang zh",
        "--scheme star-levels --period 2026-10 --jobs 500",
    ],
)
def test_everything_else_is_refused(command):
    with pytest.raises(ShellRefused, match="nothing ran|not a command|not allowed"):
        requested_words((), command)


@settings(max_examples=FUZZ)
@given(
    st.lists(
        st.sampled_from(
            ["period", "list", "import", "roster", "-", "--scheme", "star-levels", "--period", "2026-10", "check", "x"]
        ),
        max_size=6,
    ),
    st.integers(0, 6),
    st.sampled_from(["--db", "--db=x.db", "--output", "--output=r.csv", "--demo", "--debug"]),
)
def test_a_refused_option_anywhere_is_refused(words, at, option):
    words.insert(min(at, len(words)), option)
    with pytest.raises(ShellRefused):
        check_allowed(words)


def test_no_command_opens_the_tui():
    assert requested_words((), None) == [] and requested_words((), "  ") == []


def test_words_in_the_forced_command_win_over_the_requested_one():
    assert requested_words(("period", "list"), "bash") == ["period", "list"]


# -- who is trusted ---------------------------------------------------------------------------------


def test_shell_is_refused_unless_this_process_owns_the_database(tmp_path):
    path = tmp_path / "company.db"
    path.write_bytes(b"SQLite format 3\0" + b"\0" * 100)
    os.chown(path, 65534, -1)  # nobody's file: root is not its service account
    with pytest.raises(ShellRefused, match="only as the account that owns"):
        trust_login(path, "li.manager")


def test_under_sudo_shell_takes_only_the_sudo_users_login(tmp_path, monkeypatch):
    path = tmp_path / "company.db"
    path.write_bytes(b"SQLite format 3\0" + b"\0" * 100)
    monkeypatch.setenv("SUDO_UID", "65534")
    nobody = pwd.getpwuid(65534).pw_name
    with pytest.raises(ShellRefused, match=f"under sudo you are {nobody}"):
        trust_login(path, "li.manager")
    trust_login(path, nobody)


def test_sudo_names_the_person_only_for_the_service_account(tmp_path, monkeypatch):
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    ours.write_bytes(b"x")
    theirs.write_bytes(b"x")
    os.chown(theirs, 65534, -1)
    monkeypatch.setenv("SUDO_UID", "65534")
    assert current_login(ours) == pwd.getpwuid(65534).pw_name  # the service account speaks for its sudo user
    assert current_login(theirs) == os_login()  # anyone else is who the OS says
    monkeypatch.delenv("SUDO_UID")
    assert current_login(ours) == os_login()


# -- the whole command, as sshd runs it ------------------------------------------------------------------


def shell(company, login, original, stdin=None):
    return cstui("shell", login, db=company, stdin=stdin, env={"SSH_ORIGINAL_COMMAND": original})


def test_a_supervisor_sees_only_their_team(company):
    result = shell(company, "wang.supervisor", "--scheme star-levels --period 2026-10 --format csv")
    assert result.returncode == 0, result.stderr
    teams = {row["team"] for row in csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff")))}
    assert teams == {"hotline"}
    everyone = shell(company, "li.manager", "--scheme star-levels --period 2026-10 --format csv")
    assert {row["team"] for row in csv.DictReader(io.StringIO(everyone.stdout.lstrip("\ufeff")))} > {"hotline"}


def test_the_login_acts_as_itself_and_imports_from_stdin(company, tmp_path):
    db = tmp_path / "company.db"
    db.write_bytes(company.read_bytes())
    cards = "employee_id,sales_target,sales_actual\nE0001,100,131\n"
    result = shell(db, "wang.supervisor", "import scorecards - --period 2026-10 --scheme star-levels", stdin=cards)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("stdin.csv: 1 scorecard")
    from cstui.store import Store

    with Store.open(db, login="li.manager") as store:
        assert store.audit_log(limit=1)[0]["who"] == "wang.supervisor"


@pytest.mark.parametrize(
    "original", ["bash", "sh -c id", "--db /tmp/other.db period list", "sqlite3 x", "cat company.db"]
)
def test_refused_commands_exit_4_and_run_nothing(company, original):
    result = shell(company, "wang.supervisor", original)
    assert result.returncode == EXIT_REFUSED
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1


def test_a_login_without_a_role_is_refused(company):
    result = shell(company, "mallory", "period list")
    assert result.returncode == EXIT_REFUSED and "mallory" in result.stderr


def test_no_command_and_no_terminal_is_a_usage_error_not_a_tui_on_a_pipe(company):
    result = cstui("shell", "wang.supervisor", db=company, stdin="", env={"SSH_ORIGINAL_COMMAND": ""})
    assert result.returncode == 2 and "ssh -t" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    "command, english, chinese",
    [
        (
            "--db /tmp/x.db check",
            "--db is not allowed here: the database is fixed by your key's forced command",
            "强制命令",
        ),
        ("rm -rf /", "'rm -rf' is not a command cstui allows here; allowed: batch", "不允许命令"),
        ("--scheme star-levels", "batch mode needs --scheme NAME and --period P; nothing ran", "批处理模式"),
        ("import roster staff.csv", "import reads its file from standard input here", "标准输入"),
        ("scheme show ./x.toml", "--scheme ./x.toml: only an installed scheme's name", "已安装方案"),
    ],
)
def test_a_refusal_reads_in_chinese_and_its_english_is_unchanged(command, english, chinese):
    import re

    from cstui.io.localize import user_message
    from cstui.shell import ALLOWED_HINT

    with pytest.raises(ShellRefused) as raised:
        requested_words((), command)
    assert str(raised.value).startswith(english)
    zh = user_message(raised.value, "zh")
    assert chinese in zh
    # what stays English is what the person typed and the commands and options they may type
    typed = re.sub(r"--?[a-z-]+|“[^”]*”|（[^）]*）", "", zh.replace(ALLOWED_HINT, ""))
    assert set(re.findall(r"[A-Za-z]{3,}", typed)) <= {"cstui", "toml"}, zh
