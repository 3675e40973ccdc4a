from __future__ import annotations

from datetime import date

import pytest

from cstui.domain import Employee
from cstui.store import Store


@pytest.fixture
def db(tmp_path):
    """A company: E1, E2 on star-levels (T1), A1 on assistant-class (T1), F1 on five-tier and K1 on ecommerce-kpi (T2)."""
    path = tmp_path / "company.db"
    with Store.open(path, create=True) as store:
        store.import_roster(
            [
                Employee("E1", "王芳", "T1", "agent", date(2024, 1, 5), scheme="star-levels", level="2-star"),
                Employee("E2", "Li Lei", "T1", "agent", date(2024, 2, 5), scheme="star-levels", level="1-star"),
                Employee("A1", "赵敏", "T1", "assistant", date(2023, 6, 1), scheme="assistant-class", level="class-3"),
                Employee("F1", "周杰", "T2", "agent", date(2022, 6, 1), scheme="five-tier", level="junior"),
                Employee("K1", "孙丽", "T2", "agent", date(2022, 6, 1), scheme="ecommerce-kpi", level="junior"),
            ]
        )
    return path


@pytest.fixture
def store(db):
    s = Store.open(db)
    yield s
    s.close()


@pytest.fixture
def write(tmp_path):
    """``write(name, text, encoding="utf-8")`` -> Path of a file in tmp_path."""

    def _write(name: str, text: str, encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return _write
