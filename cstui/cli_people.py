"""``cstui employee assign|timeline|history`` and ``cstui place``: an employee's scheme timeline,
their history (what the TUI's history shows: :mod:`cstui.story`) and a new hire's placement, from the command line (registered on :data:`cstui.cli.cli` and its
``employee`` group)."""

from __future__ import annotations

import click

from cstui.cli import _open_store, _print_table, cli, employee_group, usage_text


@employee_group.command("assign")
@click.argument("employee_id")
@click.option("--scheme", "scheme_name", required=True, metavar="NAME", help="An installed scheme.")
@click.option("--since", required=True, metavar="YYYY-MM", help="The first month the scheme judges and grades.")
@click.option("--level", default=None, help="The starting level on the scheme (default: its entry level).")
@click.pass_context
def employee_assign(ctx, employee_id, scheme_name, since, level):
    """Put EMPLOYEE_ID on a scheme from a month on; earlier months keep their scheme (audited)."""
    from cstui.domain import Period

    since = str(Period.parse(since))  # a bad month is invalid input (exit 3), before the store opens
    with _open_store(ctx) as store:
        e = store.assign_scheme(employee_id, scheme_name, since, level)
        line = store.scheme_assignments(employee_id)
    click.echo(
        f"{e.id}: on {scheme_name} from {since}" + (f" at {level}" if level else "") + f" (now: {e.scheme or '(none)'})"
    )
    _print_timeline(line)


@employee_group.command("timeline")
@click.argument("employee_id")
@click.pass_context
def employee_timeline(ctx, employee_id):
    """EMPLOYEE_ID's scheme assignments, earliest first."""
    with _open_store(ctx) as store:
        line = store.scheme_assignments(employee_id)
    _print_timeline(line)


@employee_group.command("history")
@click.argument("employee_id")
@click.option(
    "--period", "period_text", default=None, metavar="YYYY-MM", help="The last month told (default: last month)."
)
@click.option(
    "--months", default=12, show_default=True, type=click.IntRange(1, 120), help="How many months, back from --period."
)
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    metavar="table|csv|json|xlsx|PLUGIN",
    help="The report's format; also a format a plugin registers.",
)
@click.option("--output", default=None, metavar="FILE", help="Write the report to FILE instead of stdout.")
@click.option("--explain", is_flag=True, help="Add each period's trace.")
@click.pass_context
def employee_history(ctx, employee_id, period_text, months, fmt, output, explain):
    """EMPLOYEE_ID's results of the months up to --period, newest first: what the TUI's history
    shows (a closed period's recorded result, else graded now, as batch mode grades it)."""
    from cstui.domain import Period

    period = Period.parse(period_text).last_month if period_text else None
    _check_format(fmt)
    with _open_store(ctx) as store:
        results, problem = _story_results(store, employee_id, period, months)
        if problem:
            click.echo(f"cstui: {problem}", err=True)
        _write_results(store, results, fmt, output, explain)


def _check_format(fmt: str) -> None:
    from cstui.io.report import BUILTIN_FORMATS
    from cstui.plugins import get_registry

    if fmt not in BUILTIN_FORMATS and fmt not in get_registry().exporters:
        known = ", ".join([*BUILTIN_FORMATS, *sorted(get_registry().exporters)])
        raise click.BadParameter(
            usage_text("usage.format_one_of", format=repr(fmt), known=known), param_hint="--format"
        )


def _story_results(store, employee_id: str, period, months: int):
    """The story's results (cstui.story), the ranks of periods told alone filled from the team."""
    from cstui.clock import default_period
    from cstui.levels import CurrentLevels
    from cstui.schemes import SchemeError, catalog
    from cstui.story import team_ranks, tell_story

    def try_scheme(name):
        try:
            return catalog().get(name), None
        except SchemeError as error:
            return None, str(error)

    levels = CurrentLevels(store, catalog().get)
    story = tell_story(store, try_scheme, levels.one, employee_id, period or default_period(), months)
    results = [r for _, r, _ in story.decisions]
    wanted = [  # the periods told alone: those graded with the team have its rank (story.ranks)
        (p, r.scheme)
        for p, r, recorded in story.decisions
        if r.rank is None and not recorded and r.score is not None and (p, r.scheme) not in story.ranks
    ]
    ranks = team_ranks(store, try_scheme, employee_id, wanted)
    for period_told, r, _ in story.decisions:
        r.rank = ranks.get((period_told, r.scheme), r.rank)
    return results, story.problem


