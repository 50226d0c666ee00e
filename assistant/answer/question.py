"""Question analysis, the first step of the answer stage: question text -> `Query`.

In: a standalone question. Out: what kind of answer it asks for (a date, a quantity and
its unit, a place, an organisation, a person, a vehicle, a site, a name, a code, a noun
phrase, yes/no, a comparison between options, an open account of a topic, or just a
sentence), its content words (without the words that frame an open question or point at
the sources: "the major factors", "as reported in"), and which of them are anchors
(names, numbers and codes the evidence must contain: a sentence about Verkor does not
answer a question about Valdane; a dated period, "the quarter ended June 25, 2022", may
be stated anywhere in the passage). Deterministic rules over the words of the question;
no model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answer.lexicon import Token, content_words, normalize, tokenize
from assistant.answer.spans import COUNTRIES, ENERGY_UNITS, dates

AUX = {"is", "are", "was", "were", "does", "do", "did", "will", "would", "can", "could", "has", "have",
       "had", "should", "shall", "may"}
WH = {"what", "which", "who", "whom", "whose", "when", "where", "how", "why"}
# Words that carry nothing to look for in the evidence: light verbs, the question's own
# scaffolding, and prepositions the catalog does not treat as stop words.
LIGHT_VERBS = {
    "get", "gets", "got", "become", "becomes", "became", "go", "goes", "went", "happen", "happens",
    "located", "based", "situated", "sited", "lie", "lies", "placed", "host", "hosts", "hosted",
    "house", "houses", "housed", "take", "takes", "took", "taken",
    "kind", "type", "sort", "many", "much", "long", "large", "big", "exactly", "currently", "now",
    "between", "under", "over", "after", "before", "during", "within", "without", "against",
    "among", "via", "across", "through", "upon", "near", "around", "beyond", "since", "until",
}
COMPARATIVES = {"more": "max", "larger": "max", "bigger": "max", "higher": "max", "greater": "max",
                "most": "max", "later": "max", "last": "max", "less": "min", "fewer": "min",
                "smaller": "min", "lower": "min", "earlier": "min", "first": "min", "sooner": "min",
                "before": "min"}
ORG_NOUNS = {"company", "firm", "supplier", "carmaker", "automaker", "manufacturer", "maker", "group",
             "partner", "customer", "investor", "division", "subsidiary", "entity", "business", "brand",
             "organisation", "organization"}
VEHICLE_NOUNS = {"vehicle", "car", "model", "suv"}
SITE_NOUNS = {"plant", "factory", "gigafactory", "site", "facility", "centre", "center"}
PLACE_NOUNS = {"city", "country", "town", "region", "place", "location", "state"}
CODE_NOUNS = {"code", "reference", "number", "notice", "id", "identifier"}
PERSON_NOUNS = {"person", "executive", "ceo", "chief", "president", "director", "founder", "spokesperson",
                "chairman", "chairwoman"}
QUANTITY_NOUNS = {"price": "money", "cost": "money", "value": "money", "investment": "money",
                  "percentage": "%", "proportion": "%", "share": "%", "stake": "%",
                  "capacity": "energy", "volume": None, "amount": None, "size": None, "output": None,
                  # money measured over a period, as accounts report it ("total net sales")
                  "sale": "money", "revenue": "money", "income": "money", "profit": "money",
                  "earning": "money", "expense": "money", "spending": "money", "expenditure": "money",
                  "flow": "money", "margin": None}
# Measured attributes a sentence must name to answer for them ("the price", "the capacity");
# generic measures (volume, amount, percentage) are covered by the unit instead.
ATTRIBUTES = {"price", "cost", "value", "investment", "capacity", "stake", "share", "output",
              "sale", "revenue", "income", "profit", "earning", "expense", "spending", "expenditure"}
PERSON_VERBS = {"lead", "leads", "led", "head", "heads", "headed", "chair", "chairs", "found", "founded",
                "said", "say", "says", "stated", "announced"}
MONEY_VERBS = {"pay", "paid", "cost", "costs", "invest", "invested", "spend", "spent", "worth", "fund", "price"}
NAME_CUES = {"called", "named", "name", "renamed"}
# Open questions ask for an account of a topic rather than one value. These words frame
# the request ("the major factors", "any notable changes", "trends over time", "in these
# reports") and are not looked for in the evidence; the rest of the question is the topic.
OPEN_FRAME = {
    "factor", "factors", "driver", "drivers", "reason", "reasons", "cause", "causes", "contributing",
    "contributed", "contribute", "major", "key", "main", "primary", "significant", "notable",
    "substantial", "considerable", "material", "any", "trend", "trends", "consistent", "identified",
    "identify", "observed", "seen", "noted", "change", "changes", "changed", "changing", "vary",
    "varied", "variation", "variations", "fluctuate", "fluctuated", "fluctuation", "fluctuations",
    "evolve", "evolved", "evolution", "alteration", "alterations", "shift", "shifts", "describe",
    "explain", "discuss", "summarize", "overview", "time", "over", "across", "reported", "recent",
    "latest", "previous", "prior", "periods", "quarters", "so", "these", "those", "there", "been",
    "how", "compared", "comparison", "impact", "affect", "affected", "influence", "if",
    "trended", "trending", "transformed", "movements", "movement", "elements", "influenced",
    "influencing", "implications", "summary", "might", "could", "potentially", "possibly", "please",
    "provide", "detail", "details", "particularly", "especially", "role", "played", "pattern",
    "patterns", "discerned", "outline", "outlined", "highlighted", "presented", "revealed", "ways",
    "way", "suggest", "indicate", "reflect", "measure", "stack", "up", "against", "principal",
    "chief", "contributor", "contributors", "influences", "figures", "throughout", "each",
    "company", "what", "which", "they", "them", "their", "its", "this", "that", "it",
}
# Words that point at the sources rather than at what they say ("as reported in the
# quarterly filing", "disclosed in the documents"): never looked for in the evidence.
SOURCE_FRAME = {"report", "reports", "reported", "reporting", "disclose", "discloses", "disclosed",
                "disclosure", "filing", "filings", "filed", "document", "documents", "mentioned",
                "according", "latest", "recent"}
# A period named by its label ("Q3 2022", "FY2023", "H1"): sources date periods their own
# way ("the three months ended June 25, 2022"), so the label is not looked for, and its
# year may be stated anywhere in the passage or the document's opening.
_PERIOD_LABEL = re.compile(r"^(?:Q[1-4]|H[12]|FY(?:\d{2}|\d{4})?)$", re.IGNORECASE)
# A question asking for one value is typed, however it goes on ("What was X's R&D
# expenditure in Q1 2023, and which initiatives ...?"): the value is the answer.
_VALUE_ASKED = re.compile(r"^(?:(?:in|for|during) [^,]+, )?(?:how (?:much|many)|when|where|who|what (?:percentage|proportion|share|amount|date|year)|what (?:is|was) (?:the )?\w+'s)\b", re.IGNORECASE)
_LEADING_FRAME = re.compile(r"^(?:in|for|during) [^,?]{1,40}, ", re.IGNORECASE)
# "the second quarter of 2023", "fiscal 2023": a period, dated as the sources date it.
_PERIOD_PHRASE = re.compile(r"\b(?:(?:first|second|third|fourth) (?:fiscal )?quarter (?:of )?(?:fiscal (?:year )?)?|fiscal (?:year )?)((?:19|20)\d{2})\b", re.IGNORECASE)
# An open question's topic is its first clause: "How have inventory levels changed, and
# what might this indicate about ...?" asks for what the sources say about inventories.
_OPEN_CLAUSE_END = re.compile(r",?\s+and (?:what|how|why|which|describe|explain)\b|,\s*and\b|\?\s", re.IGNORECASE)
_OVER_TIME = re.compile(r"\bover time\b|\b(?:across|throughout|over|during) (?:the |these |all )?(?:reported |reporting )?"
                        r"(?:quarters|periods|years|months)\b|\btrend", re.IGNORECASE)
_OPEN = re.compile(
    r"^(?:how (?:has|have|had|did|does|do) .+\b(?:chang|vari|evolv|fluctuat|trend|develop|shift|perform|compar)\w*"
    r"|how (?:has|have) .+\bseen\b"
    r"|what (?:are|were|is|was) (?:the )?(?:\w+ )?(?:factors?|drivers?|reasons?|causes?|trends?|changes|risks|impacts?|effects?|contributors?|influences?)\b"
    r"|(?:describe|explain|discuss|summari[sz]e|outline|detail|list)\b|in what ways?\b"
    r"|what (?:role|patterns?|details|effects?|impacts?|influence)\b"
    r"|what (?:\w+ )?(?:\w+ )?\w+s (?:or \w+ )?(?:\w+ )?(?:are|were|have|has)\b"
    r"|.+[,?]\s*(?:and (?:how|what|why)|please|if so)\b"
    r"|how (?:did|does|do|has|have) .+\b(?:compare|measure|stack|reflect|affect|impact|influence)\w*\b"
    r"|(?:are|were|is|was) there (?:any|significant|notable)\b"
    r"|(?:has|have|had) there been\b"
    r"|(?:can|could) (?:any|we|you|one)\b.*\b(?:trends?|patterns?|changes?)\b"
    r"|(?:has|have|did|does|do) .+\bany (?:significant |notable |substantial |major )?(?:changes?|trends?|alterations?)\b)",
    re.IGNORECASE)

# Answer types.
DATE, QUANTITY, PLACE, ORG, PERSON, VEHICLE, SITE, NAME, CODE, PHRASE = (
    "date", "quantity", "place", "org", "person", "vehicle", "site", "name", "code", "phrase")
YESNO, COMPARISON, SENTENCE = "yes/no", "comparison", "sentence"
THING = "thing"  # "What replaces X?": a name or a code
OPEN = "open"  # "How has X changed?", "What are the factors behind X?": a few sentences about X
REASON = "reason"  # "Why ...?": the clause after "because", "due to", "after"
NEW_NAME_WORDS = {"new", "current", "now", "today", "present"}
OLD_NAME_WORDS = {"before", "formerly", "previously", "old", "original", "originally", "earlier", "former", "previous"}


@dataclass
class Term:
    norm: str
    text: str
    anchor: bool = False  # a name, number or code the evidence must contain
    number: bool = False  # numbers must be in the sentence itself
    date: bool = False  # part of a dated period ("June 25, 2022"): the passage may state it
    required: bool = False  # the attribute asked about ("price", "capacity"): in the sentence
    weight: float = 1.0  # IDF, filled in by the answerer


@dataclass
class Query:
    text: str
    type: str
    terms: list[Term] = field(default_factory=list)
    unit: object = None  # quantity: "%", "money", "time", "energy", a set of unit words, or None
    head: str | None = None  # a noun the answer must contain or measure ("segments", "price")
    noun: str | None = None  # the noun asked about ("vehicle" in "which vehicle ...")
    possessed: str | None = None  # "which company's gigafactory": gigafactory
    old_name: bool = False  # a renaming question asking for the name before ("formerly")
    kind_of: bool = False  # "what kind of X": the answer is X with its modifiers
    place_level: str | None = None  # "country" when the question asks for one
    claims: list[Token] = field(default_factory=list)  # yes/no: values the question asserts
    options: list[str] = field(default_factory=list)  # comparison: the things compared
    direction: str = "max"  # comparison: which extreme wins
    value_type: str = QUANTITY  # comparison: what is compared
    asked: set[str] = field(default_factory=set)  # every normalized word of the question
    over_time: bool = False  # open: asked across periods ("over time", "across the quarters")
    latest: bool = False  # "the latest report", "the most recent quarter"

    @property
    def anchors(self) -> list[Term]:
        return [t for t in self.terms if t.anchor]


def analyze(question: str) -> Query:
    text = " ".join(question.split())
    tokens = tokenize(text)
    low = [t.norm for t in tokens]
    q = Query(text=text, type=SENTENCE, asked={t.norm for t in tokens})
    if not tokens:
        return q
    lowered = text.lower()
    excluded: set[int] = set()

    comparison = _comparison(text, low)
    framed = _LEADING_FRAME.sub("", text)  # "In Q1 2023, what ...": the question proper
    if not comparison and _OPEN.search(framed) and not _VALUE_ASKED.search(text):
        q.type = OPEN
        q.over_time = bool(_OVER_TIME.search(text))
        excluded |= {i for i, t in enumerate(tokens) if t.norm in OPEN_FRAME or t.text.lower() in OPEN_FRAME}
        cut = _OPEN_CLAUSE_END.search(text)
        if cut:
            excluded |= {i for i, t in enumerate(tokens) if t.start >= cut.start() and not t.text[:1].isupper()}
    elif comparison:
        q.type = COMPARISON
        q.options, q.direction, q.value_type, stem = comparison
        tokens = tokenize(stem)
        low = [t.norm for t in tokens]
        if q.value_type == QUANTITY:
            q.unit = _unit_after_many(tokens) or _unit_words(tokens)
        excluded |= {i for i, w in enumerate(low) if w in COMPARATIVES}
    elif low[0] in AUX:
        q.type = YESNO
        q.claims = _claims(text, tokens)
    else:
        _classify(q, tokens, low, lowered, excluded)

    claim_spans = {(c.start, c.end) for c in q.claims}
    q.latest = bool(re.search(r"\b(?:latest|most recent)\b", lowered))
    periods = [(d.start, d.end) for d in dates(text) if d.key[1]]  # "June 25, 2022", not "2030"
    for m in _PERIOD_PHRASE.finditer(text):
        periods.append((m.start(), m.end()))
        excluded |= {i for i, t in enumerate(tokens) if m.start() <= t.start < m.start(1)}
    for i, t in enumerate(tokens):
        if t.text.lower() in SOURCE_FRAME:
            excluded.add(i)
        if _PERIOD_LABEL.match(t.text):
            excluded.add(i)
            for j in (i - 1, i + 1):
                if 0 <= j < len(tokens) and re.fullmatch(r"(?:19|20)\d{2}", tokens[j].text):
                    periods.append((tokens[j].start, tokens[j].end))
    for i, t in enumerate(tokens):
        if i in excluded or (t.start, t.end) in claim_spans:
            continue
        if t.norm in WH or t.norm in LIGHT_VERBS or t.norm in AUX or t.norm in ("per", "each"):
            continue
        if t not in content_words([t]):
            continue
        parts = t.text.split("-")
        if i > 0 and len(parts) > 1 and all(len(p) >= 3 and p[:1].isupper() and p.isalpha() for p in parts):
            q.terms.extend(Term(normalize(p), p, anchor=True) for p in parts)  # "Renault-Verkor deal"
            continue
        is_number = t.text[:1].isdigit() and not re.search(r"[A-Za-z]{2}|-[A-Za-z]", t.text)  # not "10-Q"
        is_code = bool(re.search(r"\d", t.text)) and "-" in t.text
        opens_sentence = i == 0 or text[: t.start].rstrip()[-1:] in ".?!"  # "... changed? If so, ..."
        anchor = (not opens_sentence and t.text[:1].isupper() and t.norm not in ENERGY_UNITS) or is_number or is_code
        required = t.norm == q.head and (q.type in (PHRASE, NAME) or t.norm in ATTRIBUTES)
        in_period = any(s <= t.start < e for s, e in periods)
        norm = t.norm[:-1] if is_code and re.search(r"[A-Z]s$", t.text) else t.norm  # "10-Qs": 10-Q
        q.terms.append(Term(norm, t.text, anchor=anchor, number=is_number and not in_period,
                            required=required, date=in_period))
    return q


def _classify(q: Query, tokens: list[Token], low: list[str], lowered: str, excluded: set[int]) -> None:
    first = low[0]
    head, possessive = _head(q.text, tokens, low)
    if head is not None:
        excluded.add(head)
    noun = low[head] if head is not None else None
    q.noun = noun
    if possessive and head is not None and head + 1 < len(low):
        q.possessed = low[head + 1]  # "Which company's [gigafactory]": the answer owns it
    owns = next((i for i, w in enumerate(low) if w in ("own", "owns", "owned", "owner")), None)
    if owns is not None and first in ("who", "which") and owns + 1 < len(low):
        q.possessed = next((w for w in reversed(low[owns + 1 :]) if w not in _PREPOSITIONS), None)
        excluded.add(owns)  # "who owns the X": ownership is read off "Verkor Gigafactory"
    if first == "why" or re.search(r"\bfor what reason\b|\bwhat (?:is|was) the reason\b", lowered):
        q.type = REASON
    elif first == "when" or re.search(r"\b(?:what|which) (?:year|date|month|day)\b|\bsince when\b|\bby when\b", lowered):
        q.type = DATE
        excluded.update(i for i, w in enumerate(low[:4]) if w in ("year", "date", "month", "day"))
    elif first == "where":
        q.type = PLACE
    elif re.search(r"\bhow (?:many|much|long|large|big|high)\b", lowered):
        q.type = QUANTITY
        q.unit = _quantity_unit(tokens, low, lowered)
        q.head = next((w for w in low if w in ATTRIBUTES), None)  # "how large is the [stake]"
    elif noun in PLACE_NOUNS:
        q.type, q.place_level = PLACE, ("country" if noun == "country" else None)
    elif first == "who":
        q.type = PERSON if set(low) & (PERSON_NOUNS | PERSON_VERBS) else ORG
    elif noun in QUANTITY_NOUNS and not possessive:
        q.type, q.unit = QUANTITY, QUANTITY_NOUNS[noun]
        if noun in ATTRIBUTES:
            q.head = noun
            excluded.discard(head)  # the attribute asked about must be in the evidence
    elif set(low) & NAME_CUES and first in ("what", "which"):
        q.type = NAME
        renaming = set(low) & (OLD_NAME_WORDS | NEW_NAME_WORDS)
        cue = next((i for i, w in enumerate(low) if w in NAME_CUES and (w != "name" or renaming)), None)
        if cue is not None:  # "What is X called now?", "its new name": the renaming must be stated
            q.head = low[cue]
            q.old_name = bool(set(low) & OLD_NAME_WORDS)
            excluded.discard(cue)
            excluded.update(i for i, w in enumerate(low) if w in OLD_NAME_WORDS | NEW_NAME_WORDS)
        else:
            excluded.update(i for i, w in enumerate(low) if w == "name")
    elif first == "what" and _verb_after_what(tokens, low):
        q.type = THING
    elif noun is not None and first in ("what", "which"):
        for nouns, kind in ((ORG_NOUNS, ORG), (VEHICLE_NOUNS, VEHICLE), (SITE_NOUNS, SITE),
                            (CODE_NOUNS, CODE), (PERSON_NOUNS, PERSON)):
            if noun in nouns:
                q.type = kind
                break
        else:
            q.type, q.head = PHRASE, noun
            q.kind_of = bool(re.search(r"\b(?:kind|type|sort)s? of\b", lowered))
            excluded.discard(head)  # the head noun is also evidence ("segments")


def _head(text: str, tokens: list[Token], low: list[str]) -> tuple[int | None, bool]:
    """The noun a what/which/who question asks about, and whether it is a possessor:
    "Which [company] will ...", "What kind of [agreement] ...", "What is the production
    [capacity] of ...", "Which [company]'s gigafactory ..." (possessor)."""
    if low[0] not in ("what", "which", "who", "whose", "in", "at", "from", "for", "to", "by", "before", "since"):
        return None, False  # "When/where/how ...": the type comes from the wh-word
    if len(low) > 1 and low[1] in ("does", "do", "did"):
        return None, False  # "What does X allow?": a clause, not a noun, is asked for
    i = 1
    while i < len(low) and (low[i] in AUX or low[i] in WH or low[i] in ("the", "a", "an", "in", "at") or tokens[i].text[:1].isupper()):
        i += 1
    if i + 1 < len(low) and low[i] in ("kind", "type", "sort") and low[i + 1] == "of":
        i += 2
    start, head = i, None
    while i < len(low) and i - start < 3 and tokens[i].text.islower() and low[i] not in AUX and low[i] not in _PREPOSITIONS:
        if text[tokens[i].end : tokens[i].end + 2] in ("'s", "’s"):
            return i, True
        if head is None or low[i] in _TYPED or low[head] not in _TYPED:
            head = i
        i += 1
    return head, False


