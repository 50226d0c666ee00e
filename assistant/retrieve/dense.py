"""Dense retrieval: embed the query, nearest chunks in Chroma, chunks from the catalog.

In: query text, k, Filters. Out: list[Hit] ranked by cosine similarity. Ids that Chroma
returns but the catalog does not hold (a vector orphaned by an interrupted ingest) are
dropped here, so they can never be cited.
"""

from __future__ import annotations

from assistant.embed import Embedder
from assistant.store.catalog import Catalog
from assistant.store.vectors import VectorStore
from assistant.types import Filters, Hit


class DenseRetriever:
    def __init__(self, embedder: Embedder, vectors: VectorStore, catalog: Catalog):
        self.embedder, self.vectors, self.catalog = embedder, vectors, catalog

    def scored_ids(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        return self.vectors.query(self.embedder.embed_query(query), k, filters)

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[Hit]:
        return hits_from_ids(self.catalog, self.scored_ids(query, k, filters), "dense")


def hits_from_ids(catalog: Catalog, scored: list[tuple[str, float]], side: str) -> list[Hit]:
    chunks = catalog.get_chunks(i for i, _ in scored)
    hits = []
    for chunk_id, score in scored:
        if chunk_id in chunks:
            hit = Hit(chunk=chunks[chunk_id], score=score, rank=len(hits) + 1)
            if side == "dense":
                hit.dense_score = score
            else:
                hit.keyword_score = score
            hits.append(hit)
    return hits
