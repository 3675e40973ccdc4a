"""Imports of a roster, a month's scorecards, or incidents: all or nothing.

Every row is checked before anything is written; every bad cell is reported as
``FILE:ROW:COLUMN: reason`` (ROW is the line of the file, the header is line 1), at most
50 lines plus a count of the rest. Only a clean file reaches the store, which writes it
in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cstui import collector
from cstui.domain import ROLES, Employee, Incident, Period, PeriodError, texts
from cstui.domain.texts import Line, joined, line
from cstui.domain.values import ValueProblem, format_number, parse_count, parse_date, parse_decimal
from cstui.engine.cards import CardRefused, parse_value, reason_of, remembered_verdicts
from cstui.errors import InvalidData
from cstui.io.progress import Progress
from cstui.io.readers import Row, TableFile, extra_cells, open_table
from cstui.store.cards import CleanValues
from cstui.store.file_audit import ImportedFile

MAX_PROBLEMS = 50
EXTRA = ""  # the readers' key for cells beyond the header

ROSTER_REQUIRED = ("employee_id", "name", "team", "role", "hire_date")
ROSTER_OPTIONAL = ("login", "scheme", "level", "scheme_since")
INCIDENT_REQUIRED = ("employee_id", "date", "code")
INCIDENT_OPTIONAL = ("count", "points", "note")


# FILE:ROW:COLUMN: reason, each a template with its arguments (the English is what import printed)
texts.register(
    {
        "import.cell": ("{file}:{row}:{column}: {reason}", "{file}:{row}:{column}：{reason}"),
        "import.no_header": ("(no header)", "（无表头）"),
        "import.extra_cells": ("(extra cells)", "（多余单元格）"),
        "import.column_twice": ("column appears twice", "列重复出现"),
        "import.unknown_column": ("unknown column", "未知的列"),
        "import.unknown_column_of": ("unknown column; expected {expected}", "未知的列；应为 {expected}"),
        "import.missing_column": ("missing required column", "缺少必需的列"),
        "import.extra": ("more cells than header columns: {cells}", "单元格多于表头列数：{cells}"),
        "import.empty": ("required; the cell is empty", "必填；单元格为空"),
        "import.twice": (
            "employee {employee} appears twice (also row {row})",
            "员工 {employee} 重复出现（另见第 {row} 行）",
        ),
        "import.unknown_role": ("unknown role {role}; expected one of {roles}", "未知的岗位 {role}；应为 {roles} 之一"),
        "import.since_needs_scheme": (
            "a {since} needs a scheme (fill the {column} column)",
            "填写 {since} 时须有方案（请填写 {column} 列）",
        ),
        "import.since_month": ("expected a month {pattern}, got {text}", "应为月份 {pattern}，实际为 {text}"),
        "import.level_changed": (
            "level {level} is not on scheme {scheme} (changed meanwhile); expected one of {levels}",
            "级别 {level} 不在方案 {scheme} 中（期间已被更改）；应为 {levels} 之一",
        ),
        "import.unknown_scheme": (
            "unknown scheme {scheme}; installed: {installed}",
            "未知的方案 {scheme}；已安装：{installed}",
        ),
        "import.level_needs_scheme": (
            "a level needs a scheme (fill the {column} column)",
            "填写级别时须有方案（请填写 {column} 列）",
        ),
        "import.scheme_fails": (
            "scheme {scheme} does not load; run: {command}",
            "方案 {scheme} 无法加载；请运行：{command}",
        ),
        "import.level_not_on": (
            "level {level} is not on scheme {scheme}; expected one of {levels}",
            "级别 {level} 不在方案 {scheme} 中；应为 {levels} 之一",
        ),
        "import.quarter": (
            "{file}: period {period}: scorecards belong to a month ({pattern}), not a quarter",
            "{file}：周期 {period}：考核表按月（{pattern}）导入，不能按季度",
        ),
        "import.unknown_format": (
            "{file}: unknown import format {format}; expected one of {known}",
            "{file}：未知的导入格式 {format}；应为 {known} 之一",
        ),
        "import.unknown_employee": ("unknown employee {employee}", "未知的员工 {employee}"),
        "import.no_scheme": ("(none)", "（无）"),
        "import.not_on_scheme": (
            "employee {employee} is on scheme {scheme}, not {wanted}",
            "员工 {employee} 的方案是 {scheme}，不是 {wanted}",
        ),
        "import.in_month": ("{code}: {reason} in {month}", "{code}：{month}：{reason}"),
        "import.count_zero": ("expected 1 or more, got {count}", "应为 1 或以上，实际为 {count}"),
        "import.scheme_not_loading": (
            "employee {employee} is on scheme {scheme}, which does not load",
            "员工 {employee} 的方案 {scheme} 无法加载",
        ),
    }
)


class FileProblems:
    """Collects ``FILE:ROW:COLUMN: reason`` lines, keeping the first 50 and counting the rest."""

    def __init__(self, path: Path):
        self.source = str(path)
        self.lines: list[str] = []
        self.more = 0

    def add(self, row: int, column: str, reason: str) -> None:
        if len(self.lines) < MAX_PROBLEMS:
            named = column or line("import.no_header")
            self.lines.append(line("import.cell", file=self.source, row=row, column=named, reason=reason))
        else:
            self.more += 1

    def __bool__(self) -> bool:
        return bool(self.lines)

    def raise_if_any(self) -> None:
        if self.lines:
            raise InvalidData(self.lines, self.more)


def check_header(
    problems: FileProblems, header: Iterable[str], required: Iterable[str], optional: Iterable[str]
) -> None:
    required, optional = list(required), list(optional)
    expected = ", ".join(required + optional)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.add(1, name, line("import.column_twice"))
        elif name not in required and name not in optional:
            problems.add(1, name, line("import.unknown_column_of", expected=expected))
        seen.add(name)
    for name in required:
        if name not in seen:
            problems.add(1, name, line("import.missing_column"))


def cell(row: dict[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def check_extra(problems: FileProblems, number: int, row: dict[str, str]) -> None:
    if row.get(EXTRA):
        problems.add(number, line("import.extra_cells"), line("import.extra", cells=repr(row[EXTRA])))


OnProgress = Callable[[int, int], None]


def counted(
    rows: Iterable[Row], total: int, progress: bool, label: str, on_progress: OnProgress | None = None
) -> Iterator[Row]:
    """The rows, advancing a progress bar on stderr when asked.

    ``on_progress(done, total)`` is called as rows are checked, at most once per percent
    (a TUI redraws from another thread), and once more when the rows are all read;
    ``total`` is the reader's estimate (0 when unknown) and ``done`` never exceeds it
    until that last call, where ``done == total`` is the count of rows read.
    """
    if not progress and on_progress is None:  # nobody watching: the rows themselves, no step per row
        return iter(rows)
    return _counting(rows, total, progress, label, on_progress)


def _counting(rows: Iterable[Row], total: int, progress: bool, label: str, on_progress) -> Iterator[Row]:
    done = shown = 0
    with Progress(total, enabled=progress, label=label) as bar:
        for row in rows:
            yield row
            bar.advance()
            done += 1
            if on_progress is not None and done < total and done * 100 // total > shown:
                shown = done * 100 // total
                on_progress(done, total)
    if on_progress is not None:
        on_progress(done, done)


# what an import did, one line (the English as it always read)
texts.register(
    {
        "import.done.roster": (
            "{file}: {count} ({new} new, {updated} updated{tail})",
            "{file}：{count}（新增 {new}，更新 {updated}{tail}）",
        ),
        "import.done.unchanged": (", {n} unchanged", "，未变 {n}"),
        "import.done.moved": (", {n} assigned from a month", "，{n} 名自某月起改派方案"),
        "import.done.cards": (
            "{file}: {count} for {period} ({scheme}): {new} new, {updated} updated, {unchanged} unchanged",
            "{file}：{period} 的{count}（{scheme}）：新增 {new}，更新 {updated}，未变 {unchanged}",
        ),
        "import.done.incidents": (
            "{file}: {count} ({new} new, {repeated} already recorded)",
            "{file}：{count}（新增 {new}，已记录过 {repeated}）",
        ),
        "import.count.employee": ("{n} employee", "{n} 名员工"),
        "import.count.employees": ("{n} employees", "{n} 名员工"),
        "import.count.scorecard": ("{n} scorecard", "{n} 张考核表"),
        "import.count.scorecards": ("{n} scorecards", "{n} 张考核表"),
        "import.count.incident": ("{n} incident", "{n} 条奖惩记录"),
        "import.count.incidents": ("{n} incidents", "{n} 条奖惩记录"),
    }
)


def _plural(n: int, word: str) -> Line:
    return line(f"import.count.{word}" + ("" if n == 1 else "s"), n=f"{n:,}")


# ------------------------------------------------------------------------------ roster


def import_roster(store, path: Path, progress: bool = False, on_progress: OnProgress | None = None) -> str:
    """Add or update employees from ``path``; returns a one-line summary.

    ``on_progress(done, total)``: rows checked so far (see :func:`counted`).

    Columns employee_id,name,team,role,hire_date[,login,scheme,level,scheme_since]. An optional
    column that is absent, or a cell left empty, keeps the employee's stored value.
    ``scheme_since`` (YYYY-MM) with ``scheme`` (and ``level``): an existing employee whose
    scheme at that month differs is assigned to it from that month on (Store.assign_scheme);
    without it a scheme/level cell changes the current assignment, as it always did.
    """
    from cstui.schemes import catalog

    path = Path(path)
    table = open_table(path)
    problems = FileProblems(path)
    check_header(problems, table.header, ROSTER_REQUIRED, ROSTER_OPTIONAL)
    problems.raise_if_any()
    existing = {e.id: e for e in store.employees()}
    schemes = _SchemeLevels(catalog())
    employees, first_row, moves = [], {}, []
    for number, row in counted(table, table.estimate, progress, "checking", on_progress):
        e = _roster_row(problems, number, row, existing, schemes)
        if e is None:
            continue
        if isinstance(e, tuple):  # an existing employee moving from a month on
            e, move = e
            moves.append((number, move))
        if e.id in first_row:
            problems.add(number, "employee_id", line("import.twice", employee=repr(e.id), row=first_row[e.id]))
            continue
        first_row[e.id] = number
        employees.append(e)
    problems.raise_if_any()
    # the store fills what the file does not carry (status always; login, scheme and level
    # when the column is absent or the cell empty) from the rows it reads inside its write
    # transaction, and re-checks each merged level there: ``existing`` above only words the
    # problems of a file
    keep = ("status", "login", "scheme", "level")
    with store.write():
        inserted, updated = store.import_roster(employees, keep_stored=keep, check=_LevelCheck(path, schemes))
        moved = _assign_moves(store, path, moves)
    unchanged = len(employees) - inserted - updated
    tail = [line("import.done.unchanged", n=f"{unchanged:,}")] if unchanged else []
    tail += [line("import.done.moved", n=f"{moved:,}")] if moved else []
    count, done = _plural(len(employees), "employee"), joined(tail, "")
    return line(
        "import.done.roster", file=path.name, count=count, new=f"{inserted:,}", updated=f"{updated:,}", tail=done
    )


def _assign_moves(store, path: Path, moves: list[tuple[int, tuple]]) -> int:
    """Inside the import's transaction: each scheme_since row's assignment, its row named on refusal."""
    from cstui.store import PeriodClosed, StoreError

    assigned = 0
    for number, (employee_id, scheme, since, level) in moves:
        before = store.scheme_assignments(employee_id)
        try:
            store.assign_scheme(employee_id, scheme, since, level, if_changed=True)
        except PeriodClosed as error:  # refused (exit 4), as any write into a closed period
            raise PeriodClosed(_since_refused(path, number, error)) from error
        except (StoreError, ValueProblem) as error:  # CardRefused is a ValueProblem
            raise InvalidData([_since_refused(path, number, error)]) from error
        assigned += store.scheme_assignments(employee_id) != before
    return assigned


def _since_refused(path: Path, number: int, error: Exception):
    said = error.args[0] if len(error.args) == 1 and isinstance(error.args[0], str) else str(error)
    return line("import.cell", file=str(path), row=number, column="scheme_since", reason=said)


class _SchemeLevels:
    """Level keys per scheme name, loaded once each."""

    def __init__(self, scheme_catalog):
        self.catalog = scheme_catalog
        self.names = set(scheme_catalog.names())
        self._levels: dict[str, list[str] | None] = {}

    def levels(self, name: str) -> list[str] | None:
        if name not in self._levels:
            try:
                self._levels[name] = self.catalog.get(name).level_keys
            except Exception:  # a scheme that does not load: reported once as its name's problem
                self._levels[name] = None
        return self._levels[name]


def _roster_row(
    problems: FileProblems, number: int, row: dict, existing: dict, schemes: _SchemeLevels
) -> Employee | None:
    before = len(problems.lines) + problems.more
    check_extra(problems, number, row)
    values = {c: cell(row, c) for c in ROSTER_REQUIRED + ROSTER_OPTIONAL}
    for column in ROSTER_REQUIRED:
        if not values[column]:
            problems.add(number, column, line("import.empty"))
    if values["role"] and values["role"] not in ROLES:
        problems.add(number, "role", line("import.unknown_role", role=repr(values["role"]), roles=", ".join(ROLES)))
    hired = None
    if values["hire_date"]:
        try:
            hired = parse_date(values["hire_date"])
        except ValueProblem as exc:
            problems.add(number, "hire_date", reason_of(exc))
    old = existing.get(values["employee_id"])
    since = _scheme_since(problems, number, values)
    moving = since is not None and old is not None  # a new employee simply starts on the scheme
    scheme = values["scheme"] or (old.scheme if old else None)
    level = values["level"] or (old.level if old and not moving else None)
    _check_scheme_level(problems, number, values, scheme, level, schemes)
    if len(problems.lines) + problems.more > before:
        return None
    e = Employee(
        id=values["employee_id"],
        name=values["name"],
        team=values["team"],
        role=values["role"],
        hire_date=hired,
        status=None,
        login=values["login"] or None,
        scheme=None if moving else values["scheme"] or None,
        level=None if moving else values["level"] or None,
    )
    return (e, (e.id, values["scheme"], since, values["level"] or None)) if moving else e


def _scheme_since(problems: FileProblems, number: int, values: dict) -> str | None:
    text = values["scheme_since"]
    if not text:
        return None
    if not values["scheme"]:
        problems.add(number, "scheme_since", line("import.since_needs_scheme", since="scheme_since", column="scheme"))
        return None
    try:
        month = Period.parse(text)
    except PeriodError:
        month = None
    if month is None or not month.is_month:
        problems.add(number, "scheme_since", line("import.since_month", pattern="YYYY-MM", text=repr(text)))
        return None
    return str(month)


class _LevelCheck:
    """Inside the store's transaction: each merged employee's level is on its scheme.

    The file was checked against the roster read before the transaction; a scheme changed in
    between (the file names a level but no scheme) is caught here and refused, row named.
    """

    def __init__(self, path: Path, schemes: _SchemeLevels):
        self.path, self.schemes = path, schemes

    def __call__(self, number: int, e: Employee) -> None:
        if not (e.level and e.scheme):
            return
        keys = self.schemes.levels(e.scheme)
        if keys is not None and e.level not in keys:
            said = dict(level=repr(e.level), scheme=e.scheme, levels=", ".join(keys))
            reason = line("import.level_changed", **said)  # the header is line 1:
            raise InvalidData([line("import.cell", file=str(self.path), row=number + 1, column="level", reason=reason)])


def _check_scheme_level(problems, number, values, scheme, level, schemes: _SchemeLevels) -> None:
    if values["scheme"] and values["scheme"] not in schemes.names:
        installed = ", ".join(sorted(schemes.names))
        problems.add(
            number, "scheme", line("import.unknown_scheme", scheme=repr(values["scheme"]), installed=installed)
        )
        return
    if not level or not scheme:
        if values["level"]:
            problems.add(number, "level", line("import.level_needs_scheme", column="scheme"))
        return
    keys = schemes.levels(scheme)
    if keys is None:
        problems.add(number, "scheme", line("import.scheme_fails", scheme=repr(scheme), command="cstui scheme check"))
    elif level not in keys:
        column = "level" if values["level"] else "scheme"
        said = dict(level=repr(level), scheme=scheme, levels=", ".join(keys))
        problems.add(number, column, line("import.level_not_on", **said))


# ------------------------------------------------------------------------------ scorecards


def import_scorecards(
    store,
    path: Path,
    period: Period,
    scheme,
    fmt: str | None = None,
    progress: bool = False,
    on_progress: OnProgress | None = None,
) -> str:
    """Save one month's scorecards of ``scheme`` from a wide file; returns a one-line summary.

    Columns: employee_id, then the scheme's metric keys. Values are stored normalised
    ("62%" → "0.62"). An empty cell means "not filled". Metrics the file has no column
    for keep the values already stored. Re-importing the same file changes nothing.
    The rows are read, checked and saved inside one write transaction, audited as one entry
    naming the file and its SHA-256 (cstui.store.file_audit).
    """
    path = Path(path)
    if not period.is_month:
        raise InvalidData([line("import.quarter", file=str(path), period=str(period), pattern="YYYY-MM")])
    specs = {spec.key: spec for spec in scheme.model.metrics(scheme)}
    table = _open_scorecards(path, fmt)
    problems = FileProblems(path)
    reader = None if table.header is None else _CardReader(problems, table.header, specs)
    problems.raise_if_any()
    source = ImportedFile(path.name, table.sha256 or _file_sha256(path), scheme.name)
    # who is on the scheme that month decides which rows are taken: read inside the write
    # transaction that saves them (all or nothing, as one act)
    # the rows form no cycles: the collector walking them was ~15% of an import's CPU
    with store.write(), collector.paused():
        # id -> team (None: a login that may write every team needs none): no Employee objects
        on_scheme = store.scheme_members(scheme.name, str(period), teams=False)
        if reader is not None and table.cells is not None:  # a CSV file: its cells read by position
            cards, first_row = _csv_cards(table, reader, problems, on_scheme, store, scheme.name, progress, on_progress)
        else:
            cards, first_row, reader = _row_cards(
                table, reader, problems, specs, on_scheme, store, scheme.name, progress, on_progress
            )
        problems.raise_if_any()
        columns = list(reader.columns) if reader else []
        judged = _Judged(scheme, period, specs, problems, first_row, source)
        inserted, updated, unchanged = _save_judged(store, judged, cards, columns)
    counts = dict(new=f"{inserted:,}", updated=f"{updated:,}", unchanged=f"{unchanged:,}")
    count = _plural(len(cards), "scorecard")
    return line("import.done.cards", file=path.name, count=count, period=str(period), scheme=scheme.name, **counts)


def _csv_cards(table, reader, problems, on_scheme, store, scheme_name, progress, on_progress):
    """(employee id, values) of each good row of a CSV file read by position, and each id's row."""
    cards, first_row, owner_at = [], {}, reader.owner_at
    values_at, append = reader.values_at, cards.append
    for number, cells in counted(table.cells, table.estimate, progress, "checking", on_progress):
        values = values_at(number, cells)
        owner = cells[owner_at].strip() if owner_at < len(cells) else ""
        if owner and owner in on_scheme and owner not in first_row:  # the usual row: _card_owner's last branch
            first_row[owner] = number
            employee_id = owner
        else:
            employee_id = _card_owner(problems, number, owner, on_scheme, first_row, store, scheme_name)
        if values is not None and employee_id is not None:
            append((employee_id, values))
    return cards, first_row


