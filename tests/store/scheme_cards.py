"""Valid scorecard values for the store tests' employees, one builder per built-in scheme.

The store refuses a card its employee's scheme would refuse (cstui/store/gate.py), so a test
of store mechanics (access, periods, conflicts, checkpoints) saves cards like these.
"""

from __future__ import annotations


def star_card(actual: str = "90", target: str = "100") -> dict[str, str]:
    """A star-levels card: sales target (above 0) and sales, in yuan."""
    return {"sales_target": target, "sales_actual": actual}


def five_card(handling: str = "85", training: str = "90") -> dict[str, str]:
    """A five-tier card: three rates and two 0-100 ratings."""
    return {
        "follow_up_rate": "0.9",
        "satisfaction": "95%",
        "attendance": "1",
        "handling": handling,
        "training": training,
    }


def assistant_card(a_followups: str = "3") -> dict[str, str]:
    """An assistant-class card (every field is optional): one count."""
    return {"a_followups": a_followups}
