"""The TUI's screens: Roster, Period board, Schemes, Scorecard, Employee history, Help."""
