"""Catalog: the SQLite source of truth for documents, chunks and the keyword index.

In: Documents and their Chunks from ingest. Out: chunk lookups by id, document
listings, and BM25 keyword search (SQLite FTS5, `porter unicode61` tokenizer) over the
same chunk ids that Chroma holds. FTS5 is updated row by row inside the same
transaction as the chunks, so the keyword index is persistent and incremental: it is
never rebuilt at start-up or query time.

Crash safety: before Chroma is touched, the chunk ids about to be written or deleted are
recorded in `vector_intents` and committed. `pending_vector_ids()` tells the next run
which vectors may be orphans (ids in the intent log but not in `chunks`), so an ingest
killed half-way is completed, never duplicated.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import Stemmer

from assistant.store.terms import MIN_TERMS, keyword_terms, selective_terms
from assistant.types import Chunk, Document, Filters, TableRow

_SCHEMA = """
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    publisher TEXT,
    date TEXT,
    metadata TEXT NOT NULL,
    text TEXT NOT NULL,
    pages TEXT NOT NULL,
    rows TEXT NOT NULL,
    warnings TEXT NOT NULL,
    chunk_count INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    page INTEGER,
    row INTEGER,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, title, content='chunks', content_rowid='rowid', tokenize='porter unicode61'
);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text, title) VALUES (new.rowid, new.text, new.title);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text, title) VALUES ('delete', old.rowid, old.text, old.title);
END;
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'row');
CREATE TABLE IF NOT EXISTS vector_intents (chunk_id TEXT PRIMARY KEY);
"""
_STEMMER = Stemmer.Stemmer("porter")  # the algorithm of FTS5's `porter` tokenizer

class Catalog:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._changes = 0  # bumped by our own writes: invalidates the term-frequency cache
        self._df: dict[str, int] = {}
        self._df_generation: tuple[int, int] | None = None
        with self._lock:
            self._db.executescript(_SCHEMA)
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        self._db.close()

    # --- documents -------------------------------------------------------------
    def document_hashes(self) -> dict[str, tuple[str, str]]:
        """source -> (doc_id, content_hash) for every stored document."""
        with self._lock:
            rows = self._db.execute("SELECT source, doc_id, content_hash FROM documents").fetchall()
        return {r["source"]: (r["doc_id"], r["content_hash"]) for r in rows}

    def chunk_ids(self, doc_id: str) -> set[str]:
        with self._lock:
            rows = self._db.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,)).fetchall()
        return {r[0] for r in rows}

    def replace_document(self, doc: Document, chunks: list[Chunk]) -> None:
        """Atomically store `doc` with exactly `chunks` (old chunks of the doc go)."""
        self._changes += 1
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        meta = doc.metadata
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM chunks WHERE doc_id=?", (doc.doc_id,))
            self._db.execute("DELETE FROM documents WHERE doc_id=? OR source=?", (doc.doc_id, doc.source))
            self._db.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc.doc_id, doc.source, doc.title, doc.kind, doc.media_type, doc.content_hash,
                    (meta.get("publisher") or None), (str(meta["date"]) if meta.get("date") else None),
                    json.dumps(meta, default=str), doc.text, json.dumps(doc.pages),
                    json.dumps([r.__dict__ for r in doc.rows]), json.dumps(doc.warnings),
                    len(chunks), now,
                ),
            )
            self._db.executemany(
                "INSERT INTO chunks(chunk_id, doc_id, start, end, page, row, kind, title, text, metadata)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (c.chunk_id, c.doc_id, c.start, c.end, c.page, c.row, c.kind, c.title, c.text,
                     json.dumps(c.metadata, default=str))
                    for c in chunks
                ],
            )

    def remove_document(self, doc_id: str) -> bool:
        self._changes += 1
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            cur = self._db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
        return cur.rowcount > 0

    def get_document(self, doc_id: str) -> Document | None:
        with self._lock:
            r = self._db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return None if r is None else _document(r)

    def find_document(self, key: str) -> dict[str, Any] | None:
        """A document by id, source path, or file name (for `assistant remove DOC`)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT doc_id, source FROM documents WHERE doc_id=? OR source=? OR source LIKE ? ESCAPE '\\'",
                (key, key, "%/" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")),
            ).fetchall()
        return dict(rows[0]) if len(rows) == 1 else None

    def list_documents(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT doc_id, source, title, kind, media_type, content_hash, publisher, date,"
                " metadata, chunk_count, ingested_at, warnings FROM documents ORDER BY source"
            ).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["metadata"] = json.loads(d["metadata"])
            d["warnings"] = json.loads(d["warnings"])
            out.append(d)
        return out

    def counts(self) -> tuple[int, int]:
        with self._lock:
            docs = self._db.execute("SELECT count(*) FROM documents").fetchone()[0]
            chunks = self._db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        return docs, chunks

    # --- chunks ----------------------------------------------------------------
    def get_chunks(self, chunk_ids: Iterable[str]) -> dict[str, Chunk]:
        ids = list(chunk_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._db.execute(
                f"SELECT c.*, d.source FROM chunks c JOIN documents d USING(doc_id) WHERE c.chunk_id IN ({marks})",
                ids,
            ).fetchall()
        return {r["chunk_id"]: _chunk(r) for r in rows}

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        with self._lock:
            rows = self._db.execute(
                "SELECT c.*, d.source FROM chunks c JOIN documents d USING(doc_id) WHERE c.doc_id=? ORDER BY c.start",
                (doc_id,),
            ).fetchall()
        return [_chunk(r) for r in rows]

    def keyword_search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """BM25 over chunk text and title: [(chunk_id, score)], best first, score > 0."""
        terms = self._selective(keyword_terms(query))
        if not terms:
            return []
        match = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
        where, params = _filter_sql(filters)
        if where:
            sql = (
                "SELECT c.chunk_id, -bm25(chunks_fts, 1.0, 0.5) FROM chunks_fts"
                " JOIN chunks c ON c.rowid = chunks_fts.rowid JOIN documents d ON d.doc_id = c.doc_id"
                " WHERE chunks_fts MATCH ? AND " + where + " ORDER BY bm25(chunks_fts, 1.0, 0.5) LIMIT ?"
            )
        else:  # rank inside FTS5 first, then fetch only the k winners' ids
            sql = (
                "SELECT c.chunk_id, -r.score FROM (SELECT rowid, bm25(chunks_fts, 1.0, 0.5) AS score"
                " FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?) r"
                " JOIN chunks c ON c.rowid = r.rowid ORDER BY r.score"
            )
        with self._lock:
            rows = self._db.execute(sql, [match, *params, k]).fetchall()
        return [(r[0], float(r[1])) for r in rows]

    def _selective(self, terms: list[str]) -> list[str]:
        """The query's terms less the very common ones (see terms.selective_terms),
        with document frequencies cached until the catalog changes."""
        if len(terms) <= MIN_TERMS:
            return terms
        with self._lock:
            # data_version moves when another connection commits; _changes when we do
            generation = self._db.execute("PRAGMA data_version").fetchone()[0], self._changes
            if generation != self._df_generation:
                self._df.clear()
                self._df_generation = generation
            total = self._df.get("\x00total")
            if total is None:
                total = self._df["\x00total"] = self._db.execute("SELECT count(*) FROM chunks").fetchone()[0]
            counts = {}
            for term in terms:
                if term not in self._df:
                    self._df[term] = self._document_frequency(term)
                counts[term] = self._df[term]
        return selective_terms(terms, counts, total)

    def _document_frequency(self, term: str) -> int:
        """Chunks holding the term, read from FTS5's vocabulary (terms are stored stemmed)."""
        stems = {_STEMMER.stemWord(part) for part in re.findall(r"\w+", term)}
        rows = [self._db.execute("SELECT doc FROM chunks_vocab WHERE term = ?", (s,)).fetchone() for s in stems]
        found = [r[0] for r in rows if r]
        return min(found) if len(found) == len(stems) else 0

    # --- vector intent log -----------------------------------------------------
    def record_vector_intents(self, chunk_ids: Iterable[str]) -> None:
        with self._lock, self._transaction():
            self._db.executemany("INSERT OR IGNORE INTO vector_intents VALUES (?)", [(i,) for i in chunk_ids])

    def pending_orphans(self) -> list[str]:
        """Vector ids an interrupted run may have left in Chroma with no catalog row."""
        with self._lock:
            rows = self._db.execute(
                "SELECT v.chunk_id FROM vector_intents v LEFT JOIN chunks c USING(chunk_id) WHERE c.chunk_id IS NULL"
            ).fetchall()
        return [r[0] for r in rows]

    def clear_vector_intents(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM vector_intents")

    def _transaction(self):
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb):
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return False


def _filter_sql(filters: Filters | None) -> tuple[str, list[Any]]:
    if filters is None or filters.is_empty():
        return "", []
    clauses, params = [], []
    if filters.doc_ids:
        clauses.append("d.doc_id IN (" + ",".join("?" * len(filters.doc_ids)) + ")")
        params.extend(filters.doc_ids)
    if filters.kind:
        clauses.append("d.kind = ?")
        params.append(filters.kind)
    if filters.publisher:
        clauses.append("lower(d.publisher) = lower(?)")
        params.append(filters.publisher)
    if filters.date_from:
        clauses.append("d.date >= ?")
        params.append(filters.date_from)
    if filters.date_to:
        clauses.append("d.date <= ?")
        params.append(filters.date_to + "\uffff")  # "2023" includes "2023-06-01"
    return " AND ".join(clauses), params


def _document(r: sqlite3.Row) -> Document:
    return Document(
        doc_id=r["doc_id"], source=r["source"], title=r["title"], kind=r["kind"], text=r["text"],
        content_hash=r["content_hash"], media_type=r["media_type"], metadata=json.loads(r["metadata"]),
        pages=[tuple(p) for p in json.loads(r["pages"])],
        rows=[TableRow(**x) for x in json.loads(r["rows"])], warnings=json.loads(r["warnings"]),
    )


def _chunk(r: sqlite3.Row) -> Chunk:
    return Chunk(
        chunk_id=r["chunk_id"], doc_id=r["doc_id"], text=r["text"], start=r["start"], end=r["end"],
        kind=r["kind"], title=r["title"], source=r["source"], page=r["page"], row=r["row"],
        metadata=json.loads(r["metadata"]),
    )
