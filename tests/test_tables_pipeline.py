"""Tables end to end: files ingested by the real Assistant (real Chroma, real MiniLM,
real catalog) feed the table store through the indexer's on_change listener; answers
cite rows whose quotes are exactly the catalog's text; a changed table replaces its
rows and a removed one leaves no trace."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.tables.answer import TableAnswerer


@pytest.fixture
def store(assistant):
    return assistant.tables  # fed by the indexer's on_change listener


@pytest.fixture
def folder(fixtures_dir, tmp_path) -> Path:
    """The fictional fixture tables with their README and sidecar, bad files left out."""
    src = fixtures_dir / "tables"
    dst = tmp_path / "tables"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("bad"))
    return dst


def _check_against_catalog(assistant, answer) -> None:
    assert answer.citations
    for c in answer.citations:
        doc = assistant.catalog.get_document(c.doc_id)
        assert doc.kind == "table"
        assert doc.text[c.start : c.end] == c.quote
        assert next(r for r in doc.rows if r.row == c.row).values == c.values


def test_ingested_tables_answer_with_rows_quoted_from_the_catalog(assistant, store, folder):
    report = assistant.ingest([folder])
    assert not report.failed and report.count("added") == 3
    assert sorted(s.name for s in store.schemas()) == ["cell_shipments.json", "cell_supply.csv", "equity_stakes.csv"]
    qa = TableAnswerer(store)
    for question, value in [
        ("What is the total contracted volume per year?", 51.5),
        ("How many MWh were shipped in 2025?", 2000),
        ("When did Alpen Motors acquire its stake in Nordvolt Cells?", "2022-11"),
        ("What is the total volume per customer?", {"Alpen Motors": 17, "Fjord Automotive": 14.5, "Lumo Cars": 20}),
    ]:
        answer = qa.answer(question)
        assert answer.value == value, question
        _check_against_catalog(assistant, answer)


def test_reingesting_a_changed_table_replaces_its_rows(assistant, store, folder):
    assistant.ingest([folder])
    qa = TableAnswerer(store)
    assert qa.answer("What is the total contracted volume per year?").value == 51.5
    supply = folder / "cell_supply.csv"
    supply.write_text(supply.read_text().replace("Lumo Cars,20,", "Lumo Cars,25,") + "Nordvolt Cells,Lumo Cars,lots,10,Skelleby Works,Sweden,2028,Lumo Two\n")
    report = assistant.ingest([folder])
    assert report.count("updated") == 1
    answer = qa.answer("What is the total contracted volume per year?")
    assert answer.value == 56.5 and answer.computation == "12 + 8 + 5 + 25 + 6.5 = 56.5 GWh per year"
    _check_against_catalog(assistant, answer)
    warnings = store.warnings()["cell_supply.csv"]
    assert warnings == ["cell_supply.csv: line 7: column volume_gwh_per_year: 'lots' is not a number; row skipped"]


def test_removing_a_table_removes_its_rows(assistant, store, folder):
    assistant.ingest([folder])
    (folder / "cell_shipments.json").unlink()
    report = assistant.ingest([folder])
    assert report.count("removed") == 1
    assert sorted(s.name for s in store.schemas()) == ["cell_supply.csv", "equity_stakes.csv"]
    assert TableAnswerer(store).answer("How many MWh were shipped in 2025?") is None


def test_real_corpus_through_the_assistant(assistant, store, corpus_dir):
    assistant.ingest([corpus_dir])
    assert sorted(s.name for s in store.schemas()) == ["battery_supply.csv", "equity_stakes.csv"]  # the press release is ignored
    qa = TableAnswerer(store)
    answer = qa.answer("How many GWh a year does Verkor supply to Renault Group?")
    assert (answer.value, answer.unit, [c.row for c in answer.citations]) == (12, "GWh per year", [1])
    _check_against_catalog(assistant, answer)
    first = qa.answer("Which vehicle gets Verkor batteries first?")
    assert first.value == "Alpine 100% electric C-Crossover GT"
    _check_against_catalog(assistant, first)