HISTORY_TABLE = ("period", "scheme", "score", "rank", "level_before", "level_after", "decision", "pay_delta", "flags")


def _write_results(store, results, fmt: str, output, explain: bool) -> None:
    from cstui.io.output import open_output
    from cstui.io.report import columns_for, table_cell, write_report

    if fmt == "table" and output is None:  # a period a row (batch's table shows one period)
        records = [r.as_record(explain) for r in results]
        _print_table(HISTORY_TABLE, [[table_cell(rec.get(c)) for c in HISTORY_TABLE] for rec in records])
        for rec in records if explain else []:
            click.echo(f"\n{rec['period']}\n" + "\n".join(f"  {table_cell(line)}" for line in rec["trace"]))
        return
    with open_output(output, fmt, database=store.path) as stream:
        write_report((r.as_record(explain) for r in results), fmt, stream, columns_for(explain))


def _print_timeline(line) -> None:
    # the earliest assignment also covers the months before its own (history imported earlier)
    rows = [
        ("(from the start)" if i == 0 else a.since, a.scheme or "(none)", a.level or "(entry level)")
        for i, a in enumerate(line)
    ]
    _print_table(("since", "scheme", "starting level"), rows)


@cli.command("place")
@click.argument("employee_id")
@click.option(
    "--scheme",
    "scheme_name",
    default="placement",
    show_default=True,
    metavar="NAME",
    help="A scheme of the placement model.",
)
@click.option(
    "--set", "fields", multiple=True, metavar="FIELD=VALUE", help="One item of the placement form (repeatable)."
)
@click.option(
    "--apply",
    "apply_",
    is_flag=True,
    help="Record the level as the employee's starting level on the scheme, since their hire month (audited with the trace).",
)
@click.pass_context
def place_cmd(ctx, employee_id, scheme_name, fields, apply_):
    """Score EMPLOYEE_ID's placement form and show the level it places them at."""
    from cstui.cli_texts import line as text_line
    from cstui.domain.values import format_number
    from cstui.errors import InvalidData
    from cstui.schemes import catalog
    from cstui_plugins.placement import place

    scheme = catalog().get(scheme_name)
    if scheme.model.name != "placement":
        said = dict(option="--scheme", scheme=scheme_name, model=scheme.model.name)
        raise InvalidData([text_line("place.not_placement", **said)])
    values = _form_values(fields, {spec.key for spec in scheme.model.metrics(scheme)})
    with _open_store(ctx) as store:
        e = store.employee(employee_id)
        score, level, trace = place(scheme, values)
        score = format_number(score)
        for line in trace:
            click.echo(f"  {line}")
        click.echo(f"{e.id}: score {score} → {level or 'not placed'}")
        if apply_:
            if level is None:
                raise InvalidData([text_line("place.no_level", employee=e.id, score=score)])
            store.assign_scheme(e.id, scheme.name, e.hire_date.strftime("%Y-%m"), level, why=["placement form", *trace])
            click.echo(f"{e.id}: starting level {level} on {scheme.name} since {e.hire_date:%Y-%m} (recorded)")


def _form_values(fields, keys: set[str]) -> dict[str, str]:
    from cstui.cli_texts import line as text_line
    from cstui.errors import InvalidData

    values, problems = {}, []
    for field in fields:
        key, sep, value = field.partition("=")
        if not sep or key.strip() not in keys:
            said = dict(option="--set", field=field, fields=", ".join(sorted(keys)), pattern="FIELD=VALUE")
            problems.append(text_line("place.bad_field", **said))
            continue
        values[key.strip()] = value.strip()
    if problems:
        raise InvalidData(problems)
    return values
