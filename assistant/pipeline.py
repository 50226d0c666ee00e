"""Assistant: the one place where the stages are wired together.

    files -> load -> chunk -> embed -> store (catalog + Chroma)     ingest()
    question -> rewrite follow-up -> hybrid retrieve -> answer      ask()
             -> (tables planner for aggregate questions)
    query -> dense | keyword | hybrid retrieve                       search()

Built once per process (CLI run, API lifespan, eval run) from a Settings; holds the
model, the store clients and the conversation store. Everything it returns is our own
types from assistant.types.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Literal

from assistant.answer.extractive import ExtractiveAnswerer
from assistant.answer.merge import merge
from assistant.config import Settings
from assistant.conversation import ConversationStore, rewrite_followup
from assistant.embed import Embedder, MiniLMEmbedder
from assistant.errors import DocumentNotFound, QuestionError, StoreUnavailable
from assistant.ingest.index import Indexer
from assistant.ingest.load import SUPPORTED
from assistant.retrieve.dense import DenseRetriever
from assistant.retrieve.hybrid import HybridRetriever
from assistant.retrieve.keyword import KeywordRetriever
from assistant.store.catalog import Catalog
from assistant.store.vectors import VectorStore
from assistant.tables import TableAnswerer, TableStore
from assistant.types import Answer, Chunk, Filters, Hit, IngestReport, Turn

Mode = Literal["hybrid", "dense", "keyword"]


class Assistant:
    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.embedder = embedder or MiniLMEmbedder(batch_size=settings.embed_batch_size, threads=settings.torch_threads)
        self.catalog = Catalog(settings.catalog_path)
        self.vectors = VectorStore(settings.chroma_url, settings.chroma_dir, settings.collection)
        self.dense = DenseRetriever(self.embedder, self.vectors, self.catalog)
        self.keyword = KeywordRetriever(self.catalog)
        self.hybrid = HybridRetriever(
            self.dense, self.keyword, settings.candidates, settings.rrf_k,
            settings.keyword_weight, settings.keyword_weight_exact,
        )
        self.indexer = Indexer(
            self.catalog, self.vectors, self.embedder, settings.chunk_chars, settings.chunk_overlap_sentences
        )
        self.tables = TableStore(settings.tables_path)
        self.indexer.on_change.append(self.tables.on_change)
        self._sync_tables()
        self.table_answerer = TableAnswerer(self.tables)
        self.conversations = ConversationStore(settings.conversations_path)
        self.answerer = ExtractiveAnswerer(settings, self.catalog, self.indexer)

    def _sync_tables(self) -> None:
        """Typed tables mirror the catalog's table documents (e.g. after the table
        database was deleted, or a catalog built before it existed)."""
        known = {d["doc_id"] for d in self.catalog.list_documents() if d["kind"] == "table"}
        if known != {s.doc_id for s in self.tables.schemas()}:
            self.tables.sync(self.catalog.get_document(doc_id) for doc_id in sorted(known))

    def close(self) -> None:
        self.catalog.close()
        self.tables.close()
        self.conversations.close()

    # --- ingest ------------------------------------------------------------------
    def ingest(self, paths: list[Path], progress: bool = False) -> IngestReport:
        return self.indexer.ingest(paths, progress=progress)

    def ingest_file(self, path: Path):
        return self.indexer.ingest_file(path)

    def remove(self, key: str) -> str:
        """Remove a document by id, path or file name; returns its doc_id."""
        found = self.catalog.find_document(key) or self.catalog.find_document(str(Path(key).resolve()))
        if not found:
            raise DocumentNotFound(f"no indexed document matches {key!r} (give its id, path or file name)")
        self.indexer.remove(found["doc_id"])
        return found["doc_id"]

    supported_extensions = frozenset(SUPPORTED)

    def list_documents(self) -> list[dict[str, Any]]:
        return self.catalog.list_documents()

    def document_record(self, doc_id: str) -> dict[str, Any]:
        """The list_documents() entry of one document."""
        for record in self.catalog.list_documents():
            if record["doc_id"] == doc_id:
                return record
        raise DocumentNotFound(f"no document with id {doc_id!r}")

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        self.get_document(doc_id)
        return self.catalog.document_chunks(doc_id)

    def get_document(self, doc_id: str):
        doc = self.catalog.get_document(doc_id)
        if doc is None:
            raise DocumentNotFound(f"no document with id {doc_id!r}")
        return doc

    # --- search ------------------------------------------------------------------
    def search(self, query: str, k: int | None = None, filters: Filters | None = None, mode: Mode = "hybrid") -> list[Hit]:
        query = _clean_question(query, self.settings.max_question_chars)
        retriever = {"hybrid": self.hybrid, "dense": self.dense, "keyword": self.keyword}[mode]
        return retriever.retrieve(query, k or self.settings.top_k, filters)

    # --- answer ------------------------------------------------------------------
    def ask(
        self, question: str, conversation_id: str | None = None, filters: Filters | None = None,
        history: list[Turn] | None = None,
    ) -> Answer:
        """Answer one question. With `history` (a stateless client such as the
        OpenAI-compatible endpoint sends the whole exchange) nothing is stored;
        otherwise the turn joins conversation `conversation_id` (new when None)."""
        t0 = time.perf_counter()
        question = _clean_question(question, self.settings.max_question_chars)
        if history is None:
            conversation_id = self.conversations.ensure(conversation_id)
            history = self.conversations.turns(conversation_id)
        history = history[-self.settings.history_turns :]
        standalone = rewrite_followup(question, history)
        t1 = time.perf_counter()
        hits = self.hybrid.retrieve(standalone, self.settings.candidates, filters)
        t2 = time.perf_counter()
        answer = self.answerer.answer(question, standalone, hits)
        if filters is None or filters.is_empty() or filters.kind == "table":
            answer = merge(answer, self.table_answerer.answer(standalone))
        t3 = time.perf_counter()
        answer.conversation_id = conversation_id
        if conversation_id is not None:
            self.conversations.append(
                conversation_id,
                Turn(
                    question=question, standalone_question=standalone, answer=answer.answer,
                    short_answer=answer.short_answer, citations=[c.to_dict() for c in answer.citations],
                ),
            )
        t4 = time.perf_counter()
        answer.timings_ms = {
            "rewrite": _ms(t0, t1), "retrieve": _ms(t1, t2), "answer": _ms(t2, t3),
            "store": _ms(t3, t4), "total": _ms(t0, t4),
        }
        return answer

    def get_conversation(self, conversation_id: str) -> dict[str, Any]:
        return self.conversations.get(conversation_id)

    def delete_conversation(self, conversation_id: str) -> None:
        self.conversations.delete(conversation_id)

    # --- health --------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        """Model loaded and answering, stores reachable; raises StoreUnavailable."""
        if not self.vectors.ping():
            raise StoreUnavailable(f"the vector store at {self.vectors.where} does not answer")
        documents, chunks = self.catalog.counts()
        self.embedder.embed_query("ready?")
        return {"model": self.embedder.name, "documents": documents, "chunks": chunks}


def _clean_question(text: str, limit: int) -> str:
    text = (text or "").strip()
    if not text:
        raise QuestionError("the question is empty; type a question")
    if len(text) > limit:
        raise QuestionError(f"the question is {len(text)} characters long; the limit is {limit}")
    return text


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 2)
