"""Span extraction, part of the answer stage: one sentence -> the typed spans in it.

In: a sentence's text and tokens, plus a test telling common words from names (a word
seen in lower case anywhere in the corpus is not a name). Out: `Span`s, each with its
kind (date, quantity, code, name, place, phrase), its exact character offsets in the
sentence, a short-answer rendering, and a comparable `key` (so "June 2021" and "2021-06"
agree, and "10 GWh" and "8 GWh" differ). Names carry a guessed category (org, person,
vehicle, site, place) from their own words and their neighbours; leading qualifiers such
as "future" or "new" are left out of a name ("the future Alpine GT" -> "the Alpine GT").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer.lexicon import Token
from assistant.store.terms import STOPWORDS

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_QUAL = r"(?:(?:early|mid|late|the end of|end of|the beginning of|beginning of|the start of|start of|the first half of|the second half of)[\s-])?"
_DATES = [  # most specific first; a later pattern never overlaps an earlier match
    re.compile(r"(?<![\w-])(\d{4})-(\d{2})(?:-(\d{2}))?(?![\w-])"),
    re.compile(_QUAL + r"(?<![\w-])(\d{1,2})(?:st|nd|rd|th)?\s+(" + _MONTH + r")\s+(\d{4})(?![\w-])"),
    re.compile(_QUAL + r"(?<![\w-])(" + _MONTH + r")\s+(\d{1,2}),?\s+(\d{4})(?![\w-])"),
    re.compile(_QUAL + r"(?<![\w-])(" + _MONTH + r")\s+(\d{4})(?![\w-])"),
    re.compile(_QUAL + r"(?<![\w-])([QH][1-4])\s+(\d{4})(?![\w-])"),
    re.compile(_QUAL + r"(?<![\w.,-])((?:19|20)\d{2})(?![\w%-]|[.,]\d)"),
]
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
                "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12}
# A number glued to a capital ("Item 1A", "Form 10-K") is part of a code, not a quantity.
_NUMBER = re.compile(
    r"(?<![\w.,-])([€$£]\s?)?(\d+(?:[.,]\d+)*(?![\d.,]*(?:[A-Z]\b|-[A-Z]))|(?i:" + "|".join(NUMBER_WORDS) + r")\b)"
    r"(\s?(?:million|billion|thousand|bn)\b)?(\s?(?:%|percent\b|per cent\b))?"
)
_NOT_UNITS = {"per", "each", "every", "up", "down", "more", "less", "out", "over", "under"}
ENERGY_UNITS = {"twh", "gwh", "mwh", "kwh", "gw", "mw", "kw"}
MONEY_WORDS = {"euro", "eur", "usd", "dollar", "€", "$", "£", "pound"}
TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year"}
_CODE = re.compile(r"^(?=.*\d)[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
# Capitalized words that open sentences or clauses but never start a name.
FUNCTION_CAPS = {"the", "these", "this", "that", "those", "since", "it", "its", "in", "at", "from",
                 "under", "after", "before", "with", "for", "a", "an", "and", "but", "our", "we",
                 "they", "he", "she", "source", "if", "as", "on", "by", "to", "of", "there", "while"}
QUALIFIERS = {"future", "new", "upcoming", "planned", "forthcoming", "next", "latest", "proposed", "first"}
ORG_SUFFIXES = {"group", "motor", "cell", "power", "energy", "inc", "ltd", "sa", "ag", "gmbh", "corp",
                "company", "battery", "automotive", "system", "holding", "industry", "technology", "plc"}
SITE_WORDS = {"gigafactory", "plant", "factory", "centre", "center", "campus", "site", "work"}
VEHICLE_WORDS = {"suv", "gt", "crossover", "c-crossover", "ev", "sedan", "hatchback", "coupe", "van", "electric"}
ROLE_WORDS = {"chief", "ceo", "president", "director", "head", "founder", "chairman", "chairwoman", "chair"}
COUNTRIES = {"france", "germany", "spain", "portugal", "italy", "denmark", "sweden", "norway", "finland",
             "poland", "hungary", "czech republic", "slovakia", "austria", "belgium", "netherlands",
             "switzerland", "united kingdom", "uk", "ireland", "romania", "serbia", "morocco", "china",
             "japan", "korea", "south korea", "india", "united states", "usa", "us", "canada", "mexico",
             "brazil", "turkey", "europe", "asia", "africa", "america", "north america"}


@dataclass
class Span:
    kind: str  # date | quantity | code | name | place | phrase
    start: int  # offsets into the sentence
    end: int
    text: str  # short-answer rendering
    key: tuple  # comparable value
    category: str = ""  # names: org | person | vehicle | site | place | ""
    unit: str = ""  # quantities: normalized unit words


def _adjacent(text: str, a: Token, b: Token) -> bool:
    return text[a.end : b.start].strip() == "" and b.start > a.end


def dates(text: str) -> list[Span]:
    out: list[Span] = []
    taken: list[tuple[int, int]] = []
    for i, pattern in enumerate(_DATES):
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            g = m.groups()
            if i == 0:
                key = (int(g[0]), int(g[1]), int(g[2] or 0))
            elif i == 1:
                key = (int(g[2]), _month(g[1]), int(g[0]))
            elif i == 2:
                key = (int(g[2]), _month(g[0]), int(g[1]))
            elif i == 3:
                key = (int(g[1]), _month(g[0]), 0)
            elif i == 4:
                key = (int(g[1]), 0, 0)
            else:
                key = (int(g[0]), 0, 0)
            taken.append((m.start(), m.end()))
            out.append(Span("date", m.start(), m.end(), m.group(0), key))
    return sorted(out, key=lambda s: s.start)


def _month(name: str) -> int:
    low = name.lower()[:3]
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(low))


def quantities(text: str, tokens: list[Token], years: list[Span]) -> list[Span]:
    out: list[Span] = []
    for m in _NUMBER.finditer(text):
        if any(y.start <= m.start(2) < y.end for y in years):
            continue
        currency, number, scale, percent = m.group(1), m.group(2), m.group(3), m.group(4)
        value = _number(number) * {"thousand": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9}.get(
            (scale or "").strip().lower(), 1)
        end, unit = m.end(), ""
        if percent:
            unit = "%"
        elif currency:
            unit = "money"
        else:
            follow = [t for t in tokens if t.start >= m.end()][:3]
            words: list[Token] = []
            for t in follow:
                if words and not _adjacent(text, words[-1], t):
                    break
                if not words and text[m.end() : t.start].strip():
                    break
                if t.norm in STOPWORDS or t.norm in _NOT_UNITS or not t.text.replace("-", "").isalpha():
                    break
                words.append(t)
                if t.norm in ENERGY_UNITS or t.norm in MONEY_WORDS or t.norm in TIME_UNITS:
                    break
            if words:
                end, unit = words[-1].end, " ".join(w.norm for w in words)
                if any(w.norm in MONEY_WORDS for w in words):
                    unit = "money"
            elif not number[:1].isdigit():
                continue  # a number word with no unit ("one of them") is not a quantity
        out.append(Span("quantity", m.start(), end, text[m.start() : end], (value, unit), unit=unit))
    return out


def _number(s: str) -> float:
    if s.lower() in NUMBER_WORDS:
        return float(NUMBER_WORDS[s.lower()])
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        s = s.replace(",", "")
    return float(s.replace(",", "."))


def codes(tokens: list[Token]) -> list[Span]:
    return [Span("code", t.start, t.end, t.text, (t.text.upper(),)) for t in tokens if _CODE.match(t.text)]


def names(text: str, tokens: list[Token], is_common: Callable[[str], bool],
          known: Callable[[str], str | None] = lambda key: None) -> list[Span]:
    """Runs of capitalized words (lower-case words allowed inside a run that ends on a
    capital: "Alpine 100% electric C-Crossover GT"), with a guessed category."""
    out: list[Span] = []
    i, n = 0, len(tokens)
    if _title_case(tokens):
        return out  # a heading in Title Case: its capitals do not mark names
    while i < n:
        t = tokens[i]
        if not _starts_name(t, i, is_common) or _shouted(tokens, i, is_common):
            i += 1
            continue
        j, last = i, i
        while j + 1 < n and _adjacent(text, tokens[j], tokens[j + 1]):
            nxt = tokens[j + 1]
            if _is_cap(nxt) and nxt.norm not in FUNCTION_CAPS and not _is_month(nxt):
                j = last = j + 1
            elif (nxt.norm not in STOPWORDS and nxt.text.replace("-", "").replace("%", "").isalnum()
                  and j + 1 - last <= 2):
                j += 1
            else:
                break
        run = tokens[i : last + 1]
        out.append(_name_span(text, tokens, i, last, run, known))
        i = last + 1
    return out


def _shouted(tokens: list[Token], i: int, is_common: Callable[[str], bool]) -> bool:
    """A word in capitals for emphasis ("FICTIONAL TEST DOCUMENT"), not an acronym."""
    def caps(k: int) -> bool:
        return 0 <= k < len(tokens) and tokens[k].text.isupper() and tokens[k].text.isalpha() and len(tokens[k].text) > 3
    return caps(i) and (is_common(tokens[i].norm) or caps(i - 1) or caps(i + 1))


def _title_case(tokens: list[Token]) -> bool:
    """A heading in Title Case, where capitals do not mark names."""
    words = [t for t in tokens if t.text.isalpha() and len(t.text) > 3]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.7 * len(words)


def _is_cap(t: Token) -> bool:
    return t.text[:1].isupper() or (t.text[:1].isdigit() and t.text.endswith("%"))


def _is_month(t: Token) -> bool:
    return t.norm in MONTHS


def _starts_name(t: Token, i: int, is_common: Callable[[str], bool]) -> bool:
    if not t.text[:1].isupper() or t.norm in FUNCTION_CAPS or _is_month(t) or _CODE.match(t.text):
        return False
    if t.norm in ENERGY_UNITS:
        return False
    # a capital that only opens the sentence
    return not (i == 0 and (is_common(t.norm) or t.norm.endswith(("ing", "ed", "ly"))))


def _name_span(text: str, tokens: list[Token], i: int, last: int, run: list[Token],
               known: Callable[[str], str | None]) -> Span:
    norms = {x.norm for x in run}
    before = [x.norm for x in tokens[max(0, i - 3) : i]]
    after = [x.norm for x in tokens[last + 1 : last + 3]]
    category = ""
    if norms & SITE_WORDS or (after and after[0] in SITE_WORDS):
        category = "site"
    elif norms & VEHICLE_WORDS:
        category = "vehicle"
    elif " ".join(x.norm for x in run) in COUNTRIES or (before and before[-1] in {"in", "at", "near"}):
        category = "place"
    elif run[-1].norm in ORG_SUFFIXES:
        category = "org"
    elif (before and before[-1] == "said") or (after and after[0] in ROLE_WORDS) or set(before) & ROLE_WORDS:
        category = "person" if all(x.text.isalpha() for x in run) and len(run) >= 2 else "org"
    category = known(" ".join(x.norm for x in run)) or category  # a table column knows better
    start, end = run[0].start, run[-1].end
    shown = text[start:end]
    k = i - 1
    while k >= 0 and tokens[k].norm in QUALIFIERS:
        k -= 1
    if k >= 0 and tokens[k].norm == "the" and category in ("vehicle", "site"):
        shown = "the " + shown
    return Span("name", start, end, shown, (" ".join(x.norm for x in run),), category=category)


def places(text: str, name_spans: list[Span]) -> list[Span]:
    """Place names, a city joined to its country when written "Dieppe, France"."""
    out: list[Span] = []
    spans = sorted(name_spans, key=lambda s: s.start)
    for idx, s in enumerate(spans):
        if s.category != "place":
            continue
        nxt = spans[idx + 1] if idx + 1 < len(spans) else None
        if nxt and text[s.end : nxt.start].strip() == "," and nxt.key[0] in COUNTRIES:
            out.append(Span("place", s.start, nxt.end, text[s.start : nxt.end], s.key, category="city"))
        level = "country" if s.key[0] in COUNTRIES else "city"
        out.append(Span("place", s.start, s.end, text[s.start : s.end], s.key, category=level))
    return out
