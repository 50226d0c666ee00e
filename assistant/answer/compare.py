"""Comparison, part of the answer stage: "Which X more/first, A or B?" -> a winner.

In: a comparison `Query` (its options, the direction and the kind of value compared)
and a function that finds the ranked, supported Evidence for a sub-question. Out: for
each option the value that answers "how much / when ... for this option" (the most
recent source's value where sources disagree), and the winning option, or None when
either value is missing or the two cannot be compared (different units).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer import conflict
from assistant.answer.evidence import Evidence
from assistant.answer.lexicon import content_words, tokenize
from assistant.answer.question import DATE, Query, Term


@dataclass
class Side:
    option: str
    evidence: list[Evidence]  # the lead group: every source stating the winning value
    value: str
    key: tuple


def sub_query(query: Query, option: str) -> Query:
    """The comparison's stem asked about one option: its words become anchors."""
    option_terms = [Term(t.norm, t.text, anchor=True, number=t.text[:1].isdigit())
                    for t in content_words(tokenize(option))]
    other = {t.norm for o in query.options if o != option for t in tokenize(o)}
    terms = [t for t in query.terms if t.norm not in other] + option_terms
    return Query(text=f"{query.text} [{option}]", type=query.value_type, terms=terms, unit=query.unit,
                 asked={t.norm for t in terms})


def compare(query: Query, find: Callable[[Query], list[Evidence]]) -> tuple[Side | None, list[Side]]:
    sides: list[Side] = []
    for option in query.options:
        ranked = find(sub_query(query, option))
        if not ranked:
            return None, sides
        groups = conflict.order(conflict.value_groups(ranked))
        first = groups[0]
        lead = conflict.lead(first)
        sides.append(Side(option, first, lead.value or "", lead.key or ()))
    a, b = sides
    if not _comparable(query, a.key, b.key) or conflict.agree(a.key, b.key):
        return None, sides
    larger = a if _number(query, a.key) > _number(query, b.key) else b
    smaller = b if larger is a else a
    return (larger if query.direction == "max" else smaller), sides


def _comparable(query: Query, a: tuple, b: tuple) -> bool:
    if query.value_type == DATE:
        return len(a) == 3 and len(b) == 3
    return len(a) == 2 and len(b) == 2 and (a[1] == b[1] or not a[1] or not b[1])


def _number(query: Query, key: tuple) -> float:
    if query.value_type == DATE:
        year, month, day = key
        return year * 10000 + (month or 6) * 100 + (day or 15)
    return float(key[0])
