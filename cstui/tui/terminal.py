"""A terminal driver that notices when the terminal goes away.

Textual 8.2's ``LinuxDriver`` reads keys in a thread that, at end of input (a hung-up terminal
reads as end of file; so does ``cstui < /dev/null``), goes back to ``select`` at once, which says
"readable" again: the app kept running at half a CPU for minutes after its tmux pane was killed.
Its writer thread dies at the first write error (EIO on a hung-up terminal) and the next 30
writes then block the app for good. This driver ends both cases by calling
``app.terminal_gone()`` once; writes after that are dropped (there is nobody to read them).
A failure while reading keys goes to ``app.stop_after_error`` (the error log, exit 1), not to
``app.panic`` (a traceback on the terminal).

``run_input_thread`` is Textual 8.2.8's, with the end of input and read errors handled
(pyproject pins textual<8.3; tests/tui/test_stops_cleanly.py runs it under a real pty).
"""

from __future__ import annotations

import os
import selectors
import threading
from codecs import getincrementaldecoder
from typing import IO

from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class TerminalGoneDriver(LinuxDriver):
    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self._gone = threading.Event()
        self._file = _TerminalOutput(self._file, self._terminal_gone)

    def _terminal_gone(self) -> None:
        """Tell the app once, from whichever thread noticed (call_later is thread-safe)."""
        if self._gone.is_set():
            return
        self._gone.set()
        tell = getattr(self._app, "terminal_gone", None)
        if tell is not None:
            self._app.call_later(tell)

    def _run_input_thread(self) -> None:
        # Textual's version hands a failure here to ``app.panic`` with a rich traceback, printed on
        # the terminal at exit; the app's ``stop_after_error`` logs it instead and exits 1.
        try:
            self.run_input_thread()
        except Exception as error:
            stop = getattr(self._app, "stop_after_error", None)
            if stop is None:
                raise
            self._app.call_later(stop, error)

    def run_input_thread(self) -> None:
        """Read keys until the app stops them, the input ends or the terminal fails."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        try:
            while not self.exit_event.is_set():
                if not self._read_ready(selector, parser, decode):
                    self._terminal_gone()
                    return
            selector.unregister(self.fileno)
            self._read_ready(selector, parser, decode, final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except Exception:  # the parser's flush at the end: nothing left to deliver
                pass

    def _read_ready(self, selector, parser: XTermParser, decode, final: bool = False) -> bool:
        """Feed what can be read within 0.1 s to the parser; False at end of input or a read error."""
        ready = selector.select(0.1)
        for index, (_key, mask) in enumerate(ready):
            if not mask & selectors.EVENT_READ:
                continue
            try:
                data = os.read(self.fileno, 4096)
            except OSError:  # EIO: the terminal was hung up
                return False
            if not data:
                return False
            for event in parser.feed(decode(data, final=final and index == len(ready) - 1)):
                self.process_message(event)
        for event in parser.tick():
            self.process_message(event)
        return True


class _TerminalOutput:
    """The terminal's output file; the first failed write reports the terminal gone, later ones are dropped."""

    def __init__(self, file: IO[str], on_failure) -> None:
        self._file = file
        self._on_failure = on_failure
        self._failed = False

    def write(self, text: str) -> int:
        return self._attempt(self._file.write, text)

    def flush(self) -> None:
        self._attempt(self._file.flush)

    def _attempt(self, operation, *args):
        if self._failed:
            return 0
        try:
            return operation(*args)
        except (OSError, ValueError):  # EIO / EPIPE, or the file was closed
            self._failed = True
            self._on_failure()
            return 0

    def __getattr__(self, name: str):
        return getattr(self._file, name)
