"""Vector store: chunk embeddings in a Chroma collection, embedded or on a server.

In: chunk ids, their vectors and the few metadata fields filters need (doc_id, kind,
publisher, date). Out: nearest chunk ids with cosine similarities. The collection is
created with `embedding_function=None`, so Chroma never tries to fetch a model: vectors
always come from our Embedder. Telemetry is off.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from assistant.errors import ConfigError, StoreUnavailable
from assistant.types import Chunk, Filters

_BATCH = 4000  # below Chroma's max batch size (5461 on SQLite builds)


def _client(chroma_url: str, path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not chroma_url:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    url = urlparse(chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(f"ASSISTANT_CHROMA_URL must look like http://host:port, got {chroma_url!r}")
    try:
        return chromadb.HttpClient(
            host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https", settings=chroma_settings,
        )
    except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
        raise StoreUnavailable(f"cannot reach the Chroma server at {chroma_url}: {exc}") from exc


class VectorStore:
    def __init__(self, chroma_url: str, path: Path, collection: str):
        self.client = _client(chroma_url, path)
        self.where = chroma_url or str(path)
        try:
            self.collection = self.client.get_or_create_collection(
                collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        except Exception as exc:
            raise StoreUnavailable(f"cannot open Chroma collection {collection!r} at {self.where}: {exc}") from exc

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        for i in range(0, len(chunks), _BATCH):
            part = chunks[i : i + _BATCH]
            self.collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[i : i + _BATCH],
                metadatas=[_metadata(c) for c in part],
            )

    def delete(self, chunk_ids: list[str]) -> None:
        for i in range(0, len(chunk_ids), _BATCH):
            self.collection.delete(ids=chunk_ids[i : i + _BATCH])

    def count(self) -> int:
        return self.collection.count()

    def ping(self) -> bool:
        try:
            self.client.heartbeat()
            return True
        except Exception:
            return False

    def query(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """[(chunk_id, cosine similarity)], best first."""
        n = self.collection.count()
        if n == 0:
            return []
        try:
            res = self.collection.query(
                query_embeddings=[vector], n_results=min(k, n), where=_where(filters), include=["distances"]
            )
        except Exception as exc:
            raise StoreUnavailable(f"vector search failed at {self.where}: {exc}") from exc
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]


def _date_number(date: str | None) -> int:
    """'2025-06-01' -> 20250601, '2025' -> 20250000; undated -> 0 (never in a range)."""
    if not date:
        return 0
    digits = "".join(ch for ch in str(date) if ch.isdigit())[:8]
    return int(digits.ljust(8, "0")) if len(digits) >= 4 else 0


def _metadata(c: Chunk) -> dict:
    return {
        "doc_id": c.doc_id,
        "kind": c.kind,
        "publisher": str(c.metadata.get("publisher") or "").lower(),
        "date": _date_number(c.metadata.get("date")),
    }


def _where(filters: Filters | None) -> dict | None:
    if filters is None or filters.is_empty():
        return None
    clauses: list[dict] = []
    if filters.doc_ids:
        clauses.append({"doc_id": {"$in": list(filters.doc_ids)}})
    if filters.kind:
        clauses.append({"kind": filters.kind})
    if filters.publisher:
        clauses.append({"publisher": filters.publisher.lower()})
    if filters.date_from:
        clauses.append({"date": {"$gte": _date_number(filters.date_from)}})
    if filters.date_to:
        clauses.append({"date": {"$lte": _date_number(filters.date_to.ljust(10, "9"))}})
    if filters.date_from or filters.date_to:
        clauses.append({"date": {"$gt": 0}})  # undated documents are outside any range
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
