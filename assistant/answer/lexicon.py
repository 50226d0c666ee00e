"""Words, part of the answer stage: text -> tokens with offsets, and word matching.

In: a sentence, a row value or a question. Out: `Token`s (surface form, normalized form,
character offsets), `strength(a, b)` (1 for the same word up to plural or a shared
stem, less for a synonym from the small domain table below, 0 otherwise) and `Vocab`,
a text's words indexed for fast look-up. Corpus statistics live in stats.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.store.terms import STOPWORDS

# A token: letters/digits with inner hyphens, dots, commas, slashes or apostrophes
# ("C-Crossover", "1,200", "12.5", "VC-LFP-280A", "Group's"), or a currency sign.
_TOKEN = re.compile(r"[€$£]|[\w%]+(?:[-.,’'/][\w%]+)*")
_POSSESSIVE = re.compile(r"[’']s$")

# Groups of words a question and a document use for the same thing. Kept small and
# domain-specific on purpose: a wrong synonym makes unrelated sentences look relevant.
SYNONYM_GROUPS = [
    {"build", "built", "manufacture", "manufactured", "manufacturing", "produce", "produced",
     "make", "made", "assemble", "assembled", "assembly"},
    {"first", "starting", "initially", "initial"},
    {"supply", "supplies", "supplied", "deliver", "delivers", "delivered", "delivery", "provide", "provides"},
    {"stake", "share", "equity", "shareholder", "shareholding", "own", "owns", "owned", "owner", "ownership"},
    {"plant", "factory", "gigafactory", "site", "facility"},
    {"vehicle", "car", "model"},
    {"name", "called", "renamed", "rename", "formerly", "becomes"},
    {"year", "yearly", "annual", "annually"},
    {"agreement", "partnership", "contract", "deal"},
    {"company", "firm", "business"},
    {"price", "cost", "costs", "pay", "paid"},
    {"job", "people", "employ", "employee", "worker", "staff"},
    {"manage", "manages", "managing", "run", "runs", "operate", "operates"},
    {"ceo", "chief"},
    {"city", "town"},
    {"replace", "replaces", "replaced", "replacement"},
    {"centre", "center"},
    # how accounts name the same measures
    {"sales", "revenue", "revenues"},
    {"expense", "expenses", "expenditure", "expenditures", "spending"},
    {"profit", "profits", "income", "earnings"},
]
_SYNONYMS: dict[str, frozenset[str]] = {}

MIN_STEM = 5  # two words sharing a prefix this long (and most of the shorter word) match
STEM_SHARE = 0.7


@dataclass(frozen=True)
class Token:
    text: str  # surface form as in the source
    norm: str  # lower-case, possessive and plural stripped
    start: int  # offsets into the text that was tokenized
    end: int

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()

    @property
    def is_number(self) -> bool:
        return self.text[:1].isdigit()


_NOT_PLURAL = {"does", "has", "was", "is", "this", "its", "us", "gas", "yes", "news", "series", "always",
               "perhaps", "less", "unless", "across", "thus", "lens", "bus", "plus", "whereas"}


def normalize(word: str) -> str:
    w = _POSSESSIVE.sub("", word.lower().replace("\u2019", "'"))
    if w in _NOT_PLURAL:
        return w
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")) and w.isalpha():
        return w[:-1]
    return w


for _group in SYNONYM_GROUPS:
    _normed = frozenset(normalize(w) for w in _group)
    for _word in _normed:
        _SYNONYMS[_word] = _SYNONYMS.get(_word, frozenset()) | _normed


def tokenize(text: str, offset: int = 0) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        surface = m.group(0)
        end = m.end()
        possessive = _POSSESSIVE.search(surface)
        if possessive and len(surface) > 2:  # "Group's": the name is the token, not the 's
            surface, end = surface[: possessive.start()], m.start() + possessive.start()
        out.append(Token(surface, normalize(surface), offset + m.start(), offset + end))
    return out


def content_words(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.norm not in STOPWORDS and len(t.norm) > 1]


SYNONYM_CREDIT = 0.75  # a synonym is weaker evidence than the word itself


@lru_cache(maxsize=200_000)
def strength(a: str, b: str) -> float:
    """How surely normalized words a and b stand for the same thing: 1 for the same word
    or stem, SYNONYM_CREDIT for a synonym, 0 otherwise."""
    if a == b:
        return 1.0
    if a.isalpha() and b.isalpha():
        shared = 0
        for x, y in zip(a, b):
            if x != y:
                break
            shared += 1
        if shared >= MIN_STEM and shared >= STEM_SHARE * min(len(a), len(b)):
            return 1.0
    return SYNONYM_CREDIT if b in _SYNONYMS.get(a, ()) else 0.0


def matches(a: str, b: str) -> bool:
    return strength(a, b) > 0


class Vocab:
    """The words of a text, indexed so `contains(word)` needs no scan of every word."""

    def __init__(self, words: set[str]):
        self.words = words
        self.by_prefix: dict[str, list[str]] = {}
        for w in words:
            if len(w) >= MIN_STEM:
                self.by_prefix.setdefault(w[:MIN_STEM], []).append(w)

    def contains(self, word: str) -> bool:
        if word in self.words or not self.words.isdisjoint(_SYNONYMS.get(word, ())):
            return True
        return len(word) >= MIN_STEM and any(strength(word, w) > 0 for w in self.by_prefix.get(word[:MIN_STEM], ()))


def synonyms(word: str) -> frozenset[str]:
    return _SYNONYMS.get(word, frozenset({word}))
