"""The assistant-class review rules: checked and compiled from the scheme TOML.

The ledger, grade bands, pay float and dismissal review are the shared building blocks
(:mod:`cstui.engine.ledger`, :mod:`cstui.engine.grades`); this module holds the quarterly
class review: class requirements, award, elimination, exemption, demotion, team lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cstui.domain import texts
from cstui.domain.texts import line
from cstui.engine import checks
from cstui.engine.grades import check_grading
from cstui.engine.ledger import check_ledger
from cstui.engine.params_schema import NUMBER, TEXT, WHOLE, ArrayOf, MapOf, Table
from cstui.engine.problem_texts import expected, missing, word

if TYPE_CHECKING:
    from cstui.schemes import Problems

COUNT_KINDS = ("count",)

PARAMS_SHAPE = Table(
    {
        "ledger": checks.LEDGER,
        "grade_bands": checks.GRADE_BANDS,
        "pay_float": checks.PAY_FLOAT,
        "dismissal_review": checks.DISMISSAL_REVIEW,
        "classes": MapOf(
            Table(
                {
                    "average_at_least": NUMBER,
                    "deductions_below": MapOf(NUMBER, "ledger category"),
                    "counts_at_least": MapOf(WHOLE, "count metric"),
                }
            ),
            "level key",
        ),
        "award": Table({"consecutive_quarters": WHOLE, "total_quarters_over": WHOLE}),
        "elimination": Table(
            {
                "bottom_n": WHOLE,
                "bottom_quarters": WHOLE,
                "quarter_deductions_over": NUMBER,
                "year_deductions_over": NUMBER,
            }
        ),
        "exemption": Table({"min_level": TEXT, "best_quarters": WHOLE}),
        "demotion": Table({"review_quarter": WHOLE}),
        "team_lead": Table(
            {
                "role": TEXT,
                "min_level": TEXT,
                "suggestions_metric": TEXT,
                "suggestions_at_least": WHOLE,
                "unqualified_quarters": WHOLE,
                "pay": ArrayOf(Table({"average_at_least": NUMBER, "pay": NUMBER})),
            }
        ),
    }
)


@dataclass(frozen=True, slots=True)
class ClassRule:
    level: str
    average_at_least: Decimal
    deductions_below: tuple[tuple[str, Decimal], ...]
    counts_at_least: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Rules:
    levels: tuple[str, ...]  # low → high; levels[0] is the entry class
    classes: tuple[ClassRule, ...]  # highest class first
    count_metrics: tuple[str, ...]
    award_consecutive: int
    award_total_over: int
    bottom_n: int
    bottom_quarters: int
    quarter_deductions_over: Decimal
    year_deductions_over: Decimal
    exemption_min_level: str
    best_quarters: int
    demotion_quarter: int
    lead_role: str
    lead_min_level: str
    suggestions_metric: str
    suggestions_at_least: int
    unqualified_quarters: int
    lead_pay: tuple[tuple[Decimal, Decimal], ...]  # (average at least, pay), highest first

    def rank(self, level: str) -> int:
        return self.levels.index(level)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


_compiled: dict[int, tuple[dict, Rules]] = {}


def compile_rules(params: dict) -> Rules:
    hit = _compiled.get(id(params))
    if hit is not None and hit[0] is params:
        return hit[1]
    levels = tuple(lv["key"] for lv in params["levels"])
    classes = sorted(
        (_class(key, spec) for key, spec in params["classes"].items()), key=lambda c: -levels.index(c.level)
    )
    award, elim, exem, lead = params["award"], params["elimination"], params["exemption"], params["team_lead"]
    rules = Rules(
        levels=levels,
        classes=tuple(classes),
        count_metrics=tuple(k for k, spec in params.get("metrics", {}).items() if spec.get("kind") in COUNT_KINDS),
        award_consecutive=award["consecutive_quarters"],
        award_total_over=award["total_quarters_over"],
        bottom_n=elim["bottom_n"],
        bottom_quarters=elim["bottom_quarters"],
        quarter_deductions_over=_dec(elim["quarter_deductions_over"]),
        year_deductions_over=_dec(elim["year_deductions_over"]),
        exemption_min_level=exem["min_level"],
        best_quarters=exem["best_quarters"],
        demotion_quarter=params["demotion"]["review_quarter"],
        lead_role=lead["role"],
        lead_min_level=lead["min_level"],
        suggestions_metric=lead["suggestions_metric"],
        suggestions_at_least=lead["suggestions_at_least"],
        unqualified_quarters=lead["unqualified_quarters"],
        lead_pay=tuple(sorted(((_dec(b["average_at_least"]), _dec(b["pay"])) for b in lead["pay"]), reverse=True)),
    )
    if len(_compiled) > 64:
        _compiled.clear()
    _compiled[id(params)] = (params, rules)
    return rules


def _class(level: str, spec: dict) -> ClassRule:
    return ClassRule(
        level=level,
        average_at_least=_dec(spec["average_at_least"]),
        deductions_below=tuple((cat, _dec(v)) for cat, v in spec.get("deductions_below", {}).items()),
        counts_at_least=tuple((m, int(v)) for m, v in spec.get("counts_at_least", {}).items()),
    )


# ------------------------------------------------------------------ checking


def check(params: dict, problems: Problems) -> None:
    """Every rule of the scheme, with the key path of each problem."""
    check_ledger(params, problems)
    check_grading(params, problems)
    levels = [lv.get("key") for lv in params.get("levels", []) if isinstance(lv, dict)]
    _check_classes(params, levels, problems)
    _check_ints(params, "award", ("consecutive_quarters", "total_quarters_over"), problems)
    _check_ints(params, "elimination", ("bottom_n", "bottom_quarters"), problems)
    _check_numbers(params, "elimination", ("quarter_deductions_over", "year_deductions_over"), problems)
    _check_ints(params, "exemption", ("best_quarters",), problems)
    _check_level(params, "exemption", "min_level", levels, problems)
    _check_ints(params, "demotion", ("review_quarter",), problems)
    demotion = params.get("demotion")
    if (
        isinstance(demotion, dict)
        and isinstance(demotion.get("review_quarter"), int)
        and not 1 <= demotion["review_quarter"] <= 4
    ):
        problems.add("demotion.review_quarter", expected("assistant-class.quarter", str(demotion["review_quarter"])))
    _check_team_lead(params, levels, problems)


# the problems of an assistant-class scheme's own rules (keys as written)
texts.register(
    {
        "assistant-class.quarter": ("a quarter 1..4", "1..4 之间的季度"),
        "assistant-class.one_of_levels": ("one of the levels {levels}", "以下级别之一：{levels}"),
        "assistant-class.requirements": ("the requirements of this class", "此等级的要求"),
        "assistant-class.above_entry": ("a level above the entry class ({levels})", "高于入门等级的级别（{levels}）"),
        "assistant-class.mapping": ("a table of {what} = number", "“{what} = 数字”形式的表"),
        "assistant-class.unknown": ("unknown {what}; expected one of {allowed}", "未知的{what}；应为 {allowed} 之一"),
        "assistant-class.none_declared": ("none declared", "未声明"),
        "assistant-class.pay": ("an array of tables with {keys} and {last}", "表数组，每个表含 {keys} 和 {last}"),
    }
)


def _table(params: dict, key: str, problems: Problems) -> dict | None:
    table = params.get(key)
    if not isinstance(table, dict):
        problems.add(key, missing("what.table") if table is None else expected("what.table", type(table).__name__))
        return None
    return table


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_ints(params: dict, key: str, names: tuple[str, ...], problems: Problems, table: dict | None = None) -> None:
    table = table if table is not None else params.get(key)
    if not isinstance(table, dict):
        if table is None and key in params:
            return
        _table(params, key, problems)
        return
    for name in names:
        if not _is_int(table.get(name)):
            problems.add(
                f"{key}.{name}",
                missing("what.whole") if name not in table else expected("what.whole_0", repr(table[name])),
            )


def _check_numbers(params: dict, key: str, names: tuple[str, ...], problems: Problems) -> None:
    table = params.get(key)
    if not isinstance(table, dict):
        return  # reported by _check_ints on the same table
    for name in names:
        if not _is_number(table.get(name)):
            problems.add(
                f"{key}.{name}",
                missing("what.number") if name not in table else expected("what.number", repr(table[name])),
            )


def _check_level(params: dict, key: str, name: str, levels: list, problems: Problems) -> None:
    table = params.get(key)
    if isinstance(table, dict) and table.get(name) not in levels:
        one_of = line("assistant-class.one_of_levels", levels=", ".join(map(str, levels)))
        problems.add(f"{key}.{name}", expected(one_of, repr(table.get(name))))


def _check_classes(params: dict, levels: list, problems: Problems) -> None:
    classes = _table(params, "classes", problems)
    if classes is None:
        return
    metrics = params.get("metrics", {}) if isinstance(params.get("metrics"), dict) else {}
    ledger = params.get("ledger") if isinstance(params.get("ledger"), dict) else {}
    categories = ledger.get("categories") if isinstance(ledger.get("categories"), list) else []
    for level in levels[1:]:
        if level not in classes:
            problems.add(f"classes.{level}", missing("assistant-class.requirements"))
    for key, spec in classes.items():
        path = f"classes.{key}"
        if key not in levels[1:]:
            above = line("assistant-class.above_entry", levels=", ".join(map(str, levels[1:])))
            problems.add(path, expected(above))
        if not isinstance(spec, dict):
            keys = "average_at_least, deductions_below, counts_at_least"
            problems.add(path, expected(line("what.table_with", keys=keys)))
            continue
        if not _is_number(spec.get("average_at_least")):
            problems.add(f"{path}.average_at_least", expected("what.number", repr(spec.get("average_at_least"))))
        _check_mapping(
            spec.get("deductions_below", {}),
            f"{path}.deductions_below",
            categories,
            "ledger category",
            _is_number,
            problems,
        )
        counts = [k for k, m in metrics.items() if isinstance(m, dict) and m.get("kind") in COUNT_KINDS]
        _check_mapping(
            spec.get("counts_at_least", {}), f"{path}.counts_at_least", counts, "count metric", _is_int, problems
        )


def _check_mapping(table: Any, path: str, allowed: list, what: str, valid: Any, problems: Problems) -> None:
    if not isinstance(table, dict):
        problems.add(path, expected(line("assistant-class.mapping", what=word(what))))
        return
    for name, value in table.items():
        if name not in allowed:
            unknown = line("assistant-class.unknown", what=word(what), allowed=", ".join(map(str, allowed)))
            problems.add(f"{path}.{name}", unknown)
        if not valid(value):
            problems.add(f"{path}.{name}", expected("what.number_0", repr(value)))


def _check_team_lead(params: dict, levels: list, problems: Problems) -> None:
    lead = _table(params, "team_lead", problems)
    if lead is None:
        return
    for name in ("role", "suggestions_metric"):
        if not isinstance(lead.get(name), str):
            problems.add(f"team_lead.{name}", expected("what.string", repr(lead.get(name))))
    metrics = params.get("metrics") if isinstance(params.get("metrics"), dict) else {}
    counts = [k for k, m in metrics.items() if isinstance(m, dict) and m.get("kind") in COUNT_KINDS]
    if isinstance(lead.get("suggestions_metric"), str) and lead["suggestions_metric"] not in counts:
        # suggestions are summed over the quarter's cards: any other kind would silently count 0
        declared = ", ".join(counts) or line("assistant-class.none_declared")
        counted = line("what.count_metric", metrics=declared)
        problems.add("team_lead.suggestions_metric", expected(counted, repr(lead["suggestions_metric"])))
    _check_level(params, "team_lead", "min_level", levels, problems)
    _check_ints(params, "team_lead", ("suggestions_at_least", "unqualified_quarters"), problems, lead)
    pay = lead.get("pay")
    if not isinstance(pay, list) or not pay:
        problems.add("team_lead.pay", expected(line("assistant-class.pay", keys="average_at_least", last="pay")))
        return
    for i, band in enumerate(pay):
        for name in ("average_at_least", "pay"):
            if not isinstance(band, dict) or not _is_number(band.get(name)):
                problems.add(f"team_lead.pay[{i}].{name}", missing("what.number"))
