"""``cstui web``: the TUI in a browser, one person per one-time token (docs/deploy.md).

textual-serve runs one fixed command per browser websocket and passes it nothing of the
session (the command line and environment are the same for everyone). So this server puts a
check in front of it, in textual-serve's own aiohttp application:

- ``GET /?token=T`` redeems T in the database (once; wrong, expired or used: a page that says
  so and nothing else) and serves textual-serve's page, whose websocket URL carries the
  session key the redemption bound to the token's login;
- ``/ws/KEY`` starts the app process (``cstui --db PATH web-session``) with KEY in its
  environment, never on its command line (``ps`` shows command lines to every account). The
  app claims KEY from the database and opens the store as the login it finds there: neither
  this server nor the browser ever says who the person is.

Listens on 127.0.0.1 only; people reach it through ``ssh -L``. Imported only by ``cstui
web``: textual-serve and aiohttp stay off every other command's path.
"""

from __future__ import annotations

import asyncio
import html
import logging
import shlex
import sys
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from cstui.store.web_tokens import SESSION_ENV, TokenDesk, TokenRefused

HOST = "127.0.0.1"
log = logging.getLogger("cstui.web")

REFUSED_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>cstui: link refused</title></head>
<body><h1>cstui: this link opens nothing</h1><p id="refused">{reason}.</p>
<p>Ask for a new link on the server: <code>cstui web-token</code> (through your SSH login:
<code>ssh cstui@HOST web-token</code>), and open it within its minutes.</p></body></html>
"""


def app_command(db_path: Path, lang: str | None) -> str:
    """The command textual-serve runs for each browser: this Python, this database."""
    words = [sys.executable, "-m", "cstui", "--db", str(db_path)]
    if lang:
        words += ["--lang", lang]
    return shlex.join([*words, "web-session"])


class SessionAppService(AppService):
    """textual-serve's app process, with the browser's session key in its environment."""

    def __init__(self, command: str, session_key: str, **kwargs) -> None:
        super().__init__(command, **kwargs)
        self.session_key = session_key

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment[SESSION_ENV] = self.session_key
        return environment


class TokenServer(Server):
    """textual-serve's server with a one-time token in front of every app."""

    def __init__(self, db_path: Path, port: int, lang: str | None = None) -> None:
        super().__init__(app_command(db_path, lang), host=HOST, port=port, title="cstui")
        self.db_path = db_path
        self.pending: set[str] = set()  # session keys of pages served, not yet connected

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws/{session}", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        return app

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(f"cstui web: serving {self.db_path} on {self.public_url}/?token=... (Ctrl+C to stop)")

    def _redeem(self, token: str):
        with TokenDesk.open(self.db_path, login="cstui-web") as desk:
            return desk.redeem(token)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        token = request.query.get("token", "")
        if not token:
            return refused("this address needs the link that cstui web-token prints")
        try:
            session = await asyncio.to_thread(self._redeem, token)
        except TokenRefused as error:
            log.warning("refused a web token: %s", error)
            return refused(str(error))
        self.pending.add(session.session_key)
        log.info("web token redeemed: a session for %s", session.login)
        context = self._page_context(request, session.session_key)
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"  # the URL carried the token
        return response

    def _page_context(self, request: web.Request, session_key: str) -> dict:
        static = request.app.router["static"].url_for(filename="/")
        return {
            "font_size": 16,
            "app_websocket_url": f"ws://{request.host}/ws/{session_key}",
            "config": {"static": {"url": str(static).rstrip("/") + "/"}},
            "application": {"name": "cstui"},
        }

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's handler, for a page this server served (its key once), with the key
        handed to the app process."""
        session_key = request.match_info["session"]
        if session_key not in self.pending:
            raise web.HTTPForbidden(text="cstui: this session is not valid; open a new link")
        self.pending.discard(session_key)
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        await websocket.prepare(request)
        app_service = SessionAppService(
            self.command,
            session_key,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        try:
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one browser's failure must not stop the server for the others
            log.exception(error)
        finally:
            await app_service.stop()
        return websocket


def refused(reason: str) -> web.Response:
    """The page of a link that opens nothing: why, and how to get a new one; nobody's data."""
    return web.Response(
        status=403,
        text=REFUSED_PAGE.format(reason=html.escape(reason)),
        content_type="text/html",
        headers={"Cache-Control": "no-store"},
    )


def _int(text: str | None, default: int) -> int:
    try:
        return int(text or "")
    except ValueError:
        return default


def serve(db_path: Path, port: int, lang: str | None = None) -> None:
    TokenServer(db_path, port, lang).serve()
