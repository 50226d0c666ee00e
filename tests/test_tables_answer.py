"""Table questions: every aggregate kind over the fictional fixture tables, checked for
the value, the rows cited and the computation shown; questions the planner must
decline; and the real corpus/supply questions. Real files, real loader, real SQLite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.ingest.load import load_file
from assistant.tables.answer import TableAnswerer, answer_from_tables
from assistant.tables.planner import MIN_CONFIDENCE
from assistant.tables.store import TableStore

FIXTURE_TABLES = ["cell_supply.csv", "equity_stakes.csv", "cell_shipments.json"]


@pytest.fixture
def store(settings, fixtures_dir):
    s = TableStore(settings.tables_path)
    for name in FIXTURE_TABLES:
        s.load_document(load_file(fixtures_dir / "tables" / name))
    yield s
    s.close()


@pytest.fixture
def qa(store) -> TableAnswerer:
    return TableAnswerer(store)


# question, operation, value, unit, rows cited (table row numbers), computation
CASES = [
    # lookup of a quantity for one row, named by two values
    ("How many GWh a year does Nordvolt Cells supply to Alpen Motors?", "lookup", 12, "GWh per year", [1],
     "row 1: volume_gwh_per_year = 12 GWh per year"),
    # lookup of a text column: both Nordvolt rows say the same site
    ("Where are Nordvolt Cells made?", "lookup", "Skelleby Works", "", [1, 2],
     "supplier = Nordvolt Cells → rows 1, 2; production_site: Skelleby Works"),
    # lookup of a date in another table, chosen by "acquire" and "stake"
    ("When did Alpen Motors acquire its stake in Nordvolt Cells?", "lookup", "2022-11", "", [1],
     "investor = Alpen Motors and company = Nordvolt Cells → row 1; stake_acquired: 2022-11"),
    # list of a column's values
    ("Which vehicles use Alpen Batterie cells?", "list", ["Alpen Nova", "Lumo One"], "", [3, 4],
     "supplier = Alpen Batterie → rows 3, 4; first_vehicle: Alpen Nova; Lumo One"),
    # list of rows, filtered by year ("2026" and "2026-01" both start in 2026)
    ("Which agreements start in 2026?", "rows", ["Nordvolt Cells, Fjord Automotive", "Baltic Cell Works, Fjord Automotive"],
     "", [2, 5], "supply_start in 2026 → rows 2, 5; Nordvolt Cells, Fjord Automotive; Baltic Cell Works, Fjord Automotive"),
    # year range
    ("Which agreements start before 2026?", "rows", ["Nordvolt Cells, Alpen Motors", "Alpen Batterie, Alpen Motors"],
     "", [1, 3], "supply_start before 2026 → rows 1, 3; Nordvolt Cells, Alpen Motors; Alpen Batterie, Alpen Motors"),
    # filter on a number with its unit
    ("Which agreements have a volume above 10 GWh?", "rows", ["Nordvolt Cells, Alpen Motors", "Alpen Batterie, Lumo Cars"],
     "", [1, 4], "volume_gwh_per_year above 10 GWh per year → rows 1, 4; Nordvolt Cells, Alpen Motors; Alpen Batterie, Lumo Cars"),
    # the unit of the question converted to the column's: 1 GWh = 1,000 MWh
    ("Which shipments are above 1 GWh?", "rows", ["PS-001, Nordvolt Cells", "PS-004, Alpen Batterie"], "", [1, 4],
     "energy_mwh above 1000 MWh → rows 1, 4; PS-001, Nordvolt Cells; PS-004, Alpen Batterie"),
    # count of rows
    ("How many agreements does Nordvolt Cells have?", "count", 2, "", [1, 2],
     "supplier = Nordvolt Cells → rows 1, 2 → 2"),
    # count of distinct values
    ("How many customers does Nordvolt Cells supply?", "count", 2, "", [1, 2],
     "distinct customer in rows 1, 2: Alpen Motors, Fjord Automotive → 2"),
    # sum; "per year" is the unit here, not a grouping
    ("What is the total contracted volume per year?", "sum", 51.5, "GWh per year", [1, 2, 3, 4, 5],
     "12 + 8 + 5 + 20 + 6.5 = 51.5 GWh per year"),
    # sum filtered by year
    ("What is the total volume of agreements starting in 2026?", "sum", 14.5, "GWh per year", [2, 5],
     "8 + 6.5 = 14.5 GWh per year"),
    # sum of a JSON table whose cells carry other units ("0.8 GWh" in MWh)
    ("How many MWh were shipped in 2025?", "sum", 2000, "MWh", [1, 2], "1,200 + 800 = 2,000 MWh"),
    # min of a quantity
    ("What is the smallest contracted volume?", "min", 5, "GWh per year", [1, 2, 3, 4, 5],
     "lowest of 12, 8, 5, 20, 6.5 = 5 GWh per year (row 3)"),
    # max, answered by the row's customer
    ("Which customer has the largest contract value?", "max", "Lumo Cars", "EUR million", [1, 2, 3, 4, 5],
     "highest of 450, 300, 180, 1,200, 260 = 1,200 EUR million (row 4)"),
    # max of a date
    ("Which agreement starts last?", "max", "2027", "", [1, 2, 3, 4, 5],
     "latest of 2025-03-01, 2026, 2025-09, 2027, 2026-01 = 2027 (row 4)"),
    # max of totals per customer ("the most")
    ("Which customer gets the most volume?", "max", "Lumo Cars", "GWh per year", [1, 2, 3, 4, 5],
     "Alpen Motors: 12 + 5 = 17 GWh per year; Fjord Automotive: 8 + 6.5 = 14.5 GWh per year; "
     "Lumo Cars: 20 GWh per year → highest: Lumo Cars (20 GWh per year)"),
    # average
    ("What is the average contract value?", "average", 478, "EUR million", [1, 2, 3, 4, 5],
     "(450 + 300 + 180 + 1,200 + 260) / 5 = 478 EUR million"),
    # comparison of two suppliers for one customer
    ("How much does Alpen Motors get from Nordvolt Cells compared to Alpen Batterie?", "comparison",
     {"Nordvolt Cells": 12, "Alpen Batterie": 5}, "GWh per year", [1, 3],
     "Nordvolt Cells: 12 GWh per year; Alpen Batterie: 5 GWh per year; 12 − 5 = 7 GWh per year"),
    # group by a text column
    ("What is the total volume per customer?", "group", {"Alpen Motors": 17, "Fjord Automotive": 14.5, "Lumo Cars": 20},
     "GWh per year", [1, 2, 3, 4, 5],
     "Alpen Motors: 12 + 5 = 17 GWh per year; Fjord Automotive: 8 + 6.5 = 14.5 GWh per year; Lumo Cars: 20 GWh per year"),
    # group count
    ("How many agreements per supplier?", "group", {"Alpen Batterie": 2, "Baltic Cell Works": 1, "Nordvolt Cells": 2},
     "", [1, 2, 3, 4, 5], "Alpen Batterie: rows 3, 4 → 2; Baltic Cell Works: rows 5 → 1; Nordvolt Cells: rows 1, 2 → 2"),
    # group by the year of a date column
    ("What is the total volume by start year?", "group", {"2025": 17, "2026": 14.5, "2027": 20}, "GWh per year",
     [1, 2, 3, 4, 5], "2025: 12 + 5 = 17 GWh per year; 2026: 8 + 6.5 = 14.5 GWh per year; 2027: 20 GWh per year"),
]


@pytest.mark.parametrize("question, operation, value, unit, rows, computation", CASES, ids=[c[0] for c in CASES])
def test_fixture_questions(qa, fixtures_dir, question, operation, value, unit, rows, computation):
    answer = qa.answer(question)
    assert answer is not None, qa.plan(question)
    assert (answer.operation, answer.value, answer.unit) == (operation, value, unit)
    assert [c.row for c in answer.citations] == rows
    assert answer.computation == computation
    assert answer.confidence >= MIN_CONFIDENCE and answer.plan.confidence == answer.confidence
    _check_citations(answer, fixtures_dir / "tables" / answer.table)


def test_comparison_answer_reads_as_a_comparison(qa):
    answer = qa.answer("How much does Alpen Motors get from Nordvolt Cells compared to Alpen Batterie?")
    assert answer.short_answer == "Nordvolt Cells 12 GWh per year vs Alpen Batterie 5 GWh per year"
    assert answer.answer == (
        "volume_gwh_per_year where customer = Alpen Motors: Nordvolt Cells: 12 GWh per year [1];"
        " Alpen Batterie: 5 GWh per year [2]; Nordvolt Cells is 7 GWh per year higher than Alpen Batterie.")
    plan = answer.plan.to_dict()
    assert plan["kind"] == "comparison" and plan["compare"]["values"] == ["Nordvolt Cells", "Alpen Batterie"]
    assert plan["filters"] == [{"column": "customer", "op": "=", "values": ["Alpen Motors"], "words": "Alpen Motors"}]


@pytest.mark.parametrize(
    "question",
    [
        "How many employees does Nordvolt Cells have?",  # nothing in any table to count
        "Who is the CEO of Alpen Batterie?",  # CEO names nothing
        "How much does Alpen Motors get from Nordvolt Cells compared to Voltara?",  # unknown supplier
        "What is the weather in Skelleby?",  # not a table question at all
        "Tell me about the partnership between Nordvolt Cells and Alpen Motors.",  # no figure asked for
        "How many suppliers are there?",  # two tables fit exactly as well: no guessing
        "Which agreements start in 2031?",  # understood, but no row matches
        "What did the partners say about sustainability?",  # prose question
    ],
)
def test_questions_the_tables_cannot_answer_are_declined(qa, question):
    assert qa.answer(question) is None


def test_question_text_is_never_sql(qa, store):
    hostile = "Which vehicles use Nordvolt Cells'; DROP TABLE tables; -- cells?"
    answer = qa.answer(hostile)
    assert answer is None or answer.value == ["Alpen Vega", "Fjord Arc"]
    assert len(store.schemas()) == 3
    assert qa.answer("What is the total contracted volume per year?").value == 51.5


def test_every_answered_fixture_question_cites_exact_row_lines(qa, fixtures_dir):
    for question, *_ in CASES:
        answer = qa.answer(question)
        _check_citations(answer, fixtures_dir / "tables" / answer.table)


# --- the real corpus/supply tables ---------------------------------------------------

@pytest.fixture
def real(settings, corpus_dir):
    s = TableStore(settings.tables_path)
    s.load_paths([corpus_dir / "supply"])
    yield TableAnswerer(s)
    s.close()


def test_real_verkor_volume_to_renault(real, corpus_dir):
    answer = real.answer("How many GWh a year does Verkor supply to Renault Group?")
    assert (answer.value, answer.unit, answer.short_answer) == (12, "GWh per year", "12 GWh per year")
    (citation,) = answer.citations
    assert (citation.row, citation.locator, citation.kind) == (1, "row 1", "table")
    assert citation.values["volume_gwh_per_year"] == "12" and citation.values["supplier"] == "Verkor"
    assert answer.answer.endswith("12 GWh per year [1].")
    _check_citations(answer, corpus_dir / "supply" / "battery_supply.csv")


def test_real_first_vehicle_with_verkor_batteries(real, corpus_dir):
    answer = real.answer("Which vehicle gets Verkor batteries first?")
    assert answer.value == "Alpine 100% electric C-Crossover GT"
    assert [c.row for c in answer.citations] == [1]
    _check_citations(answer, corpus_dir / "supply" / "battery_supply.csv")


@pytest.mark.parametrize(
    "question, value",
    [
        ("Which vehicles use Verkor cells?", "Alpine 100% electric C-Crossover GT"),
        ("What is the total contracted volume per year?", 12),
        ("Which agreements start in 2025?", ["Verkor, Renault Group"]),
        ("When did Renault acquire its stake in Verkor?", "2021-06"),  # "Renault" stands for "Renault Group"
        ("Who supplies Renault Group?", "Verkor"),
    ],
)
def test_real_issue_questions(real, question, value):
    assert real.answer(question).value == value


def test_real_comparison_with_a_supplier_not_in_the_tables_is_declined(real):
    assert real.answer("How much does Renault get from Verkor compared to CATL?") is None


def test_one_shot_function_matches_the_answerer(store):
    answer = answer_from_tables(store, "What is the total contracted volume per year?")
    assert answer.value == 51.5 and answer.to_dict()["plan"]["description"] == "sum of volume_gwh_per_year in cell_supply.csv"


def _check_citations(answer, path: Path) -> None:
    """Every citation quotes its row's line exactly and is marked in the answer text."""
    doc = load_file(path)
    rows = {r.row: r for r in doc.rows}
    for n, c in enumerate(answer.citations, start=1):
        assert c.n == n and c.kind == "table" and c.locator == f"row {c.row}"
        assert doc.text[c.start : c.end] == c.quote
        assert (rows[c.row].start, rows[c.row].end, rows[c.row].values) == (c.start, c.end, c.values)
        assert c.doc_id == doc.doc_id
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == set(range(1, len(answer.citations) + 1))
