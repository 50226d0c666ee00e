"""Typed candidates, part of the answer stage: a sentence + the asked type -> spans.

In: the `Query` (its answer type, unit, head noun) and one sentence's text and tokens.
Out: the spans that could answer it, each with its *fit*: how well its kind matches
what is asked (1.0 for a date to "when"; a guessed organisation 1.0 and a vehicle name
0.2 for "which company"). Type-specific rules live here: units for quantities, the
city/country level for places, old or new names for renamings, "<person>, chief
executive of <org>" for people, owners for "which company's gigafactory".
"""

from __future__ import annotations

from assistant.answer import phrases as ph
from assistant.answer import spans as sp
from assistant.answer.lexicon import Token, matches
from assistant.answer.question import (
    CODE,
    DATE,
    NAME,
    ORG,
    PERSON,
    PHRASE,
    PLACE,
    QUANTITY,
    REASON,
    SITE,
    THING,
    VEHICLE,
    Query,
)
from assistant.answer.stats import TermStats

MIN_FIT = 0.3  # a span fitting the asked type worse than this is no answer (a site for "which vehicle")
# How well a name of each guessed category answers each asked type.
NAME_FIT = {
    ORG: {"org": 1.0, "": 0.7, "person": 0.3, "site": 0.3, "vehicle": 0.2, "place": 0.1},
    PERSON: {"person": 1.0, "": 0.5, "org": 0.2},
    VEHICLE: {"vehicle": 1.0, "": 0.6, "org": 0.2, "site": 0.1},
    SITE: {"site": 1.0, "place": 0.5, "": 0.4, "org": 0.2},
    NAME: {"org": 0.9, "": 0.9, "person": 0.8, "vehicle": 0.8, "site": 0.8, "place": 0.4},
}


def candidate_spans(query: Query, text: str, tokens: list[Token], stats: TermStats) -> list[tuple[sp.Span, float]]:
    """Spans of the asked type in one text, with how well each fits the type."""
    t = query.type
    if t == DATE:
        return [(s, 1.0) for s in sp.dates(text)]
    if t == QUANTITY:
        found = sp.quantities(text, tokens, [d for d in sp.dates(text) if len(d.text) >= 4])
        return [(s, 1.0) for s in found if unit_fits(query.unit, s.unit)]
    if t == CODE:
        return [(s, 1.0) for s in sp.codes(tokens)]
    if t == REASON:
        return [(s, 1.0) for s in ph.reasons(text)]
    if t == PHRASE and query.head:
        found = ph.phrases(text, tokens, query.head)
        if query.kind_of:  # "what kind of cells": the more the phrase says, the better
            return [(s, min(1.0, 0.4 + 0.2 * int(s.unit))) for s in found if int(s.unit) > 0]
        return [(s, 1.0) for s in found]
    named = sp.names(text, tokens, stats.seen_lower, stats.category)
    if t == THING:
        return [(s, 1.0) for s in sp.codes(tokens)] + [(s, 0.8) for s in named]
    if t == NAME and query.head:
        pair = ph.renaming(text, named)
        if pair is None:
            return []
        old, new = pair
        return [(old, 1.0), (new, 0.2)] if query.old_name else [(new, 1.0), (old, 0.2)]
    if t == PLACE:
        out = []
        for s in sp.places(text, named):
            if query.place_level == "country":
                out.append((s, 1.0 if s.category == "country" else 0.2))
            else:
                out.append((s, 1.0 if s.category == "city" else 0.7))
        return out
    fit = NAME_FIT.get(t)
    if fit is None:
        return []
    out = [(s, fit.get(s.category, 0.0)) for s in named if fit.get(s.category, 0.0) > 0]
    if t == PERSON:
        out = [(s, f) for s, f in out if _person_of(query, tokens, s) and (s.category == "person" or _personal(s))]
    if query.possessed:  # "which company's gigafactory": owners of a gigafactory first
        out = [(s, f * 0.5) for s, f in out] + [(s, 1.0) for s in owners(text, tokens, named, query.possessed)]
    return out


def _personal(span: sp.Span) -> bool:
    """Two or three plain words: the shape of a person's name."""
    words = span.text.split()
    return 2 <= len(words) <= 3 and all(w.isalpha() for w in words)


def _person_of(query: Query, tokens: list[Token], span: sp.Span) -> bool:
    """False for "<person>, chief executive of <an organisation the question does not name>"."""
    after = [t for t in tokens if t.start >= span.end][:6]
    names = [a for a in query.anchors if not a.number]
    for i, t in enumerate(after):
        if t.norm == "of" and i + 1 < len(after) and after[i + 1].text[:1].isupper():
            return not names or any(matches(a.norm, x.norm) for a in names for x in after[i + 1 :])
    return True


def owners(text: str, tokens: list[Token], named: list[sp.Span], possessed: str) -> list[sp.Span]:
    """"Verkor" from "Verkor Gigafactory" when the question asks whose gigafactory."""
    out = []
    for s in named:
        inner = [t for t in tokens if s.start <= t.start < s.end]
        for k, t in enumerate(inner[1:], start=1):
            if matches(possessed, t.norm):
                owner = inner[:k]
                start, end = owner[0].start, owner[-1].end
                out.append(sp.Span("name", start, end, text[start:end], (" ".join(x.norm for x in owner),), "org"))
                break
    return out


def unit_fits(wanted, unit: str) -> bool:
    if wanted is None:
        return True
    if wanted == "%":
        return unit == "%"
    if wanted == "money":
        return unit == "money"
    if wanted == "energy":
        return unit in sp.ENERGY_UNITS
    if wanted == "time":
        return any(u in sp.TIME_UNITS for u in unit.split())
    words = unit.split()
    return any(matches(w, u) for w in wanted for u in words)
