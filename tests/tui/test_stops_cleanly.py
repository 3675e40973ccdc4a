"""The TUI under a real terminal (a pty) that goes away, and one that fails at startup.

Each test runs ``python -m cstui`` (the ``cstui`` entry point) as the session leader of a new
pty, waits until the roster is drawn, then takes the terminal away: the process must end on
its own (129, "the terminal went away"). Time limits bound a hang, they do not measure speed.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from cstui.errors import EXIT_HANGUP

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")

EXIT_WITHIN = 15.0  # seconds: far above a normal shutdown, far below "kept running for minutes"
DRAWN_WITHIN = 60.0  # starting Python and Textual on a busy machine
SECRET = "Zed Secretworth"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from cstui.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, employees=20, months=2)
    return path


class Terminal:
    """A child process on the slave side of a new pty (its controlling terminal)."""

    def __init__(self, args: list[str], *, ignore_hang_up: bool = False, stdin_devnull: bool = False):
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", CSTUI_LANG="en")
        self.pid, self.master = pty.fork()
        if self.pid == 0:  # the child: a new session whose controlling terminal is the pty
            try:
                # as under nohup, or not: never what the test runner inherited (CI under nohup)
                signal.signal(signal.SIGHUP, signal.SIG_IGN if ignore_hang_up else signal.SIG_DFL)
                if stdin_devnull:
                    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                os.execve(sys.executable, [sys.executable, *args], env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.output = b""
        self.status: int | None = None

    def read(self, timeout: float) -> bool:
        """Read what the child wrote within ``timeout``; False once the terminal is closed."""
        if self.master < 0:
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed its side
            return False
        self.output += data
        return bool(data)

    def wait_for(self, text: bytes, within: float = DRAWN_WITHIN) -> None:
        deadline = time.monotonic() + within
        while text not in self.output and time.monotonic() < deadline and self.exit_code() is None:
            if not self.read(0.2):
                break
        assert text in self.output, self.output[-2000:]

    def exit_code(self) -> int | None:
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status

    def wait_exit(self, within: float = EXIT_WITHIN) -> int | None:
        """The exit code, or None if the child still runs after ``within`` seconds (then it is killed)."""
        deadline = time.monotonic() + within
        while self.exit_code() is None and time.monotonic() < deadline:
            if not self.read(0.1):
                time.sleep(0.1)
        code = self.exit_code()
        if code is None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        return code

    def close(self) -> None:
        """Close the master side: the kernel hangs up the child's terminal and sends SIGHUP."""
        if self.master >= 0:
            os.close(self.master)
            self.master = -1


def open_tui(db: Path, **kwargs) -> Terminal:
    terminal = Terminal(["-m", "cstui", "--db", str(db), "--lang", "en"], **kwargs)
    terminal.wait_for(b" Help")  # the footer: the first paint is complete
    return terminal


def test_closing_the_terminal_ends_the_app(demo_db):
    terminal = open_tui(demo_db)
    terminal.close()
    assert terminal.wait_exit() == EXIT_HANGUP


def test_closing_the_terminal_ends_the_app_even_when_hang_ups_are_ignored(demo_db):
    terminal = open_tui(demo_db, ignore_hang_up=True)  # nohup: only the end of input tells
    terminal.close()
    assert terminal.wait_exit() == EXIT_HANGUP


def test_sighup_ends_the_app_and_restores_the_terminal(demo_db):
    terminal = open_tui(demo_db)
    os.kill(terminal.pid, signal.SIGHUP)
    assert terminal.wait_exit() == EXIT_HANGUP
    while terminal.read(0.2):
        pass
    assert b"\x1b[?1049l" in terminal.output  # left the alternate screen: the shell is usable again
    assert b"the terminal went away" in terminal.output
    terminal.close()


def test_input_at_end_of_file_ends_the_app(demo_db):
    terminal = Terminal(["-m", "cstui", "--db", str(demo_db), "--lang", "en"], stdin_devnull=True)
    assert terminal.wait_exit(DRAWN_WITHIN) == EXIT_HANGUP
    terminal.close()


STARTUP_FAILURE = f"""
import sys
from cstui.tui.screens.roster import RosterScreen

def on_mount(self):
    secret_locals = {{"salary": "{SECRET}"}}
    raise RuntimeError("cannot show " + secret_locals["salary"])

RosterScreen.on_mount = on_mount
sys.argv = ["cstui", "--db", sys.argv[1]]
from cstui.cli import main
main()
"""


def test_a_startup_failure_exits_1_with_one_line_and_no_traceback(demo_db, crash_log):
    terminal = Terminal(["-c", STARTUP_FAILURE, str(demo_db)])
    code = terminal.wait_exit(DRAWN_WITHIN)
    while terminal.read(0.2):
        pass
    terminal.close()
    shown = terminal.output.decode("utf-8", "replace")
    assert code == 1, shown[-2000:]
    assert SECRET not in shown and "Traceback" not in shown and "secret_locals" not in shown
    assert f"details were written to {crash_log}" in shown
    assert SECRET in crash_log.read_text(encoding="utf-8")


KEY_READER_FAILURE = f"""
import sys
from textual import events
from cstui.tui.terminal import TerminalGoneDriver

original = TerminalGoneDriver.process_message

def process_message(self, message):
    if isinstance(message, events.Key) and message.character == "!":
        raise RuntimeError("{SECRET} broke the key reader")
    original(self, message)

TerminalGoneDriver.process_message = process_message
sys.argv = ["cstui", "--db", sys.argv[1]]
from cstui.cli import main
main()
"""


def test_a_failure_in_the_key_reader_exits_1_with_one_line(demo_db, crash_log):
    terminal = Terminal(["-c", KEY_READER_FAILURE, str(demo_db)])
    terminal.wait_for(b" Help")
    os.write(terminal.master, b"!")
    code = terminal.wait_exit()
    while terminal.read(0.2):
        pass
    terminal.close()
    shown = terminal.output.decode("utf-8", "replace")
    assert code == 1, shown[-2000:]
    assert SECRET not in shown and "Traceback" not in shown
    assert f"details were written to {crash_log}" in shown
    assert "broke the key reader" in crash_log.read_text(encoding="utf-8")
