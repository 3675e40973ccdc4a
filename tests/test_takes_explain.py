"""grading.takes_explain, remembered by the function a model's grade() runs: a model written
before ``explain`` existed still grades, and a class patched since is asked again."""

from __future__ import annotations

from cstui.grading import takes_explain
from cstui.plugins import guard_model


class Old:
    def grade(self, scheme, history, period):
        return []


class New:
    def grade(self, scheme, history, period, explain=True):
        return []


def test_a_model_with_or_without_explain_is_told_apart_each_time_asked():
    assert [takes_explain(Old()), takes_explain(New()), takes_explain(Old())] == [False, True, False]


def test_a_guarded_model_is_asked_through_its_class_and_a_patched_class_again(monkeypatch):
    class Patched(Old):
        pass

    model = Patched()
    guard_model(model, "test")
    assert not takes_explain(model)
    monkeypatch.setattr(Patched, "grade", New.grade)
    assert takes_explain(model)
    monkeypatch.undo()
    assert not takes_explain(model)


def test_a_callable_that_is_no_method_is_read_each_time():
    class Model:
        pass

    model = Model()
    model.grade = lambda scheme, history, period, explain=True: []
    assert takes_explain(model)
    model.grade = lambda scheme, history, period: []
    assert not takes_explain(model)
