"""Question analysis for the table planner: text -> words, cues, numbers and years.

In: a question. Out: a `Question`: its words as light stems with positions, the
aggregate cue words it uses (total, average, largest, earliest, compared...), numbers
with the comparison words before them and the unit after them ("above 10 GWh"), years
with their preposition ("in 2025", "before 2027", "between 2025 and 2027"), the units it
names, and `focus()`: the first content words after the question word ("which
vehicle", "how many suppliers"). Knows nothing of any table; planner.py matches this
against the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from assistant.tables.lexicon import NEUTRAL, STOPWORDS, Word, words
from assistant.tables.values import CURRENCIES, ENERGY, SCALES

SUM = frozenset("total sum combined altogether overall cumulative aggregate together".split())
AVERAGE = frozenset("average mean avg typical".split())
MAX = frozenset("largest biggest highest most maximum max greatest top latest last newest".split())
MIN = frozenset("smallest lowest least minimum min fewest earliest first oldest soonest".split())
TIME = frozenset("latest last newest earliest first oldest soonest".split())
COMPARE = frozenset("compare compared comparison versus vs difference differ than".split())
ASKING = frozenset("which what who whom where when how list show name give tell".split())
GROUPING = frozenset("per by each every across".split())
YEARLY = frozenset("year years annual annually yearly annum".split())
CUES = SUM | AVERAGE | MAX | MIN | COMPARE | {"many", "much", "number", "count", "distinct", "different"}
UNIT_TOKENS = frozenset(ENERGY) | frozenset(CURRENCIES) | {"million", "mn", "bn", "billion", "percent", "pct"}

_OPS = [  # words before a number -> comparison operator
    (("more", "than"), ">"), (("greater", "than"), ">"), (("larger", "than"), ">"), (("bigger", "than"), ">"),
    (("higher", "than"), ">"), (("over",), ">"), (("above",), ">"), (("exceeding",), ">"), (("at", "least"), ">="),
    (("less", "than"), "<"), (("fewer", "than"), "<"), (("smaller", "than"), "<"), (("lower", "than"), "<"),
    (("under",), "<"), (("below",), "<"), (("at", "most"), "<="), (("up", "to"), "<="),
]
_YEAR_PREPS = {"in": "=", "during": "=", "of": "=", "for": "=", "before": "<", "after": ">",
               "since": ">=", "from": ">=", "by": "<=", "until": "<=", "till": "<=", "through": "<="}
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")


@dataclass
class Number:
    i: int  # word index of the number
    value: Decimal
    words: list[int]  # every word index it used (operator words, the number, its unit)
    op: str | None = None  # > >= < <= for "above 10 GWh"
    unit: str = ""  # unit written with it: "GWh", "EUR", "%"
    year_op: str | None = None  # = < <= > >= between, when it reads as a year
    upper: Decimal | None = None  # the second year of "between 2025 and 2027"


@dataclass
class Question:
    text: str
    words: list[Word]
    numbers: list[Number] = field(default_factory=list)
    how: str = ""  # "many" | "much" after "how"
    units: set[str] = field(default_factory=set)  # energy | currency:EUR | percent
    per_year: bool = False  # says "a year", "annual", "per annum"...

    @classmethod
    def parse(cls, text: str) -> Question:
        q = cls(text, words(text))
        ws = q.words
        for w in ws:
            if w.low == "how" and w.i + 1 < len(ws) and ws[w.i + 1].low in ("many", "much"):
                q.how = q.how or ws[w.i + 1].low
            if w.low in ENERGY:
                q.units.add("energy")
            elif w.low in CURRENCIES:
                q.units.add("currency:" + CURRENCIES[w.low])
            elif w.low in ("percent", "pct"):
                q.units.add("percent")
        q.per_year = any(w.low in YEARLY for w in ws) or "p.a." in text.lower()
        if "€" in text:
            q.units.add("currency:EUR")
        if "%" in text:
            q.units.add("percent")
        q._numbers()
        return q

    def _numbers(self) -> None:
        ws = self.words
        taken: set[int] = set()
        for w in ws:
            if w.i in taken or not _NUMBER.match(w.low):
                continue
            try:
                value = Decimal(w.low.replace(",", ""))
            except InvalidOperation:
                continue
            n = Number(w.i, value, [w.i])
            before = self.text[max(0, w.start - 2) : w.start]
            after = ws[w.i + 1] if w.i + 1 < len(ws) else None
            units = ["EUR"] if "€" in before else ["%"] if "%" in self.text[w.end : w.end + 2] else []
            for x in ws[w.i + 1 : w.i + 3]:  # "500 million euros", "€500m", "10 GWh"
                if x.low not in UNIT_TOKENS and x.low not in SCALES:
                    break
                units.append(x.text)
                n.words.append(x.i)
            n.unit = " ".join(units)
            for phrase, op in _OPS:
                k = len(phrase)
                if w.i >= k and tuple(x.low for x in ws[w.i - k : w.i]) == phrase:
                    n.op, n.words = op, n.words + list(range(w.i - k, w.i))
                    break
            if not n.unit and not n.op and value == int(value) and 1900 <= value <= 2100 and "." not in w.low:
                prev = ws[w.i - 1].low if w.i else ""
                n.year_op = _YEAR_PREPS.get(prev, "=")
                if prev in _YEAR_PREPS:
                    n.words.append(w.i - 1)
                if prev == "between" and w.i + 2 < len(ws) and ws[w.i + 1].low == "and" and ws[w.i + 2].low.isdigit():
                    n.year_op, n.upper = "between", Decimal(ws[w.i + 2].low)
                    n.words += [w.i - 1, w.i + 1, w.i + 2]
                if after and after.low in ("onwards", "onward", "later"):
                    n.year_op, n.words = ">=", n.words + [after.i]
            taken.update(n.words)
            self.numbers.append(n)

    def focus(self, used: set[int]) -> list[Word]:
        """The content words right after the question word: what is asked about."""
        ws = self.words
        start = next((w.i + 1 for w in ws if w.low in ASKING), 0)
        focus: list[Word] = []
        for w in ws[start:]:
            if w.i in used or _NUMBER.match(w.low):
                if focus:
                    break
                continue
            if not focus and (w.low in STOPWORDS or w.low in CUES or w.low in ASKING or w.low == "of"):
                continue
            if w.low in STOPWORDS or (focus and w.low in NEUTRAL) or len(focus) == 3:
                break
            if focus and plural(focus[-1]):
                break  # "which agreements start": a plural noun ends the phrase; "stake price" goes on
            focus.append(w)
        return focus


def plural(w: Word) -> bool:
    return w.low.endswith("s") and not w.low.endswith("ss") and len(w.low) > 3
