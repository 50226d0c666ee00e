"""Row lookup, part of the answer stage: retrieved table-row Hits -> scored `Evidence`.

In: the `Query` and the Hits whose chunk is a table row (`chunk.metadata["values"]`, a
dict column -> value). Out: one `Evidence` per row that holds an answer: the quote is
the row's rendered line (exact at the row's offsets), the value comes from the column
that best fits the question. A column is *given* when its value holds one of the
question's anchors ("Dunkirk" in production_site); the answer column is then chosen by
its type (a year column for "when", a GWh column for "how many GWh"), by the question
words in its name ("operational" -> site_operational_year) and by sharing a word with a
given column (first_vehicle given -> vehicle_plant answers "where is it built").
Aggregates over many rows are another stage's job (the tables planner).
"""

from __future__ import annotations

import re

from assistant.answer import spans as sp
from assistant.answer.candidates import unit_fits
from assistant.answer.evidence import Evidence, coverage
from assistant.answer.lexicon import Token, Vocab, matches, normalize, tokenize
from assistant.answer.question import (
    CODE,
    DATE,
    NAME,
    ORG,
    PERSON,
    PHRASE,
    PLACE,
    QUANTITY,
    SITE,
    VEHICLE,
    Query,
    Term,
)
from assistant.types import Hit

_DATE_WORDS = {"year", "date", "acquired", "start", "started", "month", "day", "since", "until", "signed"}
_PLACE_WORDS = {"site", "plant", "factory", "country", "city", "location", "place", "region", "town", "address"}
_PERCENT_WORDS = {"pct", "percent", "percentage", "share", "stake"}
_MONEY_WORDS = {"price", "cost", "eur", "usd", "value", "euro", "dollar"}
_ORG_WORDS = {"supplier", "customer", "investor", "company", "partner", "manufacturer", "maker", "brand",
              "buyer", "seller", "owner", "operator"}
_VEHICLE_WORDS = {"vehicle", "model", "car"}
_PERSON_WORDS = {"ceo", "person", "contact", "executive"}
_CODE_WORDS = {"code", "reference", "id", "number"}
_GENERIC = {"year", "per", "name", "type"}
_NUMERIC = re.compile(r"-?\d+(?:[.,]\d+)*")


def row_evidence(query: Query, hits: list[Hit]) -> list[Evidence]:
    out: list[Evidence] = []
    for hit in hits:
        values = hit.chunk.metadata.get("values") if hit.chunk.kind == "table" else None
        if not values:
            continue
        ev = _row(query, hit, {c: v for c, v in values.items() if v})
        if ev is not None:
            out.append(ev)
    return out


def _row(query: Query, hit: Hit, values: dict[str, str]) -> Evidence | None:
    names = {c: tokenize(c.replace("_", " ")) for c in values}
    vals = {c: tokenize(v) for c, v in values.items()}
    anchors = query.anchors
    given = {c for c in values if any(matches(a.norm, t.norm) for a in anchors for t in vals[c])}
    given_words = {t.norm for c in given for t in names[c]} - _GENERIC
    attribute = [t for t in query.terms if not t.anchor]
    if query.noun and all(t.norm != query.noun for t in attribute):
        attribute.append(Term(query.noun, query.noun, weight=max((t.weight for t in attribute), default=1.0)))
    total = sum(t.weight for t in attribute) or 1.0
    best, best_score = None, 0.0
    owner = _owner(query, values, vals)
    if owner is not None:
        best, best_score = owner[0], owner[1]
    for col, value in values.items():
        if col in given:
            continue
        fit = _fit(query, col, value, names[col])
        if fit <= 0:
            continue
        words = {t.norm for t in names[col]}
        attr = sum(t.weight for t in attribute if any(matches(t.norm, w) for w in words)) / total
        related = bool(words & given_words)
        if attr <= 0 and not related:
            continue
        score = fit * (0.5 + 0.5 * min(1.0, attr + (0.5 if related else 0.0)))
        if score > best_score:
            best, best_score = col, score
    if best is None:
        return None
    pool: list[Token] = [t for c in values for t in vals[c]]
    pool += [t for c in given | {best} for t in names[c]]
    cover = coverage(query.terms, pool, Vocab({t.norm for t in tokenize(hit.chunk.title)}),
                     str(hit.chunk.metadata.get("date") or "")[:4] or None)
    if not cover.ok:
        return None
    if owner is not None and best == owner[0]:
        text, key = owner[2], (owner[2].lower(),)
    else:
        text, key = _render(query, best, values[best], names[best])
    c = hit.chunk
    return Evidence(hit, c.start, c.end, c.text, support=cover.support, direct=cover.direct, span_score=best_score,
                    value=text, key=key, column=best)


