"""Keyword retrieval: BM25 over the catalog's persistent FTS5 index.

In: query text, k, Filters. Out: list[Hit] ranked by BM25. Catches what embeddings blur:
exact model names, codes, figures and rare proper nouns.
"""

from __future__ import annotations

from assistant.retrieve.dense import hits_from_ids
from assistant.store.catalog import Catalog
from assistant.types import Filters, Hit


class KeywordRetriever:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    def scored_ids(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        return self.catalog.keyword_search(query, k, filters)

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[Hit]:
        return hits_from_ids(self.catalog, self.scored_ids(query, k, filters), "keyword")
