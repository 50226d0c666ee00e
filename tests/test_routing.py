"""Routing between documents and tables through `Assistant.ask`: aggregates answered
from typed tables with the computation shown and every row cited; a fact stated by
both a document and a table row cites both; a disagreement is flagged; a question the
planner cannot map falls back to documents. Real model, real Chroma, real files."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture
def tables_and_docs(assistant, fixtures_dir, tmp_path):
    folder = tmp_path / "tables"
    shutil.copytree(fixtures_dir / "tables", folder, ignore=shutil.ignore_patterns("bad"))
    assistant.ingest([folder])
    return assistant


def _verbatim(assistant, answer):
    for c in answer.citations:
        assert assistant.get_document(c.doc_id).text[c.start : c.end] == c.quote


def test_a_total_is_computed_from_the_rows_and_cites_each(tables_and_docs):
    a = tables_and_docs
    answer = a.ask("What is the total contracted volume per year?")
    assert answer.route in ("tables", "both") and not answer.abstained
    assert answer.computation and "=" in answer.computation
    rows = [c for c in answer.citations if c.kind == "table"]
    total = sum(float(c.values["volume_gwh_per_year"].split()[0]) for c in rows)
    assert answer.short_answer.replace(",", "").startswith(f"{total:g}")
    assert all(c.locator == f"row {c.row}" for c in rows)
    _verbatim(a, answer)


def test_a_comparison_shows_both_values(tables_and_docs):
    answer = tables_and_docs.ask("How much does Alpen Motors get from Nordvolt Cells compared to Alpen Batterie?")
    assert "12" in answer.answer and "5" in answer.answer
    assert len([c for c in answer.citations if c.kind == "table"]) == 2


def test_the_shipped_corpus_answers_from_press_release_and_supply_row(assistant, corpus_dir):
    assistant.ingest([corpus_dir])
    answer = assistant.ask("How many GWh a year does Verkor supply to Renault Group?")
    assert answer.short_answer == "12 GWh"
    kinds = {c.kind for c in answer.citations}
    assert kinds == {"document", "table"} and answer.route == "both" and not answer.conflict
    _verbatim(assistant, answer)


def test_a_table_that_disagrees_with_a_document_is_flagged(assistant, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    # FICTIONAL test data: the note and the table give different volumes.
    (folder / "note.md").write_text(
        "---\ntitle: Kestrel supply note (fictional)\ndate: 2024-05-01\n---\n"
        "FICTIONAL TEST DOCUMENT. Kestrel Cells will supply Orla Motors with 9 GWh of batteries each year.\n"
    )
    (folder / "kestrel_supply.csv").write_text(
        "supplier,customer,volume_gwh_per_year\nKestrel Cells,Orla Motors,11\n"
    )
    assistant.ingest([folder])
    answer = assistant.ask("How many GWh a year does Kestrel Cells supply to Orla Motors?")
    assert answer.conflict and answer.route == "both"
    assert "9 GWh" in answer.answer and "11" in answer.answer
    assert {c.kind for c in answer.citations} == {"document", "table"}
    _verbatim(assistant, answer)


@pytest.mark.parametrize(
    "question",
    [
        "When was Verkor founded?",  # 'founded' names nothing in the equity table
        "What about Renault's stake?",  # the stake's size is in no table or document
        "How many vehicles will Alpine build in Dieppe each year?",  # no production volumes anywhere
    ],
)
def test_questions_the_tables_cannot_answer_fall_back_to_documents(assistant, corpus_dir, question):
    assistant.ingest([corpus_dir])
    answer = assistant.ask(question)
    assert answer.abstained and answer.citations == [] and answer.route == "documents"
