"""``cstui scheme applied|diff`` and ``cstui whatif``: the schemes remembered with applied
periods, the differences between two schemes, and what a proposed scheme would decide
(registered on :data:`cstui.cli.cli` and its ``scheme`` group; services in :mod:`cstui.whatif`)."""

from __future__ import annotations

import json

import click

from cstui.cli import _open_store, _print_table, cli, scheme_group

FORMATS = click.Choice(("table", "csv", "json"))


def load_ref(ctx: click.Context, ref: str):
    """The scheme ``ref`` names (NAME, FILE.toml or NAME@PERIOD); the database is opened only
    for a remembered one."""
    from cstui.whatif import is_remembered_ref, scheme_ref

    if not is_remembered_ref(ref):
        return scheme_ref(None, ref)
    with _open_store(ctx) as store:
        return scheme_ref(store, ref)


@scheme_group.command("applied")
@click.option("--period", "period_text", required=True, metavar="YYYY-MM|YYYY-Qn", help="The applied period.")
@click.option("--scheme", "scheme_name", default=None, metavar="NAME", help="Only this scheme.")
@click.option("--toml", "as_toml", is_flag=True, help="Print each remembered scheme as TOML (loads back to the same).")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of objects with fixed keys.")
@click.pass_context
def scheme_applied(ctx, period_text, scheme_name, as_toml, as_json):
    """The schemes that graded PERIOD's recorded results: version, fingerprint and teams."""
    from cstui.domain import Period

    period = Period.parse(period_text)
    with _open_store(ctx) as store:
        applied = store.applied_schemes(period, scheme_name)
    if as_toml:
        for a in applied:
            s = a.snapshot
            click.echo(
                f"# {s.scheme}@{period}: fingerprint {s.fingerprint}, teams {', '.join(a.teams)}, applied by {a.applied_by} at {a.applied_at}"
            )
            click.echo(s.toml)
        return
    records = [_applied_record(a) for a in applied]
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    columns = ("scheme", "version", "fingerprint", "teams", "applied_by", "applied_at")
    _print_table(columns, [[", ".join(r[c]) if c == "teams" else r[c] for c in columns] for r in records])
    if not applied:
        click.echo(
            f"cstui: no scheme remembered for {period} (not applied, or applied before cstui kept schemes)", err=True
        )


def _applied_record(a) -> dict:
    s = a.snapshot
    return {
        "scheme": s.scheme,
        "version": s.version,
        "model": s.model,
        "fingerprint": s.fingerprint,
        "teams": list(a.teams),
        "applied_by": a.applied_by,
        "applied_at": a.applied_at,
    }


@scheme_group.command("diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option(
    "--format",
    "fmt",
    type=FORMATS,
    default="table",
    show_default=True,
    help="table for reading; csv or json for scripts.",
)
@click.pass_context
def scheme_diff(ctx, a, b, fmt):
    """The parameters that differ from scheme A to scheme B: key path, A's value, B's value.

    A and B are each a registered NAME, a .toml FILE, or NAME@PERIOD (the scheme remembered
    when PERIOD was applied). Exit 0 whether or not they differ.
    """
    from cstui.whatif import param_diff

    old, new = load_ref(ctx, a), load_ref(ctx, b)
    changes = param_diff(old.params, new.params)
    if fmt == "table":
        _print_table(("key", "old", "new"), [(c.key, _shown(c.old), _shown(c.new)) for c in changes])
        click.echo(
            f"{len(changes)} parameter{'s' if len(changes) != 1 else ''} differ ({old.fingerprint} -> {new.fingerprint})",
            err=True,
        )
        return
    records = [{"key": c.key, "old": c.old, "new": c.new} for c in changes]
    _write(records if fmt == "json" else [_csv_record(r) for r in records], ["key", "old", "new"], fmt)


def _shown(value) -> str:
    """A parameter's value for reading: JSON (strings quoted, so "110" and 110 differ); absent named."""
    return "(absent)" if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _csv_record(record: dict) -> dict:
    return {
        k: (v if k == "key" or v is None else json.dumps(v, ensure_ascii=False, default=str)) for k, v in record.items()
    }


def _write(records: list[dict], columns: list[str], fmt: str) -> None:
    from cstui.io.output import open_output
    from cstui.io.report import write_csv, write_json

    with open_output(None, fmt) as stream:
        (write_csv if fmt == "csv" else write_json)(records, columns, stream)


