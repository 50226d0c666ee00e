"""Evidence selection, part of the answer stage: retrieved Hits -> scored `Evidence`.

In: the `Query` and the hybrid Hits. Out: one `Evidence` per sentence of the retrieved
document chunks, each with its exact offsets in the document text, its `support` (the
IDF-weighted share of the question's content words it covers, see `coverage`) and, for
typed questions, the best span of the expected type in it, placed by its closeness to
the question's words within the sentence's clauses. A sentence that lacks one of the question's anchors (a name
missing from its chunk, title and the document's opening, a number missing from the
sentence) supports nothing. A table flattened into lines by PDF extraction is split
into its rows (`table_lines`), so a row can be quoted on its own.
Table rows are scored the same way by `rows.py`. Sentences are split once per chunk and
cached by chunk id (a content hash, so the cache is never stale).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from assistant.answer import spans as sp
from assistant.answer.candidates import MIN_FIT, NAME_FIT, candidate_spans
from assistant.answer.lexicon import Token, Vocab, strength, tokenize
from assistant.answer.question import Query, Term
from assistant.answer.stats import TermStats
from assistant.ingest.chunk import append_trimmed, sentence_spans
from assistant.types import Hit

CONTEXT_CREDIT = 0.5  # a word found in the chunk or title but not in the sentence
PREDICATE_SHARE = 0.5  # weight of the non-name words' coverage in the support
# What is asked about a name must be said in the sentence itself; its neighbours only
# hint at it (the name, by contrast, is often a sentence or a title away).
PREDICATE_CONTEXT_CREDIT = 0.25
# A name the document opens with (its cover page, its title and lead) is what the whole
# document is about: a filing says "the Company" or "we" where the question says "Apple".
# Such a name earns less than one found in the passage itself.
LEAD_CHARS = 1000
LEAD_CREDIT = 0.35
# Long questions qualify their topic at length ("... in the most recent quarter compared
# to the previous ones"); a sentence answers them by covering the core of what is asked.
# The predicate share is measured against the weight of this many average predicate
# words at most, so that every added qualifier does not lower the support.
PREDICATE_CORE = 3
ANCHOR_PROXIMITY = 0.3  # names locate the sentence; predicate words locate the value in it
_HEADING = re.compile(r"#+\s+")
_OLD_VALUE = {("up", "from"), ("instead", "of"), ("down", "from")}
_OLD_WORDS = {"previously", "originally", "formerly", "initially"}
_PRONOUNS = {"it", "they", "he", "she"}
CLAUSE_GAP = 6  # a clause boundary between a word and a span counts as this many words
_CLAUSE_WORDS = {"and", "but", "while", "whereas", "which", "who"}
# Ranking among supported evidence: support first, then how well the span fits and is
# placed, then (barely) the retriever's cosine, which only breaks ties.
SPAN_WEIGHT = 0.25
DENSE_WEIGHT = 0.05


@dataclass
class Sentence:
    start: int  # offsets in the document text
    end: int
    text: str
    tokens: list[Token]  # offsets relative to the sentence


@dataclass
class Evidence:
    hit: Hit
    start: int  # offsets of the quote in the document text
    end: int
    text: str
    support: float = 0.0
    direct: float = 0.0  # support from the sentence (or row) alone, without its context
    span: sp.Span | None = None
    span_score: float = 0.0
    value: str | None = None  # short-answer rendering of the span
    key: tuple | None = None
    column: str | None = None  # table rows: the column holding the answer
    tokens: list[Token] = field(default_factory=list)

    @property
    def date(self) -> str | None:
        d = self.hit.chunk.metadata.get("date")
        return str(d) if d else None

    @property
    def rank_score(self) -> float:
        return self.support + SPAN_WEIGHT * self.span_score + DENSE_WEIGHT * (self.hit.dense_score or 0.0)


class SentenceCache:
    """chunk id -> its sentences, tokenized, and its words; a bounded LRU shared by the
    threads answering questions."""

    def __init__(self, size: int = 4096, lead: Callable[[str], str] | None = None):
        self.size = size
        self._items: OrderedDict[str, tuple[list[Sentence], Vocab]] = OrderedDict()
        self._leads: OrderedDict[str, Vocab] = OrderedDict()
        self._lead_text = lead
        self._lock = threading.Lock()

    def lead(self, hit: Hit) -> Vocab | None:
        """The words of the document's opening LEAD_CHARS (None without a lead reader)."""
        if self._lead_text is None:
            return None
        doc_id = hit.chunk.doc_id
        with self._lock:
            found = self._leads.get(doc_id)
        if found is None:
            text = self._lead_text(doc_id)[:LEAD_CHARS]
            words = {t.norm for t in tokenize(text)} | {t.norm for t in tokenize(re.sub(r"[.\-_/]", " ", text))}
            found = Vocab(words)  # "AMAZON.COM, INC." names Amazon
            with self._lock:
                self._leads[doc_id] = found
                if len(self._leads) > 256:
                    self._leads.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._leads.clear()

    def get(self, hit: Hit) -> tuple[list[Sentence], Vocab]:
        c = hit.chunk
        with self._lock:
            found = self._items.get(c.chunk_id)
            if found is not None:
                self._items.move_to_end(c.chunk_id)
                return found
        sentences = []
        for s0, e0 in sentence_spans(c.text):
            for s, e in table_lines(c.text, s0, e0):
                head = _HEADING.match(c.text, s)
                if head:
                    s = head.end()
                if e > s:
                    text = c.text[s:e]
                    sentences.append(Sentence(c.start + s, c.start + e, text, tokenize(text)))
        context = Vocab({t.norm for t in tokenize(c.text)} | {t.norm for t in tokenize(c.title)})
        with self._lock:
            self._items[c.chunk_id] = (sentences, context)
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return sentences, context


