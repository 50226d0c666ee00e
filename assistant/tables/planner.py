"""Table question planner: a question -> a Plan over one table, deterministically.

In: a question and the Lexicon (every table's columns, synonyms, units and values).
Out: the Plan of the table that explains the question best — target column, measure,
filters, grouping and the aggregate (lookup, list, count, sum, average, min, max,
comparison) — with a confidence; None when no table explains anything in it. No LLM,
no SQL: names come from the registry, values from the data.

match.py says what the words name in each table; this module reads the kind from the
question word and cues: two values of one column plus "compared"/"how much" make a
comparison, "per customer" a grouping, "how many suppliers" a count (distinct values;
"how many agreements", rows), "average"/"total" an aggregate of the measure,
"largest"/"earliest" a min/max (of totals per target for "the most"), "how much"/"how
many GWh" a lookup of the measure (summed over several rows), "which X" a list. The
confidence starts at 1 and falls for every word nothing explains and every assumption,
so a question about something the tables do not hold ("Who is Verkor's CEO?") lands
below MIN_CONFIDENCE and the caller answers from documents instead.
"""

from __future__ import annotations

from assistant.tables.lexicon import Lexicon, TableLexicon, Word
from assistant.tables.match import ASSUMED, LOCATION, ROW_NOUNS, TableMatch
from assistant.tables.plan import Condition, Plan
from assistant.tables.question import (
    ASKING,
    AVERAGE,
    COMPARE,
    MAX,
    MIN,
    SUM,
    TIME,
    UNIT_TOKENS,
    Question,
    plural,
)

# Below this the caller should not use a table answer. Every content word must name
# something in the table: one word that names nothing leaves 0.6 and is declined
# ("When was Verkor founded?" is not the equity table's stake date), as are two (0.36)
# or an unknown name (0.35). Assumptions alone (x0.85 each) are tolerated once.
MIN_CONFIDENCE = 0.61
# Another table explains the question exactly as well: below MIN_CONFIDENCE, so the
# question is declined rather than answered from a table picked by chance.
AMBIGUOUS_TABLE = 0.45


def plan_question(question: str, lexicon: Lexicon) -> Plan | None:
    """The best plan over all tables (even a weak one: compare its confidence), or None."""
    q = Question.parse(question)
    plans = [p for t in lexicon.tables if (p := _plan(q, t)) is not None]
    if not plans:
        return None
    plans.sort(key=lambda p: (p.confidence, p.evidence), reverse=True)
    best = plans[0]
    if len(plans) > 1 and plans[1].confidence == best.confidence and plans[1].evidence == best.evidence:
        best.confidence *= AMBIGUOUS_TABLE
        best.notes.append(f"{plans[1].table_name} fits as well")
    return best


def _plan(q: Question, t: TableLexicon) -> Plan | None:
    m, s = TableMatch(q, t), t.schema
    focus = q.focus(m.used)
    target, rows_wanted = _target(q, m, focus)
    how_many_units = q.how == "many" and bool(focus) and focus[0].low in UNIT_TOKENS
    counting = (q.how == "many" and not how_many_units) or m.phrase("number", "of") or bool(m.cue({"count"}))
    amount = q.how == "much" or how_many_units
    filters, compare = m.value_conditions(target)
    filters += m.number_conditions(target)
    group = m.group()
    comparing = compare is not None and bool(m.cue(COMPARE) or amount)
    if compare is not None and not comparing:
        filters.append(Condition(compare.column, "in", compare.values, compare.words))
        compare = None

    plan = Plan(s.doc_id, s.name, "lookup", target=target, filters=filters)
    extreme = m.cue(MAX) or m.cue(MIN)
    if comparing:
        plan.kind, plan.compare = "comparison", compare
        plan.measure = m.measure(target)
    elif group:
        plan.group_by, plan.by_year = group
        plan.kind = ("average" if m.cue(AVERAGE) else "count" if counting
                     else "max" if m.cue(MAX) else "min" if m.cue(MIN) else "sum")
        if plan.kind != "count":
            plan.measure = m.measure(target)
        plan.target = None
    elif counting:
        if target is None and not rows_wanted:
            return None  # "how many employees": nothing here to count
        plan.kind, plan.distinct = "count", target is not None
    elif m.cue(AVERAGE):
        plan.kind, plan.measure = "average", m.measure(target)
    elif m.cue(SUM) or (amount and m.cue({"total"})):
        plan.kind, plan.measure = "sum", m.measure(target)
    elif extreme:
        plan.kind = "max" if m.cue(MAX) else "min"
        timely = any(w.low in TIME for w in extreme)
        m.use([w.i for w in extreme], f"'{extreme[0].text}' = {plan.kind}")
        date_target = target is not None and s.column(target).type == "date"
        if timely and not date_target:
            plan.measure = m.pick([c.name for c in s.columns if c.type == "date"], "date")
        else:
            plan.measure = target if target and (s.column(target).numeric or date_target) else m.measure(target)
        if plan.target == plan.measure:
            plan.target = None
        most = any(w.low in ("most", "least") for w in extreme)
        plan.per_group = bool(plan.target and plan.measure and most and s.column(plan.measure).numeric)
    elif amount or (target and s.column(target).numeric):
        numeric_target = target is not None and s.column(target).numeric
        plan.kind, plan.target = "lookup", None
        plan.measure = target if numeric_target else m.measure(None)
    elif target is not None:
        plan.kind = "list" if focus and plural(focus[0]) else "lookup"
    elif rows_wanted and filters:
        plan.kind = "list"
    else:
        return None
    if plan.target is not None and plan.target == plan.measure:
        plan.target = None
    if plan.measure and q.units and s.column(plan.measure).per_year and not q.per_year:
        m.factor *= ASSUMED  # "how many MWh ..." answered from a GWh-per-year rate
        m.notes.append(f"{plan.measure} is a yearly rate; the question does not say 'a year'")
    if plan.kind in ("sum", "average", "comparison", "min", "max") and plan.measure is None:
        return None
    if plan.kind == "lookup" and plan.measure is None and plan.target is None:
        return None
    m.explain(plan)
    plan.confidence, plan.evidence, plan.notes = round(m.factor, 4), m.evidence, m.notes
    return plan if m.evidence > 0 else None


def _target(q: Question, m: TableMatch, focus: list[Word]) -> tuple[str | None, bool]:
    """The column whose values answer, or (None, True) when the rows themselves do."""
    s = m.s
    # The last focus word is the head of the phrase: "stake price" asks for a price.
    rows_wanted = bool(focus) and (focus[-1].stem == m.t.entity or focus[-1].stem in ROW_NOUNS)
    target = None if rows_wanted else m.focus_column(focus)
    if rows_wanted:
        m.use([f.i for f in focus], f"'{m.text([f.i for f in focus])}' = the rows ({s.entity})")
    asking = next((w.low for w in q.words if w.low in ASKING), "")
    if asking == "when" and (target is None or s.column(target).type != "date"):
        target = m.pick([c.name for c in s.columns if c.type == "date"], "date")
    elif asking == "where" and target is None:
        target = m.pick([c.name for c in s.columns if set(m.stems(c.name)) & LOCATION], "place")
    elif asking == "who" and target is None:
        target = m.pick(s.label[:1], "name")
    return target, rows_wanted
