"""Chunking stage: Document -> list[Chunk] with exact character offsets.

Documents are cut at sentence boundaries into chunks of about `chunk_chars`
characters, consecutive chunks sharing `overlap` sentences. A chunk's text is always
`doc.text[start:end]`, never re-joined or re-spaced, so citations can quote it exactly.
A table yields one chunk per row (its rendered line), so every row is retrievable and
citable on its own. Chunk ids hash (doc_id, start, end, text): re-chunking unchanged
text gives the same ids, which is what makes re-ingest a no-op.
"""

from __future__ import annotations

import hashlib
import re

from assistant.types import Chunk, Document

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before
# whitespace and an upper-case letter, digit or quote; or at a blank line; or at a
# line break before a markdown heading / list item. Abbreviations such as "e.g." or
# "Inc." followed by a lower-case word therefore do not split.
_SENTENCE_END = re.compile(
    r"""(?<=[.!?])["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9])"""
    r"""|\n\s*\n"""
    r"""|\n(?=\s*(?:[#*\-•]|\d+[.)]\s))"""
)
_ABBREVIATIONS = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|No|Inc|Ltd|Corp|Co|vs|e\.g|i\.e|approx|U\.S)\.|\b[A-Z]\.)$")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.group(0).strip() == "" and "\n" not in m.group(0) and _ABBREVIATIONS.search(text[cursor : m.start()]):
            continue
        append_trimmed(text, cursor, m.start(), spans)
        cursor = m.end()
    append_trimmed(text, cursor, end, spans)
    return spans


def append_trimmed(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    """Append text[s:e] less its outer whitespace to `out`, unless nothing is left."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


def chunk_id_for(doc_id: str, start: int, end: int, text: str) -> str:
    h = hashlib.sha256(f"{doc_id}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()
    return h[:24]


def chunk_document(doc: Document, chunk_chars: int = 500, overlap: int = 1) -> list[Chunk]:
    if doc.kind == "table":
        return [_row_chunk(doc, r) for r in doc.rows]
    spans = _split_long(doc.text, sentence_spans(doc.text), chunk_chars)
    chunks: list[Chunk] = []
    i = 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= chunk_chars:
            j += 1
        chunks.append(_text_chunk(doc, spans[i][0], spans[j][1]))
        if j + 1 >= len(spans):
            break
        i = max(i + 1, j + 1 - overlap)
    return chunks


def _split_long(text: str, spans: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Cut sentences longer than `limit` (tables flattened by PDF extraction, lists)
    at line breaks, then at spaces, so no chunk outgrows the model's window."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while e - s > limit:
            cut = text.rfind("\n", s + limit // 2, s + limit)
            if cut == -1:
                cut = text.rfind(" ", s + limit // 2, s + limit)
            if cut == -1:
                cut = s + limit
            append_trimmed(text, s, cut, out)
            s = cut
            while s < e and text[s].isspace():
                s += 1
        append_trimmed(text, s, e, out)
    return out


def _base_metadata(doc: Document) -> dict:
    keep = ("publisher", "date", "doc_type", "author")
    return {k: doc.metadata[k] for k in keep if doc.metadata.get(k)}


def _text_chunk(doc: Document, start: int, end: int) -> Chunk:
    text = doc.text[start:end]
    return Chunk(
        chunk_id=chunk_id_for(doc.doc_id, start, end, text),
        doc_id=doc.doc_id,
        text=text,
        start=start,
        end=end,
        kind="document",
        title=doc.title,
        source=doc.source,
        page=doc.page_at(start) if doc.pages else None,
        metadata=_base_metadata(doc),
    )


def _row_chunk(doc: Document, row) -> Chunk:
    text = doc.text[row.start : row.end]
    meta = _base_metadata(doc)
    meta["values"] = row.values
    if row.line is not None:
        meta["line"] = row.line
    return Chunk(
        chunk_id=chunk_id_for(doc.doc_id, row.start, row.end, text),
        doc_id=doc.doc_id,
        text=text,
        start=row.start,
        end=row.end,
        kind="table",
        title=doc.title,
        source=doc.source,
        row=row.row,
        metadata=meta,
    )
