"""``cstui results``, ``cstui confirm`` and ``cstui dispute open|list|answer|record-again``: agents confirm or
dispute their graded results, supervisors answer (registered on :data:`cstui.cli.cli`; the
rules are :mod:`cstui.store.signoff`)."""

from __future__ import annotations

import click

from cstui.cli import _open_store, _print_json, _print_table, cli, usage_text

PERIOD = "YYYY-MM|YYYY-Qn"


def _window_of(name: str) -> int:
    from cstui.store.signoff import installed_window_days

    return installed_window_days(name)


def _period(text: str | None):
    from cstui.clock import default_period
    from cstui.domain import Period

    return Period.parse(text) if text else default_period()


@cli.command("results")
@click.option("--period", "period_text", metavar=PERIOD, help="The graded period (default: last month).")
@click.option("--mine", is_flag=True, help="Only your own result: the employee whose roster login is yours.")
@click.option("--trace", is_flag=True, help="Print each result's trace lines under it.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of objects (with the trace) instead of a table.")
@click.pass_context
def results_cmd(ctx, period_text, mine, trace, as_json):
    """The recorded results of a period you may see (an agent: only their own), with each one's sign-off."""
    from cstui.errors import InvalidData

    period = _period(period_text)
    with _open_store(ctx) as store:
        rows = store.results(period)
        signed = store.sign_offs(period)
        if mine:
            own = store.login_employee()
            if own is None:
                from cstui.cli_texts import line as text_line

                raise InvalidData([text_line("signoff.no_own_employee", login=store.login)])
            rows = [r for r in rows if r["employee_id"] == own]
    records = [_result_record(r, signed.get(r["employee_id"])) for r in rows]
    if as_json:
        _print_json(records)
        return
    columns = ("employee", "name", "scheme", "score", "grade", "level", "decision", "pay delta", "sign-off")
    _print_table(columns, [[r[c.replace(" ", "_")] for c in columns] for r in records])
    for record in records if trace else ():
        click.echo(f"\n{record['employee']} {record['period']} trace:")
        for line in record["trace"]:
            click.echo(f"  {line}")


def _result_record(row: dict, sign_off: dict | None) -> dict:
    level = f"{row['level_before'] or ''} -> {row['level_after'] or ''}"
    return {
        "employee": row["employee_id"],
        "name": row["name"],
        "period": row["period"],
        "scheme": row["scheme"],
        "score": str(row["score"]) if row["score"] is not None else "",
        "grade": row["grade"] or "",
        "level": level,
        "decision": row["decision"] or "",
        "pay_delta": str(row["pay_delta"]) if row["pay_delta"] is not None else "",
        "sign-off": sign_off["status"] if sign_off else "pending",
        "trace": row["trace"],
    }


@cli.command("confirm")
@click.option("--period", "period_text", required=True, metavar=PERIOD, help="The graded period you confirm.")
@click.pass_context
def confirm_cmd(ctx, period_text):
    """Confirm your graded result of PERIOD (an agent, within the scheme's [sign_off] window_days)."""
    period = _period(period_text)
    with _open_store(ctx) as store:
        record = store.confirm_result(period, _window_of)
    click.echo(f"{record['employee_id']}: {period} confirmed")


@cli.group("dispute")
def dispute_group():
    """Disputes of graded results: agents open them, supervisors answer them."""


@dispute_group.command("open")
@click.option("--period", "period_text", required=True, metavar=PERIOD, help="The graded period you dispute.")
@click.option("--reason", required=True, help="What is wrong with the result (your supervisor reads it; audited).")
@click.pass_context
def dispute_open(ctx, period_text, reason):
    """Dispute your graded result of PERIOD with a reason (an agent, within the window)."""
    period = _period(period_text)
    with _open_store(ctx) as store:
        record = store.open_dispute(period, reason, _window_of)
    click.echo(f"dispute {record['id']}: {record['employee_id']} {period} open")


@dispute_group.command("list")
@click.option("--period", "period_text", metavar=PERIOD, help="Only this period's disputes.")
@click.option("--open", "only_open", is_flag=True, help="Only the disputes still waiting for an answer.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of objects instead of a table.")
@click.pass_context
def dispute_list(ctx, period_text, only_open, as_json):
    """The disputes you may see (a supervisor: their teams'; an agent: their own), oldest first."""
    period = _period(period_text) if period_text else None
    with _open_store(ctx) as store:
        rows = store.disputes(period, "open" if only_open else None)
    keys = (
        "id",
        "employee_id",
        "name",
        "team",
        "period",
        "status",
        "reason",
        "signed_at",
        "answer",
        "answered_by",
        "answered_at",
    )
    if as_json:
        _print_json([{k: row[k] for k in keys} for row in rows])
        return
    columns = ("id", "employee", "name", "team", "period", "status", "reason", "answer")
    _print_table(
        columns,
        [
            [row[k] or "" for k in ("id", "employee_id", "name", "team", "period", "status", "reason", "answer")]
            for row in rows
        ],
    )


@dispute_group.command("answer")
@click.argument("dispute_id", type=int)
@click.option(
    "--accept/--reject", "accept", default=None, help="Accept (then correct the card and apply again) or reject."
)
@click.option("--reason", required=True, help="Why (the agent reads it; audited).")
@click.pass_context
def dispute_answer(ctx, dispute_id, accept, reason):
    """Answer the open dispute DISPUTE_ID (the team's supervisor, a manager or admin)."""
    if accept is None:
        raise click.UsageError(usage_text("usage.accept_or_reject", accept="--accept", reject="--reject"))
    with _open_store(ctx) as store:
        record = store.answer_dispute(dispute_id, accept, reason)
    then = f"; correct the card, then: cstui dispute record-again {dispute_id}" if accept else ""
    click.echo(f"dispute {dispute_id}: {record['status']}{then}")


@dispute_group.command("record-again")
@click.argument("dispute_id", type=int)
@click.pass_context
def dispute_record_again(ctx, dispute_id):
    """Record the result of the accepted dispute DISPUTE_ID again, its card corrected: that
    employee's alone (teammates keep theirs), which restarts the agent's window to confirm."""
    from cstui.cli_texts import dispute_status
    from cstui.cli_texts import line as text_line
    from cstui.grading import reapply_disputed
    from cstui.schemes import load_scheme
    from cstui.store.errors import NotFound, SignOffRefused

    with _open_store(ctx) as store:
        found = [d for d in store.disputes() if d["id"] == dispute_id]
        if not found:
            raise NotFound(text_line("signoff.no_dispute", id=dispute_id))
        if found[0]["status"] != "accepted":
            raise SignOffRefused(
                text_line("signoff.not_accepted", id=dispute_id, status=dispute_status(found[0]["status"]))
            )
        result = reapply_disputed(store, found[0], load_scheme)
    score = "-" if result.score is None else f"{result.score:.2f}"
    click.echo(f"dispute {dispute_id}: {result.employee_id} {result.period} recorded again: score {score}")
