"""The supervisors' Textual TUI. Only this package imports textual."""