_FIGURE = re.compile(r"\d")
_ROW_END = re.compile(r"(?:\d|\)|%|—|-)\s*$")
SHORT_LINE = 45  # a line this short, without a full stop, is a heading or a table cell


def table_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A "sentence" of text extracted from a PDF may be a whole table flattened into lines
    ("Total net sales $ 82,959 $ 97,278 ..."): split it at every line break next to a line
    that is a row of figures or a short heading, so each row can be quoted alone. Prose
    wrapped at the page width keeps its lines together."""
    if "\n" not in text[start:end]:
        return [(start, end)]
    lines, cursor = [], start
    for m in re.finditer(r"\n", text[start:end]):
        lines.append((cursor, start + m.start()))
        cursor = start + m.end()
    lines.append((cursor, end))

    def tabular(s: int, e: int) -> bool:
        line = text[s:e].strip()
        return bool(_FIGURE.search(line) and _ROW_END.search(line)) or (len(line) < SHORT_LINE and not line.endswith("."))

    out: list[tuple[int, int]] = []
    s0 = lines[0][0]
    for (s, e), (s2, e2) in pairwise(lines):
        if tabular(s, e) or tabular(s2, e2):
            out.append((s0, e))
            s0 = s2
    out.append((s0, lines[-1][1]))
    trimmed: list[tuple[int, int]] = []
    for s, e in out:
        append_trimmed(text, s, e, trimmed)
    return trimmed


def weigh(query: Query, stats: TermStats) -> None:
    for term in query.terms:
        term.weight = stats.idf(term.norm)


@dataclass
class Cover:
    support: float  # blend of all words' and predicate words' coverage, in [0, 1]
    direct: float  # share of all words found in the text itself
    ok: bool  # every anchor and required word found where it must be
    where: dict[str, list[int]]  # term -> positions of its matches in the text


def coverage(terms: list[Term], here: list[Token], context: Vocab, year: str | None = None,
             lead: Vocab | None = None) -> Cover:
    """How much of the question `here` (a sentence or a row) states. Words found only in
    the context (chunk, title) earn CONTEXT_CREDIT; a year anchor may be the source's own
    date ("the 2024 update"). Names and numbers gate; what is asked about them (the
    predicate words) weighs PREDICATE_SHARE of the support, so that three names cannot
    outvote a missing "founded" or "stop"."""
    weights = [t.weight for t in terms if not t.anchor]
    predicate_total = sum(weights) if len(weights) <= PREDICATE_CORE else PREDICATE_CORE * sum(weights) / len(weights)
    total = (sum(t.weight for t in terms if t.anchor) + predicate_total) or 1.0
    got = direct = predicate = 0.0
    ok, where = True, {}
    for term in terms:
        best, pos = 0.0, []
        for i, tok in enumerate(here):
            s = strength(term.norm, tok.norm)
            if s > 0:
                pos.append(i)
                best = max(best, s)
        credit = 0.0
        if pos:
            credit = best
            direct += best * term.weight
            where[term.norm] = pos
        elif term.number and year is not None and term.norm == year:
            credit = CONTEXT_CREDIT
        elif not term.number and not term.required and context.contains(term.norm):
            credit = CONTEXT_CREDIT if term.anchor else PREDICATE_CONTEXT_CREDIT
        elif term.anchor and not term.number and lead is not None and lead.contains(term.norm):
            credit = LEAD_CREDIT
        elif term.anchor or term.required:
            ok = False
        got += credit * term.weight
        if not term.anchor:
            predicate += credit * term.weight
    share = PREDICATE_SHARE if predicate_total else 0.0
    predicate_part = min(1.0, predicate / predicate_total) if predicate_total else 0.0
    support = (1 - share) * min(1.0, got / total) + share * predicate_part
    return Cover(support, min(1.0, direct / total), ok, where)


def sentence_evidence(query: Query, hits: list[Hit], cache: SentenceCache, stats: TermStats) -> list[Evidence]:
    out: list[Evidence] = []
    seen: set[tuple[str, int]] = set()
    for hit in hits:
        if hit.chunk.kind != "document":
            continue
        sentences, context = cache.get(hit)
        lead = cache.lead(hit)
        year = str(hit.chunk.metadata.get("date") or "")[:4] or None
        for k, s in enumerate(sentences):
            if (hit.chunk.doc_id, s.start) in seen:
                continue
            seen.add((hit.chunk.doc_id, s.start))
            cover = coverage(query.terms, s.tokens, context, year, lead)
            if not cover.ok or cover.support <= 0:
                continue
            where = cover.where
            ev = Evidence(hit, s.start, s.end, s.text, support=cover.support, direct=cover.direct, tokens=s.tokens)
            _best_span(query, ev, where, stats)
            if k > 0 and query.type in NAME_FIT and s.tokens and s.tokens[0].norm in _PRONOUNS:
                ev = _antecedent(query, ev, sentences[k - 1], where, stats) or ev
            out.append(ev)
    return out


def _antecedent(query: Query, ev: Evidence, prev: Sentence, where: dict[str, list[int]],
                stats: TermStats) -> Evidence | None:
    """"It also runs a line in Tarragona" answers "which company" with the subject of the
    sentence before; the quote then spans both sentences, exactly as in the document."""
    fit = NAME_FIT[query.type]
    named = sp.names(prev.text, prev.tokens, stats.seen_lower, stats.category)
    subject = next((s for s in named if fit.get(s.category, 0) >= MIN_FIT), None)
    if subject is None or subject.key[0] in query.asked:
        return None
    weights = {t.norm: t.weight * (ANCHOR_PROXIMITY if t.anchor else 1.0) for t in query.terms}
    score = fit[subject.category] * (0.6 + 0.4 * _proximity([0], where, weights, clauses(ev.text, ev.tokens)))
    if score <= ev.span_score:
        return None
    chunk = ev.hit.chunk
    text = chunk.text[prev.start - chunk.start : ev.end - chunk.start]
    return Evidence(ev.hit, prev.start, ev.end, text, support=ev.support, direct=ev.direct, span=subject,
                    span_score=score, value=subject.text, key=subject.key, tokens=ev.tokens)


def _best_span(query: Query, ev: Evidence, where: dict[str, list[int]], stats: TermStats) -> None:
    best, best_score = None, 0.0
    weights = {t.norm: t.weight * (ANCHOR_PROXIMITY if t.anchor else 1.0) for t in query.terms}
    clause = clauses(ev.text, ev.tokens)
    names = {t.norm for t in query.anchors}
    numbers = [p for t in query.anchors if t.number for p in where.get(t.norm, ())]
    for span, fit in candidate_spans(query, ev.text, ev.tokens, stats):
        inside = [i for i, tok in enumerate(ev.tokens) if span.start <= tok.start < span.end]
        if inside and all(ev.tokens[i].norm in query.asked for i in inside):
            continue  # the span only repeats the question
        if inside and any(ev.tokens[i].norm in names for i in inside):
            fit *= 0.8  # "Corvina Energy" may answer a question naming Corvina Motors
        asked_number_near = bool(inside) and any(abs(p - inside[0]) <= 3 or abs(p - inside[-1]) <= 3 for p in numbers)
        if _old_value(ev.tokens, inside) and not asked_number_near:
            fit *= 0.3  # "up from the 8 GWh": unless the question asks for that older figure
        if fit < MIN_FIT:
            continue
        score = fit * (0.6 + 0.4 * _proximity(inside, where, weights, clause))
        if score > best_score:
            best, best_score = span, score
    if best is not None:
        ev.span, ev.span_score, ev.value, ev.key = best, best_score, best.text, best.key



def clauses(text: str, tokens: list[Token]) -> list[int]:
    """Clause number of each token: a new clause after ';' or ', and' / ', which' ..."""
    out, n = [], 0
    for i, t in enumerate(tokens):
        if i:
            gap = text[tokens[i - 1].end : t.start]
            if ";" in gap or ("," in gap and t.norm in _CLAUSE_WORDS):
                n += 1
        out.append(n)
    return out


def _proximity(inside: list[int], where: dict[str, list[int]], weights: dict[str, float],
               clause: list[int]) -> float:
    """How close the span sits to the question's words, predicate words counting most:
    a name says which sentence, the words around a value say which value."""
    if not inside or not where:
        return 0.0
    lo, hi = inside[0], inside[-1]
    total = got = 0.0
    for term, positions in where.items():
        d = min((lo - p if p < lo else (p - hi if p > hi else 0)) + CLAUSE_GAP * abs(clause[p] - clause[lo])
                for p in positions)
        got += weights.get(term, 1.0) / (1 + d / 3)
        total += weights.get(term, 1.0)
    return got / total if total else 0.0


def _old_value(tokens: list[Token], inside: list[int]) -> bool:
    if not inside:
        return False
    i = inside[0]
    before = [t.norm for t in tokens[max(0, i - 3) : i]]
    pairs = set(pairwise(before))
    return bool(pairs & _OLD_VALUE) or bool(set(before) & _OLD_WORDS)
