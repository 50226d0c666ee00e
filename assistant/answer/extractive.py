"""The embedded default answerer: question + retrieved Hits -> a grounded `Answer`. No LLM.

    question -> analyze (question.py): expected answer type, content words, anchors
    hits -> sentences and table rows, scored by support (evidence.py, rows.py)
         -> best typed span per sentence / answer column per row
         -> supported? else abstain, listing the closest passages under `related`
         -> group agreeing values, flag conflicts, newest source first (conflict.py)
         -> short answer, answer text with [n] markers, exact-quote citations (compose.py)
Open questions ("How has X changed?", "What are the factors behind X?") are answered
with up to three sentences about their topic, each cited, one of them a table row when
one states the figures. Yes/no questions are settled only when a sentence states the
asserted value (or another value of the same kind, or a negation); comparisons answer
each option and compare (compare.py). Support is the IDF-weighted share of the question's content words a
sentence covers; below `settings.abstain_threshold` nothing is an answer.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable

from assistant.answer import compare as comparison
from assistant.answer import conflict
from assistant.answer.candidates import candidate_spans
from assistant.answer.compose import Citer, abstention, dates_of, render
from assistant.answer.evidence import Evidence, SentenceCache, sentence_evidence, weigh
from assistant.answer.lexicon import matches, strength
from assistant.answer.question import (
    COMPARISON,
    DATE,
    OPEN,
    PHRASE,
    PLACE,
    QUANTITY,
    REASON,
    SENTENCE,
    THING,
    YESNO,
    Query,
    analyze,
)
from assistant.answer.rows import row_evidence
from assistant.answer.stats import TermStats
from assistant.config import Settings
from assistant.store.catalog import Catalog
from assistant.types import Answer, Hit

NEGATIONS = {"not", "no", "never", "cancelled", "canceled", "abandoned", "won't", "isn't", "aren't"}
# A sentence answering an untyped question must cover more of it than a sentence that
# also holds a value of the asked type: it has nothing else to show it is on point.
SENTENCE_MARGIN = 0.25
# An open question ("How has X changed?", "What drives X?") is answered with the best few
# sentences about its topic, each from its own passage and cited.
OPEN_SENTENCES = 3
# What is left of an open question once its framing is set aside is a short topic
# ("Amazon's total net sales"), all of it content: a sentence covering most of it is on
# point, and needs a smaller margin over the threshold than an untyped question's.
OPEN_MARGIN = 0.15
# Among those, a sentence stating a figure ("increased 8% to $2.1 billion") says more
# about how something changed than one that only names it.
FIGURE_BONUS = 0.1
# A sentence must say something beyond the question's own words: a heading ("Net Sales")
# or a bare label repeats the topic without stating anything about it.
MIN_NEW_WORDS = 3
# A conflict names the leading value and at most this many groups in all: a long filing
# states many figures near the same words, and a list of ten says nothing.
CONFLICT_GROUPS = 3


class ExtractiveAnswerer:
    def __init__(self, settings: Settings, catalog: Catalog, indexer=None):
        self.settings = settings
        self.catalog = catalog
        self.stats = TermStats(catalog)
        self.sentences = SentenceCache(lead=self._document_text)
        self._pages: OrderedDict[str, list[tuple[int, int]]] = OrderedDict()
        self._lock = threading.Lock()
        if indexer is not None:  # corpus statistics follow ingest and removal
            indexer.on_change.append(self.forget)

    def forget(self, *_args) -> None:
        self.stats.forget()
        self.sentences.clear()
        with self._lock:
            self._pages.clear()

    # --- entry point -------------------------------------------------------------
    def answer(self, question: str, standalone: str, hits: list[Hit]) -> Answer:
        query = analyze(standalone)
        weigh(query, self.stats)
        citer = Citer(self._page_of)
        result = Answer(question=question, standalone_question=standalone, answer="", short_answer=None,
                        abstained=False, conflict=False, citations=[], related=[], conversation_id=None)
        if query.type == COMPARISON:
            done = self._comparison(query, hits, citer, result)
        elif query.type == YESNO:
            done = self._yes_no(query, hits, citer, result)
        elif query.type == SENTENCE:
            done = self._sentence(query, hits, citer, result)
        elif query.type == OPEN:
            done = self._open(query, hits, citer, result)
        else:
            done = self._typed(query, hits, citer, result)
            if not done and (query.type in (REASON, THING) or (query.type == PHRASE and any(t.required for t in query.terms))):
                # no "because ..." or noun phrase to extract: the best sentence naming what is
                # asked about may still say it; a question for a value (how many, when, where,
                # who) needs the value itself
                done = self._sentence(query, hits, citer, result)
        if not done:
            return self._abstain(result, standalone, hits)
        result.citations = citer.citations
        kinds = {c.kind for c in result.citations}
        result.route = "both" if len(kinds) == 2 else ("tables" if kinds == {"table"} else "documents")
        return result

    # --- kinds of question -------------------------------------------------------
    def _supported(self, query: Query, hits: list[Hit], threshold: float | None = None) -> list[Evidence]:
        """Evidence holding a value of the asked type, above the threshold, best first."""
        limit = self.settings.abstain_threshold if threshold is None else threshold
        found = sentence_evidence(query, hits, self.sentences, self.stats) + row_evidence(query, hits)
        return sorted((e for e in found if e.value is not None and e.support >= limit),
                      key=lambda e: -e.rank_score)

    def _typed(self, query: Query, hits: list[Hit], citer: Citer, out: Answer) -> bool:
        ranked = self._supported(query, hits)
        if not ranked:
            return False
        groups = conflict.value_groups(ranked)
        out.conflict = conflict.conflicting(groups)
        if out.conflict:
            groups = conflict.order(groups)
        first = groups[0]
        head = conflict.lead(first)
        cited = _per_document([head] + [e for e in first if e is not head])[: self.settings.max_citations]
        out.short_answer = head.value
        if not out.conflict:
            out.answer = render("short", value=out.short_answer, markers=citer.markers(cited))
            return True
        lines = [render("conflict_lead", value=out.short_answer, markers=citer.markers(cited), date=dates_of(cited))]
        for g in groups[1:CONFLICT_GROUPS]:
            other = conflict.lead(g)
            others = _per_document([other] + [e for e in g if e is not other])[:2]
            lines.append(render("conflict_other", value=conflict.lead(g).value, markers=citer.markers(others),
                                date=dates_of(others)))
        out.answer = " ".join(lines)
        return True

    def _sentence(self, query: Query, hits: list[Hit], citer: Citer, out: Answer) -> bool:
        ranked = self._statements(query, hits)
        if not ranked:
            return False
        sentence = ranked[0].text.rstrip()
        sentence = sentence.removesuffix(".")  # the marker goes before the stop
        out.answer = render("sentence", sentence=sentence, markers=citer.markers(ranked[:1]))
        return True

    def _statements(self, query: Query, hits: list[Hit], margin: float = SENTENCE_MARGIN) -> list[Evidence]:
        """Sentences covering the question well enough to answer it without a typed value,
        that say more than the question itself, best first."""
        found = sentence_evidence(query, hits, self.sentences, self.stats)
        limit = min(1.0, self.settings.abstain_threshold + margin)
        return sorted((e for e in found if e.support >= limit and _says_more(query, e) and not _is_heading(e)),
                      key=lambda e: -e.rank_score)

    def _open(self, query: Query, hits: list[Hit], citer: Citer, out: Answer) -> bool:
        ranked = sorted(self._statements(query, hits, OPEN_MARGIN),
                        key=lambda e: -(e.rank_score + (FIGURE_BONUS if _FIGURE.search(e.text) else 0.0)))
        # Asked over time, the sentences come from different sources where they can;
        # otherwise the answer keeps to one source (the newest, when the latest is asked for).
        if ranked and not query.over_time:
            focus = (max(ranked, key=lambda e: e.date or "") if query.latest else ranked[0]).hit.chunk.doc_id
            ranked = sorted(ranked, key=lambda e: e.hit.chunk.doc_id != focus)  # stable: best first within
        # The best sentences, and the best table row among them when there is one: how
        # something changed is told in words and shown in figures.
        rows = [e for e in ranked if _is_row(e)]
        order = [e for e in ranked if not _is_row(e)][: OPEN_SENTENCES - 1] + rows[:1] + ranked
        chosen = _pick(order, OPEN_SENTENCES, distinct_documents=query.over_time)
        if not chosen:
            return False
        out.answer = " ".join(
            render("sentence", sentence=ev.text.rstrip().removesuffix("."), markers=citer.markers([ev]))
            for ev in chosen)
        return True

    def _yes_no(self, query: Query, hits: list[Hit], citer: Citer, out: Answer) -> bool:
        limit = self.settings.abstain_threshold
        found = [e for e in sentence_evidence(query, hits, self.sentences, self.stats) if e.support >= limit]
        for ev in sorted(found, key=lambda e: -e.rank_score):
            near = _near_terms(query, ev)
            negated = any(t.norm in NEGATIONS for t in ev.tokens)
            stated = all(any(matches(c.norm, t.norm) and near(i) for i, t in enumerate(ev.tokens)) for c in query.claims)
            if stated and (query.claims or _says_in_order(query, ev)):
                out.short_answer = "no" if negated else "yes"
                out.answer = render("no" if negated else "yes", markers=citer.markers([ev]))
                return True
            other = self._other_value(query, ev, near)
            if other:
                out.short_answer = "no"
                out.answer = render("no_value", value=other, markers=citer.markers([ev]))
                return True
        return False

    def _other_value(self, query: Query, ev: Evidence, near: Callable[[int], bool]) -> str | None:
        """A value of the same kind as an asserted one, stated instead of it, next to the
        question's words ("produced in France" for "... produced in Germany?")."""
        for claim in query.claims:
            kind = DATE if re.fullmatch(r"(?:19|20)\d{2}", claim.text) else (
                QUANTITY if claim.text[:1].isdigit() else PLACE)
            probe = Query(text=query.text, type=kind, asked=query.asked,
                          place_level="country" if kind == PLACE else None)
            for span, fit in candidate_spans(probe, ev.text, ev.tokens, self.stats):
                first = next((i for i, t in enumerate(ev.tokens) if t.start >= span.start), None)
                if fit < 1.0 or first is None or not near(first):
                    continue
                if not any(matches(c.norm, span.key[0] if isinstance(span.key[0], str) else "") for c in query.claims):
                    return span.text
        return None

    def _comparison(self, query: Query, hits: list[Hit], citer: Citer, out: Answer) -> bool:
        winner, sides = comparison.compare(query, lambda q: self._supported(_weighed(q, self.stats), hits))
        if winner is None:
            return False
        a, b = sides
        out.short_answer = winner.option
        out.answer = render(
            "comparison", winner=winner.option,
            a=a.option, value_a=a.value, markers_a=citer.markers(_per_document(a.evidence)[:2]),
            b=b.option, value_b=b.value, markers_b=citer.markers(_per_document(b.evidence)[:2]),
        )
        return True

    def _abstain(self, out: Answer, standalone: str, hits: list[Hit]) -> Answer:
        out.abstained, out.conflict, out.short_answer = True, False, None
        out.answer = abstention(standalone)
        out.citations = []
        out.related = [h.to_dict() for h in hits[:3]]
        out.route = "documents"
        return out

    def _document_text(self, doc_id: str) -> str:
        doc = self.catalog.get_document(doc_id)
        return doc.text if doc else ""

    def _page_of(self, doc_id: str, offset: int) -> int | None:
        with self._lock:
            pages = self._pages.get(doc_id)
        if pages is None:
            doc = self.catalog.get_document(doc_id)
            pages = list(doc.pages) if doc else []
            with self._lock:
                self._pages[doc_id] = pages
                if len(self._pages) > 256:
                    self._pages.popitem(last=False)
        page = None
        for number, start in pages:
            if start > offset:
                break
            page = number
        return page


