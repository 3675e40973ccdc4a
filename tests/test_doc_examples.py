"""The command examples of README.md and docs/*.md run, as a person would type them.

Every statement of a ```sh block that runs cstui (and docs/data.md's sqlite-utils lines) is run
with bash, in document order, in a fresh folder of its own document (README's on a fresh demo
company), with the date frozen as in every test; it must exit with the status the document
gives (0 unless EXIT_STATUS says otherwise). What cannot run here is listed in SKIPPED with the
reason: a statement in no list runs, so a new example is tested the moment it is written, and
a listed one that left the documents fails the test until the list forgets it too.

Every `cstui ...` the documents name (inline or fenced, synopses included) must also name real
commands and options: a renamed option cannot linger in the prose.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from cstui.cli import cli

REPO = Path(__file__).resolve().parent.parent
DOCS = ("README.md", "docs/data.md", "docs/plugins.md", "docs/deploy.md")
CSTUI_WORD = re.compile(r"(?<![\w./$-])cstui(?![\w./-])")
# statements without cstui that a document's examples need: data.md's tools, README's heredoc
# writing acme.toml, plugins.md's install and test of the package it writes
RUN_HERE = {
    "README.md": re.compile(r"^cat > "),
    "docs/data.md": re.compile(r"^(sqlite-utils|datasette) "),
    "docs/plugins.md": re.compile(r"^(cd|pip install|pytest)\b"),
}
HEREDOC = re.compile(r"<<-?\s*'?(\w+)'?")

TUI = "starts the TUI: tests/tui drive it"
SYNOPSIS = (
    "a synopsis (placeholders), not an example: test_every_cstui_the_docs_name_is_a_real_command checks its words"
)
DEPLOY = "needs sudo, a service account or ssh to a server: tests/deploy/test_sshd.py runs these through a real sshd"
SKIPPED = {
    "README.md": {
        "pip install . && cstui --demo": "installs cstui (this test runs the installed one) and starts the TUI",
        "cstui --db acme.db": TUI,
        "cstui --scheme NAME|FILE.toml --period YYYY-MM|YYYY-Qn [--team T ...] [--format table|csv|json|xlsx|PLUGIN]": SYNOPSIS,
        "cstui place H0001 --apply --set education=bachelor ...": "elides the fields of the line above; "
        "tests/test_employee_cli.py records a placement",
        "cstui whatif --scheme ./acme.toml --period 2026-Q3 --from 2026-01 [--against NAME|FILE|NAME@PERIOD] "
        "[--team T] [--format table|csv|json]": SYNOPSIS,
        "cstui calibration --period 2026-10 [--scheme NAME|FILE.toml] [--team T] [--format table|csv|json]": SYNOPSIS,
        'eval "$(_CSTUI_COMPLETE=zsh_source cstui)"': "zsh's: this test's shell is bash (the bash line runs)",
        "_CSTUI_COMPLETE=fish_source cstui | source": "fish's: this test's shell is bash (the bash line runs)",
    },
    "docs/data.md": {
        "datasette company.db": "starts a web server: tests/test_datasette.py reads results_view through Datasette",
    },
    "docs/deploy.md": {
        "sudo useradd --system --create-home --home-dir /srv/cstui --shell /bin/sh cstui": DEPLOY,
        "sudo usermod -p '*' cstui": DEPLOY,
        "sudo python3 -m venv /opt/cstui && sudo /opt/cstui/bin/pip install cstui": DEPLOY,
        "sudo -u cstui /opt/cstui/bin/cstui init /srv/cstui/company.db --admin li.manager": DEPLOY,
        "ssh -t cstui@host": DEPLOY,
        "ssh cstui@host -- --scheme star-levels --period 2026-10 --format csv > oct-report.csv": DEPLOY,
        "ssh cstui@host import scorecards - --period 2026-10 --scheme ecommerce-kpi < oct.csv": DEPLOY,
        "ssh cstui@host web-token": DEPLOY,
        "ssh -N -L 8566:127.0.0.1:8566 cstui@host": DEPLOY,
        "sudo -u cstui sh -c 'umask 077; sqlite3 /srv/cstui/company.db "
        '".backup /srv/cstui/backups/company-$(date +%F).db"\'': DEPLOY,
        "sudo -u cstui sh -c 'umask 077; /opt/cstui/bin/python -c \"import sqlite3, sys; sqlite3.connect(sys.argv[1])"
        '.execute(\\"VACUUM INTO ?\\", (sys.argv[2],))" /srv/cstui/company.db '
        "/srv/cstui/backups/company-$(date +%F).db'": DEPLOY,
        "sudo -u cstui /opt/cstui/bin/cstui --db /srv/cstui/backups/company-2026-11-01.db check": DEPLOY,
        "sudo -u cstui sh -c 'cd /srv/cstui && mv company.db company.db.broken && rm -f company.db-wal company.db-shm "
        "&& cp backups/company-2026-11-01.db company.db && chmod 600 company.db'": DEPLOY,
    },
}
# run in place of the statement, and why
INSTEAD = {
    "docs/plugins.md": {
        # into a folder of the test's own (no network, no build dependency, the test's venv untouched),
        # which PYTHONPATH then puts on every later statement's path, as an install would
        "pip install -e '.[test]'": 'python -m pip install --quiet --no-deps --target "$CSTUI_DOC_SITE" .',
        "pytest": "python -m pytest -q -p no:cacheprovider",  # no .pytest_cache left behind
    }
}
# the status a document gives for an example that is not 0
EXIT_STATUS: dict[str, dict[str, int]] = {}
# examples a document says someone else runs: run through `cstui shell LOGIN`, as that person's
# SSH key would (docs/deploy.md), since this test's own login is the demo's admin
RUN_AS = {
    "README.md": {
        "cstui results --mine --period 2026-10 --trace": "zhang.san",
        'cstui dispute open --period 2026-10 --reason "3 calls on 10-14 were transfers"': "zhang.san",
        "cstui dispute list --period 2026-10 --open": "wang.supervisor",
        'cstui dispute answer 1 --accept --reason "recounted: 95"': "wang.supervisor",
        "cstui confirm --period 2026-10": "zhang.san",
        'cstui period close 2026-10 --reason "payroll cut-off"': "li.manager",
    }
}


@dataclass(frozen=True)
class Example:
    doc: str
    line: int
    key: str  # the statement without comments, whitespace collapsed (a heredoc: its first line)
    script: str  # what bash runs


def strip_comment(line: str) -> str:
    """The line up to a shell comment: a `#` starting a word outside quotes."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def sh_blocks(text: str):
    """(line number, line) of each ```sh block, block by block."""
    block = None
    for number, line in enumerate(text.splitlines(), 1):
        if block is None and line.strip() == "```sh":
            block = []
        elif block is not None and line.startswith("```"):
            yield block
            block = None
        elif block is not None:
            block.append((number, line))


