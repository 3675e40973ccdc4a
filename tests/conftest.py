"""Fixtures shared by every test: an isolated environment and a fresh plugin registry."""

from __future__ import annotations

import pytest
from hypothesis import settings

from cstui.plugins import reset_registry

# Property tests check behaviour, never time: no per-example deadline, so a busy CI machine
# cannot fail an example for being slow.
settings.register_profile("cstui", deadline=None)
settings.load_profile("cstui")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    # No test may touch a real user's database or inherit a plugin allow-list.
    monkeypatch.setenv("CSTUI_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("CSTUI_LOG_DIR", str(tmp_path / "logs"))  # the TUI's error log
    monkeypatch.delenv("CSTUI_LOAD_PLUGINS", raising=False)
    monkeypatch.setenv("CSTUI_TODAY", "2026-11-15")
    for var in ("LC_ALL", "LC_MESSAGES"):  # batch reports follow LANG like the TUI: English unless a test asks
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    reset_registry()
    yield
    reset_registry()


def pytest_configure(config):
    # long property runs; CI runs them with a bounded example count (CSTUI_FUZZ_EXAMPLES)
    config.addinivalue_line("markers", "slow: a long fuzz run; its example count comes from CSTUI_FUZZ_EXAMPLES")
