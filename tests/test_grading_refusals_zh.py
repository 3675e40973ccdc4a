"""A grading's refusals (refused cards, data that kept changing, no result) read in 中文 under
--lang zh, their English as the command line always printed it."""

from __future__ import annotations

import re

import pytest

from cstui.domain import Period
from cstui.domain.texts import line
from cstui.errors import InvalidData
from cstui.grading import InvalidCards
from cstui.io.localize import user_message
from cstui.store.errors import ChangedMeanwhile

PERIOD = Period.parse("2026-10")


def english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{3,}", text))


@pytest.mark.parametrize(
    "count, applying, english, chinese",
    [
        (1, True, "1 scorecard problem in 2026-10: nothing was recorded; correct the cards and apply again", "未记录"),
        (2, False, "2 scorecard problems in 2026-10: those employees are not graded", "未参与评定"),
    ],
)
def test_refused_cards_read_in_chinese(count, applying, english, chinese):
    cards = InvalidCards(PERIOD)
    cards.lines = [line("grading.card_refused", period=PERIOD)] * count
    with pytest.raises(InvalidData) as raised:
        cards.refuse(applying)
    assert str(raised.value).splitlines()[0] == english
    zh = user_message(raised.value, "zh")
    assert chinese in zh and "2026-10" in zh and english_words(zh) == set()


def test_data_that_kept_changing_reads_in_chinese():
    error = ChangedMeanwhile(line("grading.kept_changing_one", employee="1001", period=PERIOD, tries=3))
    assert str(error).startswith("refused: the data kept changing while 1001's result of 2026-10 was graded (3 tries)")
    zh = user_message(error, "zh")
    assert "1001" in zh and "数据不断变化" in zh and english_words(zh) == set()