def _row_cards(table, reader, problems, specs, on_scheme, store, scheme_name, progress, on_progress):
    """:func:`_csv_cards` of rows given as dicts (an XLSX sheet, a plugin importer's rows), and the
    reader (a plugin importer's is made from its first row)."""
    cards, first_row = [], {}
    for number, row in counted(table, table.estimate, progress, "checking", on_progress):
        if reader is None:  # a plugin importer: the first row's keys are the header
            reader = _CardReader(problems, [k for k in row if k != EXTRA], specs)
            problems.raise_if_any()
        values = reader.values(number, row)
        employee_id = _card_owner(problems, number, cell(row, "employee_id"), on_scheme, first_row, store, scheme_name)
        if values is not None and employee_id is not None:
            cards.append((employee_id, values))
    return cards, first_row, reader


@dataclass(frozen=True)
class _Judged:
    """What saving a file's cards judges them by and names their problems with."""

    scheme: object
    period: Period
    specs: dict
    problems: FileProblems
    first_row: dict[str, int]
    source: ImportedFile


def _save_judged(store, judged: _Judged, cards, columns) -> tuple[int, int, int]:
    """Save the cards, each judged by its scheme once: by the store's gate, inside the write
    transaction, on the card as it is stored (the file's columns over the stored values).

    A refusal is named FILE:ROW:COLUMN by judging the file's cards again (only then: a bad file
    is the rare case). When the gate would judge by another scheme than ``scheme`` (a file
    ``--scheme`` with a registered name), the cards are judged by ``scheme`` first as well.
    """
    scheme, period = judged.scheme, judged.period
    gate_alone = store.judges_like(scheme)
    # judged twice only by equal schemes: a card ``scheme`` found valid is then not judged again
    with nullcontext() if gate_alone else remembered_verdicts():
        if not gate_alone:
            _name_refused(store, judged, cards, columns)
        try:
            month = str(period)  # a text: each row's month is hashed as one (a Period's hash is Python)
            return store.save_scorecards(
                ((employee_id, month, values) for employee_id, values in cards),
                columns=columns,
                scheme=scheme,
                source=judged.source,
                on_scheme=scheme.name,  # each card's owner is on it: read in this transaction (_card_owner)
            )
        except CardRefused:
            if gate_alone:
                _name_refused(store, judged, cards, columns)
            raise  # refused for what the file's cards alone do not show (the month's incidents)


