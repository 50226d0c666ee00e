"""Retrieval: a question -> ranked Hits. dense.py (Chroma cosine), keyword.py (FTS5
BM25), hybrid.py (reciprocal rank fusion of both). All three share one signature,
`retrieve(query, k, filters) -> list[Hit]`, so evaluation can run each alone."""
