"""Table store: typed columns and the schema registry from README or sidecar, row
numbers and spans kept for citations, bad rows reported with file and line and
skipped, re-loads that replace, removals that leave no trace — on the real fictional
fixture files, loaded by the real loader into a real SQLite file in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.ingest.load import load_file
from assistant.tables.answer import TableAnswerer
from assistant.tables.store import TableStore


@pytest.fixture
def tables(fixtures_dir) -> Path:
    return fixtures_dir / "tables"


@pytest.fixture
def store(settings):
    s = TableStore(settings.tables_path)
    yield s
    s.close()


def _load(store: TableStore, path: Path):
    return store.load_document(load_file(path))


def test_sidecar_declares_types_units_synonyms_and_row_labels(store, tables):
    report = _load(store, tables / "cell_supply.csv")
    assert (report.rows_loaded, report.rows_skipped, report.warnings) == (5, 0, [])
    (schema,) = store.schemas()
    types = {c.name: (c.type, c.unit) for c in schema.columns}
    assert types == {
        "supplier": ("text", ""), "customer": ("text", ""),
        "volume_gwh_per_year": ("decimal", "GWh per year"),  # 6.5 makes it decimal
        "contract_value_eur_million": ("integer", "EUR million"),  # "€300m" and "1,200" parse
        "production_site": ("text", ""), "site_country": ("text", ""),
        "supply_start": ("date", ""), "first_vehicle": ("text", ""),
    }
    assert schema.column("customer").synonyms == ["buyer", "carmaker", "automaker", "client"]
    assert schema.label == ["supplier", "customer"] and schema.entity == "supply agreement"
    assert schema.measure == "volume_gwh_per_year"


def test_readme_column_tables_declare_units_and_descriptions(store, tables):
    _load(store, tables / "equity_stakes.csv")
    _load(store, tables / "cell_shipments.json")
    stakes, shipments = sorted(store.schemas(), key=lambda s: s.name, reverse=True)
    assert stakes.column("stake_percent").unit == "%" and stakes.column("stake_percent").type == "decimal"
    assert stakes.column("stake_acquired").type == "date"
    assert stakes.column("investor").description == "company that took the stake"
    assert stakes.entity == "equity stake"
    assert shipments.column("energy_mwh").unit == "MWh" and shipments.column("shipped_on").type == "date"
    assert shipments.column("shipment").type == "text"  # "identifier" declares text


def test_real_corpus_tables_get_their_readme_schema(store, corpus_dir):
    reports = store.load_paths([corpus_dir / "supply"])
    assert [(r.table, r.rows_loaded, r.warnings) for r in reports] == [
        ("battery_supply.csv", 1, []), ("equity_stakes.csv", 1, [])]
    supply = next(s for s in store.schemas() if s.name == "battery_supply.csv")
    assert supply.column("volume_gwh_per_year").unit == "GWh per year"
    assert supply.column("volume_gwh_per_year").type == "integer"
    assert supply.column("vehicle_start_year").type == "date"  # declared "year"
    assert supply.column("source_document").type == "text"


def test_values_are_stored_typed_in_the_declared_unit(store, tables):
    _load(store, tables / "cell_supply.csv")
    _load(store, tables / "cell_shipments.json")
    qa = TableAnswerer(store)
    total = qa.answer("What is the total contract value?")
    assert total.value == 2390  # 450 + "€300m" + 180 + "1,200" + 260, in EUR million
    shipped = qa.answer("How many MWh were shipped in total?")
    assert shipped.value == 4450  # 1200 + "0.8 GWh" + "950 MWh" + "1,500"


@pytest.mark.parametrize(
    "name, loaded, line, reason",
    [
        ("ragged.csv", 2, 3, "4 fields, header has 3"),  # wrong column count (the loader's report)
        ("bad_number.csv", 3, 4, "'twelve' is not a number"),  # a word in a numeric column
        ("bad_unit.csv", 2, 3, "unknown unit 'barrels'"),  # a unit we do not know
        ("bad_unit.csv", 2, 5, "unit USD does not fit"),  # a unit of another kind
        ("bad_date.csv", 2, 2, "'2022-13' is not a date"),  # a month that does not exist
    ],
)
def test_bad_rows_are_reported_with_file_and_line_and_skipped(store, tables, name, loaded, line, reason):
    report = _load(store, tables / "bad" / name)
    assert report.rows_loaded == loaded
    assert any(w.startswith(f"{name}: line {line}: ") and reason in w and w.endswith("row skipped")
               for w in report.warnings), report.warnings
    assert store.warnings()[name] == report.warnings  # queryable later, for the ingest summary
    rows = store.select(f"SELECT _line FROM {store.schema(report.doc_id).sql}", [])
    assert line not in [r[0] for r in rows]  # the bad row is not in the store


def test_the_rest_of_a_table_with_bad_rows_answers(store, tables):
    _load(store, tables / "bad" / "bad_number.csv")
    answer = TableAnswerer(store).answer("What is the total volume?")
    assert answer.value == 40  # 12 + 20 + 8; the row with "twelve" (line 4) is left out
    assert answer.computation == "12 + 20 + 8 = 40 GWh per year"
    assert [c.row for c in answer.citations] == [1, 2, 4]


def test_reloading_a_changed_table_replaces_its_rows(store, tables, tmp_path):
    path = tmp_path / "cell_supply.csv"
    shutil.copy(tables / "cell_supply.csv", path)
    shutil.copy(tables / "cell_supply.csv.meta.json", tmp_path / "cell_supply.csv.meta.json")
    first = _load(store, path)
    again = _load(store, path)
    assert again.status == "unchanged" and again.rows_loaded == 5
    path.write_text(path.read_text().replace("Lumo Cars,20,", "Lumo Cars,25,") + "Nordvolt Cells,Lumo Cars,x,10,Skelleby Works,Sweden,2028,Lumo Two\n")
    changed = _load(store, path)
    assert changed.doc_id == first.doc_id and changed.rows_loaded == 5 and changed.rows_skipped == 1
    assert changed.warnings == ["cell_supply.csv: line 7: column volume_gwh_per_year: 'x' is not a number; row skipped"]
    assert TableAnswerer(store).answer("What is the total volume?").value == 56.5  # 51.5 - 20 + 25
    assert len(store.schemas()) == 1


def test_on_change_loads_replaces_and_removes_and_ignores_documents(store, tables, corpus_dir):
    doc = load_file(tables / "equity_stakes.csv")
    assert store.on_change(doc.doc_id, doc) == []
    assert [s.doc_id for s in store.schemas()] == [doc.doc_id]
    bad = load_file(tables / "bad" / "bad_date.csv")
    assert store.on_change(bad.doc_id, bad) == [
        "bad_date.csv: line 2: column stake_acquired: '2022-13' is not a date (YYYY, YYYY-MM or YYYY-MM-DD); row skipped"]
    text = load_file(corpus_dir / "documents" / "renault-verkor-battery-partnership.md")
    assert store.on_change(text.doc_id, text) == []  # not a table: ignored
    assert len(store.schemas()) == 2
    store.on_change(doc.doc_id, None)
    assert [s.doc_id for s in store.schemas()] == [bad.doc_id]
    assert store.report(doc.doc_id) is None
    tables_left = store.select("SELECT count(*) FROM sqlite_master WHERE type='table' AND name GLOB 't_*'", [])
    assert tables_left[0][0] == 1  # the removed table's rows are gone, not just unlisted


def test_the_registry_survives_reopening_the_store(settings, tables):
    first = TableStore(settings.tables_path)
    _load(first, tables / "cell_supply.csv")
    first.close()
    second = TableStore(settings.tables_path)
    try:
        assert [s.name for s in second.schemas()] == ["cell_supply.csv"]
        assert TableAnswerer(second).answer("What is the total contracted volume per year?").value == 51.5
    finally:
        second.close()


def test_sync_keeps_exactly_the_documents_given(store, tables):
    supply, stakes = load_file(tables / "cell_supply.csv"), load_file(tables / "equity_stakes.csv")
    store.sync([supply, stakes])
    store.sync([stakes])
    assert [s.name for s in store.schemas()] == ["equity_stakes.csv"]