def statements(block):
    """Shell statements: continued lines joined, a heredoc's body kept with its first line."""
    lines = iter(block)
    for number, line in lines:
        code = strip_comment(line).rstrip()
        while code.endswith("\\"):
            code = code[:-1] + " " + strip_comment(next(lines)[1]).strip()
        key = " ".join(code.split())
        script = code
        heredoc = HEREDOC.search(code)
        if heredoc:
            body = []
            for _, more in lines:
                body.append(more)
                if more.strip() == heredoc.group(1):
                    break
            script = "\n".join([code, *body])
        if key:
            yield number, key, script


def examples(doc: str) -> list[Example]:
    found = []
    for block in sh_blocks((REPO / doc).read_text(encoding="utf-8")):
        for number, key, script in statements(block):
            if CSTUI_WORD.search(key) or (doc in RUN_HERE and RUN_HERE[doc].match(key)):
                found.append(Example(doc, number, key, script))
    return found


# ------------------------------------------------------------------ what the examples work on

STAFF_CSV = (
    "employee_id,name,team,role,hire_date,login,scheme,level\n"
    "E0001,张伟,hotline,agent,2022-10-06,zhang.san,star-levels,\n"  # README: zhang.san is E0001's login
    "H0001,周敏,frontdesk,assistant,2026-10-12,,placement,\n"  # the hire README places
)
OCT_CSV = (
    "employee_id,conversion,unit_price_ratio,first_response_s,avg_response_s,satisfaction\nE0019,0.52,1.2,8,33,91%\n"
)
INCIDENTS = [
    ("employee_id", "date", "code", "count", "points", "note"),
    ("E0008", "2026-10-09", "cover-shift", 1, None, ""),
]


