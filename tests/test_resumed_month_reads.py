"""A month resumed from its checkpoint reads the checkpoint and that month's cards, nothing older:
with 48 months of history it reads exactly what it reads with 24 (issue 14: the resumed month
no slower with a longer history). Behaviour, counted: the months whose cards are read, the
cards read, and the checkpoints read; never a time."""

from __future__ import annotations

import os
import sqlite3
from datetime import date

import pytest

from cstui.batch import run_batch
from cstui.domain import Employee, Period
from cstui.grading import apply_period
from cstui.schemes import load_scheme
from cstui.store import Store, card_rows
from cstui.store.checkpoints import CheckpointsMixin

MONTH, APPLIED = Period.parse("2026-12"), Period.parse("2026-11")
VALUES = {
    "star-levels": {"sales_target": "100000", "sales_actual": "{s}000"},
    "five-tier": {
        "follow_up_rate": "0.8",
        "satisfaction": "0.9",
        "handling": "{n}",
        "training": "80",
        "attendance": "0.95",
    },
    "assistant-class": {"a_followups": "12", "b_followups": "14", "a_reports": "3", "b_reports": "{r}"},
    "ecommerce-kpi": {
        "conversion": "0.5",
        "unit_price_ratio": "1.2",
        "first_response_s": "10",
        "avg_response_s": "30",
        "satisfaction": "0.9",
    },
}
LEVELS = {"star-levels": "2-star", "five-tier": "junior", "assistant-class": "class-3", "ecommerce-kpi": "junior"}
PER_TEAM = 3


def months_back(count: int) -> list[Period]:
    months = [MONTH]
    while len(months) < count:
        months.append(months[-1].prev())
    return months[::-1]


def company(path, months: int) -> None:
    """Two teams per scheme of PER_TEAM employees, cards for ``months`` months up to MONTH, and
    everything up to APPLIED applied (results and checkpoints) through cstui."""
    with Store.open(path, create=True) as store:
        employees = [
            Employee(
                f"{scheme[:2].upper()}{t}{i}",
                f"n{i}",
                f"{scheme}-{t}",
                "assistant" if scheme == "assistant-class" else "agent",
                date(2018, 1, 1),
                scheme=scheme,
                level=LEVELS[scheme],
            )
            for scheme in VALUES
            for t in range(2)
            for i in range(PER_TEAM)
        ]
        store.import_roster(employees)
        for number, month in enumerate(months_back(months)):
            store.save_scorecards((e.id, month, _values(e.scheme, number + k)) for k, e in enumerate(employees))
        for scheme in VALUES:
            apply_period(store, load_scheme(scheme), APPLIED)


def _values(scheme: str, n: int) -> dict[str, str]:
    return {k: v.format(n=70 + n % 30, s=80 + n % 50, r=2 + n % 3) for k, v in VALUES[scheme].items()}


class Reads:
    """What a grading reads from the store: the cards of each month, and the checkpoints found."""

    def __init__(self, monkeypatch):
        self.cards: dict[str, int] = {}
        self.checkpoints: list[str | None] = []
        self.timelines: list[bool] = []  # whether each checkpoint read asked for the timelines
        month_cards, latest = card_rows.month_cards, CheckpointsMixin._latest_checkpoint

        def counted_cards(conn, month, ids_json):
            found = month_cards(conn, month, ids_json)
            self.cards[month] = self.cards.get(month, 0) + len(found)
            return found

        def counted_checkpoint(store, scheme, fingerprint, team, before, timelines=True):
            found = latest(store, scheme, fingerprint, team, before, timelines)
            self.checkpoints.append(None if found is None else found[0])
            self.timelines.append(timelines)
            return found

        monkeypatch.setattr(card_rows, "month_cards", counted_cards)
        monkeypatch.setattr(CheckpointsMixin, "_latest_checkpoint", counted_checkpoint)


def graded_reads(path, scheme: str, monkeypatch) -> Reads:
    reads = Reads(monkeypatch)
    with Store.open(path) as store, open(os.devnull, "w") as sink:
        monkeypatch.setattr("sys.stdout", sink)
        run_batch(store, load_scheme(scheme), MONTH, jobs=1)
    monkeypatch.undo()
    return reads


@pytest.fixture(scope="module")
def companies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history")
    built = {}
    for months in (24, 48):
        built[months] = folder / f"company-{months}.db"
        company(built[months], months)
    return built


@pytest.mark.parametrize("scheme", list(VALUES))
def test_a_resumed_month_reads_the_checkpoint_and_its_own_cards_only(companies, scheme, monkeypatch):
    seen = {months: graded_reads(path, scheme, monkeypatch) for months, path in companies.items()}
    for months, reads in seen.items():
        # the latest, for each team (star-levels' column-wise planner looks once more before it declines)
        assert set(reads.checkpoints) == {str(APPLIED)} and len(reads.checkpoints) >= 2, (months, reads.checkpoints)
        assert reads.cards == {str(MONTH): 2 * PER_TEAM}, (months, reads.cards)
        assert not any(reads.timelines)  # a dry run reads no timeline: none is asked for
    assert seen[24].cards == seen[48].cards


def test_without_a_checkpoint_the_whole_history_is_read(companies, tmp_path, monkeypatch):
    """The count can tell: a month with no checkpoint before it (a full replay) reads every month."""
    copy = tmp_path / "copy.db"
    with sqlite3.connect(companies[48]) as source, sqlite3.connect(copy) as target:
        source.backup(target)
        target.execute("DELETE FROM checkpoints")
    # assistant-class: star-levels' and five-tier's full replays read older months column-wise
    reads = graded_reads(copy, "assistant-class", monkeypatch)
    assert len(reads.cards) == 48 and reads.checkpoints == [None, None]
    # five-tier reads as cards only the graded month (its quarter's scores so far are rebuilt
    # from the columns' typed decimals)
    reads = graded_reads(copy, "five-tier", monkeypatch)
    assert set(reads.cards) == {str(MONTH)}, reads.cards
