"""Routing between documents and tables: a document Answer + a TableAnswer -> one Answer.

In: the extractive answerer's Answer and, when the table planner mapped the question
with confidence, its TableAnswer (an aggregate or a lookup computed in SQLite). Out: one
Answer with one citation numbering.
- Aggregates (count, sum, average, min/max, group, comparison, lists) lead with the
  table result and its computation; agreeing document evidence is cited beside it.
- Lookups lead with the document answer (it quotes prose and knows dates); the table's
  rows are cited beside it when they state the same value, and when they state another
  value the answer says so and `conflict` is set.
- No table answer, or none worth adding: the document answer as it was.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.answer.compose import render
from assistant.types import Answer, Citation

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
AGGREGATES = {"count", "sum", "average", "min", "max", "group", "comparison", "list", "rows"}
# Operations a question names outright ("total", "average", "per customer", "compared").
EXPLICIT = {"sum", "average", "min", "max", "group", "comparison"}
# When the documents support no answer, a table reading must stand on its own: a lookup,
# list or count is taken only if the planner assumed nothing (1.0; one assumption is
# 0.85). "How many GWh a year will Verkor supply by 2030?" reads 'by 2030' as a site
# year only by assumption, and the documents say nothing of 2030: abstain.
STANDALONE_CONFIDENCE = 0.95


def merge(doc: Answer, table: Any | None) -> Answer:
    if table is None:
        return doc
    if doc.abstained and table.operation not in EXPLICIT and table.confidence < STANDALONE_CONFIDENCE:
        return doc
    if table.operation in AGGREGATES or doc.abstained:
        return _table_leads(doc, table)
    return _document_leads(doc, table)


def same_value(a: str | None, b: str | None) -> bool:
    """'12 GWh' ~ '12 GWh per year'; 'the Alpine ... GT' ~ 'Alpine ... GT'; '2021-06' ~ 'June 2021' (by numbers)."""
    if not a or not b:
        return False
    na, nb = _NUMBER.findall(a.replace(",", "")), _NUMBER.findall(b.replace(",", ""))
    if na and nb:
        return bool({float(x) for x in na} & {float(x) for x in nb})
    ka, kb = _key(a), _key(b)
    return bool(ka and kb) and (ka in kb or kb in ka)


def _table_leads(doc: Answer, table) -> Answer:
    out = Answer(
        question=doc.question, standalone_question=doc.standalone_question, answer=table.answer,
        short_answer=table.short_answer, abstained=False, conflict=False, citations=list(table.citations),
        related=[], conversation_id=doc.conversation_id, computation=table.computation, route="tables",
    )
    if not doc.abstained and same_value(doc.short_answer, table.short_answer):
        extra = _append(out.citations, doc.citations)
        if extra:
            out.answer = f"{out.answer} {''.join(f'[{n}]' for n in extra)}"
            out.route = "both"
    return out


def _document_leads(doc: Answer, table) -> Answer:
    rows = _append(doc.citations, table.citations)
    if not rows:  # the document answer already cites these rows
        return doc
    markers = "".join(f"[{n}]" for n in rows)
    if same_value(doc.short_answer, table.short_answer):
        doc.answer = _add_markers(doc.answer, markers)
    else:
        doc.conflict = True
        doc.answer = f"{doc.answer} " + render("table_disagrees", value=table.short_answer, markers=markers)
    doc.computation = doc.computation or table.computation
    doc.route = "both"
    return doc


def _append(citations: list[Citation], more: list[Citation]) -> list[int]:
    """Add `more` after `citations`, renumbered, skipping quotes already cited; new numbers."""
    have = {(c.doc_id, c.start, c.end): c.n for c in citations}
    added: list[int] = []
    for c in more:
        key = (c.doc_id, c.start, c.end)
        if key in have:
            continue
        n = len(citations) + 1
        citations.append(Citation(**{**c.to_dict(), "n": n}))
        have[key] = n
        added.append(n)
    return added


def _add_markers(text: str, markers: str) -> str:
    """Put extra markers after the first run of markers (the short answer's)."""
    m = re.search(r"(?:\[\d+\])+", text)
    return text[: m.end()] + markers + text[m.end():] if m else f"{text} {markers}"


def _key(text: str) -> str:
    words = re.sub(r"[^\w%]+", " ", text.lower()).split()
    while words and words[0] in ("the", "a", "an", "future", "new"):
        words = words[1:]
    return " ".join(words)
