"""Hybrid retrieval: dense and BM25 candidates fused by reciprocal rank fusion.

In: query text, k, Filters. Out: list[Hit], each with its fused score and the dense
and keyword scores it had (None where that side did not find it). RRF uses ranks only,
so the two sides' incomparable score scales never need calibrating:
score(d) = sum over sides of 1 / (rrf_k + rank_side(d)).
"""

from __future__ import annotations

from assistant.retrieve.dense import DenseRetriever
from assistant.retrieve.keyword import KeywordRetriever
from assistant.types import Filters, Hit


def reciprocal_rank_fusion(rankings: list[list[str]], rrf_k: int) -> dict[str, float]:
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (rrf_k + rank)
    return fused


class HybridRetriever:
    def __init__(self, dense: DenseRetriever, keyword: KeywordRetriever, candidates: int, rrf_k: int):
        self.dense, self.keyword = dense, keyword
        self.candidates, self.rrf_k = candidates, rrf_k
        self.catalog = dense.catalog

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[Hit]:
        n = max(k, self.candidates)
        dense = self.dense.scored_ids(query, n, filters)
        keyword = self.keyword.scored_ids(query, n, filters)
        fused = reciprocal_rank_fusion([[i for i, _ in dense], [i for i, _ in keyword]], self.rrf_k)
        top = sorted(fused, key=lambda i: -fused[i])
        chunks = self.catalog.get_chunks(top[: k * 2])  # orphans dropped below
        dense_scores, keyword_scores = dict(dense), dict(keyword)
        hits: list[Hit] = []
        for chunk_id in top:
            if chunk_id not in chunks:
                continue
            hits.append(
                Hit(
                    chunk=chunks[chunk_id], score=fused[chunk_id], rank=len(hits) + 1,
                    dense_score=dense_scores.get(chunk_id), keyword_score=keyword_scores.get(chunk_id),
                )
            )
            if len(hits) == k:
                break
        return hits