_PREPOSITIONS = {"of", "to", "for", "in", "by", "from", "with", "on", "and", "that", "at", "per"}
_TYPED = (ORG_NOUNS | VEHICLE_NOUNS | SITE_NOUNS | PLACE_NOUNS | CODE_NOUNS | PERSON_NOUNS
          | set(QUANTITY_NOUNS) | NAME_CUES)


def _verb_after_what(tokens: list[Token], low: list[str]) -> bool:
    """"What replaces the ...", "What will be built in X": a verb, not a noun, follows "what"."""
    i = 1
    while i < len(low) and low[i] in AUX | {"be", "been", "being"}:
        i += 1
    if i > 1 and i < len(low) and low[i - 1] in ("be", "been", "being"):
        return True  # passive: "what will be built", "what is being produced"
    if len(tokens) < 3 or low[1] in AUX or not tokens[1].text.islower():
        return False
    nxt = tokens[2]
    return tokens[1].text.lower().endswith(("s", "ed")) and (low[2] in ("the", "a", "an") or nxt.text[:1].isupper())


def _quantity_unit(tokens: list[Token], low: list[str], lowered: str):
    if "how long" in lowered:
        return "time"
    if set(low) & MONEY_VERBS:
        return "money"
    if re.search(r"\bhow (?:large|big)\b", lowered) and set(low) & {"stake", "share"}:
        return "%"
    if "how many" in lowered:
        return _unit_after_many(tokens)
    for w in low:
        if QUANTITY_NOUNS.get(w):
            return QUANTITY_NOUNS[w]
    return None


