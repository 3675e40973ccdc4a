"""Who is at the keyboard, what they may do, and where the company's database lives."""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from pathlib import Path

USER_ROLES = ("admin", "manager", "supervisor", "viewer", "agent")
DB_ENV = "CSTUI_DB"
DB_FILENAME = "cstui.db"


def os_login() -> str:
    """The OS account running this process.

    Taken from the password database, never from $USER/$LOGNAME, which anyone can set.
    """
    return pwd.getpwuid(os.getuid()).pw_name


def is_service_account(db_path: str | os.PathLike) -> bool:
    """This process runs as the account that owns the database file: the service account of a
    shared deployment (docs/deploy.md), or simply a person opening a file of their own."""
    try:
        return os.geteuid() == Path(db_path).stat().st_uid
    except OSError:
        return False


def sudo_login() -> str | None:
    """The account that ran ``sudo -u SERVICE cstui``, from sudo's SUDO_UID; None when not under sudo.

    Only meaningful as the service account: sudo sets SUDO_UID, and nobody else's environment
    reaches a process that runs as the service account (sshd does not pass it on).
    """
    uid = os.environ.get("SUDO_UID", "")
    if not uid.isdigit() or int(uid) == os.geteuid():
        return None
    try:
        return pwd.getpwuid(int(uid)).pw_name
    except KeyError:
        return None


def current_login(db_path: str | os.PathLike | None = None) -> str:
    """Who is at the keyboard of the database at ``db_path``.

    A person running cstui as themselves is their OS account (today's rule, and the only one
    when the file is someone else's). The service account that owns the file speaks for the
    person who ran sudo (SUDO_UID); ``cstui shell LOGIN`` passes the login of an SSH key itself.
    """
    if db_path is not None and is_service_account(db_path):
        return sudo_login() or os_login()
    return os_login()


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path:
    """``--db PATH``, else ``$CSTUI_DB``, else ``<user data dir>/cstui/cstui.db``."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs  # here: with tempfile and shutil, a tenth of start-up that --db never needs

    return Path(platformdirs.user_data_dir("cstui")) / DB_FILENAME


@dataclass(frozen=True, slots=True)
class User:
    """A login's role in one database.

    admin and manager see and change every team; a supervisor sees and changes only
    ``teams``; a viewer changes nothing and sees ``teams`` (every team when empty). An agent
    changes nothing but their own sign-off and sees only ``employee``: the one employee whose
    roster ``login`` is theirs (None when no employee, or more than one, has it: they see nothing).
    """

    login: str
    role: str
    teams: tuple[str, ...] = ()
    employee: str | None = None

    @property
    def is_agent(self) -> bool:
        return self.role == "agent"

    @property
    def is_manager(self) -> bool:
        """Manager-level rights: close/reopen periods, overrides, every team."""
        return self.role in ("admin", "manager")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def sees_all_teams(self) -> bool:
        return self.is_manager or (self.role == "viewer" and not self.teams)

    def visible_teams(self) -> tuple[str, ...] | None:
        """The teams this login may read; None means every team (an agent reads no whole team)."""
        if self.is_agent:
            return ()
        return None if self.sees_all_teams else self.teams

    def can_see(self, team: str) -> bool:
        return not self.is_agent and (self.sees_all_teams or team in self.teams)

    def can_write(self, team: str) -> bool:
        if self.is_manager:
            return True
        return self.role == "supervisor" and team in self.teams
