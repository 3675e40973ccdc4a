"""One-time tokens that open the TUI in a browser for one person (``cstui web``, docs/deploy.md).

The life of a token, each step one ``BEGIN IMMEDIATE`` write:

1. ``Store.issue_web_token()``: the logged-in identity (the SSH key's login through
   ``cstui shell``, or the OS account) gets a random token valid for a few minutes. The
   token is for that login and no other: nobody can ask for a token in another's name.
2. ``TokenDesk.redeem(token)``: the web server, when a browser opens the token's URL. A
   wrong, expired or already redeemed token is refused; a good one is marked redeemed (it
   never opens anything again) and bound to a fresh session key, valid for a minute.
3. ``TokenDesk.start(session_key)``: the app process the web server started for that
   browser. It learns its login only here, from the database, never from its command line
   or the server: the key starts one app once, then it is spent.

The database keeps only SHA-256 digests of tokens and keys. The role is not copied: the
app opens the store as the login, which reads the role then (and at every write), exactly
as an SSH session of that login would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.store.audit import INSERT_CHAINED, chained
from cstui.store.codec import dumps
from cstui.store.core import StoreCore
from cstui.store.deferred import records_found_here
from cstui.store.errors import AccessDenied, Refused
from cstui.store.identity import User
from cstui.store.migrations import SCHEMA_VERSION, schema_version

if TYPE_CHECKING:
    from cstui.store.records import WebSession

TOKEN_MINUTES = 10  # long enough to copy a URL into a browser, short enough to lose little if leaked
SESSION_SECONDS = 60  # from opening the page to its app starting: the page connects at once
SESSION_ENV = "CSTUI_WEB_SESSION"  # how `cstui web` hands a browser's session key to its app process
STAMP = "%Y-%m-%dT%H:%M:%SZ"  # as codec.now(): ISO text that sorts as time does


class TokenRefused(AccessDenied):
    """A web token or session key that opens nothing; the message names no login."""


# what a browser's link or session that opens nothing reads: the same for every login
texts.register(
    {
        "web.unknown_link": (
            "this link is not a {program} web token (mistyped or cut short?)",
            "此链接不是 {program} 网页令牌（输错了或被截断？）",
        ),
        "web.used_link": (
            "this link has been used already: each link opens one session",
            "此链接已被使用：每个链接只能打开一次会话",
        ),
        "web.expired_link": ("this link has expired", "此链接已过期"),
        "web.bad_session": (
            "this browser session is not valid (used, expired or unknown); open a new link",
            "此浏览器会话无效（已使用、已过期或未知）；请打开新的链接",
        ),
    }
)


def digest(secret: str) -> str:
    import hashlib  # here: the Store's every start-up (a dry grading) loaded OpenSSL's module for it

    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime(STAMP)


def utc_now() -> datetime:
    return datetime.now(UTC)


class WebTokensMixin(StoreCore):
    """The Store's half: issuing a token to the login this store was opened as."""

    def issue_web_token(self, minutes: int = TOKEN_MINUTES, at: datetime | None = None) -> str:
        """A new one-time token for this store's login (whose role Store.open has checked)."""
        import secrets

        token = secrets.token_urlsafe(32)
        issued = at or utc_now()
        expires = stamp(issued + timedelta(minutes=minutes))
        with self.write():
            self.conn.execute(
                "INSERT INTO web_tokens (token_hash, login, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                (digest(token), self.login, stamp(issued), expires),
            )
            self._audit("issue-web-token", "web_tokens", self.login, None, {"expires_at": expires})
        return token


class TokenDesk(StoreCore):
    """The web server's and the app process's half. It is opened by the service account,
    which need not be a cstui user: it reads and writes only ``web_tokens`` (and the audit
    rows of a redemption, in the name of the token's login)."""

    def _prepare(self) -> None:
        # never migrates or bootstraps an admin: a file a newer or older cstui left is refused
        if schema_version(self.conn) != SCHEMA_VERSION:
            found = schema_version(self.conn)
            raise Refused(
                line(
                    "store.desk_schema",
                    program="cstui",
                    path=str(self.path),
                    found=found,
                    known=SCHEMA_VERSION,
                    command=f"cstui --db {self.path} check",
                )
            )
        self.user = User("", "viewer", ("",))  # sees nothing: the desk reads no company data

    def redeem(self, token: str, at: datetime | None = None) -> WebSession:
        """Spend ``token`` (once) and bind a session key to its login; refused if wrong, used or expired."""
        import secrets

        now = stamp(at or utc_now())
        key = secrets.token_urlsafe(32)
        with self.write():
            row = self._one(
                "SELECT login, expires_at, redeemed_at FROM web_tokens WHERE token_hash = ?", (digest(token),)
            )
            if row is None:
                raise TokenRefused(line("web.unknown_link", program="cstui"))
            if row["redeemed_at"] is not None:
                raise TokenRefused(line("web.used_link"))
            if row["expires_at"] <= now:
                raise TokenRefused(line("web.expired_link"))
            session_expires = stamp((at or utc_now()) + timedelta(seconds=SESSION_SECONDS))
            self.conn.execute(
                "UPDATE web_tokens SET redeemed_at = ?, session_hash = ?, session_expires_at = ? WHERE token_hash = ?",
                (now, digest(key), session_expires, digest(token)),
            )
            self._audit_as(row["login"], now)
        from cstui.store.records import WebSession

        return WebSession(row["login"], key)

    def start(self, session_key: str, at: datetime | None = None) -> str:
        """The login whose app may start with ``session_key`` (once, within a minute of redeeming)."""
        now = stamp(at or utc_now())
        with self.write():
            row = self._one(
                "SELECT login, session_expires_at, started_at FROM web_tokens WHERE session_hash = ?",
                (digest(session_key),),
            )
            if row is None or row["started_at"] is not None or row["session_expires_at"] <= now:
                raise TokenRefused(line("web.bad_session"))
            self.conn.execute("UPDATE web_tokens SET started_at = ? WHERE session_hash = ?", (now, digest(session_key)))
        return row["login"]

    def _audit_as(self, login: str, at: str) -> None:
        """The redemption in the audit trail, in the name of the person it opens a session for."""
        row = (at, login, "open-web-session", "web_tokens", login, dumps(None), dumps({"redeemed_at": at}))
        self.conn.executemany(INSERT_CHAINED, chained(self.conn, [row]))


# records defined on first use, still found here (cstui.store.deferred)
__getattr__ = records_found_here(__name__, "WebSession")
