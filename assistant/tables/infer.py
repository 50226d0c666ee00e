"""Type inference and row typing: a table Document + its declarations -> typed rows.

In: a `Document(kind="table")` from the loader (its `rows`, each a `TableRow` of
strings with a line span in `doc.text`) and the `TableDecl` read from its README or
sidecar. Out: a `TableSchema` (each column integer, decimal, date or text, with its
unit) and the rows as Python values, plus warnings for the rows left out.

A column's type comes from its declaration when there is one (a unit such as
"GWh per year" makes it numeric, "year" or "YYYY-MM" a date, "text" text); then every
cell must parse, and a row with a cell that does not is reported ("line 7: column
volume_gwh_per_year: 'twelve' is not a number; row skipped") and left out. Without a
declaration the values decide: a column is numeric or a date only if all its non-empty
cells parse as such, so an undeclared column never costs a row.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from assistant.tables.schema import Column, ColumnDecl, TableDecl, TableSchema
from assistant.tables.values import (
    CellError,
    Unit,
    declared_kind,
    parse_date,
    parse_number,
    parse_unit,
    to_python,
)
from assistant.types import Document, TableRow

_EXPLICIT = {"integer": "integer", "int": "integer", "decimal": "decimal", "number": "decimal", "float": "decimal",
             "numeric": "decimal", "date": "date", "year": "date", "text": "text", "string": "text"}
_DATE_NAME = re.compile(r"(?:^|_|\b)(?:year|date|since|start|end|from|until|founded|acquired|signed|on)(?:$|_|\b)", re.I)
# Label columns name a row in answers ("Verkor, Renault Group"); longer values are prose.
LABEL_MAX_CHARS = 60


@dataclass
class TypedRow:
    row: TableRow
    values: dict[str, Any]  # column name -> int | float | ISO date str | str | None


def build_schema(doc: Document, decl: TableDecl) -> tuple[TableSchema, list[str]]:
    """The typed schema of `doc`; warnings for declarations that name no column."""
    header = doc.metadata.get("columns")
    if not isinstance(header, list) or not header:
        header = list(doc.rows[0].values) if doc.rows else []
    warnings = [f"declared column '{n}' is not in the table; declaration ignored"
                for n in decl.columns if n not in {h.lower() for h in header}]
    columns = []
    for i, name in enumerate(header, start=1):
        values = [v for r in doc.rows if (v := r.values.get(name, "").strip())]
        columns.append(_column(name, f"c{i}", values, decl.columns.get(name.lower())))
    names = {c.name.lower(): c.name for c in columns}
    label = [names[n.lower()] for n in decl.label if n.lower() in names]
    if not label:
        label = [c.name for c in columns if c.type == "text" and _short(doc, c.name)][:2]
    measure = names.get(decl.measure.lower(), "") if decl.measure else ""
    stem = doc.source.replace("\\", "/").rsplit("/", 1)[-1]
    schema = TableSchema(
        doc_id=doc.doc_id, name=stem, title=doc.title, source=doc.source, sql=sql_table_name(doc.doc_id),
        columns=columns, entity=decl.entity or _default_entity(stem), label=label, measure=measure,
        synonyms=decl.synonyms, description=decl.description,
    )
    return schema, warnings


def type_rows(schema: TableSchema, doc: Document) -> tuple[list[TypedRow], list[str]]:
    """Every row as typed values; a row with a cell its declared column rejects is skipped."""
    typed, warnings = [], []
    units = {c.name: parse_unit(c.unit) for c in schema.columns if c.numeric}
    for row in doc.rows:
        values: dict[str, Any] = {}
        problems = []
        for col in schema.columns:
            raw = row.values.get(col.name, "").strip()
            try:
                values[col.name] = _convert(col, raw, units.get(col.name)) if raw else None
            except CellError as exc:
                problems.append(f"column {col.name}: {exc}")
        if problems:
            where = f"line {row.line}" if row.line else f"item {row.row}"
            warnings.append(f"{where}: {'; '.join(problems)}; row skipped")
        else:
            typed.append(TypedRow(row, values))
    return typed, warnings


def sql_table_name(doc_id: str) -> str:
    return "t_" + hashlib.sha256(doc_id.encode()).hexdigest()[:16]


def _column(name: str, sql: str, values: list[str], decl: ColumnDecl | None) -> Column:
    decl = decl or ColumnDecl()
    base = dict(name=name, sql=sql, description=decl.description, synonyms=decl.synonyms)
    kind = _EXPLICIT.get(decl.type) or declared_kind(decl.unit)
    unit = parse_unit(decl.unit) if decl.unit else None
    if kind in ("integer", "decimal", "number") or (kind == "other" and _mostly_numbers(values, unit)):
        numbers = [n for v in values if (n := _try_number(v, unit)) is not None]
        return Column(**base, type=_number_type(numbers), unit=unit.label if unit else "",
                      per_year=bool(unit and unit.per_year), declared=True)
    if kind == "date":
        return Column(**base, type="date", unit="", declared=True)
    if kind in ("text", "other"):
        return Column(**base, type="text", declared=kind == "text")
    # Nothing declared: the values decide, and only if every one of them agrees.
    if values and all(_try_date(v) for v in values) and (any("-" in v for v in values) or _DATE_NAME.search(name)):
        return Column(**base, type="date")
    if values:
        seen: Unit | None = None
        numbers = []
        for v in values:
            try:
                number, named = parse_number(v, seen)
            except CellError:
                return Column(**base, type="text")
            seen = seen or named
            numbers.append(number)
        return Column(**base, type=_number_type(numbers), unit=seen.label if seen else "",
                      per_year=bool(seen and seen.per_year))
    return Column(**base, type="text")


def _convert(col: Column, raw: str, unit: Unit | None) -> Any:
    if col.numeric:
        return to_python(parse_number(raw, unit)[0])
    if col.type == "date":
        return parse_date(raw)
    return raw


def _number_type(numbers: list[Decimal]) -> str:
    return "integer" if all(n == n.to_integral_value() for n in numbers) else "decimal"


def _mostly_numbers(values: list[str], unit: Unit | None) -> bool:
    return bool(values) and sum(_try_number(v, unit) is not None for v in values) * 2 >= len(values)


def _try_number(value: str, unit: Unit | None) -> Decimal | None:
    try:
        return parse_number(value, unit)[0]
    except CellError:
        return None


def _try_date(value: str) -> bool:
    try:
        parse_date(value)
        return True
    except CellError:
        return False


def _short(doc: Document, column: str) -> bool:
    return all(len(r.values.get(column, "")) <= LABEL_MAX_CHARS for r in doc.rows)


def _default_entity(file_name: str) -> str:
    """cell_shipments.json -> 'shipment': what a row probably is, when nothing says so."""
    stem = file_name.rsplit(".", 1)[0]
    word = re.split(r"[_\-\s]+", stem)[-1].lower() if stem else "row"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word or "row"