@cli.command("whatif")
@click.option(
    "--scheme", "scheme_ref", required=True, metavar="NAME|FILE.toml|NAME@PERIOD", help="The proposed scheme."
)
@click.option(
    "--period", "period_text", required=True, metavar="YYYY-MM|YYYY-Qn", help="The (last) period to re-grade."
)
@click.option(
    "--from",
    "from_text",
    default=None,
    metavar="YYYY-MM|YYYY-Qn",
    help="Re-grade every period of --period's kind from this one on.",
)
@click.option(
    "--against",
    "against_ref",
    default=None,
    metavar="NAME|FILE.toml|NAME@PERIOD",
    help="The baseline (default: the registered scheme of the proposal's name).",
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
def whatif_cmd(ctx, scheme_ref, period_text, from_text, against_ref, teams, fmt):
    """Re-grade past periods under a proposed scheme and list every changed decision, level,
    grade and pay per employee, with totals. Writes nothing to the database."""
    from cstui.domain import Period
    from cstui.whatif import whatif, whatif_periods

    periods = whatif_periods(Period.parse(period_text), Period.parse(from_text) if from_text else None)
    proposed = load_ref(ctx, scheme_ref)
    current = load_ref(ctx, against_ref or _registered_name(scheme_ref, proposed.name))
    with _open_store(ctx) as store:
        report = whatif(store, proposed, current, periods, teams or None)
    _report_whatif(report, fmt)
    for invalid in report.invalid:  # after the report, as a dry batch run names them
        invalid.refuse(applying=False)


def _registered_name(scheme_ref: str, name: str) -> str:
    """The proposal's own name as the baseline, when a scheme of that name is installed."""
    from cstui.cli_texts import line as text_line
    from cstui.errors import InvalidData
    from cstui.schemes import catalog

    if name not in catalog().names():
        said = dict(ref=scheme_ref, name=repr(name), option="--against NAME")
        raise InvalidData([text_line("schemes.none_named", **said)])
    return name


def _report_whatif(report, fmt: str) -> None:
    from cstui.whatif import WHATIF_COLUMNS

    records = [row.record() for row in report.rows]
    totals = report.totals.record()
    head = f"{report.proposed.version} ({report.proposed.fingerprint}) against {report.current.name} {report.current.version} ({report.current.fingerprint})"
    if fmt == "json":
        document = {
            "scheme": report.current.name,
            "proposed": _scheme_record(report.proposed),
            "current": _scheme_record(report.current),
            "totals": totals,
            "changes": [{c: r[c] for c in WHATIF_COLUMNS} for r in records],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        _write(records, WHATIF_COLUMNS, "csv")
        click.echo(f"cstui: {head}: {_totals_line(totals)}", err=True)
        return
    _print_table(TABLE_COLUMNS, [_table_row(r) for r in records])
    click.echo(f"\n{head}\n{_totals_line(totals)}")


def _scheme_record(scheme) -> dict:
    return {"name": scheme.name, "version": scheme.version, "fingerprint": scheme.fingerprint, "source": scheme.source}


TABLE_COLUMNS = ("period", "employee", "name", "team", "decision", "level", "grade", "pay")


def _table_row(r: dict) -> list:
    return [
        r["period"],
        r["employee_id"],
        r["name"],
        r["team"],
        _arrow(r["decision"], r["decision_new"]),
        _arrow(r["level"], r["level_new"]),
        _arrow(r["grade"], r["grade_new"]),
        _arrow(r["pay_delta"], r["pay_delta_new"]),
    ]


def _arrow(old, new) -> str:
    """``old → new`` where they differ; the one value where they agree; empty for none."""
    shown = ["" if v is None else str(v) for v in (old, new)]
    return shown[0] if old == new else f"{shown[0] or '-'} → {shown[1] or '-'}"


def _totals_line(t: dict) -> str:
    return (
        f"{t['changed']} of {t['graded']} results change over {len(t['periods'])} period(s); "
        f"promotions {t['promotions']} → {t['promotions_new']}, demotions {t['demotions']} → {t['demotions_new']}, "
        f"pay {t['pay']} → {t['pay_new']} yuan (change {t['pay_change']:+})"
    )
