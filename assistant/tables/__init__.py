"""Structured supply data: typed tables, and questions answered from them with row citations.

    table Document (from ingest) -> schema.py + infer.py -> store.py (SQLite, registry)
    question -> question.py -> match.py (per table) -> planner.py -> Plan (plan.py)
             -> execute.py (parameterized SQL) -> answer.py -> TableAnswer | None

- values.py   one cell -> number in the column's unit, or ISO date; why not, if it fails
- schema.py   declarations from the README column table / `<file>.meta.json` sidecar
- infer.py    column types and units, typed rows, bad rows reported with their line
- store.py    TableStore: one SQLite table per document, the registry, load reports;
              `on_change` is the Indexer listener
- lexicon.py  words that name each table's columns and values, rebuilt per store change
- question.py / match.py / planner.py   question -> Plan with a confidence, no LLM
- execute.py  Plan -> Result: value, unit, rows used, computation
- answer.py   TableAnswerer / answer_from_tables: Result -> TableAnswer with Citations

Usage: `store = TableStore(settings.tables_path)`; `indexer.on_change.append(store.on_change)`;
`TableAnswerer(store).answer(question)` returns None when the tables cannot answer with
confidence, so the caller answers from documents instead.
"""

from assistant.tables.answer import TableAnswer, TableAnswerer, answer_from_tables
from assistant.tables.plan import Condition, Plan
from assistant.tables.planner import MIN_CONFIDENCE
from assistant.tables.store import LoadReport, TableStore

__all__ = [
    "MIN_CONFIDENCE", "Condition", "LoadReport", "Plan", "TableAnswer", "TableAnswerer", "TableStore",
    "answer_from_tables",
]