def _name_refused(store, judged: _Judged, cards, columns) -> None:
    """Raise InvalidData naming FILE:ROW:COLUMN of every card ``scheme`` refuses, if one does."""
    kept = _keep_unlisted_metrics(store, judged.period, cards, set(columns), judged.specs)
    check_cards(judged.problems, judged.scheme, judged.period, kept, judged.first_row)
    judged.problems.raise_if_any()


def _file_sha256(path: Path) -> str:
    """The SHA-256 of a file a reader opened itself (XLSX, a plugin's importer)."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # a plugin's importer may read what is not one file
        return ""


def check_cards(problems: FileProblems, scheme, period: Period, cards: list, row_of: dict[str, int]) -> None:
    """Each card as it will be stored (the file's values over the stored ones), judged by its scheme."""
    from cstui.domain import Scorecard
    from cstui.engine.cards import card_problems

    for employee_id, values in cards:
        for problem in card_problems(scheme, Scorecard(employee_id, period, values)):
            problems.add(row_of[employee_id], problem.field, problem.reason)


def _open_scorecards(path: Path, fmt: str | None) -> TableFile:
    if fmt is None or fmt.lower() in ("csv", "xlsx"):
        return open_table(path, fmt)
    from cstui.plugins import get_registry

    importers = get_registry().importers
    if fmt not in importers:
        known = ", ".join(["csv", "xlsx"] + sorted(importers))
        raise InvalidData([line("import.unknown_format", file=str(path), format=repr(fmt), known=known)])
    rows = importers[fmt](path)
    return TableFile(path, None, iter(rows), estimate=0)


CACHE_LIMIT = 50_000  # distinct texts remembered per column


class _CardReader:
    """Checks the header once, then parses each row's metric cells.

    Parsed texts are remembered per column: a month's file repeats the same few
    hundred values ("0.95", "80") across 100,000 rows, and parsing is the costly part.
    """

    def __init__(self, problems: FileProblems, header: list[str], specs: dict):
        self.problems = problems
        required = ["employee_id"] + [k for k, s in specs.items() if s.required]
        optional = [k for k, s in specs.items() if not s.required]
        check_header(problems, header, required, optional)
        self.header = set(header)
        self.columns = [k for k in header if k in specs]
        self.kinds = {k: specs[k].kind for k in self.columns}
        self.cache: dict[str, dict[str, tuple[str | None, str | None]]] = {k: {} for k in self.columns}
        # a row's cells are read in field order, so its values are built as the store keeps them
        # (CleanValues); a bad cell's problems are reported in the file's column order
        self.keyed = sorted(self.columns)
        self.caches = [(k, self.cache[k]) for k in self.keyed]
        # by position (values_at): a header that named a column twice was refused above
        self.width, self.at = len(header), [header.index(k) for k in self.keyed]
        self.owner_at = header.index("employee_id") if "employee_id" in header else len(header)
        # each column's cells as read (unstripped) that were good: their value ("" an empty cell)
        self.seen: dict[str, dict[str, str]] = {k: {} for k in self.keyed}
        self.fields = [(k, self.seen[k], at) for k, at in zip(self.keyed, self.at)]

    def values(self, number: int, row: dict[str, str]) -> dict[str, str] | None:
        """The row's normalised values, or None when a cell is bad (each one reported)."""
        ok = True
        if EXTRA in row or not self.header.issuperset(row):
            ok = self._odd_cells(number, row)
        return self._parsed(number, [row.get(key) for key in self.keyed], ok)

    def values_at(self, number: int, cells: list[str]) -> dict[str, str] | None:
        """:meth:`values` of a row given as its cells in header order (a CSV row, no dict)."""
        if len(cells) == self.width:  # the usual row: every cell a text this column had, or a good new one
            values = CleanValues()
            for key, seen, at in self.fields:
                value = seen.get(cells[at])
                if value is None and (value := self._first_seen(key, seen, cells[at])) is None:
                    break  # a bad cell: the row is read again below, each bad cell reported
                if value:
                    values[key] = value
            else:
                return values
        ok = True
        if len(cells) > self.width:
            ok = self._odd_cells(number, {EXTRA: extra_cells(cells, self.width)})
        if len(cells) >= self.width:
            return self._parsed(number, [cells[at] for at in self.at], ok)
        return self._parsed(number, [cells[at] if at < len(cells) else None for at in self.at], ok)

    def _first_seen(self, key: str, seen: dict[str, str], read: str) -> str | None:
        """The value of a cell whose text column ``key`` has not had (``seen``: its good texts),
        remembered there; None when the cell is bad. What :meth:`_parsed` makes of one cell,
        without reading the row's other cells again (a month's amounts are mostly new texts)."""
        text = read.strip()
        value, problem = (self.cache[key].get(text) or self._parse(key, text)) if text else ("", None)
        if problem is not None:
            return None
        if len(seen) < CACHE_LIMIT:
            seen[read] = value
        return value

    def _parsed(self, number: int, texts: list[str | None], ok: bool) -> dict[str, str] | None:
        """The values of a row's cells ``texts`` (in field order), or None when a cell is bad."""
        values = CleanValues()
        for (key, cache), read in zip(self.caches, texts):
            if not read or not (text := read.strip()):
                value = ""
            else:
                value, problem = cache.get(text) or self._parse(key, text)  # the usual cell: a text seen before
                if problem is not None:
                    return self._reported(number, dict(zip(self.keyed, texts)))
                values[key] = value
            if read is not None and len(self.seen[key]) < CACHE_LIMIT:
                self.seen[key][read] = value
        return values if ok else None

    def _reported(self, number: int, texts: dict[str, str | None]) -> None:
        """Report each bad cell of a row (the rare case), in the file's column order."""
        for key in self.columns:
            text = (texts[key] or "").strip()
            problem = self._parse(key, text)[1] if text else None
            if problem is not None:
                self.problems.add(number, key, problem)

    def _parse(self, key: str, text: str) -> tuple[str | None, str | None]:
        cache = self.cache[key]
        hit = cache.get(text)
        if hit is None:
            try:  # remembered where the card check looks (engine.cards.parse_value): judged without parsing again
                hit = (normalise(parse_value(self.kinds[key], text)), None)
            except ValueProblem as exc:
                hit = (None, reason_of(exc))
            if len(cache) < CACHE_LIMIT:
                cache[text] = hit
        return hit

    def _odd_cells(self, number: int, row: dict[str, str]) -> bool:
        """Report extra cells and unknown columns; whether the row is still good (extra cells
        that are all empty, a trailing comma, are no problem: the row is imported, not dropped)."""
        before = len(self.problems.lines) + self.problems.more
        check_extra(self.problems, number, row)
        for key in row:
            if key != EXTRA and key not in self.header:  # plugin rows may differ from the first row's keys
                self.problems.add(number, key, line("import.unknown_column"))
        return len(self.problems.lines) + self.problems.more == before


def _card_owner(problems, number, employee_id: str, on_scheme, first_row, store, scheme_name) -> str | None:
    if not employee_id:
        problems.add(number, "employee_id", line("import.empty"))
    elif employee_id not in on_scheme:
        # past the cap the line is only counted: skip the look-up that words it
        full = len(problems.lines) >= MAX_PROBLEMS
        problems.add(number, "employee_id", "" if full else _not_on_scheme(store, employee_id, scheme_name))
    elif employee_id in first_row:
        problems.add(
            number, "employee_id", line("import.twice", employee=repr(employee_id), row=first_row[employee_id])
        )
    else:
        first_row[employee_id] = number
        return employee_id
    return None


def _not_on_scheme(store, employee_id: str, scheme_name: str) -> str:
    from cstui.store import StoreError

    try:
        e = store.employee(employee_id)
    except StoreError:  # unknown, or on a team this login may not see: say the same thing
        return line("import.unknown_employee", employee=repr(employee_id))
    said = dict(employee=employee_id, scheme=e.scheme or line("import.no_scheme"), wanted=scheme_name)
    return line("import.not_on_scheme", **said)


def normalise(value: object) -> str:
    """The stored text of a parsed value: 0.62 for a rate, 12 for a count."""
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def _keep_unlisted_metrics(store, period: Period, cards: list, columns: set[str], specs: dict) -> list:
    """Each card as the store will keep it: stored values of metrics the file has no column for,
    then the file's (one query, not one per card). For naming problems; the store merges again."""
    if set(specs) <= columns or not cards:
        return cards
    stored = store.month_values(period, [employee_id for employee_id, _ in cards])
    merged = []
    for employee_id, values in cards:
        keep = {k: v for k, v in stored.get(employee_id, {}).items() if k not in columns}
        merged.append((employee_id, keep | values))
    return merged


# ------------------------------------------------------------------------------ incidents


def import_incidents(store, path: Path, progress: bool = False, on_progress: OnProgress | None = None) -> str:
    """Record incidents from ``path``; returns a one-line summary.

    Columns employee_id,date,code[,count,points,note]. Codes and points are checked
    against the catalogue of each employee's scheme. A row already recorded (same
    employee, date, code, count, points and note; the n-th identical row of the file is
    the n-th copy) is not recorded again, so the same file can be imported twice, even by
    two processes at once (the schema's unique key decides, see migration m006).
    """
    path = Path(path)
    table = open_table(path)
    problems = FileProblems(path)
    check_header(problems, table.header, INCIDENT_REQUIRED, INCIDENT_OPTIONAL)
    problems.raise_if_any()
    roster = {e.id: e for e in store.employees()}
    schemes = _Schemes()
    incidents, rows = [], []
    for number, row in counted(table, table.estimate, progress, "checking", on_progress):
        inc = _incident_row(problems, number, row, roster, schemes)
        if inc is not None:
            incidents.append(inc)
            rows.append(number)
    problems.raise_if_any()
    try:
        new = store.import_incidents(incidents)  # skips what is recorded already, inside its transaction
    except CardRefused as refused:  # a month's rule over several incidents (once a month), judged inside
        _name_rows(problems, refused, incidents, rows)
        problems.raise_if_any()
        raise
    repeated = len(incidents) - len(new)
    count = _plural(len(incidents), "incident")
    return line("import.done.incidents", file=path.name, count=count, new=f"{len(new):,}", repeated=f"{repeated:,}")


def _name_rows(problems: FileProblems, refused, incidents: list[Incident], rows: list[int]) -> None:
    """The store's refusal of a month's card, named at the file's last row of that card's code."""
    for (employee_id, month), card_problems in refused.refused.items():
        for problem in card_problems:
            code = problem.field.removeprefix("incident ")
            numbers = [
                n
                for inc, n in zip(incidents, rows)
                if (inc.employee_id, str(inc.period), inc.code) == (employee_id, month, code)
            ]
            if numbers:
                problems.add(
                    numbers[-1], "code", line("import.in_month", code=code, reason=problem.reason, month=month)
                )


class _Schemes:
    """The scheme of each name, loaded once (None: the name is not a scheme that loads)."""

    def __init__(self):
        self._by_name: dict[str, object | None] = {}

    def get(self, name: str):
        if name not in self._by_name:
            from cstui.schemes import SchemeError, load_scheme

            try:
                self._by_name[name] = load_scheme(name)
            except SchemeError:
                self._by_name[name] = None
        return self._by_name[name]


def _incident_row(problems: FileProblems, number: int, row: dict, roster: dict, schemes: _Schemes) -> Incident | None:
    before = len(problems.lines) + problems.more
    check_extra(problems, number, row)
    employee_id, code = cell(row, "employee_id"), cell(row, "code")
    scheme = _employee_scheme(problems, number, employee_id, roster, schemes)
    day = _field(problems, number, "date", cell(row, "date"), parse_date, required=True)
    count = _field(problems, number, "count", cell(row, "count") or "1", parse_count)
    if count == 0:
        problems.add(number, "count", line("import.count_zero", count=0))
    points = _field(problems, number, "points", cell(row, "points"), parse_decimal)
    if not code:
        problems.add(number, "code", line("import.empty"))
    if len(problems.lines) + problems.more > before or scheme is None:
        return None
    inc = Incident(employee_id=employee_id, date=day, code=code, count=count, points=points, note=cell(row, "note"))
    for problem in scheme.model.incident_problems(scheme, inc):
        problems.add(number, problem.field, problem.reason)
    return None if len(problems.lines) + problems.more > before else inc


def _field(problems, number, column, text, parser, required=False):
    if not text:
        if required:
            problems.add(number, column, line("import.empty"))
        return None
    try:
        return parser(text)
    except ValueProblem as exc:
        problems.add(number, column, reason_of(exc))
        return None


def _employee_scheme(problems, number, employee_id, roster, schemes: _Schemes):
    if not employee_id:
        problems.add(number, "employee_id", line("import.empty"))
        return None
    employee = roster.get(employee_id)
    if employee is None:
        problems.add(number, "employee_id", line("import.unknown_employee", employee=repr(employee_id)))
        return None
    if not employee.scheme:
        problems.add(number, "employee_id", line("card.no_catalogue", employee=employee_id))
        return None
    scheme = schemes.get(employee.scheme)
    if scheme is None:
        problems.add(
            number, "employee_id", line("import.scheme_not_loading", employee=employee_id, scheme=employee.scheme)
        )
    return scheme
