"""Table store: typed rows of every table document in an embedded SQLite database.

In: table Documents, told by the indexer (`on_change(doc_id, doc)` after a document is
stored, `on_change(doc_id, None)` after it is removed) or read from files with
`load_paths`. Out: one SQLite table per document, its columns typed (INTEGER, REAL,
ISO-date TEXT, TEXT) under names of our own making (c1, c2, ...), each row keeping its
row number, source line, and the span and text of its rendered line in the document,
so a row used in an answer can be cited verbatim. Beside them the registry (`tables`):
each table's schema (columns, types, units, descriptions, synonyms) and load report.

Query side: `schemas()`, `distinct_values()` (what the planner matches question words
against) and `select()`, which only execute.py calls, with SQL it builds from registry
identifiers and values bound as parameters. Re-loading a changed table replaces its
rows in one transaction; an unchanged one (same bytes, same declarations) is a no-op.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from assistant.errors import IngestError, StoreUnavailable
from assistant.tables.infer import build_schema, type_rows
from assistant.tables.schema import TableSchema, declarations
from assistant.types import Document

# Bump when the stored layout or type inference changes: stored tables then reload.
LAYOUT_VERSION = 1
# More distinct values than this in a text column makes it an id or free text, not
# something a question names; the planner does not match against such columns.
MAX_DISTINCT_VALUES = 5000

_REGISTRY = """
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS tables (
    doc_id TEXT PRIMARY KEY,
    sql_name TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    decl_hash TEXT NOT NULL,
    schema TEXT NOT NULL,
    rows_loaded INTEGER NOT NULL,
    rows_skipped INTEGER NOT NULL,
    warnings TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
"""
_SQL_TYPES = {"integer": "INTEGER", "decimal": "REAL", "date": "TEXT", "text": "TEXT"}
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class LoadReport:
    """What loading one table did: for the ingest summary and `assistant tables`."""

    doc_id: str
    table: str  # file name
    rows_loaded: int = 0
    rows_skipped: int = 0
    warnings: list[str] = field(default_factory=list)  # "supply.csv: line 7: ...; row skipped"
    status: str = "loaded"  # loaded | unchanged | failed
    error: str | None = None


class TableStore:
    def __init__(self, path: Path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.executescript(_REGISTRY)
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(f"cannot open the table store at {path}: {exc}") from exc
        self.path = path
        self._lock = threading.RLock()
        self._changes = 0
        self._cache: tuple[tuple[int, int], dict[str, TableSchema]] | None = None

    def close(self) -> None:
        self._db.close()

    # --- loading -----------------------------------------------------------------
    def on_change(self, doc_id: str, doc: Document | None) -> list[str]:
        """Indexer listener: load or replace a table document's rows, or drop them.

        Documents that are not tables are ignored. Returns the load warnings."""
        if doc is None or doc.kind != "table":
            self.remove(doc_id)
            return []
        return self.load_document(doc).warnings

    def load_document(self, doc: Document) -> LoadReport:
        decl, decl_warnings = declarations(doc)
        decl_hash = f"{LAYOUT_VERSION}:{decl.digest()}"
        with self._lock:
            old = self._db.execute("SELECT * FROM tables WHERE doc_id=?", (doc.doc_id,)).fetchone()
        if old and old["content_hash"] == doc.content_hash and old["decl_hash"] == decl_hash:
            return _report(old, status="unchanged")
        schema, schema_warnings = build_schema(doc, decl)
        typed, row_warnings = type_rows(schema, doc)
        warnings = [f"{schema.name}: {w}" for w in [*doc.warnings, *decl_warnings, *schema_warnings, *row_warnings]]
        skipped = len(row_warnings) + sum(1 for w in doc.warnings if w.endswith("skipped"))
        columns = ", ".join(f"{sql_ident(c.sql)} {_SQL_TYPES[c.type]}" for c in schema.columns)
        table = sql_ident(schema.sql)
        marks = ",".join("?" * (6 + len(schema.columns)))
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            with self._lock, _Transaction(self._db):
                for stale in self._db.execute(
                    "SELECT sql_name FROM tables WHERE source=? AND doc_id<>?", (doc.source, doc.doc_id)
                ).fetchall():
                    self._db.execute(f"DROP TABLE IF EXISTS {sql_ident(stale[0])}")
                self._db.execute("DELETE FROM tables WHERE doc_id=? OR source=?", (doc.doc_id, doc.source))
                self._db.execute(f"DROP TABLE IF EXISTS {table}")
                self._db.execute(
                    f"CREATE TABLE {table} (_row INTEGER PRIMARY KEY, _line INTEGER, _start INTEGER NOT NULL,"
                    f" _end INTEGER NOT NULL, _quote TEXT NOT NULL, _values TEXT NOT NULL{', ' + columns if columns else ''})"
                )
                self._db.executemany(
                    f"INSERT INTO {table} VALUES ({marks})",
                    [
                        (t.row.row, t.row.line, t.row.start, t.row.end, doc.text[t.row.start : t.row.end],
                         json.dumps(t.row.values, ensure_ascii=False), *(t.values[c.name] for c in schema.columns))
                        for t in typed
                    ],
                )
                self._db.execute(
                    "INSERT INTO tables VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.doc_id, schema.sql, schema.name, doc.source, doc.content_hash, decl_hash, schema.to_json(),
                     len(typed), skipped, json.dumps(warnings, ensure_ascii=False), now),
                )
                self._changes += 1
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot write table {schema.name} to the table store: {exc}") from exc
        return LoadReport(doc.doc_id, schema.name, len(typed), skipped, warnings)

    def remove(self, doc_id: str) -> bool:
        with self._lock, _Transaction(self._db):
            row = self._db.execute("SELECT sql_name FROM tables WHERE doc_id=?", (doc_id,)).fetchone()
            if row is None:
                return False
            self._db.execute(f"DROP TABLE IF EXISTS {sql_ident(row[0])}")
            self._db.execute("DELETE FROM tables WHERE doc_id=?", (doc_id,))
            self._changes += 1
        return True

    def load_paths(self, paths: list[Path]) -> list[LoadReport]:
        """Load the CSV/JSON tables among `paths` (folders expanded) without the indexer."""
        from assistant.ingest.load import TABLES, discover, load_file

        files, errors = discover(paths)
        reports = [LoadReport("", Path(e.path).name, status="failed", error=e.reason) for e in errors]
        for path in files:
            if path.suffix.lower() not in TABLES:
                continue
            try:
                reports.append(self.load_document(load_file(path)))
            except IngestError as exc:
                reports.append(LoadReport("", path.name, status="failed", error=exc.reason))
        return reports

    def sync(self, docs: Iterable[Document]) -> list[LoadReport]:
        """Make the store hold exactly the table documents given (e.g. the catalog's)."""
        reports = [self.load_document(d) for d in docs if d.kind == "table"]
        keep = {r.doc_id for r in reports}
        for doc_id in [s.doc_id for s in self.schemas()]:
            if doc_id not in keep:
                self.remove(doc_id)
        return reports

    # --- registry ------------------------------------------------------------------
    @property
    def generation(self) -> tuple[int, int]:
        """Changes when any table changes (here, or in another connection to the file)."""
        with self._lock:
            return self._changes, self._db.execute("PRAGMA data_version").fetchone()[0]

    def schemas(self) -> list[TableSchema]:
        with self._lock:
            generation = self.generation
            if self._cache is None or self._cache[0] != generation:
                rows = self._db.execute("SELECT doc_id, schema FROM tables ORDER BY name, doc_id").fetchall()
                self._cache = (generation, {r["doc_id"]: TableSchema.from_json(r["schema"]) for r in rows})
            return list(self._cache[1].values())

    def schema(self, doc_id: str) -> TableSchema | None:
        return next((s for s in self.schemas() if s.doc_id == doc_id), None)

    def reports(self) -> list[LoadReport]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM tables ORDER BY name, doc_id").fetchall()
        return [_report(r) for r in rows]

    def report(self, doc_id: str) -> LoadReport | None:
        return next((r for r in self.reports() if r.doc_id == doc_id), None)

    def warnings(self) -> dict[str, list[str]]:
        """File name -> load warnings, for every table that has some."""
        return {r.table: r.warnings for r in self.reports() if r.warnings}

    # --- queries (execute.py) ------------------------------------------------------
    def distinct_values(self, schema: TableSchema, column: str) -> list[str]:
        col = sql_ident(schema.column(column).sql)
        with self._lock:
            rows = self._db.execute(
                f"SELECT DISTINCT {col} FROM {sql_ident(schema.sql)} WHERE {col} IS NOT NULL AND {col} <> '' LIMIT ?",
                (MAX_DISTINCT_VALUES + 1,),
            ).fetchall()
        return [] if len(rows) > MAX_DISTINCT_VALUES else [str(r[0]) for r in rows]

    def select(self, sql: str, params: list[Any]) -> list[sqlite3.Row]:
        """Run one read query built from registry identifiers; values only as parameters."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()


def sql_ident(name: str) -> str:
    """Every identifier put into SQL text passes here: only names we generated fit."""
    if not _IDENT.match(name):
        raise ValueError(f"not a generated identifier: {name!r}")
    return name


def _report(row: sqlite3.Row, status: str = "loaded") -> LoadReport:
    return LoadReport(row["doc_id"], row["name"], row["rows_loaded"], row["rows_skipped"],
                      json.loads(row["warnings"]), status=status)


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return False
