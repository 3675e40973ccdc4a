"""A table that paints only the rows on screen, reading them a page at a time.

Textual's DataTable builds every row up front (seconds at 100,000 rows). This one is a
line-API ScrollView: ``render_line`` asks ``fetch(offset, limit)`` for the page holding the
row, keeps a few pages cached, and crops cells by terminal cell width so that Chinese
(double-width) names line up with the rest.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cstui.tui.i18n import register

# the cursor keys' descriptions (i18n keys, as every binding's): a widget's keys are not in the
# help list, but Textual's own key panel may show them
register(
    {
        "Up": ("Up", "上移"),
        "Down": ("Down", "下移"),
        "Page up": ("Page up", "上一页"),
        "Page down": ("Page down", "下一页"),
        "First": ("First", "第一行"),
        "Last": ("Last", "最后一行"),
    }
)

Row = Sequence[str]
Fetch = Callable[[int, int], list[Row]]

PAGE_SIZE = 100
CACHED_PAGES = 4
SEPARATOR = " "
ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int  # cells wanted
    min_width: int = 0  # cells it may shrink to when the screen is narrow (0: fixed)


def fit_widths(columns: Sequence[Column], available: int) -> list[int]:
    """Column widths that fit ``available`` cells, shrinking the flexible ones widest-first."""
    widths = [c.width for c in columns]
    excess = sum(widths) + len(SEPARATOR) * (len(widths) - 1) - available
    while excess > 0:
        slack = [
            (w - max(c.min_width, 1), i)
            for i, (c, w) in enumerate(zip(columns, widths))
            if c.min_width and w > c.min_width
        ]
        if not slack:
            break
        _, i = max(slack)
        widths[i] -= 1
        excess -= 1
    return widths


def fit_cell(text: str, width: int) -> str:
    """``text`` padded or cut to exactly ``width`` cells (an ellipsis marks a cut)."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    if width <= 1:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + ELLIPSIS


class VirtualTable(ScrollView, can_focus=True):
    """Rows come from ``fetch``; ``count`` rows in all; row 0 of the widget is the header."""

    COMPONENT_CLASSES = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--odd",
        "virtual-table--dim",
    }
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("home,g", "edge(0)", "First", show=False),
        Binding("end,G", "edge(1)", "Last", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        def __init__(self, table: VirtualTable, index: int, row: Row | None):
            super().__init__()
            self.table, self.index, self.row = table, index, row

    def __init__(
        self,
        columns: Sequence[Column],
        fetch: Fetch,
        count: int,
        *,
        first_page: list[Row] | None = None,
        dim_when: Callable[[Row], bool] | None = None,
        on_cursor: Callable[[int], None] | None = None,
        id: str | None = None,
    ):
        super().__init__(id=id)
        # called as the cursor moves, before the table's frame: what it updates is painted in
        # the same frame (a Highlighted message is handled after that frame, and paints another)
        self.on_cursor = on_cursor
        self.columns = list(columns)
        self.sort_key: str | None = None
        self.descending = False
        self.dim_when = dim_when
        self._fetch = fetch
        self.count = count
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        if first_page is not None:
            self._pages[0] = list(first_page)
        self._widths: list[int] = [c.width for c in self.columns]

    # -- data ---------------------------------------------------------------------------------

    def reset(self, fetch: Fetch, count: int, first_page: list[Row] | None = None, keep_cursor: bool = False) -> None:
        """New rows (a new filter or sort): drop the cache, back to the top unless ``keep_cursor``."""
        self._fetch, self.count = fetch, count
        self._pages.clear()
        if first_page is not None:
            self._pages[0] = list(first_page)
        self._update_virtual_size()
        if keep_cursor:
            self.cursor_row = min(self.cursor_row, max(count - 1, 0))
        else:
            self.scroll_to(y=0, animate=False, immediate=True)
            self.cursor_row = 0
        self.refresh()

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Other columns (the screen's width changed): widths fitted again, rows read again."""
        self.columns = list(columns)
        self._widths = fit_widths(self.columns, self.scrollable_content_region.width or sum(c.width for c in columns))
        self._pages.clear()
        self._update_virtual_size()
        self.refresh()

    def width_of(self, key: str) -> int:
        """The cells column ``key`` has now (0 when there is no such column)."""
        return next((w for c, w in zip(self.columns, self._widths) if c.key == key), 0)

    def row(self, index: int) -> Row | None:
        if not 0 <= index < self.count:
            return None
        page_no, at = divmod(index, PAGE_SIZE)
        page = self._page(page_no)
        return page[at] if at < len(page) else None

    @property
    def cursor_value(self) -> Row | None:
        return self.row(self.cursor_row)

    def _page(self, page_no: int) -> list[Row]:
        page = self._pages.get(page_no)
        if page is None:
            page = list(self._fetch(page_no * PAGE_SIZE, PAGE_SIZE))
            self._pages[page_no] = page
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page

    # -- geometry -----------------------------------------------------------------------------

    def _update_virtual_size(self) -> None:
        width = sum(self._widths) + len(SEPARATOR) * (len(self._widths) - 1)
        self.virtual_size = Size(width, self.count + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._widths = fit_widths(self.columns, self.scrollable_content_region.width)
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    @property
    def page_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    # -- cursor -------------------------------------------------------------------------------

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        if self.on_cursor is not None:
            self.on_cursor(new)
        self.post_message(self.Highlighted(self, new, self.row(new)))

    def _scroll_cursor_into_view(self) -> None:
        top, rows = int(self.scroll_y), self.page_rows
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + rows:
            self.scroll_to(y=self.cursor_row - rows + 1, animate=False, immediate=True)

    def move_cursor(self, index: int) -> None:
        if self.count:
            self.cursor_row = max(0, min(index, self.count - 1))

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        rows = self.page_rows
        self.scroll_to(y=int(self.scroll_y) + direction * rows, animate=False, immediate=True)
        self.move_cursor(self.cursor_row + direction * rows)

    def action_edge(self, end: int) -> None:
        self.move_cursor(self.count - 1 if end else 0)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.move_cursor(int(self.scroll_y) + event.y - 1)

    # -- painting -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("virtual-table--header")
            cells = [self._title(c) for c in self.columns]
        else:
            index = int(self.scroll_y) + y - 1
            row = self.row(index)
            if row is None:
                return Strip.blank(width, base)
            style = base
            if index % 2:
                style += self.get_component_rich_style("virtual-table--odd")
            if self.dim_when is not None and self.dim_when(row):
                style += self.get_component_rich_style("virtual-table--dim")
            if index == self.cursor_row:
                style += self.get_component_rich_style("virtual-table--cursor")
            cells = list(row)
        return self._strip(cells, style, width)

    def _title(self, column: Column) -> str:
        if column.key != self.sort_key:
            return column.title
        return f"{column.title}{'▼' if self.descending else '▲'}"

    def _strip(self, cells: Sequence[str], style: Style, width: int) -> Strip:
        text = SEPARATOR.join(fit_cell(str(cell), w) for cell, w in zip(cells, self._widths))
        strip = Strip([Segment(text, style)])
        scroll_x = int(self.scroll_x)
        return strip.crop_extend(scroll_x, scroll_x + width, style)
