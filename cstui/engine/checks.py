"""Small checks of scheme parameters shared by the models' ``check``: each reads one
TOML value, adds a ``key.path: what was expected`` problem when it does not fit, and
returns the value (or None / an empty table) so a check can go on and report the rest."""

from __future__ import annotations

from decimal import Decimal

from cstui.domain.texts import line
from cstui.engine.bands import as_decimal
from cstui.engine.params_schema import FLAG, NUMBER, TEXT, WHOLE, ArrayOf, MapOf, OneOf, Table
from cstui.engine.problem_texts import expected, missing
from cstui.engine.protocol import Problems

CENT = Decimal("0.01")


def table(params: dict, key: str, problems: Problems) -> dict:
    value = params.get(key)
    if not isinstance(value, dict):
        problems.add(key, missing("what.table") if value is None else expected("what.table", type(value).__name__))
        return {}
    return value


def number(section: dict, key_path: str, problems: Problems) -> Decimal | None:
    key = key_path.rsplit(".", 1)[1]
    if key not in section:
        problems.add(key_path, missing("what.number"))
        return None
    value = as_decimal(section[key])
    if value is None:
        problems.add(key_path, expected("what.number", repr(section[key])))
    return value


def whole(section: dict, key_path: str, problems: Problems, minimum: int = 0) -> int | None:
    key = key_path.rsplit(".", 1)[1]
    value = section.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        problems.add(key_path, expected(line("what.whole_at_least", minimum=str(minimum)), repr(value)))
        return None
    return value


def level(section: dict, key_path: str, ladder: tuple[str, ...], problems: Problems) -> str | None:
    key = key_path.rsplit(".", 1)[1]
    value = section.get(key)
    if not isinstance(value, str):
        problems.add(key_path, expected(line("what.level_key", levels=", ".join(ladder))))
        return None
    if value not in ladder:
        problems.add(key_path, line("problem.unknown_level", level=repr(value), levels=", ".join(ladder)))
        return None
    return value


def two_places(value: Decimal) -> Decimal:
    """Trace display only: at most 2 decimals (decisions use the value they were given)."""
    rounded = value.quantize(CENT)
    return rounded if value != rounded else value


# --- shapes of the shared building blocks (see cstui.engine.params_schema) ---------------


def band_table(value_key: str = "points") -> Table:
    """``better`` and ``bands = [{from, to, <value_key>}]`` (cstui.engine.bands)."""
    band = Table({"from": NUMBER, "to": NUMBER, value_key: NUMBER, "label": TEXT})
    return Table({"better": TEXT, "bands": ArrayOf(band)})


INCIDENT = Table(
    {
        "category": TEXT,
        "severity": TEXT,
        "label": TEXT,
        "label_zh": TEXT,
        "points": OneOf((NUMBER, ArrayOf(NUMBER))),
        "repeatable": FLAG,
        "dismissal": FLAG,
    }
)
LEDGER = Table(
    {
        "base": NUMBER,
        "cap": NUMBER,
        "categories": ArrayOf(TEXT),
        "adjustment": Table({"metric": TEXT, "reason_metric": TEXT, "min": NUMBER, "max": NUMBER}),
        "failing_duties": Table({"code": TEXT, "moderate_at_least": WHOLE, "minor_at_least": WHOLE}),
        "incidents": MapOf(INCIDENT, "incident code"),
    }
)
GRADE_BANDS = ArrayOf(
    Table({"grade": TEXT, "from": NUMBER, "above": NUMBER, "to": NUMBER, "below": NUMBER, "label": TEXT})
)
PAY_FLOAT = Table({"neutral": NUMBER, "per_point": NUMBER, "min": NUMBER, "max": NUMBER, "unpaid_first_months": WHOLE})
DISMISSAL_REVIEW = Table({"score_below": NUMBER, "last_in_team_months": WHOLE, "last_in_team_below": NUMBER})
