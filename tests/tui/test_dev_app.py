"""The app factory for `textual run --dev cstui.tui.app:DevApp`, and `python -m cstui`."""

from __future__ import annotations

import subprocess
import sys

from textual._import_app import import_app
from textual.app import App

from cstui.store import Store
from cstui.tui.app import CstuiApp, DevApp, dev_app


def test_textual_run_finds_the_app_on_cstui_db(tmp_path, monkeypatch):
    db = tmp_path / "company.db"
    Store.open(db, create=True).close()
    monkeypatch.setenv("CSTUI_DB", str(db))
    app = import_app("cstui.tui.app:DevApp")  # what `textual run` does with the name
    try:
        assert isinstance(app, CstuiApp) and not app.is_running
        assert app.ctx.store.path.resolve() == db.resolve()
    finally:
        app.ctx.store.close()


def test_the_factory_builds_a_demo_when_cstui_db_is_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CSTUI_DB", str(tmp_path / "absent.db"))
    app = dev_app()
    try:
        assert isinstance(app, App) and isinstance(app, DevApp)
        assert app.ctx.store.path.name == "demo.db" and app.ctx.store.path.parent != tmp_path
        assert not (tmp_path / "absent.db").exists()
    finally:
        app.ctx.store.close()


def test_python_m_cstui_is_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "cstui", "schemes", "--json"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert '"name": "star-levels"' in done.stdout
    usage = subprocess.run([sys.executable, "-m", "cstui", "--nonsense"], capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2 and "Usage: cstui" in usage.stderr
