"""``cstui plugin new NAME``: write a plugin package that installs, tests itself and grades the demo.

The package ``cstui-NAME`` (module ``cstui_NAME``) registers, through the ``cstui`` entry-point
group, a scheme ``NAME-stars`` (the built-in star-levels with its own bar) and, with
``model=True``, a document model ``NAME-followups`` and its scheme (:mod:`cstui.scaffold_model`).
Its tests use :mod:`cstui.testing`, cstui's pytest plugin.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from cstui.domain import texts
from cstui.errors import EXIT_REFUSED, CstuiError
from cstui.scaffold_model import MODEL_PY, MODEL_TOML, TEST_MODEL_PY

NAME_RULE = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")

texts.register(
    {
        "scaffold.exists": (
            "{path}: exists and is not empty; choose another {name} or {option}",
            "{path}：已存在且不为空；请另选 {name} 或 {option}",
        ),
        "scaffold.bad_name": (
            "expected lowercase letters, digits and single hyphens, starting with a letter (e.g. {example}), got {name}",
            "应为小写字母、数字和单个连字符，以字母开头（例如 {example}），实际为 {name}",
        ),
    }
)


class ScaffoldRefused(CstuiError):
    """The target directory exists and is not empty: nothing of a person's is overwritten."""

    exit_code = EXIT_REFUSED


def name_problem(name: str) -> texts.Line | None:
    """Why NAME cannot name a plugin (a text line, in the reader's language), or None."""
    if not NAME_RULE.fullmatch(name) or len(name) > 40:
        return texts.line("scaffold.bad_name", example="acme", name=repr(name))
    return None


def fields(name: str) -> dict[str, str]:
    """The template fields of plugin NAME."""
    module = "cstui_" + name.replace("-", "_")
    words = [w.capitalize() for w in name.split("-")]
    return {
        "name": name,
        "module": module,
        "dist": f"cstui-{name}",
        "stars": f"{name}-stars",
        "model": f"{name}-followups",
        "class_name": "".join(words) + "FollowUps",
        "label": f"{' '.join(words)} follow-ups per month",
    }


def package_files(name: str, model: bool) -> dict[str, str]:
    """Relative path → text of every file of the package."""
    f = fields(name)
    files = {
        "pyproject.toml": PYPROJECT,
        "README.md": README,
        f"{f['module']}/__init__.py": INIT,
        f"{f['module']}/{f['stars']}.toml": STARS_TOML,
        "tests/test_stars.py": TEST_STARS_PY,
    }
    if model:
        files |= {
            f"{f['module']}/model.py": MODEL_PY,
            f"{f['module']}/{f['model']}.toml": MODEL_TOML,
            "tests/test_model.py": TEST_MODEL_PY,
            "tests/test_demo_model.py": TEST_DEMO_MODEL_PY,
        }
    texts = {path: Template(text).substitute(f) for path, text in files.items()}
    if model:
        texts[f"{f['module']}/__init__.py"] += Template(INIT_MODEL).substitute(f)
        texts["README.md"] += Template(README_MODEL).substitute(f)
    return texts


def write_package(name: str, parent: Path, model: bool = False) -> Path:
    """Write ``parent/cstui-NAME``; refused when it exists and is not empty."""
    problem = name_problem(name)
    if problem:
        raise ValueError(f"NAME: {problem}")
    root = parent / f"cstui-{name}"
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ScaffoldRefused(texts.line("scaffold.exists", path=str(root), name="NAME", option="--dir"))
    for relative, text in package_files(name, model).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "$dist"
version = "0.1.0"
description = "$name's grading schemes for cstui."
requires-python = ">=3.11"
dependencies = ["cstui"]

[project.optional-dependencies]
test = ["pytest>=8"]

# the entry-point group cstui discovers: `cstui plugins` lists this plugin as "$name"
[project.entry-points.cstui]
$name = "$module"

[tool.setuptools]
packages = ["$module"]

