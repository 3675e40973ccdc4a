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
