"""Rows <-> domain types. Dates, periods and decimals are stored as text (exact)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from cstui.domain import Employee, Incident, Override, Period
from cstui.engine.cards import UNREADABLE


def now() -> str:
    """UTC, ISO 8601, to the second: what the audit and ``updated_at`` columns hold."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# One encoder, built once: json.dumps with options builds a new JSONEncoder per call,
# which is a third of the cost of encoding a small scorecard. What is stored is a tree built
# here from rows and states (never a cycle), so the encoder keeps no record of the containers
# it is in (check_circular): a quarter of the cost of a checkpoint's state, the same text.
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str, check_circular=False).encode


def dumps(value: object) -> str | None:
    if value is None:
        return None
    return _encode(value)


def dumps_each(values: list) -> list[str | None]:
    """``[dumps(v) for v in values]``, the dicts among them encoded in one pass (a bulk import's
    100,000 cards: one encoder call instead of one each) and split back at the ``}, {`` between
    them; when a value's own text holds that too (more pieces than dicts), each is encoded alone."""
    dicts = [v for v in values if type(v) is dict]
    if len(dicts) < 2:
        return [dumps(v) for v in values]
    pieces = _encode(dicts)[2:-2].split("}, {")
    if len(pieces) != len(dicts):
        return [dumps(v) for v in values]
    texts = iter(pieces)
    return ["{" + next(texts) + "}" if type(v) is dict else dumps(v) for v in values]


def loads(text: str | None) -> object:
    return None if text is None else json.loads(text)


def card_values(text: str | None) -> dict:
    """A card's values as an older cstui stored them, one JSON text (read by migration m011,
    cstui.store.card_rows holds cards since); text that is not a JSON object (a hand edit, a broken write) is
    a card of one field, :data:`UNREADABLE`, that the card check refuses: one employee's flag,
    never a crash of everyone's grading."""
    try:
        values = json.loads(text) if text is not None else {}
    except ValueError:
        return {UNREADABLE: "the stored values are not JSON"}
    if not isinstance(values, dict):
        return {UNREADABLE: f"the stored values are a JSON {type(values).__name__}, not an object"}
    return values


def decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def text_decimal(text: str | None) -> Decimal | None:
    """A stored decimal; text that is not one (a hand edit) reads as NaN, which every check
    refuses by name (the card of an incident with such points is invalid, not a crash)."""
    if text is None:
        return None
    try:
        return Decimal(text)
    except (ArithmeticError, ValueError, TypeError):
        return Decimal("NaN")


def employee_values(e: Employee) -> dict:
    """The stored columns of an employee (without version/updated_*)."""
    return {
        "id": e.id,
        "name": e.name,
        "team": e.team,
        "role": e.role,
        "hire_date": e.hire_date.isoformat() if isinstance(e.hire_date, date) else e.hire_date,
        "status": e.status,
        "login": e.login,
        "scheme": e.scheme,
        "level": e.level,
    }


def employee_from_row(row) -> Employee:
    return Employee(
        id=row["id"],
        name=row["name"],
        team=row["team"],
        role=row["role"],
        hire_date=date.fromisoformat(row["hire_date"]),
        status=row["status"],
        login=row["login"],
        scheme=row["scheme"],
        level=row["level"],
        version=row["version"],
    )


def incident_from_row(row) -> Incident:
    return Incident(
        id=row["id"],
        employee_id=row["employee_id"],
        date=date.fromisoformat(row["date"]),
        code=row["code"],
        count=row["count"],
        points=text_decimal(row["points"]),
        note=row["note"],
        recorded_by=row["recorded_by"] or "",
    )


def incident_record(inc: Incident) -> dict:
    return {
        "employee_id": inc.employee_id,
        "date": inc.date.isoformat(),
        "period": str(Period.of_date(inc.date)),
        "code": inc.code,
        "count": inc.count,
        "points": decimal_text(inc.points),
        "note": inc.note or "",
    }


def override_from_row(row) -> Override:
    return Override(
        employee_id=row["employee_id"],
        period=Period.parse(row["period"]),
        level=row["level"],
        reason=row["reason"],
        author=row["author"],
    )
