"""The TUI application: screens as modes, the current period, errors as notifications.

Modes keep their own screen stacks: 1 Roster, 2 Period board, 3 Schemes, 5 Disputes. The
Scorecard and Employee history are pushed on the Roster's stack (Enter / h) and Esc pops them.
An agent's login opens on their own screen (mode "agent") and reaches no other.

Errors never reach the terminal as a traceback. Expected ones (``USER_ERRORS``) become a red
toast. An unexpected one in an action, message handler, worker or timer becomes one toast
naming the error log (cstui/tui/crashlog.py), and the app goes on with the screen and what was
typed; one before the first screen is up stops the app with exit code 1 and a line naming the
log. A terminal that goes away (SIGHUP, a closed pty, end of input) ends the app with 129.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.widgets import HelpPanel, Input, TextArea
from textual.worker import WorkerFailed

from cstui.clock import default_period
from cstui.domain import Period
from cstui.errors import EXIT_HANGUP, EXIT_OTHER, exit_code_for
from cstui.grading import can_fork, pool_jobs
from cstui.grading_pool import GradingPool
from cstui.store import Store, StoreError
from cstui.tui import crashlog, heap
from cstui.tui.commands import ActionsProvider, binding_rows
from cstui.tui.context import AppContext
from cstui.tui.guard import USER_ERRORS, keep_message_loops_alive, localize_bindings, user_message
from cstui.tui.help_panel import LocalizedHelpPanel
from cstui.tui.i18n import lang_from_env, register
from cstui.tui.navigation import screen_class
from cstui.tui.palette import LocalizedPalette, system_commands
from cstui.tui.screens.agent import AgentScreen
from cstui.tui.screens.board import PeriodBoardScreen
from cstui.tui.screens.disputes import DisputesScreen
from cstui.tui.screens.help import HelpScreen
from cstui.tui.screens.roster import RosterScreen
from cstui.tui.screens.schemes import SchemesScreen

register(
    {
        "Roster": ("Roster", "花名册"),
        "Board": ("Board", "考核看板"),
        "Schemes": ("Schemes", "方案"),
        "Disputes": ("Disputes", "申诉"),
        "Audit trail": ("Audit trail", "审计记录"),
        "Prev period": ("Prev period", "上一期"),
        "Next period": ("Next period", "下一期"),
        "Help": ("Help", "帮助"),
        "Back": ("Back", "返回"),
        "Quit": ("Quit", "退出"),
        "Screens": ("Screens", "界面"),
        "Period": ("Period", "周期"),
        "app.subtitle": ("{period} · {login} ({role})", "{period} · {login}（{role}）"),
        "app.period": ("Period {period}", "考核周期 {period}"),
        "app.crashed": (
            "Something went wrong; details were written to {path}. What you typed is kept.",
            "出错了；详细信息已写入 {path}。已输入的内容仍保留。",
        ),
        "app.crash_unlogged": (
            "Something went wrong ({kind}); the details could not be written to {path}: {reason}",
            "出错了（{kind}）；详细信息无法写入 {path}：{reason}",
        ),
        "app.stopped": (
            "cstui: stopped by an unexpected error; details were written to {path}",
            "cstui：因意外错误而退出；详细信息已写入 {path}",
        ),
        "app.stopped_unlogged": (
            "cstui: stopped by an unexpected error ({kind}); the details could not be written to {path}: {reason}",
            "cstui：因意外错误（{kind}）而退出；详细信息无法写入 {path}：{reason}",
        ),
        "app.terminal_gone": ("cstui: the terminal went away; the TUI closed", "cstui：终端已断开，界面已关闭"),
    }
)
keep_message_loops_alive()

MODE_KEYS = {"roster": "1", "board": "2", "schemes": "3", "disputes": "5"}
TYPING_ACTIONS = {"goto", "period", "help", "audit"}  # bound to keys a text field would type (1 2 3 4 5 [ ] ?)
SCREENS = Binding.Group("Screens", compact=True)
PERIOD = Binding.Group("Period", compact=True)
# screens whose modules are imported in a thread after start-up (their first opening then
# composes and styles only), WARM_AFTER_S after the first screen is up: not while it loads
WARMED_SCREENS = ("history", "scorecard")
WARM_AFTER_S = 1.0
SCREENS_CSS = Path(__file__).parent / "scorecard.tcss"  # what the screens' CSS_PATH names


class PeriodChanged(Message):
    """Posted to the active screen after ``[`` / ``]`` moved ``app.ctx.period``."""

    def __init__(self, period: Period):
        super().__init__()
        self.period = period


class CstuiApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "cstui"
    COMMANDS = App.COMMANDS | {ActionsProvider}
    BINDINGS = [
        # grouped in the footer ("123 Screens", "[] Period") so they fit 80 columns
        Binding("1", "goto('roster')", "Roster", group=SCREENS),
        Binding("2", "goto('board')", "Board", group=SCREENS),
        Binding("3", "goto('schemes')", "Schemes", group=SCREENS),
        # the disputes queue: supervisors, managers and admins (check_action)
        Binding("5", "goto('disputes')", "Disputes", group=SCREENS),
        # managers only (check_action); not in the footer, which has no room at 80 columns:
        # the help (?) and the command palette list it
        Binding("4", "audit", "Audit trail", show=False),
        Binding("left_square_bracket", "period(-1)", "Prev period", key_display="[", group=PERIOD),
        Binding("right_square_bracket", "period(1)", "Next period", key_display="]", group=PERIOD),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("f1", "help_anywhere", "Help", key_display="F1"),  # where a text field takes "?"
        Binding("escape", "back", "Back", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, ctx: AppContext):
        super().__init__(driver_class=_terminal_driver())
        self.ctx = ctx
        self.crash_log: Path | None = None  # where the error that stopped the app was written
        self._first_screen_up = False  # before it, an unexpected error stops the app
        self._stopped_by: BaseException | None = None
        self._log_problem: OSError | None = None
        self._hung_up = False
        self.grading_pool: GradingPool | None = None  # the board's workers, at a company's size
        self.warmed = threading.Event()  # set once the screens' modules and schemes are ready (_warm_screens)
        if can_fork():  # forked now, while this process holds no screen and no graded rows
            self.start_grading_pool(fork=True)
        localize_bindings(self, ctx.t)
        self.add_mode("roster", lambda: self.localized(RosterScreen(ctx)))
        self.add_mode("board", lambda: self.localized(PeriodBoardScreen(ctx)))
        self.add_mode("schemes", lambda: self.localized(SchemesScreen(ctx)))
        self.add_mode("disputes", lambda: self.localized(DisputesScreen(ctx)))
        # an agent has their own screen and reaches no other (check_action)
        self.add_mode("agent", lambda: self.localized(AgentScreen(ctx)))

    def localized(self, screen: Screen) -> Screen:
        """Translate a screen's binding descriptions before it is shown."""
        localize_bindings(screen, self.ctx.t)
        screen._cstui_period = self.ctx.period
        return screen

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any):
        if isinstance(screen, Screen):
            self.localized(screen)
        return super().push_screen(screen, *args, **kwargs)

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self._show_subtitle()
        self.switch_mode("agent" if self.ctx.store.user.is_agent else "roster")
        self.call_after_refresh(self._mark_first_screen_up)
        _on_hang_up(self.terminal_gone)

    def _mark_first_screen_up(self) -> None:
        self._first_screen_up = True
        self.start_grading_pool()  # spawned, where nothing could be forked before
        if self.grading_pool is not None:  # a company the board will hold thousands of rows of
            heap.settle()  # the start-up's objects frozen: the board's settles then walk only its own
        self.set_timer(WARM_AFTER_S, self._warm_screens)

    def _warm_screens(self) -> None:
        """Import the modules of the screens opened from a row (history, scorecard) and build
        the company's schemes in a thread, once the first screen is up and the app idle:
        plotext and the rest were ~170 ms of the first history's opening and a scheme's build
        ~40 ms of the first history on it, paid here instead (nothing is styled or composed:
        that stays on the UI thread, when the screen opens)."""
        try:
            schemes = self.ctx.store.roster_schemes()
        except StoreError:
            schemes = []

        def imports() -> None:
            try:
                for name in WARMED_SCREENS:
                    screen_class(name)
                for scheme in schemes:
                    self.ctx.try_scheme(scheme)  # kept by the context; a broken one says so later
                # the app ended meanwhile: Textual refuses (RuntimeError) or cancels the call
                # (CancelledError), and either would print a traceback on the user's terminal
                with contextlib.suppress(RuntimeError, CancelledError):
                    self.call_from_thread(self._load_screens_css)
            finally:
                self.warmed.set()

        threading.Thread(target=imports, name="cstui-warm-screens", daemon=True).start()

    def _load_screens_css(self) -> None:
        """The stylesheet the pushed screens share (scorecard.tcss: every screen but the
        roster's), read and applied as Textual does at the first push of a screen naming it
        (App._load_screen_css: same source key, so that push reads nothing): parsing it was
        ~65 ms of the first history's opening."""
        path = str(SCREENS_CSS)
        if not self.stylesheet.has_source(path, ""):
            self.stylesheet.read(SCREENS_CSS)
            self.stylesheet.reparse()
            self.stylesheet.update(self)

    def start_grading_pool(self, fork: bool = False) -> None:
        """Start the board's grading workers once, for a company large enough that the board
        grades in workers; they live as long as the app (:meth:`on_unmount` ends them). Forked
        before the app runs (the process still small: the workers share only its start-up
        pages, and need no imports), else spawned after the first paint."""
        if self.grading_pool is not None or self.ctx.store.user.is_agent:
            return
        try:
            jobs = pool_jobs(self.ctx.store)
            if jobs > 1:
                # multiprocessing's resource tracker takes stderr's descriptor: Textual's stand-in
                # for stderr while it runs has none
                with contextlib.redirect_stderr(sys.__stderr__):
                    self.grading_pool = GradingPool(jobs, fork=fork).start()
        except (OSError, ValueError, StoreError):  # no workers: the board grades in a thread here instead
            self.grading_pool = None

    def on_unmount(self) -> None:
        """The app is ending (a quit, a hang-up, an error): its grading workers end with it."""
        pool, self.grading_pool = self.grading_pool, None
        if pool is not None:
            pool.close()
        heap.release()  # what the board froze (cstui.tui.heap) is the collector's again

    def _show_subtitle(self) -> None:
        user = self.ctx.store.user
        self.sub_title = self.ctx.t(
            "app.subtitle", period=self.ctx.period, login=user.login, role=self.ctx.domain_label("role", user.role)
        )

    # -- actions ------------------------------------------------------------------------------

    async def action_goto(self, mode: str) -> None:
        """1 2 3 5 always open the Roster, Board, Schemes, Disputes themselves: a history or
        scorecard left open on that screen's stack is closed (one with unsaved changes stays)."""
        if not self._may("goto", (mode,)):  # a key check_action hides is still refused here
            return
        await self.switch_mode(mode)
        while len(self.screen_stack) > 1 and not getattr(self.screen, "dirty", False):
            await self.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # printable app keys type into a focused text field, so they are not claimed there
        # (footer, help, palette); F1 opens help from anywhere
        # (the command palette's own field does not count: it lists the screen's keys as they are)
        typing = isinstance(self.focused, (Input, TextArea)) and not isinstance(self.screen, CommandPalette)
        if action in TYPING_ACTIONS:
            return not typing and self._may(action, parameters)
        if action == "help_anywhere":
            return typing
        return True

    def _may(self, action: str, parameters: tuple[object, ...]) -> bool:
        """The screens this login may reach: an agent only their own; the audit trail a manager;
        the disputes queue those who answer disputes (a team's supervisor, a manager)."""
        user = self.ctx.store.user
        if action == "audit":
            return user.is_manager
        if action == "goto":
            return not user.is_agent and (
                parameters != ("disputes",) or user.role in ("supervisor", "admin", "manager")
            )
        return True

    def get_system_commands(self, screen: Screen):
        return system_commands(super().get_system_commands(screen), self.ctx.t)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(LocalizedPalette(self.ctx.t, id="--command-palette"))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(
            LocalizedPalette(self.ctx.t, providers=[ThemeProvider], placeholder=self.ctx.t("palette.themes"))
        )

    def action_show_help_panel(self) -> None:
        """The palette's "Keys": Textual's key panel, its texts in the user's language."""
        if not self.screen.query(HelpPanel):
            self.screen.mount(LocalizedHelpPanel(self.ctx.t))

    def action_help_anywhere(self) -> None:
        self.action_help()

    def action_audit(self) -> None:
        from cstui.tui.screens.audit import AuditScreen

        if not self.ctx.store.user.is_manager:
            return
        if not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen(self.ctx))

    def action_period(self, step: int) -> None:
        self.ctx.period = self.ctx.period.shift(step)
        self._show_subtitle()
        self.notify(self.ctx.t("app.period", period=self.ctx.period), timeout=1.5)
        self._tell_period(self.screen)

    def _screen_changed(self, screen: Screen) -> None:
        # a screen that was in the background when the period moved catches up when shown
        if getattr(screen, "_cstui_period", self.ctx.period) != self.ctx.period:
            self._tell_period(screen)

    def _tell_period(self, screen: Screen) -> None:
        screen._cstui_period = self.ctx.period
        screen.post_message(PeriodChanged(self.ctx.period))
        handler = getattr(screen, "on_period_changed", None)
        if callable(handler):
            try:
                handler()
            except USER_ERRORS as error:
                self.notify(self.ctx.error_text(error), severity="error")

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.ctx, binding_rows(self.screen)))

    async def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()

    # -- errors: an action that fails tells the user and leaves the screen as it was -------------

    async def _dispatch_action(self, namespace: DOMNode, action_name: str, params: Any) -> bool:
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except USER_ERRORS as error:
            self.notify(self.ctx.error_text(error), severity="error", timeout=8)
            return True
        except Exception as error:
            self._report_unexpected(error, f"action {action_name} on {type(namespace).__name__}")
            return True

    def recover_from(self, error: Exception, context: str = "message handler") -> bool:
        """Report an error no handler expected and keep running; False before the first screen
        is up or while the app is closing (then it stops: see ``_handle_exception``)."""
        if not self._first_screen_up or self._closing or self._closed:
            return False
        self._report_unexpected(error, context)
        return True

    def _handle_exception(self, error: Exception) -> None:
        # Textual 8.2 routes here every error nobody caught: workers, timers, compose and mount,
        # message loops. Its own version exits and prints a rich traceback with local variables
        # (other people's scorecards) on the terminal: never call it.
        if self.recover_from(error, "worker, timer, compose or mount"):
            return
        self.stop_after_error(error)

    def _report_unexpected(self, error: BaseException, context: str) -> None:
        if isinstance(error, WorkerFailed):
            error, context = error.error, "worker"
        if isinstance(error, USER_ERRORS):  # an expected error that reached us through a worker
            self.notify(self.ctx.error_text(error), severity="error", timeout=8)
            return
        try:
            path = crashlog.write_error(error, context)
        except OSError as problem:
            text = self.ctx.t(
                "app.crash_unlogged",
                kind=type(error).__name__,
                path=crashlog.log_path(),
                reason=problem.strerror or problem,
            )
        else:
            text = self.ctx.t("app.crashed", path=path)
        self.bell()
        self.notify(text, severity="error", timeout=20, markup=False)

    def stop_after_error(self, error: BaseException) -> None:
        """Stop with exit code 1; ``run`` prints one line naming the log after the terminal is restored."""
        self._return_code = EXIT_OTHER
        if self._exception is None:  # Pilot re-raises it at the end of run_test, as Textual does
            self._exception = error
            self._exception_event.set()
        self._stopped_by = error
        try:
            self.crash_log = crashlog.write_error(error, "stopped the TUI")
        except OSError as problem:
            self._log_problem = problem
        self._close_messages_no_wait()

    def terminal_gone(self) -> None:
        """The terminal hung up or the input ended: nobody can see or type any more; stop."""
        if self._return_code is None:
            self._hung_up = True
            self.exit(return_code=EXIT_HANGUP)

    def closing_line(self) -> str | None:
        """The one line ``run`` prints once the terminal is restored, if any."""
        error = self._stopped_by
        if error is not None and self.crash_log is not None:
            return self.ctx.t("app.stopped", path=self.crash_log)
        if error is not None:
            reason = getattr(self._log_problem, "strerror", None) or self._log_problem
            return self.ctx.t(
                "app.stopped_unlogged", kind=type(error).__name__, path=crashlog.log_path(), reason=reason
            )
        return self.ctx.t("app.terminal_gone") if self._hung_up else None


