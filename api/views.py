"""Documents as the API shows them: a catalog record with its chunks, and a quoted
span in its surrounding text.

In: the core's `Document` (extracted text, pages, rows) and its catalog record. Out:
plain dicts matching `schemas.DocumentDetail` and `schemas.DocumentContext`. The
context window is cut at whitespace so the chat page shows whole words around the
highlighted quote; offsets are the same character offsets citations carry.
"""

from __future__ import annotations

from typing import Any

from api.errors import BadRequest
from assistant.pipeline import Assistant


def document_detail(assistant: Assistant, doc_id: str, with_text: bool) -> dict[str, Any]:
    doc = assistant.get_document(doc_id)  # DocumentNotFound -> 404
    record = assistant.document_record(doc_id)
    chunks = assistant.document_chunks(doc_id)
    return {
        **record,
        "characters": len(doc.text), "pages": len(doc.pages), "rows": len(doc.rows),
        "chunks": [
            {"chunk_id": c.chunk_id, "start": c.start, "end": c.end, "page": c.page, "row": c.row, "text": c.text}
            for c in chunks
        ],
        "text": doc.text if with_text else None,
    }


def document_context(assistant: Assistant, doc_id: str, start: int, end: int, window: int) -> dict[str, Any]:
    doc = assistant.get_document(doc_id)
    text = doc.text
    if not 0 <= start <= end <= len(text):
        raise BadRequest(f"start and end must satisfy 0 <= start <= end <= {len(text)} (the document's length)")
    lo = _word_start(text, max(0, start - window))
    hi = _word_end(text, min(len(text), end + window))
    page = doc.page_at(start)
    locator = f"page {page}, chars {start}-{end}" if page is not None else f"chars {start}-{end}"
    return {
        "doc_id": doc.doc_id, "title": doc.title, "source": doc.source, "start": start, "end": end,
        "context_start": lo, "context_end": hi, "before": text[lo:start], "quote": text[start:end],
        "after": text[end:hi], "locator": locator,
        "document_length": len(text),
    }


def _word_start(text: str, i: int) -> int:
    """Move forward to the start of a word, unless `i` is the start of the text."""
    if i == 0 or text[i - 1].isspace():
        return i
    j = i
    while j < len(text) and not text[j].isspace():
        j += 1
    return j if j - i < 40 else i  # a very long "word" (a URL): cut it rather than lose it


def _word_end(text: str, i: int) -> int:
    if i == len(text) or text[i].isspace():
        return i
    j = i
    while j > 0 and not text[j - 1].isspace():
        j -= 1
    return j if i - j < 40 else i