def readme_folder(folder: Path) -> dict[str, str]:
    """The files README's examples name; its company is acme.db, also as $CSTUI_DB."""
    from openpyxl import Workbook

    (folder / "staff.csv").write_text(STAFF_CSV, encoding="utf-8")
    (folder / "oct.csv").write_text(OCT_CSV, encoding="utf-8")
    book = Workbook()
    for row in INCIDENTS:
        book.active.append(row)
    book.save(folder / "incidents.xlsx")
    # the quick tour's what-if reads the acme.toml that "Batch mode" writes further down
    heredoc = next(e for e in examples("README.md") if e.key.startswith("cat > acme.toml"))
    subprocess.run(["bash", "-c", heredoc.script], cwd=folder, check=True)
    return {"CSTUI_DB": "acme.db"}


def data_folder(folder: Path) -> dict[str, str]:
    """data.md's company.db: the demo with October applied, so its views have rows."""
    env = {**os.environ, "PATH": venv_path()}
    for command in (
        ["demo", "--db", "company.db"],
        ["--db", "company.db", "--scheme", "star-levels", "--period", "2026-10", "--apply"],
    ):
        subprocess.run(["cstui", *command], cwd=folder, env=env, check=True, capture_output=True)
    return {}


def plugins_folder(folder: Path) -> dict[str, str]:
    """Where plugins.md's package is installed (see INSTEAD)."""
    return {"CSTUI_DOC_SITE": str(folder / "site"), "PYTHONPATH": str(folder / "site")}


FOLDERS = {"README.md": readme_folder, "docs/data.md": data_folder, "docs/plugins.md": plugins_folder}


