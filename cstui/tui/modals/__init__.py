"""Modal dialogs of the TUI: forms, confirmations, imports."""
