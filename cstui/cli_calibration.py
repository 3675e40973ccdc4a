"""``cstui calibration``: each rater's scores against the rest of the department (registered
on :data:`cstui.cli.cli`; the service is :mod:`cstui.calibration`)."""

from __future__ import annotations

import click

from cstui.cli import _open_store, cli

FORMATS = click.Choice(("table", "csv", "json"))


@cli.command("calibration")
@click.option("--period", "period_text", required=True, metavar="YYYY-MM|YYYY-Qn", help="The period to calibrate.")
@click.option(
    "--scheme",
    "scheme_ref",
    default=None,
    metavar="NAME|FILE.toml",
    help="Only this scheme (default: every scheme on the roster, each compared within itself).",
)
@click.option("--team", "teams", multiple=True, help="Only this team (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=FORMATS,
    default="table",
    show_default=True,
    help="table for reading; csv or json for scripts.",
)
@click.pass_context
def calibration_cmd(ctx, period_text, scheme_ref, teams, fmt):
    """Each rater's people, mean and spread of scores, grade and decision shares, deductions
    and adjustments, against the rest of the department (difference, 95% Welch interval, z);
    flags raters at |z| >= the scheme's [calibration] flag_z (default 2). Writes nothing."""
    from cstui.calibration import calibration
    from cstui.cli_calibration_report import report
    from cstui.cli_schemes import load_ref
    from cstui.domain import Period

    period = Period.parse(period_text)
    with _open_store(ctx) as store:
        names = [scheme_ref] if scheme_ref else store.roster_schemes()
        reports = []
        for name in names:
            reports.append(calibration(store, load_ref(ctx, name), period, teams or None))
    report([r for r, _ in reports], fmt)
    for _, invalid in reports:  # after the report, as a dry batch run names them
        invalid.refuse(applying=False)
