"""The test tree itself: pytest imports test modules by basename (no packages), so two
folders holding the same file name break collection of the full run."""

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).parent


def test_test_module_names_are_unique_across_folders():
    names = Counter(p.name for p in TESTS.rglob("*.py") if p.name != "conftest.py" and "__snapshots__" not in p.parts)
    assert [name for name, n in names.items() if n > 1] == []


def test_no_test_imports_a_module_called_conftest():
    needle = "from " + "conftest import"
    offenders = [str(p) for p in TESTS.rglob("test_*.py") if needle in p.read_text(encoding="utf-8")]
    assert offenders == []
