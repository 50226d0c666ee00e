"""Table answers, the last table stage: a question -> TableAnswer with row citations.

In: a question and the TableStore. Out: a `TableAnswer`: the short answer, a readable
answer with [n] markers numbered from 1, the computation ("12 + 8 = 20 GWh per year"),
one `Citation` per row used (kind "table", locator "row N", values, and quote/start/end
exactly the row's rendered line in the table document's text), the typed value and
unit, the plan and its confidence. None when the planner declines (confidence below
`min_confidence`) or no row matches, so the caller answers from documents instead.

`TableAnswerer` keeps the planner's lexicon and rebuilds it only when the store
changes; `answer_from_tables` is the one-shot form. Wording comes from
templates/*.txt, loaded by name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from assistant.tables.execute import Result, execute, extreme_word
from assistant.tables.lexicon import Lexicon, build_lexicon
from assistant.tables.plan import Plan
from assistant.tables.planner import MIN_CONFIDENCE, plan_question
from assistant.tables.store import TableStore
from assistant.tables.values import format_number
from assistant.types import Citation

# Rows cited at most: an aggregate over a large table cites its first rows and says so.
MAX_CITED_ROWS = 50


@dataclass
class TableAnswer:
    question: str
    short_answer: str
    answer: str  # readable, with [n] markers for `citations`
    computation: str
    citations: list[Citation]
    value: Any  # int | float | str | list | dict, as the operation gives
    unit: str
    plan: Plan
    confidence: float
    table: str  # file name of the table answered from
    operation: str  # lookup | list | rows | count | sum | average | min | max | group | comparison

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["citations"] = [c.to_dict() for c in self.citations]
        d["plan"] = self.plan.to_dict()
        return d


class TableAnswerer:
    def __init__(self, store: TableStore, min_confidence: float = MIN_CONFIDENCE):
        self.store, self.min_confidence = store, min_confidence
        self._lexicon: tuple[tuple[int, int], Lexicon] | None = None

    def lexicon(self) -> Lexicon:
        generation = self.store.generation
        if self._lexicon is None or self._lexicon[0] != generation:
            schemas = self.store.schemas()
            values = {(s.doc_id, c.name): self.store.distinct_values(s, c.name)
                      for s in schemas for c in s.columns if c.type == "text"}
            self._lexicon = (generation, build_lexicon(schemas, values))
        return self._lexicon[1]

    def plan(self, question: str) -> Plan | None:
        """The planner's best reading of the question, however weak (see .confidence)."""
        return plan_question(question, self.lexicon())

    def answer(self, question: str) -> TableAnswer | None:
        plan = self.plan(question)
        if plan is None or plan.confidence < self.min_confidence:
            return None
        result = execute(plan, self.store)
        return None if result is None else compose(question, result)


def answer_from_tables(store: TableStore, question: str, min_confidence: float = MIN_CONFIDENCE) -> TableAnswer | None:
    return TableAnswerer(store, min_confidence).answer(question)


def compose(question: str, result: Result) -> TableAnswer:
    s, plan = result.schema, result.plan
    cited = result.rows[:MAX_CITED_ROWS]
    numbers = {r.row: n for n, r in enumerate(cited, start=1)}
    citations = [
        Citation(n=numbers[r.row], doc_id=s.doc_id, title=s.title, source=s.source, locator=f"row {r.row}",
                 quote=r.quote, start=r.start, end=r.end, kind="table", row=r.row, values=dict(r.values))
        for r in cited
    ]

    def cites(rows: list[int]) -> str:
        return "".join(f"[{numbers[r]}]" for r in rows if r in numbers)

    def show(value: Any) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return format_number(value) + (f" {result.unit}" if result.unit else "")
        return str(value)

    all_rows = [r.row for r in result.rows]
    conditions = plan.filters
    fill = {
        "what": plan.measure if plan.measure and result.operation not in ("list", "rows", "count") else plan.target or "rows",
        "where": (" where " + " and ".join(c.describe(s.column(c.column).unit) for c in conditions)) if conditions else "",
        "table": s.name, "count": len(result.rows), "cites": cites(all_rows), "value": show(result.value),
        "rows": "row" if len(result.rows) == 1 else "rows",
    }
    op = result.operation
    items = "; ".join(f"{p.label} {cites(p.rows)}" for p in result.parts)
    short = show(result.value)
    if op in ("list", "rows"):
        text = _template(op).format(**fill, items=items)
        short = "; ".join(p.label for p in result.parts)
    elif op == "count":
        counted = f"distinct {plan.target} values" if plan.distinct and plan.target else "rows"
        text = _template("count").format(**fill, counted=counted)
    elif op in ("min", "max"):
        date = plan.measure is not None and s.column(plan.measure).type == "date"
        word, extreme = extreme_word(op, date), result.extreme
        others = ""
        if len(all_rows) > len(result.winners):
            others = _template("extreme_others").format(count=len(result.rows), cites=cites(all_rows))
        what = f"total {plan.measure}" if plan.per_group else plan.measure
        if plan.target:
            value = result.value if isinstance(result.value, str) else ", ".join(map(str, result.value))
            text = _template("extreme_target").format(**{**fill, "what": what, "value": value, "cites": cites(result.winners)},
                                                      word=word, extreme=show(extreme), others=others)
            short = f"{value} ({show(extreme)})"
        else:
            text = _template("extreme").format(**{**fill, "cites": cites(result.winners)}, word=word.capitalize(),
                                               others=others)
    elif op == "group":
        aggregate = {"sum": "Total", "average": "Average", "count": "Number of rows", "min": "Lowest", "max": "Highest"}[plan.kind]
        group = plan.group_by + (" (year)" if plan.by_year else "")
        items = "; ".join(f"{p.label}: {show(p.value)} {cites(p.rows)}" for p in result.parts)
        what = "" if plan.kind == "count" else plan.measure or ""
        text = _template("group").format(**{**fill, "what": what}, aggregate=aggregate, group=group, items=items)
        text = text.replace("  ", " ")
        short = "; ".join(f"{p.label}: {show(p.value)}" for p in result.parts)
    elif op == "comparison":
        items = "; ".join(f"{p.label}: {show(p.value) if p.value is not None else 'no row'} {cites(p.rows)}".rstrip()
                          for p in result.parts)
        present = [p for p in result.parts if p.value is not None]
        difference = ""
        if len(present) == 2 and present[0].value != present[1].value:
            high, low = sorted(present, key=lambda p: p.value, reverse=True)
            difference = _template("difference").format(higher=high.label, lower=low.label, amount=show(high.value - low.value))
        text = _template("comparison").format(**fill, items=items, difference=difference)
        short = " vs ".join(f"{p.label} {show(p.value) if p.value is not None else 'none'}" for p in result.parts)
    else:  # lookup, sum, average
        text = _template(op).format(**fill)
    if len(result.rows) > MAX_CITED_ROWS:
        text += f" (first {MAX_CITED_ROWS} of {len(result.rows)} rows cited)"
    return TableAnswer(
        question=question, short_answer=short, answer=text, computation=result.computation, citations=citations,
        value=result.value, unit=result.unit, plan=plan, confidence=plan.confidence, table=s.name, operation=op,
    )


@cache
def _template(name: str) -> str:
    return (files("assistant.tables") / "templates" / f"{name}.txt").read_text(encoding="utf-8").strip("\n")