def venv_path() -> str:
    # `cstui` and `sqlite-utils` as installed next to the Python running the tests
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def run(example: Example, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    login = RUN_AS.get(example.doc, {}).get(example.key)
    if login:
        words = shlex.split(example.key)
        env = {**env, "SSH_ORIGINAL_COMMAND": shlex.join(words[1:])}
        script = f"cstui shell {login}"
    else:
        script = INSTEAD.get(example.doc, {}).get(example.key, example.script)
    return subprocess.run(
        ["bash", "-c", script],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("doc", DOCS)
def test_the_command_examples_of_each_document_run(doc, tmp_path):
    env = {**os.environ, "PATH": venv_path(), **FOLDERS.get(doc, lambda _: {})(tmp_path)}
    skipped = SKIPPED.get(doc, {})
    failures, here = [], tmp_path
    for example in examples(doc):
        if example.key in skipped:
            continue
        if example.key.startswith("cd "):  # bash runs each statement anew: keep the folder here
            here = here / example.key[3:]
            continue
        done = run(example, here, env)
        expected = EXIT_STATUS.get(doc, {}).get(example.key, 0)
        if done.returncode != expected or "Traceback" in done.stderr:
            failures.append(
                f"{doc}:{example.line}: {example.key}\n  exit {done.returncode}, expected {expected}\n  "
                f"{(done.stderr or done.stdout).strip()[:600]}"
            )
    assert not failures, "\n".join(failures)


def test_every_listed_example_is_still_in_its_document():
    for doc in DOCS:
        keys = {e.key for e in examples(doc)}
        for listed in (SKIPPED.get(doc, {}), EXIT_STATUS.get(doc, {}), RUN_AS.get(doc, {}), INSTEAD.get(doc, {})):
            stale = set(listed) - keys
            assert not stale, f"{doc} no longer has: {sorted(stale)}"


def test_the_documents_have_examples_to_run():
    # the extraction itself: a change to the fences or the prompt must not make every test pass
    assert len(examples("README.md")) >= 40
    assert any(e.key.startswith("cstui --db acme.db --scheme star-levels") for e in examples("README.md"))
    assert [e.key for e in examples("docs/data.md")][:1] == ["sqlite-utils rows company.db results_view --limit 5"]


# ------------------------------------------------------------------ every cstui the docs name is real

PLACEHOLDER = re.compile(r"^(\.\.\.|[A-Z][A-Z0-9_.|@-]*|\|)$")


def inline_cstui(text: str) -> list[str]:
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    return [" ".join(m.group(1).split()) for m in re.finditer(r"`(cstui(?: [^`]*)?)`", prose)]


def cstui_words(statement: str) -> list[str]:
    """The words of the cstui command in a statement (up to a pipe, `&&` or redirection)."""
    lexer = shlex.shlex(statement, posix=True, punctuation_chars=True)
    words = list(lexer)
    start = next(i for i, w in enumerate(words) if w == "cstui" or w.endswith("/cstui"))
    command = []
    for word in words[start + 1 :]:
        if word and set(word) <= set("|&;<>()"):
            break
        command.append(word)
    return command


def _option(command: click.Command, name: str) -> click.Parameter | None:
    for param in command.params:
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def unknown_words(words: list[str]) -> list[str]:
    """The options and subcommands in ``words`` that cstui does not have."""
    command, problems, pending_value = cli, [], False
    for raw in words:
        word = raw.strip("[]")
        if pending_value:
            pending_value = False
        elif word in ("--help", "-h"):
            continue  # click's, on every command
        elif re.match(r"^--?[a-z]", word):
            option = _option(command, word.split("=")[0])
            if option is None:
                problems.append(f"{word} (of {command.name})")
            else:
                pending_value = not option.is_flag and not option.count and "=" not in word
        elif isinstance(command, click.Group) and word in command.commands:
            command = command.commands[word]
        elif isinstance(command, click.Group) and re.match(r"^[a-z][a-z-]*$", word):
            problems.append(f"{word} (no such command of {command.name})")
            break  # what follows belongs to a command that does not exist
    return problems


def named_commands() -> list[tuple[str, str]]:
    named = []
    for doc in DOCS:
        text = (REPO / doc).read_text(encoding="utf-8")
        named += [(doc, key) for key in inline_cstui(text)]
        named += [(doc, e.key) for e in examples(doc) if CSTUI_WORD.search(e.key) and "<<" not in e.key]
    return named


def test_every_cstui_the_docs_name_is_a_real_command():
    wrong = []
    for doc, statement in named_commands():
        if re.search(r"\bsudo\b|\bssh\b|_CSTUI_COMPLETE", statement):
            continue  # the account's name, or a word of a completion line, not a command
        problems = unknown_words([w for w in cstui_words(statement) if not PLACEHOLDER.match(w)])
        if problems:
            wrong.append(f"{doc}: `{statement}`: {', '.join(problems)}")
    assert not wrong, "\n".join(wrong)


def test_the_name_check_finds_a_wrong_option_and_a_wrong_command():
    assert unknown_words(cstui_words("cstui period close 2026-10 --reasn x")) == ["--reasn (of close)"]
    assert unknown_words(cstui_words("cstui --db a.db perod list")) == ["perod (no such command of cli)"]
    assert unknown_words(cstui_words("cstui scheme check acme.toml && cstui --scheme x --period 2026-10")) == []
