"""Ranks within a team: by score, highest first, ties sharing a rank (1, 2, 2, 4)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import Decimal


def competition_ranks(scores: Mapping[Hashable, Decimal | None]) -> dict[Hashable, int | None]:
    """Standard competition ranking; an entry without a score gets no rank."""
    scored = sorted(((s, k) for k, s in scores.items() if s is not None), key=lambda sk: sk[0], reverse=True)
    ranks: dict[Hashable, int | None] = {k: None for k, s in scores.items() if s is None}
    previous, previous_rank = None, 0
    for position, (score, key) in enumerate(scored, start=1):
        rank = previous_rank if score == previous else position
        ranks[key] = rank
        previous, previous_rank = score, rank
    return ranks
