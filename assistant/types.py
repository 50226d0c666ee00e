"""Shared vocabulary of every stage: Document, Chunk, Hit, Citation, Answer, Turn.

Plain dataclasses, no behaviour beyond small conversions, so that each stage can be
tested alone and the API and evaluation never see library types (Chroma, llama-index).

Offsets: every Chunk and Citation carries `start`/`end`, character offsets into its
document's *extracted text* (`Document.text`), so `doc.text[start:end] == quote` holds
for every citation. A table row is a line of its table's extracted text, so the same
property holds for row citations.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["document", "table"]


@dataclass
class Document:
    """One ingested file, after extraction."""

    doc_id: str  # stable id of the source (hash of its key), not of its content
    source: str  # absolute path (or upload path) the text came from
    title: str
    kind: Kind
    text: str  # the extracted text; all offsets point into it
    content_hash: str  # sha256 of the file's bytes: unchanged hash => nothing to do
    media_type: str = ""  # md, txt, html, pdf, docx, csv, json
    metadata: dict[str, Any] = field(default_factory=dict)  # publisher, date, doc_type...
    # pdf: (page number starting at 1, char offset where the page starts in `text`)
    pages: list[tuple[int, int]] = field(default_factory=list)
    # tables: one entry per data row: its row number, its values, and its line span
    rows: list[TableRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. skipped ragged rows

    def page_at(self, offset: int) -> int | None:
        page = None
        for number, start in self.pages:
            if start > offset:
                break
            page = number
        return page


@dataclass
class TableRow:
    row: int  # 1-based data row number (header excluded); for CSV, file line = row + 1
    values: dict[str, str]
    start: int  # span of the rendered row in the table's extracted text
    end: int
    line: int | None = None  # line in the source file, when it has lines


@dataclass
class Chunk:
    chunk_id: str  # content hash of (doc_id, start, end, text)
    doc_id: str
    text: str
    start: int
    end: int
    kind: Kind = "document"
    title: str = ""
    source: str = ""
    page: int | None = None
    row: int | None = None  # table row number for table chunks
    metadata: dict[str, Any] = field(default_factory=dict)  # publisher, date, values...

    @property
    def locator(self) -> str:
        if self.row is not None:
            return f"row {self.row}"
        if self.page is not None:
            return f"page {self.page}, chars {self.start}-{self.end}"
        return f"chars {self.start}-{self.end}"


@dataclass
class Hit:
    chunk: Chunk
    score: float  # fused score (higher is better)
    rank: int = 0  # 1-based after fusion
    dense_score: float | None = None  # cosine similarity, when the dense side found it
    keyword_score: float | None = None  # BM25 score, when the keyword side found it

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "dense_score": None if self.dense_score is None else round(self.dense_score, 4),
            "keyword_score": None if self.keyword_score is None else round(self.keyword_score, 4),
            "chunk_id": c.chunk_id,
            "doc_id": c.doc_id,
            "title": c.title,
            "source": c.source,
            "kind": c.kind,
            "locator": c.locator,
            "page": c.page,
            "row": c.row,
            "start": c.start,
            "end": c.end,
            "date": c.metadata.get("date"),
            "publisher": c.metadata.get("publisher"),
            "text": c.text,
        }


@dataclass
class Filters:
    """Metadata filters for retrieval; every field optional, all combined with AND."""

    doc_ids: list[str] | None = None
    kind: Kind | None = None
    publisher: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive

    def is_empty(self) -> bool:
        return not (self.doc_ids or self.kind or self.publisher or self.date_from or self.date_to)


@dataclass
class Citation:
    n: int
    doc_id: str
    title: str
    source: str
    locator: str
    quote: str  # exactly Document.text[start:end]
    start: int
    end: int
    date: str | None = None
    kind: Kind = "document"
    row: int | None = None
    page: int | None = None
    values: dict[str, str] | None = None  # table rows: column -> value

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    question: str
    standalone_question: str
    answer: str  # readable text with [n] markers
    short_answer: str | None
    abstained: bool
    conflict: bool
    citations: list[Citation]
    related: list[dict[str, Any]]  # closest passages (Hit.to_dict()) when abstaining
    conversation_id: str | None
    timings_ms: dict[str, float] = field(default_factory=dict)
    computation: str | None = None  # tables: how a figure was computed
    route: str = "documents"  # documents | tables | both

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["citations"] = [c.to_dict() for c in self.citations]
        return d


@dataclass
class Turn:
    """One question/answer exchange of a conversation."""

    question: str
    standalone_question: str
    answer: str
    short_answer: str | None
    created_at: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FileReport:
    """What ingest did with one file."""

    path: str
    status: Literal["added", "updated", "unchanged", "removed", "failed"]
    doc_id: str | None = None
    chunks: int = 0
    error: str | None = None  # reason, when failed
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    embedded: int = 0  # chunks embedded in this run (0 for an unchanged corpus)
    seconds: float = 0.0

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)
