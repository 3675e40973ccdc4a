"""The roster's pinyin search key: a name's full pinyin and its initials (张伟 → ``zhangwei zw``).

Stored on each employee (``employees.name_pinyin``, filled on every write through the SQL
function :func:`register` installs) so the roster filters and sorts by it in SQL at 100,000
rows. pypinyin is imported on the first name with 中文 characters only: grading never writes
employees, so the batch path never loads it.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

SQL_FUNCTION = "cstui_name_pinyin"


@lru_cache(maxsize=4096)
def name_pinyin(name: str | None) -> str:
    """``"zhangwei zw"`` for 张伟; a Latin name lowercased (``"alice chen ac"``); "" for none."""
    if not name:
        return ""
    text = name.strip().lower()
    if text.isascii():
        words = text.split()
        return f"{' '.join(words)} {''.join(w[0] for w in words)}" if len(words) > 1 else text
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # not installed: names still match as typed
        return text
    syllables = [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="default") if s.strip()]
    return f"{''.join(syllables)} {''.join(s[0] for s in syllables if s[0].isalnum())}"


def register(conn: sqlite3.Connection) -> None:
    """Install the SQL function the employee writes and the migration call."""
    conn.create_function(SQL_FUNCTION, 1, name_pinyin, deterministic=True)