# without this the scheme TOML files are not installed with the package
[tool.setuptools.package-data]
$module = ["*.toml"]
"""

INIT = '''\
"""$name's cstui plugin: its schemes (and models) registered through cstui's hooks."""

from importlib.resources import files

from cstui import hookimpl

__version__ = "0.1.0"


@hookimpl
def register_schemes(register):
    for path in files(__name__).iterdir():
        if path.name.endswith(".toml"):
            register(path)
'''

INIT_MODEL = """

@hookimpl
def register_models(register):
    from .model import $class_name  # imported when cstui asks: `cstui --help` stays fast

    register($class_name())
"""

STARS_TOML = """\
# $stars: the built-in star-levels scheme with $name's own bar (see `cstui scheme show star-levels`).
name = "$stars"
extends = "star-levels"   # every number of the built-in scheme, but for these:
version = "1"
label = "$name star-level agents"
label_zh = "$name 星级客服"

[review]
promote_at = 105    # a month at 105 % of target or more counts toward one star up (built-in: 110)
demote_below = 95   # a month below 95 % counts toward one star down (built-in: 110)
"""

TEST_STARS_PY = '''\
"""$stars, tested with cstui's pytest plugin (cstui.testing: fixtures and builders)."""

from cstui.clock import default_period
from cstui.schemes import load_scheme
from cstui.testing import assert_model_contract, assert_result, cards, employee, grade, history


def sales(*percents):
    return [{"sales_target": 100000, "sales_actual": p * 1000} for p in percents]


def test_the_plugin_registers_the_scheme():
    scheme = load_scheme("$stars")
    assert scheme.plugin == "$name"
    assert scheme.params["review"]["promote_at"] == 105


def test_three_months_at_105_percent_promote_one_star():
    e = employee("E1", level="1-star")
    team = history(e, cards={"E1": cards("E1", "2026-01", sales(106, 105, 107))})
    results = grade(load_scheme("$stars"), team, "2026-03")
    assert_result(results["E1"], decision="promote", level_before="1-star", level_after="2-star", score=107)
    # the built-in bar (110) would not have moved them
    assert grade(load_scheme("star-levels"), team, "2026-03")["E1"].level_after == "1-star"
    assert_model_contract(load_scheme("$stars"), team, "2026-03")


def test_grades_the_demo_company(cstui_demo):
    agents = cstui_demo.move("star-levels", "$stars")  # every month they were on star-levels
    results = cstui_demo.grade("$stars", default_period())
    assert sorted(results) == agents
    assert not [r for r in results.values() if r.decision == "invalid"]
'''

TEST_DEMO_MODEL_PY = '''\
"""$model grades the demo company's assistants (their cards carry the follow-up counts)."""

from cstui.clock import default_period


def test_grades_the_demo_company(cstui_demo):
    assistants = cstui_demo.move("assistant-class", "$model")  # every month they were assistants
    results = cstui_demo.grade("$model", default_period())
    assert sorted(results) == assistants
    assert not [r for r in results.values() if r.decision == "invalid"]
    assert [r for r in results.values() if r.score is not None]
'''

README = """\
# $dist

A cstui plugin: `$stars` (star-levels with a 105 % bar).

    pip install -e '.[test]'      # next to cstui
    pytest                        # its tests, with cstui's pytest plugin (cstui.testing)
    cstui plugins                 # lists "$name" and its hooks
    cstui schemes                 # lists its schemes

Grade the demo company with it (its cards cover the 12 months up to last month; FIRST is
the first of them, LAST the last, both YYYY-MM):

    cstui demo --db demo.db
    cstui --db demo.db employee assign E0001 --scheme $stars --since FIRST
    cstui --db demo.db --scheme $stars --period LAST --explain

See cstui's docs/plugins.md for the keys of a scheme and how to write a model.
"""

README_MODEL = """
## The model

`$module/model.py` is the `$model` model: a monthly count KPI (`a_followups`) scored by a
band table, with a two-step ladder. `$model.toml` holds its numbers. The demo's assistants
carry the follow-up counts:

    cstui --db demo.db employee assign E0008 --scheme $model --since FIRST
    cstui --db demo.db --scheme $model --period LAST --explain
"""
