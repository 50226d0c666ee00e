"""Execution: a Plan -> a Result, by parameterized SQL against the table store.

In: a Plan (table and column names from the registry) and the TableStore. Out: a
`Result`: the typed value and its unit, every row it was computed from (row number,
values, the span and text of its rendered line) and `computation`, how the value
follows from those rows ("12 + 8 = 20 GWh per year"), plus labelled `parts` for
lists, groups and comparisons. None when no row matches.

SQL text is assembled only from generated identifiers (t_..., c1...) and the fixed
operator table below; every value that came from the question is a bound parameter.
The aggregate is computed by SQLite; the rows are fetched with the same WHERE clause
so that each one used can be cited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from assistant.tables.plan import Condition, Plan
from assistant.tables.schema import TableSchema
from assistant.tables.store import TableStore, sql_ident
from assistant.tables.values import format_number

_OPS = {
    "=": "{c} = ?", "<": "{c} < ?", "<=": "{c} <= ?", ">": "{c} > ?", ">=": "{c} >= ?",
    "year =": "substr({c}, 1, 4) = ?", "year <": "substr({c}, 1, 4) < ?", "year <=": "substr({c}, 1, 4) <= ?",
    "year >": "substr({c}, 1, 4) > ?", "year >=": "substr({c}, 1, 4) >= ?",
    "year between": "substr({c}, 1, 4) BETWEEN ? AND ?",
}
_AGGREGATES = {"sum": "SUM", "average": "AVG", "min": "MIN", "max": "MAX", "count": "COUNT"}
MAX_TERMS = 20  # values written out in a computation before "... (N values)"


@dataclass
class UsedRow:
    row: int
    line: int | None
    start: int
    end: int
    quote: str  # the row's rendered line: doc.text[start:end]
    values: dict[str, str]  # as in the file
    typed: dict[str, Any]  # as stored: int, float, ISO date, text


@dataclass
class Part:
    """One labelled piece of a result: a listed value, a group, a compared item."""

    label: str
    value: Any
    rows: list[int]
    computation: str = ""


@dataclass
class Result:
    plan: Plan
    schema: TableSchema
    operation: str  # lookup | list | rows | count | sum | average | min | max | group | comparison
    value: Any
    unit: str
    rows: list[UsedRow]
    computation: str
    parts: list[Part] = field(default_factory=list)
    winners: list[int] = field(default_factory=list)  # min/max: the rows holding the extreme
    extreme: Any = None  # min/max: the extreme value itself (value is then the target's value)


def execute(plan: Plan, store: TableStore) -> Result | None:
    schema = store.schema(plan.table)
    if schema is None:
        return None
    ex = _Executor(plan, schema, store)
    return ex.run()


class _Executor:
    def __init__(self, plan: Plan, schema: TableSchema, store: TableStore):
        self.plan, self.s, self.store = plan, schema, store
        self.table = sql_ident(schema.sql)
        conditions = list(plan.filters) + ([plan.compare] if plan.compare else [])
        not_null = [c for c in (plan.measure, plan.target if plan.kind != "count" or plan.distinct else None,
                                plan.group_by) if c]
        self.where, self.params = _where(schema, conditions, not_null)
        self.unit = schema.column(plan.measure).unit if plan.measure and schema.column(plan.measure).numeric else ""

    def run(self) -> Result | None:
        cols = ", ".join(sql_ident(c.sql) for c in self.s.columns)
        fetched = self.store.select(
            f"SELECT _row, _line, _start, _end, _quote, _values{', ' + cols if cols else ''}"
            f" FROM {self.table} WHERE {self.where} ORDER BY _row", self.params,
        )
        self.rows = [
            UsedRow(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), {c.name: r[6 + i] for i, c in enumerate(self.s.columns)})
            for r in fetched
        ]
        if not self.rows:
            return None
        p = self.plan
        if p.kind == "comparison":
            return self._comparison()
        if p.group_by:
            return self._group()
        if p.kind == "count":
            return self._count()
        if p.kind in ("min", "max"):
            return self._per_group_extreme() if p.per_group else self._extreme()
        if p.kind in ("sum", "average") or (p.measure and len(self.rows) > 1 and self.s.column(p.measure).numeric):
            return self._aggregate("average" if p.kind == "average" else "sum")
        if p.measure:
            r = self.rows[0]
            value = _clean(r.typed[p.measure])
            return self._result("lookup", value, f"row {r.row}: {p.measure} = {self._fmt(value, p.measure)}")
        return self._listing()

    # --- shapes ------------------------------------------------------------------
    def _listing(self) -> Result:
        target = self.plan.target
        parts: dict[str, Part] = {}
        for r in self.rows:
            label = self._fmt(r.typed[target], target) if target else self._label(r)
            parts.setdefault(label, Part(label, r.typed[target] if target else label, [])).rows.append(r.row)
        values = [part.value for part in parts.values()]
        rows = ", ".join(str(r.row) for r in self.rows)
        where = self._where_words()
        what = f"{target}: " if target else ""
        computation = f"{where} → row{'s' if len(self.rows) > 1 else ''} {rows}; {what}{'; '.join(parts)}"
        if target is None:
            return self._result("rows", values, computation, list(parts.values()))
        single = len(values) == 1
        return self._result("lookup" if single else "list", values[0] if single else values, computation, list(parts.values()))

    def _count(self) -> Result:
        p = self.plan
        expr = f"COUNT(DISTINCT {self._col(p.target)})" if p.distinct and p.target else "COUNT(*)"
        value = self._scalar(expr)
        if p.distinct and p.target:
            seen = list(dict.fromkeys(str(r.typed[p.target]) for r in self.rows))
            computation = f"distinct {p.target} in rows {self._row_list()}: {', '.join(seen)} → {value}"
        else:
            computation = f"{self._where_words()} → rows {self._row_list()} → {value}"
        return self._result("count", value, computation, unit="")

    def _aggregate(self, kind: str) -> Result:
        m = self.plan.measure
        value = self._scalar(f"{_AGGREGATES[kind]}({self._col(m)})")
        terms = self._terms(m, self.rows)
        if len(self.rows) == 1:
            computation = f"row {self.rows[0].row}: {m} = {self._fmt(value, m)} (one row)"
        elif kind == "sum":
            computation = f"{' + '.join(terms)} = {self._fmt(value, m)}"
        else:
            computation = f"({' + '.join(terms)}) / {len(self.rows)} = {self._fmt(value, m)}"
        return self._result(kind, _clean(value), computation)

    def _extreme(self) -> Result:
        p = self.plan
        m, fn = p.measure, _AGGREGATES[p.kind]
        value = self._scalar(f"{fn}({self._col(m)})")
        winners = [r for r in self.rows if r.typed[m] == value]
        word = extreme_word(p.kind, self.s.column(m).type == "date")
        computation = (f"{word} of {', '.join(self._terms(m, self.rows))} = {self._fmt(value, m)}"
                       f" (row{'s' if len(winners) > 1 else ''} {', '.join(str(r.row) for r in winners)})")
        if p.target:
            names = list(dict.fromkeys(r.typed[p.target] for r in winners))
            answer = names[0] if len(names) == 1 else names
            parts = [Part(str(n), value, [r.row for r in winners if r.typed[p.target] == n]) for n in names]
            result = self._result(p.kind, answer, computation, parts)
        else:
            result = self._result(p.kind, _clean(value), computation)
        result.winners, result.extreme = [r.row for r in winners], _clean(value)
        return result

    def _per_group_extreme(self) -> Result:
        p = self.plan
        groups = self._groups(p.target, False, "sum")
        best = (max if p.kind == "max" else min)(g.value for g in groups)
        winners = [g for g in groups if g.value == best]
        word = "highest" if p.kind == "max" else "lowest"
        computation = "; ".join(f"{g.label}: {g.computation}" for g in groups)
        computation += f" → {word}: {', '.join(g.label for g in winners)} ({self._fmt(best, p.measure)})"
        value = winners[0].label if len(winners) == 1 else [g.label for g in winners]
        result = self._result(p.kind, value, computation, groups)
        result.winners, result.extreme = [r for g in winners for r in g.rows], best
        return result

    def _group(self) -> Result:
        p = self.plan
        groups = self._groups(p.group_by, p.by_year, p.kind)
        computation = "; ".join(f"{g.label}: {g.computation}" for g in groups)
        unit = "" if p.kind == "count" else self.unit
        return self._result("group", {g.label: g.value for g in groups}, computation, groups, unit=unit)

    def _comparison(self) -> Result:
        p = self.plan
        assert p.compare is not None
        groups = {g.label: g for g in self._groups(p.compare.column, False, "sum")}
        parts = [groups.get(str(v), Part(str(v), None, [], "no row")) for v in p.compare.values]
        computation = "; ".join(f"{part.label}: {part.computation}" for part in parts)
        present = [part for part in parts if part.value is not None]
        if len(present) == 2:
            a, b = present
            diff = _clean(a.value - b.value)
            computation += f"; {format_number(a.value)} − {format_number(b.value)} = {self._fmt(diff, p.measure)}"
        return self._result("comparison", {part.label: part.value for part in parts}, computation, parts)

    # --- pieces ------------------------------------------------------------------
    def _groups(self, column: str, by_year: bool, kind: str) -> list[Part]:
        key = f"substr({self._col(column)}, 1, 4)" if by_year else self._col(column)
        agg = "COUNT(*)" if kind == "count" else f"{_AGGREGATES[kind]}({self._col(self.plan.measure)})"
        found = self.store.select(
            f"SELECT {key}, {agg} FROM {self.table} WHERE {self.where} GROUP BY {key} ORDER BY {key}", self.params
        )
        parts = []
        for label, value in ((str(r[0]), r[1]) for r in found):
            rows = [r for r in self.rows if (str(r.typed[column])[:4] if by_year else str(r.typed[column])) == label]
            if kind == "count":
                computation = f"rows {', '.join(str(r.row) for r in rows)} → {value}"
            else:
                computation = self._group_computation(kind, rows, value)
            parts.append(Part(label, _clean(value), [r.row for r in rows], computation))
        return parts

    def _group_computation(self, kind: str, rows: list[UsedRow], value: Any) -> str:
        m = self.plan.measure
        terms = self._terms(m, rows)
        if len(rows) == 1:
            return self._fmt(value, m)
        if kind == "sum":
            return f"{' + '.join(terms)} = {self._fmt(value, m)}"
        if kind == "average":
            return f"({' + '.join(terms)}) / {len(rows)} = {self._fmt(value, m)}"
        return f"{kind}({', '.join(terms)}) = {self._fmt(value, m)}"

    def _scalar(self, expr: str) -> Any:
        return self.store.select(f"SELECT {expr} FROM {self.table} WHERE {self.where}", self.params)[0][0]

    def _result(self, operation: str, value: Any, computation: str, parts: list[Part] | None = None,
                unit: str | None = None) -> Result:
        return Result(self.plan, self.s, operation, value, self.unit if unit is None else unit, self.rows,
                      computation, parts or [])

    def _col(self, name: str | None) -> str:
        assert name is not None
        return sql_ident(self.s.column(name).sql)

    def _fmt(self, value: Any, column: str | None) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            unit = self.s.column(column).unit if column else ""
            return format_number(value) + (f" {unit}" if unit else "")
        return str(value)

    def _terms(self, column: str, rows: list[UsedRow]) -> list[str]:
        values = [r.typed[column] for r in rows]
        shown = [format_number(v) if isinstance(v, (int, float)) else str(v) for v in values[:MAX_TERMS]]
        if len(values) > MAX_TERMS:
            shown.append(f"... ({len(values)} values)")
        return shown

    def _row_list(self) -> str:
        numbers = [str(r.row) for r in self.rows[:MAX_TERMS]]
        return ", ".join(numbers) + (f", ... ({len(self.rows)} rows)" if len(self.rows) > MAX_TERMS else "")

    def _label(self, row: UsedRow) -> str:
        parts = [row.values.get(c, "") for c in self.s.label if row.values.get(c, "")]
        return ", ".join(parts) if parts else f"row {row.row}"

    def _where_words(self) -> str:
        conditions = self.plan.filters + ([self.plan.compare] if self.plan.compare else [])
        if not conditions:
            return "all rows"
        return " and ".join(c.describe(self.s.column(c.column).unit) for c in conditions)


def extreme_word(kind: str, date: bool) -> str:
    return {("min", True): "earliest", ("max", True): "latest", ("min", False): "lowest", ("max", False): "highest"}[
        (kind, date)]


def _where(schema: TableSchema, conditions: list[Condition], not_null: list[str]) -> tuple[str, list[Any]]:
    clauses, params = ["1 = 1"], []
    for cond in conditions:
        col = sql_ident(schema.column(cond.column).sql)
        if cond.op == "in":
            clauses.append(f"{col} IN ({', '.join('?' * len(cond.values))})")
        else:
            clauses.append(_OPS[cond.op].format(c=col))
        params.extend(cond.values)
    clauses += [f"{sql_ident(schema.column(c).sql)} IS NOT NULL" for c in dict.fromkeys(not_null)]
    return " AND ".join(clauses), params


def _clean(value: Any) -> Any:
    """Whole floats become ints; float noise (14.499999999) is rounded away."""
    if isinstance(value, float):
        value = round(value, 9)
        return int(value) if value.is_integer() else value
    return value
