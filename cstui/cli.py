"""The command line: a thin face on the domain core. Importing it must not import textual."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from cstui import __version__
from cstui.errors import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_OTHER, OutputClosed, exit_code_for

FORMATS = ("table", "csv", "json", "xlsx")


class ReportFormat(click.ParamType):
    """A built-in report format, or one a plugin registers (``register_exporters``).

    The plugin registry is read only when the value is not built-in, so `--format csv` and
    `--help` stay cheap; loading plugins never imports Textual."""

    name = "format"

    def get_metavar(self, param, *args, **kwargs) -> str:  # click 8.2 adds ctx
        return "[" + "|".join(FORMATS) + "|PLUGIN]"

    def convert(self, value, param, ctx):
        if value in FORMATS:
            return value
        from cstui.plugins import get_registry

        exporters = get_registry().exporters
        if value in exporters:
            return value
        known = ", ".join([*FORMATS, *sorted(exporters)])
        self.fail(f"{value!r} is not a report format; expected one of {known}", param, ctx)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(name) for name in FORMATS if name.startswith(incomplete)]


class CstuiGroup(click.Group):
    """Turns every known error into one line on stderr and its documented exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("cstui: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except OutputClosed:
            _quiet_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except Exception as exc:
            if (ctx.obj or {}).get("debug") or os.environ.get("CSTUI_DEBUG"):
                raise
            exc = _as_storage_error(ctx, exc)
            code = exit_code_for(exc)
            message = _said(ctx, exc)
            if code == EXIT_OTHER and not _is_ours(exc):
                message = f"{type(exc).__name__}: {message} (run with --debug for the traceback)"
            elif type(exc).__name__ == "PluginFailure":  # the plugin's own traceback helps its author
                message += " (run with --debug for the traceback)"
            for line in message.splitlines():
                click.echo(f"cstui: {line}", err=True)
            ctx.exit(code)


def _said(ctx: click.Context, exc: Exception) -> str:
    """The error's message in the user's language (--lang, else LANG): English is ``str(exc)`` as
    it always was; 中文 renders what was raised with text templates (cstui.io.localize.user_message,
    the TUI's renderer too), anything else stays as it is."""
    from cstui.io.localize import lang_from_env, user_message

    lang = lang_from_env((ctx.obj or {}).get("lang"))
    if lang == "en":
        return str(exc) or type(exc).__name__
    return user_message(exc, lang)


def said_in_lang(ctx: click.Context, text: str) -> str:
    """A line a command prints (a template line, see cstui.domain.texts) in the user's language
    (--lang, else LANG): English is the text as it always was."""
    from cstui.domain.texts import render, with_domain
    from cstui.io.localize import lang_from_env

    lang = lang_from_env((ctx.obj or {}).get("lang"))
    return text if lang == "en" else render(text, lang, with_domain())


def usage_text(key: str, **args: object) -> str:
    """A usage error's message (template ``key`` of cstui.cli_texts) in the user's language; the
    texts are imported only when a command refuses, so ``--help`` stays light."""
    from cstui.cli_texts import line

    ctx = click.get_current_context(silent=True)
    made = line(key, **args)
    return made if ctx is None else said_in_lang(ctx, made)


def _quiet_stdout() -> None:
    """The reader of stdout is gone: send what is still buffered to /dev/null, so Python's flush at
    exit neither fails nor prints "Exception ignored ... BrokenPipeError" (the Python docs' recipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout replaced by something without a file
        pass


def _is_ours(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("cstui")


def _as_storage_error(ctx: click.Context, exc: Exception) -> Exception:
    """A raw SQLite error (busy, corrupt, read-only, full) as the store's one line naming the file."""
    if type(exc).__module__ != "sqlite3":
        return exc
    from cstui.store import resolve_db_path
    from cstui.store.files import storage_error

    return storage_error(resolve_db_path((ctx.obj or {}).get("db")), exc) or exc


def _open_store(ctx: click.Context):
    from cstui.store import Store, resolve_db_path

    return Store.open(resolve_db_path(ctx.obj.get("db")), login=ctx.obj.get("login"))


@click.group(cls=CstuiGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cstui")
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help="SQLite file of the company (default: $CSTUI_DB, then the user data dir).",
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks on errors.")
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Language of the TUI, and of batch reports' labels, flags and traces (default from LANG).",
)
@click.option("--demo", is_flag=True, help="Use a fresh demo company in a temporary directory.")
@click.option("--scheme", "scheme_name", metavar="NAME|FILE.toml", help="Batch mode: grade under this scheme.")
@click.option("--period", metavar="YYYY-MM|YYYY-Qn", help="Batch mode: the period to grade.")
@click.option("--team", "teams", multiple=True, help="Batch mode: only this team (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=ReportFormat(),
    default=None,
    help="Batch report format: table, csv, json, xlsx or one a plugin registers (default: table on a terminal, csv otherwise).",
)
@click.option(
    "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to FILE instead of stdout."
)
@click.option("--explain", is_flag=True, help="Add the trace of rules behind every score and decision.")
@click.option("--apply", "apply_", is_flag=True, help="Record the results and level changes (one audited transaction).")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Batch mode: grade teams in N worker processes (default: one per CPU, at most 4, for 2,000 or more "
    "employees, else none; 1 = none). The report and results are the same for any N.",
)
@click.pass_context
def cli(ctx, db, debug, lang, demo, scheme_name, period, teams, fmt, output, explain, apply_, jobs):
    """cstui: grade customer-service staff.

    With no command, opens the TUI. With --scheme and --period, grades a period in batch mode:

        cstui --scheme star-levels --period 2026-10 --explain
    """
    ctx.ensure_object(dict)  # cstui shell passes {"login": LOGIN} in
    ctx.obj.update(db=db, debug=debug, lang=lang)
    if ctx.invoked_subcommand is not None:
        _refuse_batch_options(ctx)
        return
    if scheme_name or period:
        if not (scheme_name and period):
            raise click.UsageError(usage_text("usage.batch_needs_both", scheme="--scheme", period="--period"))
        _batch(ctx, demo, scheme_name, period, teams, fmt, output, explain, apply_, jobs)
    else:
        _tui(ctx, demo, lang)


BATCH_OPTIONS = ("demo", "scheme_name", "period", "teams", "fmt", "output", "explain", "apply_", "jobs")


def _refuse_batch_options(ctx: click.Context) -> None:
    """Batch and TUI options before a command would be silently ignored by it: a usage error instead."""
    given = [
        param.opts[0]
        for param in ctx.command.params
        if param.name in BATCH_OPTIONS
        and ctx.get_parameter_source(param.name) == click.core.ParameterSource.COMMANDLINE
    ]
    if given:
        key = "usage.batch_option" if len(given) == 1 else "usage.batch_options"
        command = f"cstui {ctx.invoked_subcommand}"
        raise click.UsageError(usage_text(key, options=", ".join(given), command=command))


def _demo_db() -> Path:
    import tempfile

    from cstui.demo import build_demo

    path = Path(tempfile.mkdtemp(prefix="cstui-demo-")) / "demo.db"
    build_demo(path)
    return path


def _batch(ctx, demo, scheme_name, period_text, teams, fmt, output, explain, apply_, jobs=None):
    from cstui.domain import Period
    from cstui.schemes import load_scheme

    period = Period.parse(period_text)  # bad input fails before any heavier import
    scheme = load_scheme(scheme_name)

    from cstui.batch import run_batch
    from cstui.io.localize import lang_from_env
    from cstui.store import Store, resolve_db_path

    path = _demo_db() if demo else resolve_db_path(ctx.obj.get("db"))
    if fmt is None:
        fmt = "table" if output is None and sys.stdout.isatty() else "csv"
    if fmt == "xlsx" and output is None:
        raise click.UsageError(usage_text("usage.needs_output", format="--format xlsx", output="--output FILE"))
    with Store.open(path, login=ctx.obj.get("login")) as store:
        run_batch(
            store,
            scheme,
            period,
            teams=teams or None,
            fmt=fmt,
            output=output,
            explain=explain,
            apply=apply_,
            progress=sys.stderr.isatty(),
            jobs=jobs,
            lang=lang_from_env(ctx.obj.get("lang")),
        )


def _tui(ctx, demo, lang):
    from cstui.store import resolve_db_path
    from cstui.tui.app import run

    path = _demo_db() if demo else resolve_db_path(ctx.obj.get("db"))
    run(path, lang=lang, login=ctx.obj.get("login"))


@cli.command()
@click.option("--db", type=click.Path(dir_okay=False), help="Where to build the demo (default: the company database).")
@click.option(
    "--employees", default=60, show_default=True, type=click.IntRange(3, 1_000_000), help="How many employees."
)
@click.option(
    "--months",
    default=12,
    show_default=True,
    type=click.IntRange(1, 120),
    help="How many months of scorecards, up to last month.",
)
@click.option(
    "--seed", default=7, show_default=True, type=int, help="Random seed: the same seed builds the same company."
)
@click.pass_context
def demo(ctx, db, employees, months, seed):
    """Build a deterministic demo company: three teams, every built-in scheme, a year of scorecards."""
    from cstui.demo import build_demo
    from cstui.store import resolve_db_path

    path = resolve_db_path(db or ctx.obj.get("db"))
    summary = build_demo(path, employees=employees, months=months, seed=seed)
    click.echo(str(summary))


@cli.command("init")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--group", metavar="GROUP", help="Share the file with this OS group: mode 0660 (trusts every member of GROUP)."
)
@click.option(
    "--admin",
    "admin_login",
    metavar="LOGIN",
    help="The first admin (default: you; under sudo, the account that ran sudo).",
)
def init_cmd(path, group, admin_login):
    """Create a new, empty cstui database at PATH (mode 0600, or 0660 with --group)."""
    from cstui.store import Store
    from cstui.store.files import refuse_occupied

    target = Path(path).expanduser()
    refuse_occupied(target)
    with Store.open(target, login=admin_login, create=True, group=group) as store:
        mode = target.stat().st_mode & 0o777
        click.echo(
            f"{target}: a new cstui database (mode {mode:04o}{', group ' + group if group else ''}); admin: {store.login}"
        )


