"""What the batch path's start-up left out computes as before (issue 14): a month's length without
``calendar``, the scheme fingerprint without ``hashlib``, grade quotas only for a scheme that sets them."""

from __future__ import annotations

import calendar
import hashlib
import json

import pytest

from cstui.engine.replay import add_months, days_in_month
from cstui.schemes import catalog, load_scheme


def test_a_months_length_is_calendars_for_every_month_a_date_can_have():
    for year in range(1, 10000):
        for month in range(1, 13):
            assert days_in_month(year, month) == calendar.monthrange(year, month)[1], (year, month)


def test_add_months_clamps_to_the_months_last_day():
    from datetime import date

    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 31), 11) == date(2026, 12, 31)
    assert add_months(date(9999, 1, 31), 11) == date(9999, 12, 31)


@pytest.mark.parametrize("name", catalog().names())
def test_the_fingerprint_is_hashlibs_sha256_of_the_parameters(name):
    scheme = load_scheme(name)
    keyed = {"params": scheme.params, "model": scheme.model.name, "state_version": scheme.model.state_version}
    text = json.dumps(keyed, sort_keys=True, default=str)
    assert scheme.fingerprint == hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@pytest.mark.parametrize(
    "module, name",
    [
        ("cstui.store.audit", "AuditFilter"),
        ("cstui.store.audit", "BrokenLink"),
        ("cstui.store.snapshots", "SchemeSnapshot"),
        ("cstui.store.snapshots", "AppliedScheme"),
        ("cstui.store.raters", "RatedCard"),
        ("cstui.store.web_tokens", "WebSession"),
        ("cstui.store.file_audit", "ImportedFile"),
    ],
)
def test_the_stores_records_are_found_where_they_always_were(module, name):
    from importlib import import_module

    from cstui.store import records

    assert getattr(import_module(module), name) is getattr(records, name)
    with pytest.raises(AttributeError):
        getattr(import_module(module), name + "Nope")


def test_the_parameter_shapes_behave_as_the_frozen_dataclasses_they_were():
    from dataclasses import FrozenInstanceError

    from cstui.engine.params_schema import NUMBER, TEXT, ArrayOf, MapOf, OneOf, Scalar, Table

    assert Table({"a": NUMBER}) == Table(fields={"a": NUMBER}) != Table({"a": TEXT})
    assert Table({"a": NUMBER}) != Table({"a": NUMBER}, open=True)
    assert Table() == Table({}) and Table().fields is not Table().fields
    assert MapOf(NUMBER, "level key") == MapOf(values=NUMBER, what="level key") != MapOf(NUMBER)
    assert ArrayOf(TEXT) == ArrayOf(item=TEXT) != ArrayOf(NUMBER)
    assert OneOf((NUMBER, ArrayOf(NUMBER))) == OneOf(options=(NUMBER, ArrayOf(NUMBER)))
    assert ArrayOf(TEXT) != OneOf((TEXT,)) and (ArrayOf(TEXT) == "x") is False
    assert hash(OneOf((NUMBER, ArrayOf(TEXT)))) == hash(OneOf((NUMBER, ArrayOf(TEXT))))
    with pytest.raises(TypeError):  # a dict field: unhashable, as the frozen dataclass's hash was
        hash(Table())
    fits = NUMBER.fits
    assert Scalar("a number", fits) == Scalar(expected="a number", fits=fits, many=Scalar("x", fits).many)
    assert repr(MapOf(TEXT, "code")) == f"MapOf(values={TEXT!r}, what='code')"
    assert repr(Table({"a": TEXT})) == f"Table(fields={{'a': {TEXT!r}}}, open=False)"
    assert repr(TEXT) == f"Scalar(expected={TEXT.expected!r}, fits={TEXT.fits!r}, many={TEXT.many!r})"
    for shape, name in ((Table(), "open"), (ArrayOf(TEXT), "item"), (NUMBER, "expected")):
        with pytest.raises(FrozenInstanceError):
            setattr(shape, name, None)
        with pytest.raises(FrozenInstanceError):
            delattr(shape, name)
