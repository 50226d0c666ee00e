"""Hybrid retrieval: dense and BM25 candidates fused by reciprocal rank fusion.

In: query text, k, Filters. Out: list[Hit], each with its fused score and the dense
and keyword scores it had (None where that side did not find it). RRF uses ranks only,
so the two sides' incomparable score scales never need calibrating:
score(d) = sum over sides of weight_side / (rrf_k + rank_side(d)). The keyword side
weighs less (dense is the stronger reader of natural questions) except when the query
holds a code or model number, where exact match is what the user wants.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from assistant.retrieve.dense import DenseRetriever
from assistant.retrieve.keyword import KeywordRetriever
from assistant.types import Filters, Hit

# A token mixing letters and digits ("KT-5562", "LFP2", "4680-cell"): a code or model number.
_CODE = re.compile(r"\b(?=[\w-]*[A-Za-z])(?=[\w-]*\d)\w+(?:-\w+)*\b")


def reciprocal_rank_fusion(rankings: list[tuple[list[str], float]], rrf_k: int) -> dict[str, float]:
    """rankings: (ids best first, weight) per side -> fused score per id."""
    fused: dict[str, float] = {}
    for ranking, weight in rankings:
        for rank, chunk_id in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (rrf_k + rank)
    return fused


def has_code(query: str) -> bool:
    return bool(_CODE.search(query))


class HybridRetriever:
    def __init__(
        self, dense: DenseRetriever, keyword: KeywordRetriever, candidates: int, rrf_k: int,
        keyword_weight: float = 1.0, keyword_weight_exact: float = 1.0,
    ):
        self.dense, self.keyword = dense, keyword
        self.candidates, self.rrf_k = candidates, rrf_k
        self.keyword_weight, self.keyword_weight_exact = keyword_weight, keyword_weight_exact
        self.catalog = dense.catalog
        # The keyword side runs beside the dense side (query embedding + Chroma): both
        # release the GIL in C, so on 2 cores a query costs the slower side, not the sum.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="keyword-search")

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[Hit]:
        n = max(k, self.candidates)
        pending = self._pool.submit(self.keyword.scored_ids, query, n, filters)
        dense = self.dense.scored_ids(query, n, filters)
        keyword = pending.result()
        weight = self.keyword_weight_exact if has_code(query) else self.keyword_weight
        fused = reciprocal_rank_fusion([([i for i, _ in dense], 1.0), ([i for i, _ in keyword], weight)], self.rrf_k)
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