def _owner(query: Query, values: dict[str, str], vals: dict[str, list[Token]]) -> tuple[str, float, str] | None:
    """"Verkor" from production_site "Verkor Gigafactory Dunkirk" for "which company's gigafactory"."""
    if query.type != ORG or not query.possessed:
        return None
    for col, value in values.items():
        toks = vals[col]
        for k, t in enumerate(toks[1:], start=1):
            if matches(query.possessed, t.norm) and all(x.text[:1].isupper() for x in toks[:k]):
                return col, 1.0, value[toks[0].start : toks[k - 1].end]
    return None


def column_kind(col_words: set[str], value: str, last: str = "") -> str:
    rate = "per" in col_words or bool(col_words & sp.ENERGY_UNITS)  # volume_gwh_per_year: a quantity
    if not rate and (last in _DATE_WORDS or re.fullmatch(r"(?:19|20)\d{2}(?:-\d{2}){0,2}", value)):
        return DATE
    if col_words & _PLACE_WORDS:
        return PLACE
    numeric = bool(_NUMERIC.fullmatch(value.replace("%", "").strip()))
    if numeric:
        return QUANTITY
    if col_words & _ORG_WORDS:
        return ORG
    if col_words & _VEHICLE_WORDS:
        return VEHICLE
    if col_words & _PERSON_WORDS:
        return PERSON
    if col_words & _CODE_WORDS:
        return CODE
    return "text"


def _unit(col_words: set[str], value: str) -> str:
    if value.strip().endswith("%") or col_words & _PERCENT_WORDS:
        return "%"
    if col_words & _MONEY_WORDS:
        return "money"
    energy = col_words & sp.ENERGY_UNITS
    if energy:
        return next(iter(energy))
    return " ".join(sorted(col_words))


def _fit(query: Query, col: str, value: str, name_tokens: list[Token]) -> float:
    words = {t.norm for t in name_tokens}
    kind = column_kind(words, value, name_tokens[-1].norm if name_tokens else "")
    t = query.type
    if t == DATE:
        return 1.0 if kind == DATE else 0.0
    if t == QUANTITY:
        return 1.0 if kind == QUANTITY and unit_fits(query.unit, _unit(words, value)) else 0.0
    if t == PLACE:
        if kind != PLACE:
            return 0.0
        if query.place_level == "country":
            return 1.0 if "country" in words else 0.3
        return 0.6 if "country" in words else 1.0
    if t == SITE:
        return 1.0 if kind == PLACE and words & {"site", "plant", "factory"} else 0.0
    if t == PHRASE:
        return 1.0 if query.head and any(matches(query.head, w) for w in words) else 0.0
    if t == NAME:
        return 0.8 if kind in (ORG, VEHICLE, PERSON, "text") else 0.0
    wanted = {ORG: ORG, VEHICLE: VEHICLE, PERSON: PERSON, CODE: CODE}.get(t)
    if wanted is None:
        return 0.0
    return 1.0 if kind == wanted else (0.3 if kind == "text" and t == ORG else 0.0)


def _render(query: Query, col: str, value: str, name_tokens: list[Token]) -> tuple[str, tuple]:
    words = {t.norm for t in name_tokens}
    last = name_tokens[-1].norm if name_tokens else ""
    if query.type == DATE or (query.type != QUANTITY and column_kind(words, value, last) == DATE):
        found = sp.dates(value)
        if found:
            y, m, d = found[0].key
            shown = value if not m else (f"{d} " if d else "") + sp.MONTHS[m - 1].capitalize() + f" {y}"
            return shown, found[0].key
    if query.type == QUANTITY:
        unit = _unit(words, value)
        number = float(_NUMERIC.search(value).group(0).replace(",", ""))  # type: ignore[union-attr]
        if unit == "%":
            return (value if value.endswith("%") else value + "%"), (number, "%")
        label = next((t.text for t in name_tokens if t.norm == unit), None)
        if unit in sp.ENERGY_UNITS and label:
            return f"{value} {_unit_label(label)}", (number, unit)
        return value, (number, unit)
    return value, (" ".join(normalize(t.text) for t in tokenize(value)),)


def _unit_label(word: str) -> str:
    return {"twh": "TWh", "gwh": "GWh", "mwh": "MWh", "kwh": "kWh", "gw": "GW", "mw": "MW", "kw": "kW"}.get(
        word.lower(), word)
