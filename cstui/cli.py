"""The command line: a thin face on the domain core. Importing it must not import textual."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from cstui import __version__
from cstui.errors import EXIT_OTHER, exit_code_for

FORMATS = ("table", "csv", "json", "xlsx")


class CstuiGroup(click.Group):
    """Turns every known error into one line on stderr and its documented exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("cstui: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:
            if (ctx.obj or {}).get("debug") or os.environ.get("CSTUI_DEBUG"):
                raise
            code = exit_code_for(exc)
            message = str(exc) or type(exc).__name__
            if code == EXIT_OTHER and not _is_ours(exc):
                message = f"{type(exc).__name__}: {message} (run with --debug for the traceback)"
            for line in message.splitlines():
                click.echo(f"cstui: {line}", err=True)
            ctx.exit(code)


def _is_ours(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("cstui")


def _open_store(ctx: click.Context):
    from cstui.store import Store, resolve_db_path

    return Store.open(resolve_db_path(ctx.obj.get("db")))


@click.group(cls=CstuiGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="cstui")
@click.option("--db", type=click.Path(dir_okay=False), help="SQLite file of the company (default: $CSTUI_DB, then the user data dir).")
@click.option("--debug", is_flag=True, help="Show Python tracebacks on errors.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None, help="TUI language (default from LANG).")
@click.option("--demo", is_flag=True, help="Use a fresh demo company in a temporary directory.")
@click.option("--scheme", "scheme_name", metavar="NAME|FILE.toml", help="Batch mode: grade under this scheme.")
@click.option("--period", metavar="YYYY-MM|YYYY-Qn", help="Batch mode: the period to grade.")
@click.option("--team", "teams", multiple=True, help="Batch mode: only this team (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Batch report format (default: table on a terminal, csv otherwise).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="Write the report to FILE instead of stdout.")
@click.option("--explain", is_flag=True, help="Add the trace of rules behind every score and decision.")
@click.option("--apply", "apply_", is_flag=True, help="Record the results and level changes (one audited transaction).")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
    help="Batch mode: grade teams in N worker processes (default: one per CPU, at most 4, for 2,000 or more "
    "employees, else none; 1 = none). The report and results are the same for any N.",
)
@click.pass_context
def cli(ctx, db, debug, lang, demo, scheme_name, period, teams, fmt, output, explain, apply_, jobs):
    """cstui: grade customer-service staff.

    With no command, opens the TUI. With --scheme and --period, grades a period in batch mode:

        cstui --scheme star-levels --period 2026-10 --explain
    """
    ctx.ensure_object(dict)
    ctx.obj.update(db=db, debug=debug, lang=lang)
    if ctx.invoked_subcommand is not None:
        return
    if scheme_name or period:
        if not (scheme_name and period):
            raise click.UsageError("batch mode needs both --scheme and --period")
        _batch(ctx, demo, scheme_name, period, teams, fmt, output, explain, apply_, jobs)
    else:
        _tui(ctx, demo, lang)


def _demo_db() -> Path:
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
    from cstui.store import Store, resolve_db_path

    path = _demo_db() if demo else resolve_db_path(ctx.obj.get("db"))
    if fmt is None:
        fmt = "table" if output is None and sys.stdout.isatty() else "csv"
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE")
    with Store.open(path) as store:
        run_batch(
            store, scheme, period, teams=teams or None, fmt=fmt, output=output,
            explain=explain, apply=apply_, progress=sys.stderr.isatty(), jobs=jobs,
        )


def _tui(ctx, demo, lang):
    from cstui.store import resolve_db_path
    from cstui.tui.app import run

    path = _demo_db() if demo else resolve_db_path(ctx.obj.get("db"))
    run(path, lang=lang)


@cli.command()
@click.option("--db", type=click.Path(dir_okay=False), help="Where to build the demo (default: the company database).")
@click.option("--employees", default=60, show_default=True, type=click.IntRange(3, 1_000_000))
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 120))
@click.option("--seed", default=7, show_default=True, type=int)
@click.pass_context
def demo(ctx, db, employees, months, seed):
    """Build a deterministic demo company: three teams, every built-in scheme, a year of scorecards."""
    from cstui.demo import build_demo
    from cstui.store import resolve_db_path

    path = resolve_db_path(db or ctx.obj.get("db"))
    summary = build_demo(path, employees=employees, months=months, seed=seed)
    click.echo(str(summary))


@cli.group("import")
def import_():
    """Import a roster, scorecards or incidents (CSV in UTF-8/GB18030, or XLSX). All or nothing."""


@import_.command("roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def import_roster_cmd(ctx, file):
    """Columns: employee_id,name,team,role,hire_date[,login,scheme,level]."""
    from cstui.io.imports import import_roster

    with _open_store(ctx) as store:
        click.echo(import_roster(store, Path(file), progress=sys.stderr.isatty()))


@import_.command("scorecards")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--period", required=True, metavar="YYYY-MM")
@click.option("--scheme", "scheme_name", required=True, metavar="NAME|FILE.toml")
@click.option("--format", "fmt", default=None, help="A plugin's importer name (default: by file suffix).")
@click.pass_context
def import_scorecards_cmd(ctx, file, period, scheme_name, fmt):
    """Wide file: employee_id, then the scheme's metric keys as columns."""
    from cstui.domain import Period
    from cstui.io.imports import import_scorecards
    from cstui.schemes import load_scheme

    scheme = load_scheme(scheme_name)
    with _open_store(ctx) as store:
        click.echo(import_scorecards(store, Path(file), Period.parse(period), scheme, fmt=fmt, progress=sys.stderr.isatty()))


@import_.command("incidents")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def import_incidents_cmd(ctx, file):
    """Columns: employee_id,date,code,count,points,note."""
    from cstui.io.imports import import_incidents

    with _open_store(ctx) as store:
        click.echo(import_incidents(store, Path(file), progress=sys.stderr.isatty()))


@cli.command("plugins")
def plugins_cmd():
    """List installed plugins: name, version, hooks, load errors."""
    from cstui.plugins import get_registry

    registry = get_registry()
    rows = [
        (p.name, p.version, "built-in" if p.builtin else "installed", ", ".join(p.hooks) or "-", p.error or "")
        for p in registry.plugins
    ]
    _print_table(("plugin", "version", "source", "hooks", "error"), rows)


@cli.command("schemes")
def schemes_cmd():
    """List schemes: name, model, version, plugin, TOML source."""
    from cstui.schemes import catalog, short_source

    schemes, problems = catalog().all()
    rows = [(s.name, s.model.name, s.version, s.plugin, short_source(s.source)) for s in schemes]
    _print_table(("scheme", "model", "version", "plugin", "toml"), rows)
    for line in problems:
        click.echo(f"cstui: {line}", err=True)


@cli.group("scheme")
def scheme_group():
    """Show or check one scheme."""


@scheme_group.command("show")
@click.argument("name")
@click.option("--toml", "as_toml", is_flag=True, help="Print the effective scheme as TOML (loads back to the same).")
def scheme_show(name, as_toml):
    """Print the effective scheme NAME (a registered name or a .toml file)."""
    from cstui.schemes import load_scheme

    scheme = load_scheme(name)
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
@click.pass_context
def period_list(ctx):
    with _open_store(ctx) as store:
        rows = [(p["period"], p["status"], p.get("closed_by") or "", p.get("closed_at") or "") for p in store.periods()]
    _print_table(("period", "status", "closed by", "closed at"), rows)


@period_group.command("close")
@click.argument("period")
@click.pass_context
def period_close(ctx, period):
    """Lock PERIOD: its scorecards and incidents can no longer change."""
    from cstui.domain import Period
    from cstui.plugins import get_registry

    p = Period.parse(period)
    with _open_store(ctx) as store:
        store.close_period(p)
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
    from cstui.errors import InvalidData
    from cstui.store import NotFound

    with _open_store(ctx) as store:
        try:
            e = store.employee(employee_id)
        except NotFound as error:  # a mistyped id is bad input (exit 3), not a failure
            raise InvalidData([str(error)]) from None
        level = CurrentLevels(store, catalog().get).one(e, period) or e.level or ""
    rows = [("id", e.id), ("name", e.name), ("team", e.team), ("role", e.role), ("hired", e.hire_date.isoformat()),
            ("status", e.status), ("scheme", e.scheme or ""), ("starting level", e.level or ""), (f"level now ({period})", level)]
    _print_table(("field", "value"), rows)


@cli.group("user")
def user_group():
    """Manage who may use this database (admin)."""


@user_group.command("add")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(["admin", "manager", "supervisor", "viewer"]))
@click.option("--team", "teams", multiple=True, help="A team the user works on (repeatable).")
@click.pass_context
def user_add(ctx, login, role, teams):
    with _open_store(ctx) as store:
        store.add_user(login, role, teams)
    click.echo(f"{login}: {role}" + (f" ({', '.join(teams)})" if teams else ""))


@user_group.command("list")
@click.pass_context
def user_list(ctx):
    with _open_store(ctx) as store:
        rows = [(u.login, u.role, ", ".join(u.teams)) for u in store.users()]
    _print_table(("login", "role", "teams"), rows)


def _print_table(headers, rows) -> None:
    from cstui.io.text import render_table

    click.echo(render_table(headers, rows))


def main() -> None:
    cli(prog_name="cstui")
