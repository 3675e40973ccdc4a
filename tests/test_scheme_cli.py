"""`cstui schemes`, `cstui scheme show` and `cstui scheme check`."""

from __future__ import annotations

import tomllib

from click.testing import CliRunner

from cstui.cli import cli
from cstui.schemes import load_scheme

BUILTIN_SCHEMES = ("star-levels", "assistant-class", "five-tier", "ecommerce-kpi")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_schemes_lists_builtins_and_the_toml_variant():
    result = run("schemes")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()[2:]}
    assert set(BUILTIN_SCHEMES) <= set(rows)
    assert "five-tier" in rows["ecommerce-kpi"].split()[1]  # model column
    assert "ecommerce-kpi.toml" in rows["ecommerce-kpi"]


def test_show_toml_round_trips(tmp_path):
    for name in BUILTIN_SCHEMES:
        result = run("scheme", "show", name, "--toml")
        assert result.exit_code == 0, result.output
        path = tmp_path / f"{name}.toml"
        path.write_text(result.output, encoding="utf-8")
        again = load_scheme(str(path))
        original = load_scheme(name)
        assert again.params == original.params
        assert tomllib.loads(run("scheme", "show", str(path), "--toml").output) == tomllib.loads(result.output)


def test_show_prints_the_effective_tables():
    result = run("scheme", "show", "ecommerce-kpi")
    assert result.exit_code == 0, result.output
    assert "conversion" in result.output and "junior" in result.output
    assert "ecommerce-kpi.toml" in result.output and "five-tier.toml" in result.output  # the extends chain


def test_check_accepts_a_good_variant(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text('name = "acme-stars"\nextends = "star-levels"\nversion = "1"\n', encoding="utf-8")
    result = run("scheme", "check", str(path))
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_check_reports_every_problem_with_file_and_key_path(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "bad"\nextends = "assistant-class"\nversion = 3\n'
        '[[levels]]\nkey = "class-3"\n[[levels]]\nkey = "class-3"\n'
        '[metrics.satisfaction]\nkind = "percentage"\n',
        encoding="utf-8",
    )
    result = run("scheme", "check", str(path))
    assert result.exit_code == 3
    lines = [line.removeprefix("cstui: ") for line in result.output.splitlines()]
    assert f"{path}: version: expected a string, got a whole number 3" in lines
    assert any(line.startswith(f"{path}: levels[1].key: duplicate level") for line in lines)
    assert any(line.startswith(f"{path}: metrics.satisfaction.kind: expected one of") for line in lines)


def test_check_names_unknown_parent_and_bad_toml(tmp_path):
    orphan = tmp_path / "orphan.toml"
    orphan.write_text('name = "o"\nextends = "no-such"\nversion = "1"\n', encoding="utf-8")
    result = run("scheme", "check", str(orphan))
    assert result.exit_code == 3 and "extends: unknown scheme 'no-such'" in result.output
    broken = tmp_path / "broken.toml"
    broken.write_text("name = \n", encoding="utf-8")
    result = run("scheme", "check", str(broken))
    assert result.exit_code == 3 and "not valid TOML" in result.output


def test_fingerprint_changes_with_numbers_and_with_the_models_state_layout(tmp_path, monkeypatch):
    base = load_scheme("star-levels")
    path = tmp_path / "variant.toml"
    path.write_text(
        'name = "v"\nextends = "star-levels"\nversion = "1"\n[review]\npromote_at = 120\n', encoding="utf-8"
    )
    assert load_scheme(str(path)).fingerprint != base.fingerprint
    assert load_scheme("star-levels").fingerprint == base.fingerprint
    before = base.fingerprint
    monkeypatch.setattr(type(base.model), "state_version", base.model.state_version + 1)
    assert load_scheme("star-levels").fingerprint != before
