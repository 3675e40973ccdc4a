"""Widgets shared by the TUI screens."""

from cstui.tui.widgets.virtual_table import Column, VirtualTable

__all__ = ["Column", "VirtualTable"]