def _terminal_driver():
    """Textual's own driver on Windows, and the one a web server names in $TEXTUAL_DRIVER
    (textual-serve's for `cstui web`: its app has no terminal, only the server's pipes);
    elsewhere one that stops when the terminal goes away."""
    if sys.platform == "win32" or os.environ.get("TEXTUAL_DRIVER"):
        return None
    from cstui.tui.terminal import TerminalGoneDriver

    return TerminalGoneDriver


def _on_hang_up(callback) -> None:
    """Call ``callback`` on SIGHUP, unless the user asked to ignore hang-ups (``nohup``): a closed
    terminal then still ends the app through the driver's end of input."""
    if not hasattr(signal, "SIGHUP") or signal.getsignal(signal.SIGHUP) is signal.SIG_IGN:
        return
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, callback)
    except (RuntimeError, ValueError, NotImplementedError):  # not the main thread, or no signals here
        pass


def run(path: str | Path, lang: str | None = None, login: str | None = None) -> None:
    """Open the company database at ``path`` and run the TUI; errors end in one line and a non-zero
    exit (``SystemExit``): 1 for an unexpected error, 129 when the terminal went away."""
    try:
        store = Store.open(path, login=login)
    except USER_ERRORS as error:
        for line in user_message(error, lang_from_env(lang)).splitlines():
            print(f"cstui: {line}", file=sys.stderr)
        raise SystemExit(exit_code_for(error)) from None
    try:
        app = CstuiApp(AppContext(store=store, period=default_period(), lang=lang_from_env(lang)))
        try:
            app.run()
        except Exception as error:  # Textual itself failed outside any handler (e.g. starting the terminal)
            app.stop_after_error(error)
    finally:
        store.close()
    _say(app.closing_line())
    if app.return_code:
        raise SystemExit(app.return_code)


class DevApp(CstuiApp):
    """The app for people hacking on screens: ``textual run --dev cstui.tui.app:DevApp``.

    ``textual run`` instantiates an App class with no arguments, so this one finds its own
    database: ``$CSTUI_DB`` when that file exists, else a fresh demo company in a temporary
    directory. It runs as the OS login, in the language of ``LANG``."""

    def __init__(self) -> None:
        super().__init__(dev_context())


def dev_app() -> CstuiApp:
    """The app factory: a :class:`DevApp`, ready to ``run()`` (or to drive with ``run_test()``)."""
    return DevApp()


def dev_context() -> AppContext:
    import os
    import tempfile

    path = Path(os.environ.get("CSTUI_DB") or "cstui-missing.db").expanduser()
    if not path.is_file():
        from cstui.demo import build_demo

        path = Path(tempfile.mkdtemp(prefix="cstui-dev-")) / "demo.db"
        build_demo(path)
    return AppContext(store=Store.open(path), period=default_period(), lang=lang_from_env(None))


def _say(line: str | None) -> None:
    """One line on stderr; a terminal that is gone cannot take it, and that is fine."""
    if line is None:
        return
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
