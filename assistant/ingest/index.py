"""Indexing: paths -> catalog + vectors, incrementally. The ingest stage's driver.

In: files and folders. Out: an IngestReport (per-file status, chunk counts, errors).
For each file: fingerprint its bytes; unchanged -> skip without loading; else load,
chunk, embed only chunk ids the index does not already hold, then write. Writes go
intent log -> Chroma -> catalog (one transaction per document) -> delete stale vectors,
so an ingest killed at any point leaves an index the next run completes. A file that
fails keeps its previously indexed version; files gone from an ingested folder are
removed. Embedding is batched across small files to keep the model's batches full.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Callable

from assistant.embed import Embedder
from assistant.errors import IngestError
from assistant.ingest.chunk import chunk_document
from assistant.ingest.load import discover, doc_id_for, load_file
from assistant.store.catalog import Catalog
from assistant.store.vectors import VectorStore
from assistant.types import Chunk, Document, FileReport, IngestReport

FLUSH_CHUNKS = 256  # embed when this many new chunks are waiting: full model batches
# Bump when loading or chunking changes what a file turns into, so that an index built
# by an older version re-ingests instead of keeping stale chunks.
INDEX_FORMAT = "1"


def fingerprint(path: Path, salt: str = "") -> str:
    """sha256 of the file's bytes plus its `.meta.json` sidecar, if any, plus `salt`
    (the index format and chunking settings the file was indexed with)."""
    h = hashlib.sha256(path.read_bytes())
    sidecar = path.with_name(path.name + ".meta.json")
    if sidecar.is_file():
        h.update(b"\x00sidecar\x00" + sidecar.read_bytes())
    if salt:
        h.update(b"\x00index\x00" + salt.encode())
    return h.hexdigest()


class Indexer:
    def __init__(
        self, catalog: Catalog, vectors: VectorStore, embedder: Embedder,
        chunk_chars: int, overlap: int, on_change: list[Callable[[str, Document | None], list[str] | None]] | None = None,
    ):
        self.catalog, self.vectors, self.embedder = catalog, vectors, embedder
        self.chunk_chars, self.overlap = chunk_chars, overlap
        self.salt = f"{INDEX_FORMAT}:{chunk_chars}:{overlap}"
        # Listeners told of each stored (doc) or removed (None) document, e.g. the
        # SQLite table store that answers aggregate questions over supply tables; the
        # warnings they return (rows they could not type) join the file's report.
        self.on_change = on_change or []

    def recover(self) -> int:
        """Delete vectors an interrupted run left without a catalog row."""
        orphans = self.catalog.pending_orphans()
        if orphans:
            self.vectors.delete(orphans)
        self.catalog.clear_vector_intents()
        return len(orphans)

    def ingest(self, paths: list[Path], progress: bool = False, prune: bool = True) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        self.recover()
        files, errors = discover(paths)
        report.files.extend(FileReport(path=e.path, status="failed", error=e.reason) for e in errors)
        known = self.catalog.document_hashes()
        pending: list[tuple[Document, list[Chunk], list[Chunk], FileReport]] = []
        waiting = 0
        for path in _progress(files, progress):
            source = str(path.resolve())
            try:
                digest = fingerprint(path, self.salt)
            except OSError as exc:
                report.files.append(FileReport(path=str(path), status="failed", error=f"cannot read: {exc.strerror}"))
                continue
            old = known.get(source)
            if old and old[1] == digest:
                report.files.append(FileReport(path=str(path), status="unchanged", doc_id=old[0]))
                continue
            try:
                doc = load_file(path)
            except IngestError as exc:
                report.files.append(FileReport(path=str(path), status="failed", error=exc.reason))
                continue
            doc.source, doc.content_hash = source, digest
            chunks = chunk_document(doc, self.chunk_chars, self.overlap)
            have = self.catalog.chunk_ids(doc.doc_id)
            new = [c for c in chunks if c.chunk_id not in have]
            file_report = FileReport(
                path=str(path), status="updated" if old else "added", doc_id=doc.doc_id,
                chunks=len(chunks), warnings=list(doc.warnings),
            )
            pending.append((doc, chunks, new, file_report))
            waiting += len(new)
            if waiting >= FLUSH_CHUNKS:
                report.embedded += self._flush(pending)
                report.files.extend(p[3] for p in pending)
                pending, waiting = [], 0
        report.embedded += self._flush(pending)
        report.files.extend(p[3] for p in pending)
        if prune:
            seen = {str(f.resolve()) for f in files}
            folders = [p.resolve() for p in paths if p.is_dir()]
            for source, (doc_id, _) in known.items():
                if source not in seen and any(Path(source).is_relative_to(f) for f in folders):
                    self.remove(doc_id)
                    report.files.append(FileReport(path=source, status="removed", doc_id=doc_id))
        report.seconds = time.perf_counter() - started
        return report

    def _flush(self, pending: list[tuple[Document, list[Chunk], list[Chunk], FileReport]]) -> int:
        new = [c for _, _, n, _ in pending for c in n]
        if not pending:
            return 0
        vectors = self.embedder.embed_documents([c.text for c in new])
        stale = {d.doc_id: self.catalog.chunk_ids(d.doc_id) - {c.chunk_id for c in cs} for d, cs, _, _ in pending}
        self.catalog.record_vector_intents([c.chunk_id for c in new] + [i for s in stale.values() for i in s])
        self.vectors.add(new, vectors)
        for doc, chunks, _, file_report in pending:
            self.catalog.replace_document(doc, chunks)
            if stale[doc.doc_id]:
                self.vectors.delete(sorted(stale[doc.doc_id]))
            for listener in self.on_change:
                for warning in listener(doc.doc_id, doc) or []:
                    if not any(warning.endswith(w) for w in file_report.warnings):
                        file_report.warnings.append(warning)
        self.catalog.clear_vector_intents()
        return len(new)

    def remove(self, doc_id: str) -> int:
        ids = sorted(self.catalog.chunk_ids(doc_id))
        self.catalog.record_vector_intents(ids)
        self.catalog.remove_document(doc_id)
        self.vectors.delete(ids)
        self.catalog.clear_vector_intents()
        for listener in self.on_change:
            listener(doc_id, None)
        return len(ids)

    def ingest_file(self, path: Path) -> FileReport:
        """One file, no pruning: what an upload does. Failures raise IngestError."""
        report = self.ingest([path], prune=False)
        (file_report,) = report.files
        if file_report.status == "failed":
            raise IngestError(path.name, file_report.error or "failed")
        return file_report


def _progress(files: list[Path], enabled: bool):
    if not enabled:
        return files
    from tqdm import tqdm

    return tqdm(files, desc="ingest", unit="file")


__all__ = ["Indexer", "fingerprint", "doc_id_for"]