NEAR = 6  # a value asserted or denied must sit this close (in words) to the question's words


def _near_terms(query: Query, ev: Evidence) -> Callable[[int], bool]:
    claimed = {c.norm for c in query.claims}
    spots = [i for i, tok in enumerate(ev.tokens)
             if tok.norm not in claimed and any(strength(t.norm, tok.norm) > 0 for t in query.terms)]
    return lambda i: any(abs(i - p) <= NEAR for p in spots)


def _says_in_order(query: Query, ev: Evidence) -> bool:
    """Without a value to check, a yes needs the question's own words, in its order:
    "Does Verkor supply Renault Group?" is confirmed by "Verkor will supply Renault
    Group", but not by "Renault Group and Verkor Partner to Supply"."""
    i = 0
    for term in query.terms:
        while i < len(ev.tokens) and strength(term.norm, ev.tokens[i].norm) < 1.0:
            i += 1
        if i == len(ev.tokens):
            return False
        i += 1
    return bool(query.terms)


_FIGURE = re.compile(r"\d[\d,.]*\s?(?:%|percent|million|billion)|\$\s?\d")


def _pick(order: list[Evidence], n: int, distinct_documents: bool) -> list[Evidence]:
    """The first n pieces of evidence in `order`, one per passage and never the same
    sentence twice (filings repeat their boilerplate); with distinct_documents, one per
    document first, then more from the same documents if too few remain."""
    chosen: list[Evidence] = []
    for per_document in ((True, False) if distinct_documents else (False,)):
        for ev in order:
            if len(chosen) == n:
                return chosen
            if any(ev.hit.chunk.chunk_id == c.hit.chunk.chunk_id or ev.text == c.text for c in chosen):
                continue
            if per_document and any(ev.hit.chunk.doc_id == c.hit.chunk.doc_id for c in chosen):
                continue
            chosen.append(ev)
    return chosen


