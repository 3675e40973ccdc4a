"""Textual's own command-palette texts in the user's language.

Textual 8.2.8 writes its system commands (Theme, Quit, Keys, ...), the palette's placeholder
and its "No matches found" in English; the app hands them over here (``get_system_commands``,
``action_command_palette``, ``search_themes``), so 中文 mode shows no English of Textual's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from cstui.tui.i18n import register

register(
    {
        "sys.Theme": ("Theme", "主题"),
        "sys.Theme.help": ("Change the current theme", "更改界面主题"),
        "sys.Quit": ("Quit", "退出"),
        "sys.Quit.help": ("Quit the application as soon as possible", "立即退出程序"),
        "sys.Keys": ("Keys", "按键"),
        "sys.Keys.help": (
            "Show help for the focused widget and a summary of available keys",
            "显示当前控件的帮助和可用按键",
        ),
        "sys.Keys.hide": ("Hide the keys and widget help panel", "隐藏按键和控件帮助面板"),
        "sys.Minimize": ("Minimize", "还原"),
        "sys.Minimize.help": ("Minimize the widget and restore to normal size", "将控件还原为正常大小"),
        "sys.Maximize": ("Maximize", "最大化"),
        "sys.Maximize.help": ("Maximize the focused widget", "最大化当前控件"),
        "sys.Screenshot": ("Screenshot", "截图"),
        "sys.Screenshot.help": ("Save an SVG 'screenshot' of the current screen", "将当前界面保存为 SVG 截图"),
        "palette.placeholder": ("Search for commands…", "搜索命令…"),
        "palette.themes": ("Search for themes…", "搜索主题…"),
        "palette.no_matches": ("No matches found", "没有匹配的命令"),
    }
)

_HIDE_KEYS = "Hide the keys and widget help panel"


def system_commands(commands: Iterable[SystemCommand], t: Callable[..., str]) -> Iterator[SystemCommand]:
    """Textual's system commands with title and help in the user's language (unknown ones as they are)."""
    for command in commands:
        key = f"sys.{command.title}"
        title = t(key)
        if title == key:  # a command a later Textual adds: shown as Textual writes it
            yield command
            continue
        help_key = "sys.Keys.hide" if command.help == _HIDE_KEYS else f"{key}.help"
        yield command._replace(title=title, help=t(help_key))


class LocalizedPalette(CommandPalette):
    """The command palette with its placeholder and "no matches" in the user's language."""

    def __init__(self, t: Callable[..., str], **kwargs) -> None:
        kwargs.setdefault("placeholder", t("palette.placeholder"))
        super().__init__(**kwargs)
        self._no_matches_text = t("palette.no_matches")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own writes "No matches found" in English; the same countdown, our text
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                prompt = Align.center(Text(self._no_matches_text, style="not bold"))
                self.query_one(CommandList).add_option(Option(prompt, disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
