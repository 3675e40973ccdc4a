"""``cstui employee assign|timeline`` and ``cstui place``: an employee's scheme timeline and
a new hire's placement, from the command line (registered on :data:`cstui.cli.cli` and its
``employee`` group)."""

from __future__ import annotations

import click

from cstui.cli import _open_store, _print_table, cli, employee_group


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
    from cstui.domain.values import format_number
    from cstui.errors import InvalidData
    from cstui.schemes import catalog
    from cstui_plugins.placement import place

    scheme = catalog().get(scheme_name)
    if scheme.model.name != "placement":
        raise InvalidData(
            [
                f"--scheme {scheme_name}: model {scheme.model.name}, not placement; a placement form needs a placement scheme"
            ]
        )
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
                raise InvalidData([f"{e.id}: score {score} places no level; nothing recorded"])
            store.assign_scheme(e.id, scheme.name, e.hire_date.strftime("%Y-%m"), level, why=["placement form", *trace])
            click.echo(f"{e.id}: starting level {level} on {scheme.name} since {e.hire_date:%Y-%m} (recorded)")


def _form_values(fields, keys: set[str]) -> dict[str, str]:
    from cstui.errors import InvalidData

    values, problems = {}, []
    for field in fields:
        key, sep, value = field.partition("=")
        if not sep or key.strip() not in keys:
            problems.append(f"--set {field}: expected FIELD=VALUE with FIELD one of {', '.join(sorted(keys))}")
            continue
        values[key.strip()] = value.strip()
    if problems:
        raise InvalidData(problems)
    return values