def _is_row(ev: Evidence) -> bool:
    """A line of a table extracted from a PDF: figures, no full stop."""
    return sum(t.text[:1].isdigit() for t in ev.tokens) >= 2 and not ev.text.rstrip().endswith(".")


def _is_heading(ev: Evidence) -> bool:
    """A heading or a label ("Supplemental cash flow disclosure:", "CONDENSED CONSOLIDATED
    STATEMENTS OF CASH FLOWS (Unaudited)"): it names a topic and states nothing."""
    text = ev.text.rstrip()
    if _is_row(ev):
        return False
    letters = [c for c in text if c.isalpha()]
    shouting = bool(letters) and sum(c.isupper() for c in letters) > 0.6 * len(letters)
    return text.endswith(":") or shouting or (len(ev.tokens) < 8 and not text.endswith((".", "!", "?")))


def _says_more(query: Query, ev: Evidence) -> bool:
    """Words or figures beyond the question's: a table row ("Total net sales $ 82,959
    $ 97,278") states its figures, a heading states nothing."""
    new = {t.norm for t in ev.tokens if t.norm not in query.asked
           and ((len(t.norm) > 2 and t.norm.isalpha()) or t.text[:1].isdigit())}
    return len(new) >= MIN_NEW_WORDS


def _per_document(evidence: list[Evidence]) -> list[Evidence]:
    """The best piece of evidence from each document (a row counts as its own)."""
    seen: set[tuple[str, int | None]] = set()
    out = []
    for e in evidence:
        key = (e.hit.chunk.doc_id, e.hit.chunk.row)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _weighed(query: Query, stats: TermStats) -> Query:
    weigh(query, stats)
    return query
