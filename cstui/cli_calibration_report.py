"""How ``cstui calibration`` prints its reports (table, csv, json); imported when the command
runs, so ``cstui --help`` does not pay for Decimal and the statistics."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_EVEN, Decimal

import click

from cstui.calibration import difference_text as _difference
from cstui.calibration import shown
from cstui.calibration import signed as _signed
from cstui.cli import _print_table

EXACT = Decimal("0.0001")  # csv and json places
COLUMNS = [
    "scheme",
    "period",
    "rater",
    "people",
    "scored",
    "mean",
    "sd",
    "grades",
    "decisions",
    "deductions",
    "deductions_per_person",
    "adjustments",
    "adjustment_total",
    "rest_n",
    "rest_mean",
    "difference",
    "ci_low",
    "ci_high",
    "z",
    "flag",
]
TABLE_COLUMNS = ("rater", "people", "mean", "sd", "grades", "deduct/person", "adjust", "diff [95% CI]", "z", "flag")


def report(reports: list, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([_document(r) for r in reports], ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        from cstui.io.output import open_output
        from cstui.io.report import write_csv

        with open_output(None, "csv") as stream:
            write_csv([rater_record(r, row) for r in reports for row in r.raters], COLUMNS, stream)
        return
    for i, report in enumerate(reports):
        if i:
            click.echo("")
        _table(report)
    if not reports:
        click.echo("cstui: no employee on a scheme in the teams this login sees", err=True)


def _table(report) -> None:
    click.echo(f"{report.scheme} {report.period}: {_department_line(report)}")
    if report.notice:
        click.echo(f"cstui: {report.notice}", err=True)
    _print_table(TABLE_COLUMNS, [_table_row(row) for row in report.raters])
    for label, row in (("harshest", report.harshest()), ("most lenient", report.most_lenient())):
        if row is not None:
            click.echo(
                f"{label}: {row.rater}: mean {shown(row.scores.mean)}, {_difference(row.comparison)} from the rest"
                + (f", z {shown(row.comparison.z)}" if row.comparison.z is not None else "")
            )
    click.echo(f"flagged at |z| >= {report.flag_z} ([calibration] flag_z of {report.scheme})")


def _department_line(report) -> str:
    d = report.department
    return f"department {d.n} scored, mean {shown(d.mean) or '-'}, sd {shown(d.sd) or '-'}; grades {_shares(report.grades) or '-'}"


def _table_row(row) -> list:
    return [
        row.rater,
        row.people,
        shown(row.scores.mean),
        shown(row.scores.sd),
        _shares(row.grades),
        shown(row.deductions_per_person),
        f"{row.adjustments} ({_signed(row.adjustment_total)})" if row.adjustments else "",
        _difference(row.comparison),
        shown(row.comparison.z),
        row.flag,
    ]


def _shares(shares: dict) -> str:
    """``A 50.0% B 25.0%``: each share as a percent to one place."""
    return " ".join(
        f"{key} {(share * 100).quantize(Decimal('0.1'), ROUND_HALF_EVEN)}%" for key, share in shares.items()
    )


def _number(value: Decimal | None):
    """A figure for CSV and JSON: 4 places, a whole number as an int."""
    if value is None:
        return None
    value = value.quantize(EXACT, ROUND_HALF_EVEN)
    return int(value) if value == value.to_integral_value() else float(value)


def rater_record(report, row) -> dict:
    c = row.comparison
    return {
        "scheme": report.scheme,
        "period": report.period,
        "rater": row.rater,
        "people": row.people,
        "scored": row.scores.n,
        "mean": _number(row.scores.mean),
        "sd": _number(row.scores.sd),
        "grades": _shares(row.grades),
        "decisions": _shares(row.decisions),
        "deductions": _number(row.deductions),
        "deductions_per_person": _number(row.deductions_per_person),
        "adjustments": row.adjustments,
        "adjustment_total": _number(row.adjustment_total),
        "rest_n": row.rest.n,
        "rest_mean": _number(row.rest.mean),
        "difference": _number(c.difference),
        "ci_low": _number(c.ci_low),
        "ci_high": _number(c.ci_high),
        "z": _number(c.z),
        "flag": row.flag,
    }


def _document(report) -> dict:
    d = report.department
    raters = []
    for row in report.raters:
        record = rater_record(report, row)
        record["grades"] = {k: _number(v) for k, v in row.grades.items()}
        record["decisions"] = {k: _number(v) for k, v in row.decisions.items()}
        raters.append({k: v for k, v in record.items() if k not in ("scheme", "period")})
    harshest, lenient = report.harshest(), report.most_lenient()
    return {
        "scheme": report.scheme,
        "period": report.period,
        "flag_z": _number(report.flag_z),
        "department": {
            "scored": d.n,
            "mean": _number(d.mean),
            "sd": _number(d.sd),
            "grades": {k: _number(v) for k, v in report.grades.items()},
        },
        "harshest": harshest.rater if harshest else None,
        "most_lenient": lenient.rater if lenient else None,
        "raters": raters,
    }