@cli.command("check")
@click.pass_context
def check_cmd(ctx):
    """Verify the database: cstui's own file, every page readable (quick_check), schema, file modes."""
    from cstui.store import resolve_db_path
    from cstui.store.health import check_database

    path = resolve_db_path(ctx.obj.get("db"))
    findings = check_database(path)
    for finding in findings:
        click.echo(finding.text)
    if findings:
        ctx.exit(findings[0].exit_code)
    click.echo(f"{path}: ok")


@cli.command("shell", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("login")
@click.argument("words", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def shell_cmd(ctx, login, words):
    """Run as LOGIN: the forced command of a person's SSH key (see docs/deploy.md).

    Runs $SSH_ORIGINAL_COMMAND (or WORDS) when the allow-list has it, else opens the TUI.
    Only the account that owns the database may run it.
    """
    from cstui.shell import requested_words, ssh_original_command, trust_login
    from cstui.store import resolve_db_path

    path = resolve_db_path(ctx.obj.get("db"))
    trust_login(path, login)
    command = requested_words(words, ssh_original_command())
    ctx.obj["login"] = login
    if not command:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise click.UsageError(usage_text("usage.tui_needs_terminal", ssh="ssh -t"))
        _tui(ctx, False, ctx.obj.get("lang"))
        return
    # the command runs as a fresh cstui invocation on the fixed database; it exits with its own code
    cli.main(args=["--db", str(path), *command], prog_name="cstui", obj={"login": login})


@cli.group("import")
def import_():
    """Import a roster, scorecards or incidents (CSV in UTF-8/GB18030, or XLSX). All or nothing."""


@import_.command("roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.pass_context
def import_roster_cmd(ctx, file):
    """Columns: employee_id,name,team,role,hire_date[,login,scheme,level,scheme_since]."""
    from cstui.io.imports import import_roster

    with _open_store(ctx) as store, _import_file(file) as path:
        click.echo(said_in_lang(ctx, import_roster(store, path, progress=sys.stderr.isatty())))


@import_.command("scorecards")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--period", required=True, metavar="YYYY-MM", help="The month the scorecards are for.")
@click.option(
    "--scheme",
    "scheme_name",
    required=True,
    metavar="NAME|FILE.toml",
    help="The scheme whose metric keys the columns are.",
)
@click.option("--format", "fmt", default=None, help="A plugin's importer name (default: by file suffix).")
@click.pass_context
def import_scorecards_cmd(ctx, file, period, scheme_name, fmt):
    """Wide file: employee_id, then the scheme's metric keys as columns."""
    from cstui.domain import Period
    from cstui.io.imports import import_scorecards
    from cstui.schemes import load_scheme

    scheme = load_scheme(scheme_name)
    with _open_store(ctx) as store, _import_file(file) as path:
        done = import_scorecards(store, path, Period.parse(period), scheme, fmt=fmt, progress=sys.stderr.isatty())
        click.echo(said_in_lang(ctx, done))


@import_.command("incidents")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.pass_context
def import_incidents_cmd(ctx, file):
    """Columns: employee_id,date,code,count,points,note."""
    from cstui.io.imports import import_incidents

    with _open_store(ctx) as store, _import_file(file) as path:
        click.echo(said_in_lang(ctx, import_incidents(store, path, progress=sys.stderr.isatty())))


@contextmanager
def _import_file(file: str):
    """FILE, or for ``-`` standard input spooled to a private file named stdin.csv (or .xlsx);
    problems then name stdin.csv, not the spool's directory."""
    if file != "-":
        yield Path(file)
        return
    import tempfile

    from cstui.errors import InvalidData

    data = sys.stdin.buffer.read()
    with tempfile.TemporaryDirectory(prefix="cstui-stdin-") as spool:
        path = Path(spool) / ("stdin.xlsx" if data.startswith(b"PK\x03\x04") else "stdin.csv")
        path.write_bytes(data)
        try:
            yield path
        except InvalidData as error:
            raise InvalidData([_renamed(said, str(path), path.name) for said in error.lines], error.more) from None


def _renamed(said: str, spool: str, name: str) -> str:
    """A problem naming the spool by the name the user knows; a template line stays one (in 中文 too)."""
    from cstui.domain.texts import Line, line

    if isinstance(said, Line) and said.args.get("file") == spool:
        return line(said.key, **(said.args | {"file": name}))
    return said.replace(spool, name)


@cli.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of objects instead of a table.")
def plugins_cmd(as_json):
    """List installed plugins: name, version, hooks, load errors (a scheme file of theirs that does not load included)."""
    from cstui.plugins import get_registry
    from cstui.schemes import catalog

    registry = get_registry()
    catalog().all()  # reads and checks every registered scheme: failures become the plugin's errors
    if as_json:
        _print_json(
            [
                {
                    "name": p.name,
                    "version": p.version,
                    "source": "built-in" if p.builtin else "installed",
                    "hooks": list(p.hooks),
                    "error": p.error,
                }
                for p in registry.plugins
            ]
        )
        return
    rows = [
        (p.name, p.version, "built-in" if p.builtin else "installed", ", ".join(p.hooks) or "-", p.error or "")
        for p in registry.plugins
    ]
    _print_table(("plugin", "version", "source", "hooks", "error"), rows)


@cli.command("schemes")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of objects instead of a table.")
@click.option(
    "--check",
    is_flag=True,
    help="Also load and check every scheme with its model's code; leave out and name each that does not load.",
)
def schemes_cmd(as_json, check):
    """List schemes: name, model, version, plugin, TOML source.

    Without --check no model code runs: a scheme file that cannot be read, or names no installed
    model, is named; `cstui scheme check NAME` and `cstui plugins` check the rest."""
    from cstui.errors import EXIT_INVALID
    from cstui.plugins import get_registry
    from cstui.schemes import catalog, short_source

    if check:
        schemes, problems = catalog().all()
        rows = [(s.name, s.model.name, s.version, s.plugin, short_source(s.source)) for s in schemes]
    else:
        summaries, problems = catalog().summaries()
        rows = [(s.name, s.model, s.version, s.plugin, short_source(s.source)) for s in summaries]
    if as_json:  # the rest of the command (problems on stderr, exit 3) is the same
        _print_json([dict(zip(("name", "model", "version", "plugin", "toml"), row)) for row in rows])
    else:
        _print_table(("scheme", "model", "version", "plugin", "toml"), rows)
    for line in problems:
        click.echo(f"cstui: {line}", err=True)
    failed = sorted({e.plugin for e in get_registry().errors})
    for plugin in failed:  # its schemes may be missing from the list
        click.echo(f"cstui: plugin {plugin} has load errors (see `cstui plugins`)", err=True)
    if problems or failed:
        raise click.exceptions.Exit(EXIT_INVALID)


@cli.group("scheme")
def scheme_group():
    """Show or check one scheme."""


@scheme_group.command("show")
@click.argument("name")
@click.option("--toml", "as_toml", is_flag=True, help="Print the effective scheme as TOML (loads back to the same).")
@click.pass_context
def scheme_show(ctx, name, as_toml):
    """Print the effective scheme NAME (a registered name, a .toml file, or NAME@PERIOD: the
    scheme remembered when PERIOD was applied)."""
    from cstui.cli_schemes import load_ref

    scheme = load_ref(ctx, name)
    if as_toml:
        click.echo(scheme.to_toml(), nl=False)
        return
    from cstui.io.describe import describe_scheme

    click.echo(describe_scheme(scheme))


@scheme_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def scheme_check(file):
    """Validate FILE; every problem as `FILE: key.path: what was expected`."""
    from cstui.schemes import load_scheme

    scheme = load_scheme(file)
    click.echo(f"{file}: ok ({scheme.name} {scheme.version}, model {scheme.model.name})")


@cli.group("period")
def period_group():
    """Close or reopen a period (manager or admin)."""


@period_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of objects instead of a table.")
@click.pass_context
def period_list(ctx, as_json):
    """List periods with a status: open or closed, by whom and when."""
    with _open_store(ctx) as store:
        periods = store.periods()
    if as_json:
        _print_json(
            [
                {
                    "period": p["period"],
                    "status": p["status"],
                    "closed_by": p.get("closed_by"),
                    "closed_at": p.get("closed_at"),
                }
                for p in periods
            ]
        )
        return
    rows = [(p["period"], p["status"], p.get("closed_by") or "", p.get("closed_at") or "") for p in periods]
    _print_table(("period", "status", "closed by", "closed at"), rows)


@period_group.command("close")
@click.argument("period")
@click.option("--reason", default=None, help="Close although agents' disputes are still open (kept and audited).")
@click.pass_context
def period_close(ctx, period, reason):
    """Lock PERIOD: its scorecards and incidents can no longer change (refused while disputes are open, without --reason)."""
    from cstui.domain import Period
    from cstui.plugins import get_registry

    p = Period.parse(period)
    with _open_store(ctx) as store:
        store.close_period(p, reason)
        registry = get_registry()
        registry.notify_period_closed(str(store.path), str(p), store.user.login)
        for err in registry.errors:
            click.echo(f"cstui: plugin {err.plugin}: {err.message}", err=True)
    click.echo(f"{p} closed")


@period_group.command("reopen")
@click.argument("period")
@click.option("--reason", required=True, help="Why the closed period must change (audited).")
@click.pass_context
def period_reopen(ctx, period, reason):
    """Unlock the closed PERIOD so its scorecards and incidents can change again (the reason is audited)."""
    from cstui.domain import Period

    p = Period.parse(period)
    with _open_store(ctx) as store:
        store.reopen_period(p, reason)
    click.echo(f"{p} reopened")


@cli.group("employee")
def employee_group():
    """Look up employees."""


@employee_group.command("show")
@click.argument("employee_id")
@click.option("--period", "period_text", help="As of this month (default: last month).")
@click.pass_context
def employee_show(ctx, employee_id, period_text):
    """An employee and their level now: the level the TUI shows on every screen (cstui.levels)."""
    from cstui.clock import default_period
    from cstui.domain import Period
    from cstui.levels import CurrentLevels
    from cstui.schemes import catalog

    period = Period.parse(period_text).last_month if period_text else default_period()
    with _open_store(ctx) as store:
        e = store.employee(employee_id)  # NotFound: a mistyped id, exit 3
        level = CurrentLevels(store, catalog().get).one(e, period) or e.level or ""
    rows = [
        ("id", e.id),
        ("name", e.name),
        ("team", e.team),
        ("role", e.role),
        ("hired", e.hire_date.isoformat()),
        ("status", e.status),
        ("scheme", e.scheme or ""),
        ("starting level", e.level or ""),
        (f"level now ({period})", level),
    ]
    _print_table(("field", "value"), rows)


@cli.group("user")
def user_group():
    """Manage who may use this database (admin)."""


@user_group.command("add")
@click.argument("login")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "manager", "supervisor", "viewer", "agent"]),
    help="admin (users, everything), manager (all teams), supervisor (own teams), viewer (read only) or agent (the employee whose roster login is LOGIN: their own results, confirm or dispute).",
)
@click.option("--team", "teams", multiple=True, help="A team the user works on (repeatable).")
@click.pass_context
def user_add(ctx, login, role, teams):
    """Let LOGIN use this database with ROLE; supervisors see only their --team teams."""
    with _open_store(ctx) as store:
        store.add_user(login, role, teams)
    click.echo(f"{login}: {role}" + (f" ({', '.join(teams)})" if teams else ""))


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of objects instead of a table.")
@click.pass_context
def user_list(ctx, as_json):
    """List the users of this database: login, role and teams."""
    with _open_store(ctx) as store:
        users = store.users()
    if as_json:
        _print_json([{"login": u.login, "role": u.role, "teams": list(u.teams)} for u in users])
        return
    _print_table(("login", "role", "teams"), [(u.login, u.role, ", ".join(u.teams)) for u in users])


