"""Textual's key panel (the palette's "Keys" command) in the user's language.

Textual 8.2.8 lists in it the bindings of the focused widget and its ancestors with the
descriptions its own widgets (Input, DataTable, OptionList, Select, scroll containers, TextArea)
write in English. The app mounts :class:`LocalizedHelpPanel` instead of Textual's: before the
table is drawn, every node of the focus chain has its binding descriptions translated (as the
screens' own are, :func:`cstui.tui.guard.localize_bindings`), from the 中文 registered here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import HelpPanel, KeyPanel, Markdown
from textual.widgets._key_panel import BindingsTable

from cstui.tui.guard import _localized
from cstui.tui.i18n import register

register(
    {
        # Input
        "Input": ("Input", "输入框"),
        "Move cursor left": ("Move cursor left", "光标左移"),
        "Move cursor left and select": ("Move cursor left and select", "光标左移并选择"),
        "Move cursor left a word": ("Move cursor left a word", "光标左移一个词"),
        "Move cursor left a word and select": ("Move cursor left a word and select", "光标左移一个词并选择"),
        "Move cursor right a word": ("Move cursor right a word", "光标右移一个词"),
        "Move cursor right a word and select": ("Move cursor right a word and select", "光标右移一个词并选择"),
        "Move cursor right and select": ("Move cursor right and select", "光标右移并选择"),
        "Move cursor right or accept the completion suggestion": (
            "Move cursor right or accept the completion suggestion",
            "光标右移或接受补全建议",
        ),
        "Go to start": ("Go to start", "移到开头"),
        "Go to end": ("Go to end", "移到末尾"),
        "Select line start": ("Select line start", "选择到行首"),
        "Select line end": ("Select line end", "选择到行尾"),
        "Delete character left": ("Delete character left", "删除左侧字符"),
        "Delete character right": ("Delete character right", "删除右侧字符"),
        "Delete left to start of word": ("Delete left to start of word", "向左删除到词首"),
        "Delete right to start of word": ("Delete right to start of word", "向右删除到下一词首"),
        "Delete all to the left": ("Delete all to the left", "删除左侧全部"),
        "Delete all to the right": ("Delete all to the right", "删除右侧全部"),
        "Copy selected text": ("Copy selected text", "复制所选文字"),
        "Cut selected text": ("Cut selected text", "剪切所选文字"),
        "Paste text from the clipboard": ("Paste text from the clipboard", "从剪贴板粘贴"),
        "Select all": ("Select all", "全选"),
        "Submit": ("Submit", "提交"),
        # tables, lists, menus and scrolling
        "Cursor up": ("Cursor up", "光标上移"),
        "Cursor down": ("Cursor down", "光标下移"),
        "Cursor left": ("Cursor left", "光标左移"),
        "Cursor right": ("Cursor right", "光标右移"),
        "Page Left": ("Page Left", "向左翻页"),
        "Page Right": ("Page Right", "向右翻页"),
        "Page Up": ("Page Up", "上一页"),
        "Page Down": ("Page Down", "下一页"),
        "Top": ("Top", "顶部"),
        "Bottom": ("Bottom", "底部"),
        "Home": ("Home", "行首"),
        "End": ("End", "行尾"),
        "Select": ("Select", "选择"),
        "Scroll Up": ("Scroll Up", "向上滚动"),
        "Scroll Down": ("Scroll Down", "向下滚动"),
        "Scroll Left": ("Scroll Left", "向左滚动"),
        "Scroll Right": ("Scroll Right", "向右滚动"),
        "Scroll Home": ("Scroll Home", "滚动到顶部"),
        "Scroll End": ("Scroll End", "滚动到底部"),
        "Show menu": ("Show menu", "展开菜单"),
        "Dismiss menu": ("Dismiss menu", "收起菜单"),
        "Press button": ("Press button", "按下按钮"),
        "Focus Next": ("Focus Next", "下一个控件"),
        "Focus Previous": ("Focus Previous", "上一个控件"),
        # TextArea
        "Cursor line start": ("Cursor line start", "光标到行首"),
        "Cursor line end": ("Cursor line end", "光标到行尾"),
        "Cursor word left": ("Cursor word left", "光标左移一个词"),
        "Cursor word right": ("Cursor word right", "光标右移一个词"),
        "Cursor page up": ("Cursor page up", "光标上移一页"),
        "Cursor page down": ("Cursor page down", "光标下移一页"),
        "Cursor up select": ("Cursor up select", "光标上移并选择"),
        "Cursor down select": ("Cursor down select", "光标下移并选择"),
        "Cursor left select": ("Cursor left select", "光标左移并选择"),
        "Cursor right select": ("Cursor right select", "光标右移并选择"),
        "Cursor left word select": ("Cursor left word select", "光标左移一个词并选择"),
        "Cursor right word select": ("Cursor right word select", "光标右移一个词并选择"),
        "Cursor line start select": ("Cursor line start select", "选择到行首"),
        "Cursor line end select": ("Cursor line end select", "选择到行尾"),
        "Delete line": ("Delete line", "删除整行"),
        "Delete to line start": ("Delete to line start", "删除到行首"),
        "Delete to line end": ("Delete to line end", "删除到行尾"),
        "Select line": ("Select line", "选择整行"),
        "Copy": ("Copy", "复制"),
        "Cut": ("Cut", "剪切"),
        "Paste": ("Paste", "粘贴"),
        "Undo": ("Undo", "撤销"),
        "Redo": ("Redo", "重做"),
        "palette": ("palette", "命令面板"),  # the App's own ctrl+p
        "Open the command palette": ("Open the command palette", "打开命令面板"),
    }
)


class LocalizedBindingsTable(BindingsTable):
    """The key table, its rows' descriptions in the user's language."""

    def __init__(self, t: Callable[[str], str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t

    def render_bindings_table(self):
        for node in {id(n): n for n, _b, _e, _t in self.screen.active_bindings.values()}.values():
            # every time: Textual adds some (the palette's key) after a node was translated; a
            # description already in 中文 is no key and stays itself
            node._bindings.key_to_bindings = {
                key: [self._localized(b) if b.description or b.tooltip else b for b in bindings]
                for key, bindings in node._bindings.key_to_bindings.items()
            }
        focused = self.screen.focused
        title = getattr(type(focused), "BINDING_GROUP_TITLE", None) if focused is not None else None
        if title and focused.__dict__.get("BINDING_GROUP_TITLE") is None:
            focused.BINDING_GROUP_TITLE = self.t(title)  # this widget's, not its class's
        return super().render_bindings_table()

    def _localized(self, binding: Binding) -> Binding:
        tooltip = self.t(binding.tooltip) if binding.tooltip else binding.tooltip
        return replace(_localized(binding, self.t) if binding.description else binding, tooltip=tooltip)


class LocalizedKeyPanel(KeyPanel):
    def __init__(self, t: Callable[[str], str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t

    def compose(self) -> ComposeResult:
        yield LocalizedBindingsTable(self.t, shrink=True, expand=False)


class LocalizedHelpPanel(HelpPanel):
    """Textual's help panel with :class:`LocalizedKeyPanel` (no widget of cstui has a HELP text)."""

    def __init__(self, t: Callable[[str], str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.t = t

    def compose(self) -> ComposeResult:
        yield Markdown(id="widget-help")
        yield LocalizedKeyPanel(self.t, id="keys-help")
