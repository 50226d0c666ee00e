"""Loading tables, part of the load stage: a CSV or JSON table -> Document(kind="table").

In: a comma-separated file with a header row, or JSON holding a list of objects (or
{"rows": [...]}). Out: a Document whose text renders each valid row as one line
`col: value; col: value` (empty values left out), with a `TableRow` per row giving its
values and the exact span of its line, so a row citation quotes the text verbatim.
Ragged rows and non-object items are skipped with a warning naming their line or item.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from assistant.errors import EmptyFile, MalformedFile
from assistant.ingest.source import Source
from assistant.types import Document, TableRow


def load_table(path: Path) -> Document:
    """Read one CSV/JSON table. Raises EmptyFile, DecodeError or MalformedFile."""
    source = Source.read(path)
    if path.suffix.lower() == ".json":
        columns, records, meta, warnings = _json_records(source)
    else:
        columns, records, meta, warnings = _csv_records(source)
    if not any(values is not None for _, _, values in records):
        if not records:
            raise EmptyFile(str(path), "header only, no data rows")
        raise MalformedFile(str(path), f"no valid rows ({warnings[0]}); fix the rows and re-add it")
    text, rows = _render(columns, records)
    title = str(meta.pop("title", "") or "").strip() or path.stem.replace("_", " ").replace("-", " ").strip()
    doc = source.document(kind="table", title=title, text=text, metadata=meta, rows=rows, warnings=warnings)
    doc.metadata["columns"] = columns  # ours, even if a sidecar describes columns too
    return doc


# A record is (data row number, file line or None, values or None when skipped).
Record = tuple[int, int | None, dict[str, str] | None]


def _csv_records(source: Source) -> tuple[list[str], list[Record], dict[str, Any], list[str]]:
    path = str(source.path)
    reader = csv.reader(io.StringIO(source.text(), newline=""))
    header: list[str] | None = None
    records: list[Record] = []
    warnings: list[str] = []
    line = 0  # last physical line consumed; a quoted field may span several
    try:
        for fields in reader:
            first, line = line + 1, reader.line_num
            if not any(f.strip() for f in fields):
                continue  # blank line
            if header is None:
                header = _header(fields, warnings)
                continue
            if len(fields) != len(header):
                records.append((len(records) + 1, first, None))
                warnings.append(f"line {first}: {len(fields)} fields, header has {len(header)}; row skipped")
                continue
            records.append((len(records) + 1, first, dict(zip(header, (_clean(f) for f in fields)))))
    except csv.Error as exc:
        raise MalformedFile(path, f"not valid CSV at line {reader.line_num}: {exc}") from None
    if header is None:
        raise EmptyFile(path, "no header row (only blank lines)")
    return header, records, {}, warnings


def _header(fields: list[str], warnings: list[str]) -> list[str]:
    """Column names, made unique: a blank name becomes `column N`, a repeat gets ` (2)`."""
    names: list[str] = []
    for i, field in enumerate(fields, start=1):
        name = _clean(field) or f"column {i}"
        base, n = name, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        if name != (_clean(field)):
            warnings.append(f"header column {i} renamed to '{name}' (blank or repeated name)")
        names.append(name)
    return names


def _json_records(source: Source) -> tuple[list[str], list[Record], dict[str, Any], list[str]]:
    path = str(source.path)
    try:
        data = json.loads(source.text())
    except json.JSONDecodeError as exc:
        raise MalformedFile(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    meta: dict[str, Any] = {}
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        # the other top-level scalars of {"rows": [...], "title": ...} describe the table
        meta = {k: v for k, v in data.items() if k != "rows" and isinstance(v, (str, int, float, bool))}
        data = data["rows"]
    if not isinstance(data, list):
        raise MalformedFile(path, 'expected a list of objects or {"rows": [...]} holding one')
    if not data:
        raise EmptyFile(path, "no rows (empty list)")
    columns: list[str] = []
    records: list[Record] = []
    warnings: list[str] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not item:
            what = "an empty object" if isinstance(item, dict) else f"not an object (a {_json_type(item)})"
            warnings.append(f"item {number}: {what}; item skipped")
            records.append((number, None, None))
            continue
        values = {str(k): _json_value(v) for k, v in item.items()}
        columns.extend(k for k in values if k not in columns)
        records.append((number, None, values))
    return columns, records, meta, warnings


def _json_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return _clean(str(value))


def _json_type(value: Any) -> str:
    names = {list: "list", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _clean(value: str) -> str:
    """One line, single spaces: a rendered row must stay on its own line."""
    return " ".join(value.split())


def _render(columns: list[str], records: list[Record]) -> tuple[str, list[TableRow]]:
    """One line per valid row, `col: value; ...`; each TableRow spans exactly its line."""
    lines: list[str] = []
    rows: list[TableRow] = []
    offset = 0
    for number, line, values in records:
        if values is None:
            continue
        values = {col: values.get(col, "") for col in columns}  # JSON items may lack keys
        rendered = "; ".join(f"{col}: {value}" for col, value in values.items() if value)
        rows.append(TableRow(row=number, values=values, start=offset, end=offset + len(rendered), line=line))
        lines.append(rendered)
        offset += len(rendered) + 1
    return "\n".join(lines), rows