def _unit_after_many(tokens: list[Token]):
    low = [t.norm for t in tokens]
    for i, w in enumerate(low[:-1]):
        if w == "many":
            words = []
            for t in tokens[i + 1 : i + 3]:
                if t.norm in AUX or t.norm in ("a", "per", "of", "each", "do", "does", "did", "will") or (t.text[:1].isupper() and t.norm not in ENERGY_UNITS):
                    break
                words.append(t.norm)
            if words and words[0] in ENERGY_UNITS:
                return "energy"
            return set(words) or None
    return None


def _unit_words(tokens: list[Token]):
    return "energy" if any(t.norm in ENERGY_UNITS for t in tokens) else None


def _claims(text: str, tokens: list[Token]) -> list[Token]:
    """Values a yes/no question asserts: countries, numbers and dates ("in France", "in 2024")."""
    years = dates(text)
    claims = []
    for t in tokens[1:]:
        if t.norm in COUNTRIES or any(y.start <= t.start < y.end for y in years) or t.text[:1].isdigit():
            claims.append(t)
    return claims


_OPTIONS = re.compile(r"^(?P<stem>.+?)[,:]\s*(?P<a>[^,:]+?),?\s+or\s+(?P<b>[^,:?]+?)\s*\??$", re.IGNORECASE)


def _comparison(text: str, low: list[str]):
    """(options, direction, value type, stem) for "Which X more/first, A or B?"."""
    if " or " not in text.lower() or low[0] not in ("which", "who", "what"):
        return None
    m = _OPTIONS.match(text)
    if not m:
        return None
    stem = m.group("stem")
    stem_words = [t.norm for t in tokenize(stem)]
    direction = next((COMPARATIVES[w] for w in stem_words if w in COMPARATIVES), None)
    if direction is None:
        return None
    temporal = bool(set(stem_words) & {"first", "earlier", "sooner", "later", "last", "before", "when"})
    options = [re.sub(r"^(?:the|a|an)\s+", "", o.strip(), flags=re.IGNORECASE) for o in (m.group("a"), m.group("b"))]
    return options, direction, (DATE if temporal else QUANTITY), stem
