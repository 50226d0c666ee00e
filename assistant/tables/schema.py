"""Schema registry entries: what a table's columns mean, before and after typing.

In: a table Document (its `source` path leads to the declarations) . Out: `TableDecl`,
what the people who made the table declared about it, read from two places:

- a sidecar `<file>.meta.json`: {"columns": {"col": {"unit": ..., "description": ...,
  "synonyms": [...], "type": ...}}, "row": "agreement", "label": [...], "measure": ...};
- the folder's README.md: the first markdown table under a heading naming the file
  (`## battery_supply.csv — one row per battery supply agreement`), with a column,
  a meaning/description and a unit/format column, as corpus/supply/README.md has.

The sidecar wins field by field. `infer.py` turns a declaration plus the values into a
`TableSchema` (typed columns with SQL names of our own making); the store persists it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.types import Document

ColumnType = str  # integer | decimal | date | text


@dataclass
class ColumnDecl:
    unit: str = ""
    description: str = ""
    synonyms: list[str] = field(default_factory=list)
    type: str = ""  # explicit type from a sidecar, rarely needed


@dataclass
class TableDecl:
    columns: dict[str, ColumnDecl] = field(default_factory=dict)  # keyed by lower-cased name
    entity: str = ""  # what one row is: "battery supply agreement"
    label: list[str] = field(default_factory=list)  # columns that name a row
    measure: str = ""  # the default quantity for "how much" questions
    synonyms: list[str] = field(default_factory=list)  # other names of the table
    description: str = ""
    sources: list[str] = field(default_factory=list)  # where the declarations came from

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class Column:
    name: str  # as in the file's header
    sql: str  # c1, c2, ...: generated, never taken from the file or a question
    type: ColumnType
    unit: str = ""  # display label of the unit: "GWh per year", "EUR million"
    per_year: bool = False  # the unit is a yearly rate ("GWh per year")
    description: str = ""
    synonyms: list[str] = field(default_factory=list)
    declared: bool = False  # typed by a declaration: cells that do not parse are bad rows

    @property
    def numeric(self) -> bool:
        return self.type in ("integer", "decimal")


@dataclass
class TableSchema:
    doc_id: str
    name: str  # file name: battery_supply.csv
    title: str
    source: str
    sql: str  # t_<hash of doc_id>
    columns: list[Column]
    entity: str = "row"
    label: list[str] = field(default_factory=list)
    measure: str = ""
    synonyms: list[str] = field(default_factory=list)
    description: str = ""

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TableSchema:
        data = json.loads(text)
        data["columns"] = [Column(**c) for c in data["columns"]]
        return cls(**data)


def declarations(doc: Document) -> tuple[TableDecl, list[str]]:
    """README and sidecar declarations for a table document, and problems found in them."""
    path = Path(doc.source)
    decl, warnings = TableDecl(), []
    for readme in sorted(path.parent.glob("README*.md")) if path.parent.is_dir() else []:
        if _readme_section(readme, path.name, decl):
            decl.sources.append(readme.name)
            break
    sidecar = path.with_name(path.name + ".meta.json")
    if sidecar.is_file():
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            warnings.append(f"sidecar {sidecar.name} is not readable JSON ({exc}); column declarations ignored")
        else:
            if isinstance(data, dict):
                _merge_sidecar(data, decl, warnings)
                decl.sources.append(sidecar.name)
    return decl, warnings


_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ENTITY = re.compile(  # "one row per battery supply agreement" -> "battery supply agreement"
    r"\bone\s+(?:row|line|record|entry|item)\s+(?:per|for each|for every|for|is)\s+(?:an?\s+|one\s+)?([^;:(),.]+)", re.I
)
_HEADERS = {
    "name": re.compile(r"^(?:column|name|field|col)s?$"),
    "description": re.compile(r"meaning|description|definition|desc"),
    "unit": re.compile(r"unit|format"),
    "synonyms": re.compile(r"synonym|alias|also"),
    "type": re.compile(r"^type$"),
}


def _readme_section(readme: Path, file_name: str, decl: TableDecl) -> bool:
    """Fill `decl` from the first column table under a heading naming `file_name`."""
    try:
        lines = readme.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    names = re.compile(rf"(?<![\w.-]){re.escape(file_name)}(?![\w-])", re.I)
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if not m or not names.search(m[2].replace("`", "")):
            continue
        level = len(m[1])
        if entity := _ENTITY.search(m[2]):
            decl.entity = entity[1].strip()
        table: list[list[str]] = []
        for body in lines[i + 1 :]:
            h = _HEADING.match(body)
            if h and len(h[1]) <= level:
                break
            if body.strip().startswith("|"):
                table.append([c.strip().strip("`").strip() for c in re.split(r"(?<!\\)\|", body.strip().strip("|"))])
            elif table:
                break
        return _column_table(table, decl)
    return False


def _column_table(table: list[list[str]], decl: TableDecl) -> bool:
    if len(table) < 2:
        return False
    roles: dict[str, int] = {}
    for j, cell in enumerate(table[0]):
        for role, pattern in _HEADERS.items():
            if role not in roles and pattern.search(cell.lower()):
                roles[role] = j
                break
    if "name" not in roles:
        return False
    for cells in table[1:]:
        if all(set(c) <= set("-: ") for c in cells):
            continue  # the |---|---| separator
        cell = {role: cells[j].replace("\\|", "|") if j < len(cells) else "" for role, j in roles.items()}
        if name := cell["name"]:
            decl.columns[name.lower()] = ColumnDecl(
                unit=cell.get("unit", ""), description=cell.get("description", ""),
                synonyms=[s.strip() for s in cell.get("synonyms", "").split(",") if s.strip()],
                type=cell.get("type", "").lower(),
            )
    return True


def _merge_sidecar(data: dict[str, Any], decl: TableDecl, warnings: list[str]) -> None:
    columns = data.get("columns")
    if isinstance(columns, list):  # [{"name": ..., "unit": ...}] is accepted too
        columns = {str(c.get("name")): c for c in columns if isinstance(c, dict) and c.get("name")}
    for name, spec in (columns or {}).items() if isinstance(columns, dict) else []:
        if not isinstance(spec, dict):
            warnings.append(f"sidecar: column '{name}' should map to an object of unit/description/synonyms")
            continue
        old = decl.columns.get(str(name).lower(), ColumnDecl())
        synonyms = spec.get("synonyms", old.synonyms)
        decl.columns[str(name).lower()] = ColumnDecl(
            unit=str(spec.get("unit", old.unit) or ""), description=str(spec.get("description", old.description) or ""),
            synonyms=[str(s) for s in synonyms] if isinstance(synonyms, list) else [str(synonyms)],
            type=str(spec.get("type", old.type) or "").lower(),
        )
    entity = data.get("row") or data.get("row_entity") or data.get("entity")
    if isinstance(entity, str) and entity.strip():
        decl.entity = entity.strip()
    label = data.get("label")
    if isinstance(label, (str, list)):
        decl.label = [label] if isinstance(label, str) else [str(x) for x in label]
    if isinstance(data.get("measure"), str):
        decl.measure = data["measure"]
    if isinstance(data.get("synonyms"), list):
        decl.synonyms = [str(s) for s in data["synonyms"]]
    if isinstance(data.get("description"), str):
        decl.description = data["description"]
