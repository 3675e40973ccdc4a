"""What the one card check costs grading: every card of a replay judged by its scheme first.

    python benchmarks/bench_card_gate.py                  # 8,000 employees x 24 months
    python benchmarks/bench_card_gate.py --employees 20000

Uses bench_batch's cached company (built once, not timed). For each built-in scheme, in this
one process and alternating (a shared machine's noise hits both alike), it times the model's
``grade()`` alone against ``cstui.grading.grade_team`` (the card check, then the same grade),
over a full replay of 24 months without checkpoints, and prints the ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_batch  # noqa: E402  (the cached company)

from cstui.domain import Period  # noqa: E402
from cstui.grading import grade_team  # noqa: E402
from cstui.schemes import load_scheme  # noqa: E402
from cstui.store import Store  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(store, name: str, period: Period, rounds: int) -> tuple[float, float, int]:
    scheme = load_scheme(name)
    histories = list(store.team_histories(name, period))
    cards = sum(len(c) for h in histories for c in h.cards.values())
    alone = checked = 0.0
    for _ in range(rounds):
        alone += timed(lambda: [scheme.model.grade(scheme, h, period, explain=False) for h in histories])
        checked += timed(lambda: [grade_team(scheme, h, period, apply=False, explain=False) for h in histories])
    return alone / rounds, checked / rounds, cards


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=8000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    db, _ = bench_batch.cached_company(args.employees)
    period = Period.parse(bench_batch.GRADE_MONTH)
    with Store.open(db) as store:
        print(f"full replay of {period}, {args.employees:,} employees, {args.rounds} alternating rounds")
        for name in ("star-levels", "five-tier", "assistant-class"):
            alone, checked, cards = measure(store, name, period, args.rounds)
            per_card = (checked - alone) / cards * 1e6
            print(
                f"  {name:16} grade {alone:6.2f} s  checked {checked:6.2f} s  x{checked / alone:.2f}  ({per_card:+.1f} us a card, {cards:,} cards)"
            )


if __name__ == "__main__":
    main()
