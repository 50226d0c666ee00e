"""Lexicon: the words a question can use to name a table, a column or a value.

In: the store's schemas and the distinct text values of their columns. Out: per table,
lookup structures the planner matches question words against — column phrases (name
words, declared synonyms, agent nouns such as supplier <- "supplies", description words
as weak hints), every value as a word sequence, the distinctive first word of
multi-word values ("Renault" -> "Renault Group"), and the words naming the table and
what one of its rows is. Built once per store change, so planning a question is only
dictionary look-ups. Words are compared as light stems (`stem`), the same on both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.tables.schema import TableSchema

STOPWORDS = frozenset(
    """a an the of to in on at for from by with and or is are was were be been being do does did
    has have had will would shall should can could may might must it its this that these those
    there their them they we our you your i me my he she his her which what who whom whose when
    where how why than then as into onto about per each every all any some much many s""".split()
)
# Words a supply question uses without naming anything a table could answer; they
# neither help nor count against a table.
NEUTRAL = frozenset(
    """battery batteries cell cells supply supplies supplied supplying get gets got getting use uses
    used using deliver delivers delivered receive receives received contract contracts contracted deal
    deals partner partners partnership buy buys bought provide provides provided produce produces
    produced make makes made build builds built plan planned expect expected agree agreed annual
    annually yearly year years amount figure number data table row rows record records entry entries
    company companies firm come comes go goes send sends list show name give tell please overall
    currently current now today so far total altogether combined one""".split()
)
# Words naming what a quantity or date column holds, weak alone ("volume", "value").
UNIT_WORDS = frozenset("gwh mwh kwh twh wh eur euro euros usd gbp million mn bn billion percent pct per year".split())
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+")
_FILE_OR_URL = re.compile(r"^\S+\.[A-Za-z]{2,4}$|://|^www\.")
# Values longer than this many words are prose (a segment description), not names.
MAX_VALUE_WORDS = 8


def stem(word: str) -> str:
    """A light stem: plural, -ing, -ed and a final -e go (vehicles, vehicle -> vehicl)."""
    w = word.lower()
    if len(w) <= 3 or not w.isalpha():
        return w
    for suffix, repl in (("ies", "y"), ("ied", "y")):
        if w.endswith(suffix) and len(w) > 4:
            return w[: -len(suffix)] + repl
    if w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
                w = w[:-1]  # shipped -> ship, planned -> plan
            break
    return w[:-1] if w.endswith("e") and len(w) > 3 else w


@dataclass
class Word:
    i: int  # position among the question's words
    text: str  # as typed
    low: str
    stem: str
    start: int  # char offset in the question
    end: int

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()


def words(text: str) -> list[Word]:
    text = re.sub(r"['’]s\b", "", text)
    return [Word(i, m[0], m[0].lower(), stem(m[0]), m.start(), m.end()) for i, m in enumerate(_TOKEN.finditer(text))]


def stems(text: str) -> tuple[str, ...]:
    return tuple(w.stem for w in words(text))


@dataclass
class Phrase:
    stems: tuple[str, ...]
    weight: float  # 1 for names and synonyms, less for derived forms and descriptions
    head: str  # the word that says what the column is (vehicle in first_vehicle)


@dataclass
class TableLexicon:
    schema: TableSchema
    columns: dict[str, list[Phrase]] = field(default_factory=dict)
    values: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)  # stems -> (column, value)
    firsts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # first stem -> (column, value)
    longest: int = 1  # longest value, in words
    table_words: set[str] = field(default_factory=set)  # stems naming the table
    entity: str = "row"  # stem of what one row is ("agreement")
    vocabulary: set[str] = field(default_factory=set)  # every stem that names something here


@dataclass
class Lexicon:
    tables: list[TableLexicon]


def build_lexicon(schemas: list[TableSchema], values: dict[tuple[str, str], list[str]]) -> Lexicon:
    """`values` maps (doc_id, column) to that text column's distinct values."""
    return Lexicon([_table_lexicon(s, values) for s in schemas])


def _table_lexicon(schema: TableSchema, values: dict[tuple[str, str], list[str]]) -> TableLexicon:
    lex = TableLexicon(schema)
    entity = [s for s in stems(schema.entity) if s not in STOPWORDS] or ["row"]
    lex.entity = entity[-1]
    name = schema.name.rsplit(".", 1)[0]
    lex.table_words = {s for text in (name.replace("_", " "), schema.title, schema.entity, *schema.synonyms)
                       for s in stems(text) if s not in STOPWORDS}
    lex.table_words |= {a for s in lex.table_words for a in _agent_forms(s)}
    lex.vocabulary |= lex.table_words
    for col in schema.columns:
        phrases = [_phrase(col.name.replace("_", " "), 1.0)]
        phrases += [_phrase(s, 1.0) for s in col.synonyms]
        for p in list(phrases):
            for s in p.stems:  # supplier <- "supplies"/"supply", investor <- "invested"
                for agent in _agent_forms(s):
                    phrases.append(Phrase((agent,), 0.6, agent))
        described = [s for s in stems(col.description) if s not in STOPWORDS and s not in NEUTRAL and not s.isdigit()]
        phrases += [Phrase((s,), 0.3, s) for s in dict.fromkeys(described)]
        lex.columns[col.name] = [p for p in phrases if p.stems]
        lex.vocabulary |= {s for p in phrases if p.weight >= 0.6 for s in p.stems}
        for value in values.get((schema.doc_id, col.name), []):
            if _FILE_OR_URL.search(value):
                continue  # source_document and links: never what a question names
            key = tuple(s for s in stems(value))
            if not key or len(key) > MAX_VALUE_WORDS or (len(key) == 1 and (key[0] in STOPWORDS or len(key[0]) < 2)):
                continue
            lex.values.setdefault(key, []).append((col.name, value))
            lex.longest = max(lex.longest, len(key))
            first = key[0]
            if len(key) > 1 and len(first) >= 3 and not first.isdigit() and first not in STOPWORDS | NEUTRAL:
                lex.firsts.setdefault(first, []).append((col.name, value))
    return lex


def _phrase(text: str, weight: float) -> Phrase:
    s = tuple(x for x in stems(text) if x not in STOPWORDS)
    content = [x for x in s if x not in UNIT_WORDS and x not in ("date", "id", "no", "num")]
    return Phrase(s, weight, (content or list(s) or [""])[-1])


def _agent_forms(s: str) -> list[str]:
    """Verbs behind a noun: supplier <- supply, investor <- invest, shipment <- ship."""
    if s.endswith("ment") and len(s) > 6:
        return [stem(s[:-4])]
    if s.endswith("ier") and len(s) > 5:
        return [s[:-3] + "y"]
    if (s.endswith("er") or s.endswith("or")) and len(s) > 5:
        return [stem(s[:-2])]
    return []