@cli.group("audit", invoke_without_command=True)
@click.option(
    "--employee", metavar="ID", help="Rows about this employee (roster, cards, incidents, overrides, results)."
)
@click.option("--user", "who", metavar="LOGIN", help="Rows written by this login.")
@click.option("--period", metavar="YYYY-MM|YYYY-Qn", help="Rows about this period (a quarter includes its months).")
@click.option(
    "--table", metavar="NAME", help="Rows of one table: employees, scorecards, incidents, results, periods, users ..."
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this day (YYYY-MM-DD, UTC).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="To this day, inclusive.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N rows, newest first.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
    help="table for reading; csv and json add each row's before and after.",
)
@click.pass_context
def audit_group(ctx, employee, who, period, table, since, until, limit, fmt):
    """List the audit trail, newest first (manager or admin); `cstui audit verify` checks its chain."""
    if ctx.invoked_subcommand is not None:
        return
    from cstui.io.audit import AUDIT_COLUMNS, AuditLabels, audit_records
    from cstui.io.localize import lang_from_env
    from cstui.io.report import write_csv, write_json
    from cstui.store.audit import AuditFilter

    wanted = AuditFilter(
        employee=employee,
        user=who,
        period=period,
        table=table,
        limit=limit,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    lang = lang_from_env(ctx.obj.get("lang"))
    with _open_store(ctx) as store:
        rows = store.audit_rows(wanted)
        # 中文: what changed names fields, metrics and incidents by their 中文 labels (English:
        # the stored keys and codes, as a script reading the trail always had them)
        labels = AuditLabels(store, lang) if lang == "zh" else None
        if fmt == "table":
            records = list(audit_records(rows, labels=labels))
    if fmt == "table":
        _print_table(AUDIT_COLUMNS, [[r[c] for c in AUDIT_COLUMNS] for r in records])
        return
    columns = [*AUDIT_COLUMNS, "before", "after"]
    writer = write_csv if fmt == "csv" else write_json
    writer(
        _csv_ready(audit_records(rows, full=True)) if fmt == "csv" else audit_records(rows, full=True),
        columns,
        sys.stdout,
    )


def _csv_ready(records):
    from cstui.store.codec import dumps

    for record in records:
        yield record | {"before": dumps(record["before"]) or "", "after": dumps(record["after"]) or ""}


@audit_group.command("verify")
@click.pass_context
def audit_verify(ctx):
    """Walk the audit chain; name the first broken link (exit 3) or say how many rows hold."""
    from cstui.cli_texts import line
    from cstui.errors import InvalidData

    with _open_store(ctx) as store:
        checked, broken = store.verify_audit()
    if broken is not None:
        raise InvalidData([line("audit.broken", at=broken, checked=f"{checked:,}")])
    click.echo(f"audit trail intact: {checked:,} rows, each linked to the one before")


def _print_json(objects: list[dict]) -> None:
    """A listing as a JSON array of objects with fixed keys, for scripts and jq."""
    import json

    click.echo(json.dumps(objects, ensure_ascii=False, indent=2, default=str))


def _print_table(headers, rows) -> None:
    from cstui.io.text import render_table

    click.echo(render_table(headers, rows))


def main() -> None:
    cli(prog_name="cstui")


# Each command module registers its commands on ``cli`` when imported, so it comes after ``cli``.
from cstui import (  # noqa: E402, F401, I001
    cli_people,  # employee, place
    cli_schemes,  # scheme applied|diff, whatif
    cli_plugin_kit,  # plugin new
    cli_calibration,  # calibration
    cli_web,  # web, web-token, web-session
    cli_signoff,  # results, confirm, dispute
)
