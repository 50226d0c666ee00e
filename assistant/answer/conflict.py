"""Agreement and conflict, part of the answer stage: scored Evidence -> value groups.

In: the Evidence that supports an answer, each with a value and a comparable key. Out:
groups of Evidence that state the same value ("June 2021" and the row's "2021-06";
"Dunkirk" and "Verkor Gigafactory Dunkirk"), ordered so the group holding the most
recently dated source comes first, and whether they conflict: two groups of close
support, from different documents, stating different values for the same thing (a
planned date and a later one, two capacities, an entity and its new name). Undated
sources count as older than any dated one.
"""

from __future__ import annotations

from assistant.answer.evidence import Evidence

# A second value must be nearly as well supported as the best one to count as a
# conflicting statement of the same fact rather than an answer to another question.
# Both the support with context and the support of the sentence alone count, so that a
# sentence leaning on its neighbours ("The cells will first equip ...") does not rival
# one that states the whole fact.
PEER_SUPPORT = 0.9
PEER_SPAN = 0.5
CORROBORATE = 0.35  # agreeing evidence down to this share of the best support is cited too
_ARTICLES = {"the", "a", "an"}


def agree(a: tuple, b: tuple) -> bool:
    """Whether two value keys state the same thing (at the precision both give)."""
    if len(a) == 3 and len(b) == 3 and all(isinstance(x, int) for x in a + b):  # dates
        return a[0] == b[0] and all(x == 0 or y == 0 or x == y for x, y in zip(a[1:], b[1:]))
    if len(a) == 2 and len(b) == 2 and isinstance(a[0], float) and isinstance(b[0], float):  # quantities
        same = abs(a[0] - b[0]) <= 1e-6 * max(abs(a[0]), abs(b[0]), 1.0)
        return same and (not a[1] or not b[1] or a[1] == b[1] or set(a[1].split()) & set(b[1].split()) != set())
    x, y = _words(a), _words(b)
    return bool(x) and bool(y) and (x <= y or y <= x)


def _words(key: tuple) -> set[str]:
    text = " ".join(str(k) for k in key).lower().replace(",", " ")
    return {w for w in text.split() if w not in _ARTICLES}


def peers(ranked: list[Evidence]) -> list[Evidence]:
    """The evidence close enough to the best to be weighed against it."""
    best = ranked[0]
    return [e for e in ranked if e.support >= PEER_SUPPORT * best.support and e.direct >= PEER_SUPPORT * best.direct
            and e.span_score >= PEER_SPAN * best.span_score]


def value_groups(ranked: list[Evidence]) -> list[list[Evidence]]:
    """Groups of agreeing values among the best evidence: peers may open a group of their
    own (a conflicting value), weaker evidence only corroborates a value already there."""
    close = peers(ranked)
    groups = group(close)
    floor = CORROBORATE * ranked[0].support
    for e in ranked:
        if e in close or e.support < floor or e.key is None:
            continue
        for g in groups:
            if g[0].key is not None and agree(e.key, g[0].key):
                g.append(e)
                break
    return groups


def group(evidence: list[Evidence]) -> list[list[Evidence]]:
    groups: list[list[Evidence]] = []
    for e in evidence:
        for g in groups:
            if e.key is not None and g[0].key is not None and agree(e.key, g[0].key):
                g.append(e)
                break
        else:
            groups.append([e])
    return groups


def latest(g: list[Evidence]) -> str:
    return max((e.date or "" for e in g), default="")


def order(groups: list[list[Evidence]]) -> list[list[Evidence]]:
    """Most recently dated group first; ties keep the support order."""
    return sorted(groups, key=lambda g: latest(g), reverse=True)


def conflicting(groups: list[list[Evidence]]) -> bool:
    if len(groups) < 2:
        return False
    lead_docs = {e.hit.chunk.doc_id for e in groups[0]}
    return any(e.hit.chunk.doc_id not in lead_docs for g in groups[1:] for e in g)


def lead(g: list[Evidence]) -> Evidence:
    """The member whose wording becomes the short answer: the newest document
    sentence, else the best row ("June 2021" reads better than "2021-06")."""
    docs = [e for e in g if e.column is None]
    pool = docs or g
    newest = latest(pool)
    return next(e for e in pool if (e.date or "") == newest)
