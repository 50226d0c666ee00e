"""Matching, the planner's first step: one question against one table's lexicon.

In: a parsed `Question` and a `TableLexicon`. Out: what the question's words name in
that table — the values it mentions (longest word run first; a distinctive first word
such as "Renault" stands for "Renault Group"), a score per column from its name words,
synonyms and unit, the focus column ("which vehicle" -> first_vehicle), conditions from
values, years and "above 10 GWh", a grouping ("per customer", "by start year") — and
the bookkeeping the confidence comes from: which words are explained, what had to be
assumed (`factor`), and how much of the question named this table (`evidence`).
planner.py decides from these what kind of question it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.tables.lexicon import NEUTRAL, STOPWORDS, UNIT_WORDS, TableLexicon, Word
from assistant.tables.plan import Condition, Plan
from assistant.tables.question import ASKING, CUES, GROUPING, UNIT_TOKENS, Question
from assistant.tables.values import CellError, parse_number, parse_unit

UNEXPLAINED = 0.6  # per content word that names nothing in the table
UNKNOWN_NAME = 0.35  # per capitalized word that is no value, column or table word
ASSUMED = 0.85  # a default column picked among several that could be meant
# The only number column taken as the measure of "how much" without being named or
# declared the table's measure: a slightly weaker reading than a declared one.
SOLE_MEASURE = 0.95
PARTIAL_VALUE = 0.9  # "Renault" read as "Renault Group"
ROW_NOUNS = frozenset(["row", "record", "entry", "line", "item"])
LOCATION = frozenset(["site", "plant", "location", "country", "city", "factory", "place", "region", "port"])
MENTIONED = 1.0  # score a column gets when the question names its unit ("GWh")
NAMED = 0.5  # a column scoring at least this is named by the question


@dataclass
class Named:
    """Values the question names: candidate (column, value) pairs for one word run."""

    pairs: list[tuple[str, str]]
    words: list[int]
    partial: bool


class TableMatch:
    def __init__(self, q: Question, t: TableLexicon):
        self.q, self.t, self.s = q, t, t.schema
        self.used: set[int] = set()  # word positions explained so far
        self.factor, self.evidence = 1.0, 0.0
        self.notes: list[str] = []
        self.named: list[Named] = []
        self.named_columns: dict[str, float] = {}  # columns the question names -> match score
        self._match_values()
        self.scores = self._scores()  # column -> (score, word positions), over the other words

    # --- what the words name ------------------------------------------------------------------
    def _match_values(self) -> None:
        ws, t = self.q.words, self.t
        i = 0
        while i < len(ws):
            for n in range(min(t.longest, len(ws) - i), 0, -1):
                key = tuple(w.stem for w in ws[i : i + n])
                if key in t.values and not (n == 1 and ws[i].low in STOPWORDS):
                    self.named.append(Named(t.values[key], list(range(i, i + n)), False))
                    break
            else:
                w = ws[i]
                pairs = t.firsts.get(w.stem, [])
                if pairs and (w.capitalized or w.stem not in t.vocabulary) and len({c for c, _ in pairs}) == 1:
                    self.named.append(Named(pairs, [i], True))
                    n = 1
                else:
                    i += 1
                    continue
            i += n
        for named in self.named:
            self.use(named.words, "")
            self.evidence += 1.0 if named.partial else 2.0
            if named.partial:
                self.factor *= PARTIAL_VALUE

    def _scores(self) -> dict[str, tuple[float, list[int]]]:
        """column -> (score, words matched) over the words not yet used."""
        avail: dict[str, list[int]] = {}
        for w in self.q.words:
            if w.i not in self.used and w.low not in STOPWORDS:
                avail.setdefault(w.stem, []).append(w.i)
        out: dict[str, tuple[float, list[int]]] = {}
        for col, phrases in self.t.columns.items():
            best: tuple[float, list[int]] = (0.0, [])
            for p in phrases:
                hit = [s for s in p.stems if s in avail]
                if not hit:
                    continue
                if len(hit) == len(p.stems):
                    score = p.weight * (len(p.stems) + 1)
                elif p.head in avail:
                    score = p.weight * (1 + 0.5 * (len(hit) - 1))
                else:
                    score = p.weight * 0.5 * len(hit) / len(p.stems)
                if score > best[0]:
                    best = (score, [avail[s][0] for s in hit])
            unit = parse_unit(self.s.column(col).unit) if self.s.column(col).unit else None
            if unit and unit.kind in self.q.units:
                best = (best[0] + MENTIONED, best[1])
            if best[0] > 0:
                out[col] = best
        return out

    def focus_column(self, focus: list[Word]) -> str | None:
        idx = {f.i for f in focus}
        head = focus[-1].i if focus else -1
        ranked = sorted(
            ((score + (1.0 if head in words else 0.0), col)
             for col, (score, words) in self.scores.items() if idx & set(words) and score >= NAMED),
            key=lambda x: (-x[0], [c.name for c in self.s.columns].index(x[1])),
        )
        if not ranked:
            return None
        col = ranked[0][1]
        self.use(self.scores[col][1], f"'{self.text(self.scores[col][1])}' = column {col}", col, self.scores[col][0])
        return col

    def pick(self, candidates: list[str], what: str) -> str | None:
        """The best-named of `candidates`, else the first of them (an assumption if several)."""
        if not candidates:
            return None
        named = [c for c in candidates if self.scores.get(c, (0, []))[0] >= NAMED]
        if named:
            col = max(named, key=lambda c: self.scores[c][0])
            self.use(self.scores[col][1], f"{what}: column {col}", col, self.scores[col][0])
            return col
        if len(candidates) > 1:
            self.factor *= ASSUMED
            self.notes.append(f"{what}: assumed column {candidates[0]} (of {', '.join(candidates)})")
        elif what == "measure":
            self.factor *= SOLE_MEASURE
            self.notes.append(f"measure: column {candidates[0]} (the only number column)")
        return candidates[0]

    def measure(self, target: str | None) -> str | None:
        if target is not None and self.s.column(target).numeric:
            return target
        numeric = [c.name for c in self.s.columns if c.numeric]
        if self.s.measure in numeric:
            numeric.remove(self.s.measure)
            numeric.insert(0, self.s.measure)  # declared: the default, no assumption
            if not any(self.scores.get(c, (0, []))[0] >= NAMED for c in numeric):
                self.notes.append(f"measure: column {self.s.measure} (declared default)")
                return self.s.measure
        return self.pick(numeric, "measure")

    # --- conditions ----------------------------------------------------------------
    def value_conditions(self, target: str | None) -> tuple[list[Condition], Condition | None]:
        by_column: dict[str, list[str]] = {}
        words: dict[str, list[str]] = {}
        for named in self.named:
            columns = list(dict.fromkeys(c for c, _ in named.pairs))
            col = columns[0]
            if len(columns) > 1:
                others = [c for c in columns if c != target]
                col = others[0] if others else col
                self.factor *= ASSUMED
                self.notes.append(f"'{self.text(named.words)}' found in {', '.join(columns)}; used {col}")
            values = [v for c, v in named.pairs if c == col]
            by_column.setdefault(col, []).extend(v for v in values if v not in by_column.get(col, []))
            words.setdefault(col, []).append(self.text(named.words))
            self.notes.append(f"'{self.text(named.words)}' = {col} {' / '.join(values)}")
        filters, compare = [], None
        for col, values in by_column.items():
            cond = Condition(col, "=" if len(values) == 1 else "in", values, ", ".join(words[col]))
            if len(words[col]) > 1 and compare is None:
                compare = cond
            else:
                filters.append(cond)
        return filters, compare

    def number_conditions(self, target: str | None) -> list[Condition]:
        out = []
        for n in self.q.numbers:
            if set(n.words) & self.used:
                continue
            if n.year_op:
                dates = [c.name for c in self.s.columns if c.type == "date"]
                col = self.pick([c for c in dates if c != target] or dates, "year")
                if col is None:
                    continue
                op = "year between" if n.year_op == "between" else f"year {n.year_op}"
                values = [str(int(n.value))] + ([str(int(n.upper))] if n.upper is not None else [])
                out.append(Condition(col, op, values, self.text(n.words)))  # type: ignore[arg-type]
            elif n.op:
                numeric = [c for c in self.s.columns if c.numeric]
                fits = [c.name for c in numeric if _unit_fits(n.unit, c.unit)] if n.unit else [c.name for c in numeric]
                col = self.pick(fits, "number")
                if col is None:
                    continue  # "above 10 GWh" and no GWh column: left unexplained
                value = n.value
                if n.unit and self.s.column(col).unit:
                    try:  # "above 1 GWh" in an MWh column is "above 1000"
                        value = parse_number(f"{n.value} {n.unit}", parse_unit(self.s.column(col).unit))[0]
                    except CellError:
                        continue
                number = float(value) if value != int(value) else int(value)
                out.append(Condition(col, n.op, [number], self.text(n.words)))  # type: ignore[arg-type]
            else:
                continue
            self.use(n.words, f"'{self.text(n.words)}' = {out[-1].describe()}")
            self.evidence += 1.0
        return out

    def group(self) -> tuple[str, bool] | None:
        ws = self.q.words
        for w in ws:
            if w.low not in GROUPING or w.i in self.used:
                continue
            after = [x for x in ws[w.i + 1 : w.i + 4] if x.i not in self.used and x.low not in STOPWORDS]
            if not after or after[0].i > w.i + 2:
                continue
            if after[0].stem == "year" and len(after) >= 1:
                measure_per_year = any(c.per_year for c in self.s.columns if c.numeric)
                if w.low in ("per", "each", "every") and measure_per_year:
                    self.use([w.i, after[0].i], "'per year' = the unit")
                    continue
                dates = [c.name for c in self.s.columns if c.type == "date"]
                col = self.pick(dates, "year")
                if col:
                    self.use([w.i, after[0].i], f"'{w.text} year' = group by year of {col}", col)
                    return col, True
                continue
            if after[0].stem == self.t.entity or after[0].stem in ROW_NOUNS:
                self.use([w.i, after[0].i], "")
                continue
            idx = {x.i for x in after}
            ranked = [(sc, col) for col, (sc, hit) in self.scores.items() if hit and hit[0] in idx and sc >= NAMED]
            if ranked:
                col = max(ranked)[1]
                self.use([w.i, *self.scores[col][1]], f"'{w.text} {after[0].text}' = group by {col}", col, self.scores[col][0])
                date = self.s.column(col).type == "date"
                return col, date
        return None

    # --- bookkeeping ---------------------------------------------------------------
    def explain(self, plan: Plan) -> None:
        """Every content word must name something; each one that does not costs confidence."""
        units = {parse_unit(c.unit).kind for c in self.s.columns if c.unit and parse_unit(c.unit)}
        first = True
        for w in self.q.words:
            if w.i in self.used:
                first = False
                continue
            known = (w.low in STOPWORDS or w.low in NEUTRAL or w.stem in NEUTRAL or w.low in CUES or w.low in ASKING
                     or w.low in GROUPING or w.stem in self.t.vocabulary or w.stem == self.t.entity)
            if w.low in UNIT_TOKENS or w.low in UNIT_WORDS:
                known = w.low in UNIT_WORDS - UNIT_TOKENS or bool(units & self.q.units) or w.low in ("million", "bn")
            if not known:
                name = w.capitalized and not first and w.low not in ("i",)
                self.factor *= UNKNOWN_NAME if name else UNEXPLAINED
                self.notes.append(f"'{w.text}' " + ("is no known name" if name else "names nothing in this table"))
            first = False
        self.evidence += 0.5 * sum(1 for w in self.q.words if w.stem in self.t.table_words and w.low not in STOPWORDS)
        roles = {plan.target, plan.measure, plan.group_by, *(c.column for c in plan.filters)}
        self.evidence += sum(min(score, 3.0) for col, score in self.named_columns.items() if col in roles)
        if units & self.q.units:
            self.evidence += 1.0

    def use(self, idxs: list[int], note: str, column: str | None = None, score: float = 1.0) -> None:
        self.used.update(idxs)
        if note:
            self.notes.append(note)
        if column is not None:
            self.named_columns[column] = max(score, self.named_columns.get(column, 0.0))

    def cue(self, vocabulary: frozenset[str] | set[str]) -> list:
        return [w for w in self.q.words if w.low in vocabulary and w.i not in self.used]

    def phrase(self, *lows: str) -> bool:
        ws = self.q.words
        return any(tuple(w.low for w in ws[i : i + len(lows)]) == lows for i in range(len(ws)))

    def text(self, idxs: list[int]) -> str:
        return " ".join(self.q.words[i].text for i in sorted(set(idxs)))

    def stems(self, name: str) -> list[str]:
        return [p for phrase in self.t.columns.get(name, [])[:1] for p in phrase.stems]


def _unit_fits(written: str, declared: str) -> bool:
    a, b = parse_unit(written), parse_unit(declared)
    return bool(a and b and a.kind == b.kind)
