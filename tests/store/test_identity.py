import os
import pwd

from cstui.store import os_login, resolve_db_path
from cstui.store.identity import DB_ENV


def test_os_login_ignores_the_environment(monkeypatch):
    monkeypatch.setenv("USER", "mallory")
    monkeypatch.setenv("LOGNAME", "mallory")
    assert os_login() == pwd.getpwuid(os.getuid()).pw_name


def test_db_path_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv(DB_ENV, str(tmp_path / "env.db"))
    assert resolve_db_path(str(tmp_path / "flag.db")) == tmp_path / "flag.db"
    assert resolve_db_path() == tmp_path / "env.db"
    monkeypatch.delenv(DB_ENV)
    default = resolve_db_path(None)
    assert default.name == "cstui.db" and "cstui" in default.parent.parts[-1]


def test_store_opened_without_login_uses_the_os_login(tmp_path):
    from cstui.store import Store

    with Store.open(tmp_path / "x.db", create=True) as store:
        assert store.user.login == os_login() and store.user.role == "admin"
