"""Every hook of cstui/hookspecs.py, exercised through a real hookimpl of an installed
distribution (entry point ``cstui``) and the command that uses it; and the meta-test that
each hook is documented in docs/plugins.md with its signature and implemented by a test."""

from __future__ import annotations

import inspect
import json
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from cstui import hookspecs
from cstui.cli import cli
from cstui.plugins import get_registry, reset_registry
from cstui.testing import card

REPO = Path(__file__).resolve().parent.parent

# One plugin implementing every hook, as a company would ship it.
EVERY_HOOK = """
    import os
    from pathlib import Path

    from cstui import hookimpl
    from cstui_plugins.star_levels.model import StarLevels


    class HookStars(StarLevels):
        name = "hook-stars"


    @hookimpl
    def register_models(register):
        register(HookStars())


    @hookimpl
    def register_schemes(register):
        register(Path(__file__).with_name("hook-stars.toml"))


    def read_pipes(path):
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        header = lines[0].split("|")
        for number, line in enumerate(lines[1:], start=2):
            yield number, dict(zip(header, line.split("|")))


    @hookimpl
    def register_importers(register):
        register("pipes", read_pipes)


    @hookimpl
    def register_exporters(register):
        register("ids", lambda records, stream: stream.write(" ".join(r["employee_id"] for r in records).encode()))


    @hookimpl
    def period_closed(db_path, period, closed_by):
        with open(os.environ["HOOK_CLOSE_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{period} {closed_by} {Path(db_path).name}\\n")
"""
SCHEME = 'name = "hook-stars-scheme"\nmodel = "hook-stars"\nversion = "7"\n'


@pytest.fixture
def every_hook(tmp_path, monkeypatch):
    """The plugin installed by hand: dist-info with its entry point, its module and TOML."""
    site = tmp_path / "site"
    info = site / "cstui_every_hook-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cstui-every-hook\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[cstui]\nevery-hook = cstui_every_hook\n")
    (site / "cstui_every_hook.py").write_text(textwrap.dedent(EVERY_HOOK))
    star_levels = (REPO / "schemes" / "star-levels.toml").read_text(encoding="utf-8")
    body = star_levels.split('version = "1"\n', 1)[1]  # the built-in numbers under the plugin's model
    (site / "hook-stars.toml").write_text(SCHEME + body, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("HOOK_CLOSE_LOG", str(tmp_path / "closed.log"))
    reset_registry()
    return tmp_path


def invoke(company, *args):
    result = CliRunner().invoke(cli, ["--db", str(company.path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_every_hook_is_implemented_by_the_plugin(every_hook):
    registry = get_registry()
    (info,) = [p for p in registry.plugins if p.name == "every-hook"]
    assert sorted(info.hooks) == sorted(hook_names()) and info.error is None, registry.errors


def test_register_models_and_schemes_grade_under_the_plugin_model(every_hook, cstui_company):
    schemes = json.loads(invoke(cstui_company, "schemes", "--json"))
    row = next(s for s in schemes if s["name"] == "hook-stars-scheme")
    assert (row["model"], row["version"], row["plugin"]) == ("hook-stars", "7", "every-hook")
    cstui_company.move("star-levels", "hook-stars-scheme")
    cstui_company.save_cards(card("E1", "2026-09", sales_target=100000, sales_actual=120000))
    records = json.loads(
        invoke(cstui_company, "--scheme", "hook-stars-scheme", "--period", "2026-09", "--format", "json")
    )
    graded = {r["employee_id"]: r for r in records}
    assert graded["E1"]["scheme"] == "hook-stars-scheme" and graded["E1"]["score"] == 120


def test_register_importers_reads_a_company_format_with_every_check(every_hook, cstui_company):
    path = every_hook / "cards.pipes"
    path.write_text("employee_id|sales_target|sales_actual\nE2|100000|95000\n", encoding="utf-8")
    out = invoke(
        cstui_company,
        "import",
        "scorecards",
        str(path),
        "--format",
        "pipes",
        "--period",
        "2026-09",
        "--scheme",
        "star-levels",
    )
    assert "1 new" in out
    assert cstui_company.store.scorecard("E2", "2026-09").values == {"sales_actual": "95000", "sales_target": "100000"}
    path.write_text("employee_id|sales_target|sales_actual\nE2|100000|lots\n", encoding="utf-8")
    refused = CliRunner().invoke(
        cli,
        [
            "--db",
            str(cstui_company.path),
            "import",
            "scorecards",
            str(path),
            "--format",
            "pipes",
            "--period",
            "2026-09",
            "--scheme",
            "star-levels",
        ],
    )
    assert refused.exit_code == 3 and ":2:" in refused.output and "sales_actual" in refused.output


def test_register_exporters_writes_a_report_format(every_hook, cstui_company):
    cstui_company.save_cards(card("E3", "2026-09", sales_target=1, sales_actual=1))
    out = invoke(cstui_company, "--scheme", "star-levels", "--period", "2026-09", "--team", "T1", "--format", "ids")
    assert out.split() == ["E1", "E2", "E3"]


def test_period_closed_is_told_after_the_close(every_hook, cstui_company):
    invoke(cstui_company, "period", "close", "2026-09")
    log = (every_hook / "closed.log").read_text(encoding="utf-8")
    assert log == f"2026-09 {cstui_company.store.login} {cstui_company.path.name}\n"


# --- meta-tests -------------------------------------------------------------------------------


def hook_names() -> list[str]:
    return [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(fn, "cstui_spec")]


def signature_text(name: str) -> str:
    """``register_models(register: Callable[[Any], None]) -> None``, as hookspecs.py declares it."""
    sig = inspect.signature(getattr(hookspecs, name))
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"{name}({params}) -> {sig.return_annotation}"


def test_hookspecs_declare_the_five_hooks():
    assert sorted(hook_names()) == [
        "period_closed",
        "register_exporters",
        "register_importers",
        "register_models",
        "register_schemes",
    ]


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_is_documented_with_its_signature(name):
    doc = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert f"def {signature_text(name)}" in doc, f"docs/plugins.md: no `def {signature_text(name)}`"
    assert f"### `{name}`" in doc, f"docs/plugins.md: no section ### `{name}`"


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_has_a_real_hookimpl_in_the_tests(name):
    implemented = set()
    for path in (REPO / "tests").rglob("*.py"):
        implemented |= set(re.findall(r"@hookimpl\s*\n\s*def (\w+)\(", path.read_text(encoding="utf-8")))
    assert name in implemented, f"no test implements {name} with @hookimpl"


def test_every_member_of_the_model_contract_is_documented():
    from cstui.engine.model import DocumentModel

    doc = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = doc[doc.index("### The methods") : doc.index("### Ranks")]
    members = [m for m in vars(DocumentModel) if not m.startswith("_")]
    assert len(members) >= 14
    for member in members:
        assert f"| `{member}` |" in section or f"| `{member}(" in section, (
            f"docs/plugins.md, The methods: no row for {member}"
        )
