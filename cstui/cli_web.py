"""``cstui web-token``, ``cstui web`` and the app process of one browser (``web-session``):
the TUI in a browser for one person per one-time link (registered on :data:`cstui.cli.cli`;
docs/deploy.md). textual-serve and aiohttp are imported only by ``cstui web`` itself."""

from __future__ import annotations

import os
from pathlib import Path

import click

from cstui.cli import _open_store, _tui, cli, usage_text

DEFAULT_PORT = 8566


@cli.command("web-token")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="The port `cstui web` listens on (and your ssh -L forwards), for the printed link.",
)
@click.option(
    "--minutes",
    type=click.IntRange(1, 60),
    default=10,
    show_default=True,
    help="How long the link may wait to be opened; it opens one session, once.",
)
@click.pass_context
def web_token_cmd(ctx, port, minutes):
    """Print a one-time link that opens the TUI in a browser as you (your login and role)."""
    with _open_store(ctx) as store:
        token = store.issue_web_token(minutes=minutes)
        login = store.login
    click.echo(f"http://127.0.0.1:{port}/?token={token}")
    click.echo(
        f"(for {login}: opens one browser session, within {minutes} minutes; "
        f"through ssh -L {port}:127.0.0.1:{port} when cstui web runs on a server)",
        err=True,
    )


@cli.command("web")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="The port to listen on, on 127.0.0.1 only.",
)
@click.pass_context
def web_cmd(ctx, port):
    """Serve the TUI to browsers on 127.0.0.1, one person per link from `cstui web-token`."""
    from cstui.store import resolve_db_path
    from cstui.store.web_tokens import TokenDesk

    path = resolve_db_path(ctx.obj.get("db"))
    TokenDesk.open(path, login="cstui-web").close()  # a missing or foreign file stops here, not at the first browser
    from cstui.web import serve

    serve(path.resolve(), port, ctx.obj.get("lang"))


@cli.command("web-session", hidden=True)
@click.pass_context
def web_session_cmd(ctx):
    """The app of one browser, started by `cstui web` (not for people): its login comes from
    the session key in $CSTUI_WEB_SESSION, claimed once from the database."""
    from cstui.store import resolve_db_path
    from cstui.store.web_tokens import SESSION_ENV, TokenDesk

    key = os.environ.pop(SESSION_ENV, "")
    if not key:
        words = {"command": "web-session", "web": "cstui web", "token": "cstui web-token"}
        raise click.UsageError(usage_text("usage.web_session", **words))
    path = Path(resolve_db_path(ctx.obj.get("db")))
    with TokenDesk.open(path, login="cstui-web") as desk:
        ctx.obj["login"] = desk.start(key)
    _tui(ctx, False, ctx.obj.get("lang"))
