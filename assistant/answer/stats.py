"""Corpus statistics, part of the answer stage: the indexed catalog -> word weights.

In: every chunk of the catalog. Out: `TermStats`: the inverse document frequency of each
word (what makes "Dunkirk" count for more than "batteries" when a sentence's coverage
of a question is weighed), which words occur in lower case (a capitalized word that also
occurs in lower case is a common word opening a sentence, not a name), and the category
of names that table columns give away (a `supplier` is an organisation, a
`first_vehicle` a vehicle). Built lazily on first use and again after an ingest (the
indexer calls `forget`), never per query.
"""

from __future__ import annotations

import math
import re
import threading

from assistant.answer.lexicon import MIN_STEM, matches, normalize, synonyms, tokenize
from assistant.store.catalog import Catalog

# Table column words -> the category of the names in that column.
COLUMN_CATEGORIES = {
    "supplier": "org", "customer": "org", "investor": "org", "company": "org", "partner": "org",
    "manufacturer": "org", "maker": "org", "brand": "org", "buyer": "org", "seller": "org",
    "owner": "org", "operator": "org", "vehicle": "vehicle", "model": "vehicle", "car": "vehicle",
    "site": "site", "plant": "place", "factory": "site", "country": "place", "city": "place",
    "location": "place", "region": "place", "town": "place",
}


def name_key(text: str) -> str:
    return " ".join(normalize(t.text) for t in tokenize(text))


class TermStats:
    """Chunk frequency of every normalized word in the catalog, and words seen lower-case.

    Computed on first use and after `forget()` (the indexer's change listener), under a
    lock, so concurrent questions never see a half-built table.
    """

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._lock = threading.Lock()
        self._df: dict[str, int] | None = None
        self._by_prefix: dict[str, list[str]] = {}
        self._lower: set[str] = set()
        self._categories: dict[str, str] = {}
        self._chunks = 0

    def forget(self, *_args) -> None:
        with self._lock:
            self._df = None

    def _ensure(self) -> dict[str, int]:
        df = self._df
        if df is not None:
            return df
        with self._lock:
            if self._df is None:
                self._build()
            return self._df  # type: ignore[return-value]

    def _build(self) -> None:
        df: dict[str, int] = {}
        lower: set[str] = set()
        categories: dict[str, str] = {}
        chunks = 0
        for doc in self.catalog.list_documents():
            for chunk in self.catalog.document_chunks(doc["doc_id"]):
                chunks += 1
                for column, value in (chunk.metadata.get("values") or {}).items():
                    last = re.split(r"[_\s]+", column.lower())[-1]
                    category = COLUMN_CATEGORIES.get(normalize(last)) or COLUMN_CATEGORIES.get(
                        normalize(re.split(r"[_\s]+", column.lower())[0]))
                    if category and value and not value[:1].isdigit():
                        categories.setdefault(name_key(value), category)
                seen = set()
                for t in tokenize(chunk.text):
                    seen.add(t.norm)
                    if t.text.islower():
                        lower.add(t.norm)
                for w in seen:
                    df[w] = df.get(w, 0) + 1
        by_prefix: dict[str, list[str]] = {}
        for w in df:
            if len(w) >= MIN_STEM and w.isalpha():
                by_prefix.setdefault(w[:MIN_STEM], []).append(w)
        self._by_prefix, self._lower, self._chunks = by_prefix, lower, chunks
        self._categories = categories
        self._df = df

    def idf(self, word: str) -> float:
        """log((N + 1) / (df + 0.5)), df counting the word's plural, stem and synonyms."""
        df = self._ensure()
        n = max(self._chunks, 1)
        count = max([df.get(w, 0) for w in synonyms(word)] + [df.get(word, 0)])
        if count == 0 and len(word) >= MIN_STEM:
            count = max((df[w] for w in self._by_prefix.get(word[:MIN_STEM], ()) if matches(word, w)), default=0)
        return math.log((n + 1) / (count + 0.5))

    def seen_lower(self, word: str) -> bool:
        """Whether the word occurs in lower case somewhere: a common word, not a name."""
        self._ensure()
        return word in self._lower

    def category(self, key: str) -> str | None:
        """The category a table column gives the name with this key, if any."""
        self._ensure()
        return self._categories.get(key)
