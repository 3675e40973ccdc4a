"""cstui.entry_points reads the same entry points as importlib.metadata, which it avoids importing."""

from __future__ import annotations

import sys
import zipfile
from importlib import metadata

import pytest

from cstui import entry_points as fast
from test_plugins import fake_distribution


def same_as_importlib(group: str) -> list[tuple]:
    """Both readers' answer as (name, value, group, distribution, version); asserted equal."""
    ours = [(ep.name, ep.value, ep.group, ep.dist.name, ep.dist.version) for ep in fast.entry_points(group)]
    theirs = [(ep.name, ep.value, ep.group, ep.dist.name, ep.dist.version) for ep in metadata.entry_points(group=group)]
    assert ours == theirs
    return ours


def test_the_installed_groups_read_alike():
    builtins = same_as_importlib("cstui")
    assert {"star-levels", "kpi-card"} <= {name for name, *_ in builtins}
    for group in ("console_scripts", "pytest11", "no-such-group"):
        same_as_importlib(group)


def test_fake_distributions_comments_blank_lines_and_the_first_of_a_name_win(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    fake_distribution(first, "cstui_fakes", {"a": "mod_a:plugin", "b": "mod_b"}, {})
    fake_distribution(second, "Cstui.Fakes", {"shadowed": "mod_c"}, {})  # the same name, normalised: not read
    fake_distribution(second, "Other.Dist", {"c": "pkg.mod : obj.attr [extra]"}, {})
    (first / "cstui_fakes-1.0.dist-info" / "entry_points.txt").write_text(
        "# a comment\n\n[console_scripts]\nx = y:z\n\n[cstui]\n  a = mod_a:plugin  \n# b = gone\nb=mod_b\n"
    )
    monkeypatch.syspath_prepend(str(second))
    monkeypatch.syspath_prepend(str(first))
    found = same_as_importlib("cstui")
    names = [name for name, *_ in found]
    assert "shadowed" not in names and {"a", "b", "c"} <= set(names)


def test_load_imports_what_the_value_names(tmp_path, monkeypatch):
    fake_distribution(
        tmp_path,
        "cstui_loadme",
        {"loadme": "cstui_fake_loadme:thing.inner"},
        {"cstui_fake_loadme": "class thing:\n    inner = 42\n"},
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    (ep,) = [ep for ep in fast.entry_points("cstui") if ep.name == "loadme"]
    assert ep.load() == 42


def test_a_zip_on_sys_path_is_left_to_importlib_metadata(tmp_path, monkeypatch):
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(
            "cstui_zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: cstui_zipped\nVersion: 3.0\n"
        )
        zipped.writestr("cstui_zipped-1.0.dist-info/entry_points.txt", "[cstui]\nzipped = cstui_zipped\n")
    monkeypatch.syspath_prepend(str(archive))
    assert not fast._plain_layout()
    found = same_as_importlib("cstui")
    assert ("zipped", "cstui_zipped", "cstui", "cstui_zipped", "3.0") in found


def test_a_finder_with_its_own_distributions_is_left_to_importlib_metadata(monkeypatch):
    class Finder:
        @staticmethod
        def find_spec(*args):
            return None

        @staticmethod
        def find_distributions(context=None):
            return iter(())

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    assert not fast._plain_layout()
    same_as_importlib("cstui")


@pytest.mark.parametrize(
    "text, headers",
    [
        ("Metadata-Version: 2.1\nName: a-b\nVersion: 1.0\n\nName: body\n", {"name": "a-b", "version": "1.0"}),
        ("name:  x \nVERSION:2\n", {"name": "x", "version": "2"}),
        ("Name: first\nName: second\n", {"name": "first"}),
    ],
)
def test_metadata_headers_stop_at_the_body_and_take_the_first(text, headers):
    assert {k: v for k, v in fast.metadata_headers(text).items() if k in ("name", "version")} == headers
