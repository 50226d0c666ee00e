"""One Settings class for the whole assistant (environment prefix `ASSISTANT_`).

Never instantiated at import time: entry points (CLI, API lifespan, eval runner) build
it and pass values down. Every default that changes behaviour is named here with the
reason for its value.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    # --- where things live -------------------------------------------------------
    data_dir: Path = Path(".assistant-data")
    # Empty: embedded persistent Chroma under data_dir/chroma. A URL such as
    # http://127.0.0.1:8001 uses a Chroma server instead (how a deployment outgrows
    # one process); the catalog and keyword index stay in data_dir either way.
    chroma_url: str = ""
    collection: str = "chunks"

    # --- chunking ----------------------------------------------------------------
    # ~500 characters is 2-4 sentences of a press release: small enough that a chunk's
    # embedding still speaks for each of its sentences, large enough to keep context.
    chunk_chars: int = 500
    # One sentence of overlap keeps a fact that straddles a boundary whole in one chunk.
    chunk_overlap_sentences: int = 1

    # --- retrieval ---------------------------------------------------------------
    top_k: int = 5
    # Each side of hybrid search contributes this many candidates to fusion; 4x top_k
    # lets a passage ranked low by one side still be lifted by the other.
    candidates: int = 20
    # Weighted reciprocal rank fusion: score = sum_side w_side / (rrf_k + rank_side).
    # Measured on the SEC 10-Q benchmark's retrieval (195 questions, 11k chunks; see
    # README): BM25 alone finds a gold filing in the top 5 for 0.48 of questions, dense
    # for 0.76; equal-weight RRF (k=60) drags hybrid down to 0.65. A small k and a
    # keyword weight of 0.3 keep dense in charge (0.75) while BM25 still lifts passages
    # both sides agree on. When the query holds a code or model number (letters and
    # digits in one token: "KT-5562", "C-Crossover GT" is not one), exact match is the
    # point, and BM25 gets full weight.
    rrf_k: int = 20
    keyword_weight: float = 0.3
    keyword_weight_exact: float = 1.0
    embed_batch_size: int = 64
    # Torch intra-op threads. 1: a server answers concurrent requests on 2 cores, and a
    # 2-thread OpenMP pool competing with any other busy process was measured 4-15x
    # slower per query (450 ms vs 26 ms) than one thread. 0 = torch's default.
    torch_threads: int = 1

    # --- answering ---------------------------------------------------------------
    # Evidence whose support score falls below this is not an answer: abstain.
    # Calibrated on eval/questions/dev.jsonl (see eval/results/baseline/report.md).
    abstain_threshold: float = 0.35
    max_citations: int = 3

    # --- conversation ------------------------------------------------------------
    history_turns: int = 6  # turns kept for follow-up rewriting

    # --- API ---------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    # Comma-separated bearer keys. Empty: no auth, and the server binds to 127.0.0.1.
    reader_keys: str = ""
    admin_keys: str = ""
    max_question_chars: int = 2000
    max_history_messages: int = 50
    max_upload_bytes: int = 20 * 1024 * 1024
    rate_limit_per_minute: int = 120
    ingest_on_start: list[Path] = Field(default_factory=list)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite"

    @property
    def conversations_path(self) -> Path:
        return self.data_dir / "conversations.sqlite"

    @property
    def tables_path(self) -> Path:
        return self.data_dir / "tables.sqlite"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"
