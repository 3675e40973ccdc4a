"""Fixtures shared by every test: an isolated environment and a fresh plugin registry."""

from __future__ import annotations

import pytest

from cstui.plugins import reset_registry


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    # No test may touch a real user's database or inherit a plugin allow-list.
    monkeypatch.setenv("CSTUI_DB", str(tmp_path / "default.db"))
    monkeypatch.delenv("CSTUI_LOAD_PLUGINS", raising=False)
    monkeypatch.setenv("CSTUI_TODAY", "2026-11-15")
    reset_registry()
    yield
    reset_registry()
