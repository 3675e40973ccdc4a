"""A column-wise month runs only for a model whose per-card path is its class's own
(``engine.period_columns.unpatched``): the plugin guard's wrappers pass; a method set on the
instance, a subclass, or the fast paths switched off do not."""

from __future__ import annotations

from cstui.engine.period_columns import unpatched
from cstui.plugins import guard_model
from cstui_plugins.five_tier.model import FiveTier
from cstui_plugins.star_levels.model import StarLevels


def test_the_class_itself_and_its_guarded_methods_pass():
    for cls in (StarLevels, FiveTier):
        model = cls()
        assert unpatched(model, cls)
        guard_model(model, "a-plugin")
        assert "grade" in vars(model)  # the guard's wrappers are on the instance
        assert unpatched(model, cls)


def test_a_method_set_on_the_instance_fails():
    model = StarLevels()
    guard_model(model, "a-plugin")
    model.grade = lambda *args, **kwargs: []
    assert not unpatched(model, StarLevels)


def test_a_subclass_or_the_fast_paths_off_fail():
    class Tuned(FiveTier):
        pass

    assert not unpatched(Tuned(), FiveTier)
    model = FiveTier()
    model.skims = False
    assert not unpatched(model, FiveTier)
