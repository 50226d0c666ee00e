"""Keyword query terms: a question -> the words worth matching in the BM25 index.

In: query text (and, for pruning, each term's document frequency). Out: lower-cased
content words in order; codes such as "KT-5562" stay whole (FTS5 reads a quoted code
as a phrase of its parts). Used by the catalog's FTS5 search.
"""

from __future__ import annotations

import re

# Words that carry no evidence: keeping them out of the keyword query keeps BM25
# from rewarding chunks for "the" and keeps FTS5 from scanning half the index.
STOPWORDS = frozenset(
    """a an and are as at be been by can could did do does for from had has have how i in
    into is it its of on or our so than that the their them then there these they this to
    was we were what when where which who whom whose why will with would you your about
    any many much more most also s tell me please give show list""".split()
)
# A word, or a code held together by inner hyphens, dots or slashes ("KT-5562", "3.5",
# "C-Crossover"); FTS5 reads a quoted code as a phrase of its parts. Apostrophes split
# ("Apple's" -> "apple"), as the index's tokenizer splits them.
_WORD = re.compile(r"\w+(?:[\-./]\w+)*", re.UNICODE)


def keyword_terms(query: str) -> list[str]:
    """Content words of a query, lower-cased, in order, without duplicates."""
    seen: list[str] = []
    for word in _WORD.findall(query.lower()):
        if len(word) > 1 and word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen


# Keyword queries drop terms held by more than this share of chunks (IDF near zero)...
COMMON_SHARE = 0.2
# ...but always keep this many of their rarest terms.
MIN_TERMS = 2
SMALL_INDEX = 1000


def selective_terms(terms: list[str], counts: dict[str, int], total: int) -> list[str]:
    """Drop terms found in more than COMMON_SHARE of all chunks ("sales" in a folder of
    financial reports): their IDF is near zero, so they barely move BM25, yet they make
    FTS5 score most of the index. The rarest MIN_TERMS always stay; a small index
    (under SMALL_INDEX chunks) is cheap to score whole and keeps every term."""
    if total < SMALL_INDEX or len(terms) <= MIN_TERMS:
        return terms
    rarest = sorted(terms, key=lambda t: counts[t])[:MIN_TERMS]
    return [t for t in terms if t in rarest or counts[t] <= COMMON_SHARE * total]
