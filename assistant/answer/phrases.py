"""Phrase spans, part of the answer stage: one sentence -> noun phrases, renamings, causes.

In: a sentence's text and tokens (and its name spans, for renamings). Out: `Span`s for
answers that are not a single typed value: the noun phrase a "which segments / what
kind of agreement" question asks for, with its modifiers; the old and new names in a
renaming ("X has been renamed Y", "Y, formerly X"); the cause a "why" question asks for
("after a delay in equipment installation").
"""

from __future__ import annotations

import re

from assistant.answer.lexicon import Token, synonyms
from assistant.answer.spans import Span
from assistant.store.terms import STOPWORDS

_GAP = re.compile(r"(?:[’']s)?\s+")
_PAREN_GAP = re.compile(r"[\s()]*")


def phrases(text: str, tokens: list[Token], head: str) -> list[Span]:
    """Noun phrases headed by `head` (or a synonym), with their modifiers: "a long-term
    commercial partnership", "lithium iron phosphate (LFP) battery cells", "the upper
    segments of Renault Group's brands". `key` holds the phrase; `unit` counts modifiers."""
    out: list[Span] = []
    heads = synonyms(head)
    for h, t in enumerate(tokens):
        if t.norm not in heads:
            continue
        s = h
        while s > 0 and _PAREN_GAP.fullmatch(text[tokens[s - 1].end : tokens[s].start]) and tokens[s - 1].end < tokens[s].start:
            prev = tokens[s - 1]
            if prev.norm in ("a", "an", "the"):
                s -= 1
                break
            acronym = prev.text.isupper() and "(" in text[max(0, prev.start - 1) : prev.start]
            if prev.norm in STOPWORDS or not (prev.text.islower() or acronym):
                break
            s -= 1
        e = h
        if h + 1 < len(tokens) and tokens[h + 1].norm == "of":
            e = h + 1
            while e + 1 < len(tokens) and e - h < 5:
                nxt = tokens[e + 1]
                gap = text[tokens[e].end : nxt.start]
                if not _GAP.fullmatch(gap) or (nxt.norm in STOPWORDS and nxt.norm not in ("a", "an", "the")):
                    break
                e += 1
            if e == h + 1:
                e = h
        start, end = tokens[s].start, tokens[e].end
        if start > 0 and text[start - 1] == "(":
            start -= 1
        modifiers = [x for x in tokens[s:h] if x.norm not in ("a", "an", "the")]
        out.append(Span("phrase", start, end, text[start:end], (text[start:end].lower(),), unit=str(len(modifiers))))
    return out


def renaming(text: str, named: list[Span]) -> tuple[Span, Span] | None:
    """(old name, new name) from "X ... renamed Y", "X becomes Y" or "Y, formerly X"."""
    m = _FORMERLY.search(text)
    if m:
        new = [s for s in named if s.end <= m.start()]
        old = [s for s in named if s.start >= m.end()]
        if new and old:
            return old[0], new[-1]
    m = _RENAMED.search(text)
    if m:
        old = [s for s in named if s.end <= m.start()]
        new = [s for s in named if s.start >= m.end()]
        if old and new:
            return old[0], new[0]
    return None


_RENAMED = re.compile(r"\b(?:renamed|rebranded|becomes|became|changed its name to|(?:is )?now (?:called|known as))\s+(?:as\s+)?",
                      re.IGNORECASE)
_FORMERLY = re.compile(r"\bformerly(?:\s+(?:known as|called))?\s+", re.IGNORECASE)


_REASON = re.compile(r"\b(?:because of|because|due to|owing to|as a result of|following|after)\s+(?![\d(])([^,;.]+)",
                     re.IGNORECASE)


def reasons(text: str) -> list[Span]:
    """The cause a sentence gives: "After a delay in equipment installation, ..."."""
    return [Span("reason", m.start(1), m.end(1), m.group(1).strip(), (m.group(1).strip().lower(),))
            for m in _REASON.finditer(text)]
