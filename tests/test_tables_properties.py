"""Properties over many generated fictional tables: whatever way a volume is written
("12", "12 GWh", "12 GWh/year", "1,200", "500 MWh"), the total, the per-supplier totals
and the count come out as plain arithmetic on the intended numbers, every row used is
cited, and every citation quotes its row's line exactly."""

from __future__ import annotations

import csv
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.ingest.load import load_file
from assistant.tables.answer import TableAnswerer
from assistant.tables.store import TableStore

SUPPLIERS = ["Nordvolt Cells", "Alpen Batterie", "Baltic Cell Works", "Fjordcell Energy"]  # fictional


def _written(value: Decimal, style: int) -> str:
    """One of the ways a table writes a GWh figure; all mean `value` GWh per year."""
    if style == 1:
        return f"{value} GWh"
    if style == 2:
        return f"{value} GWh/year"
    if style == 3:
        return f"{value * 1000:,} MWh"
    if style == 4 and value >= 1000:
        return f"{value:,}"
    return str(value)


rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(SUPPLIERS),
        st.decimals(min_value=Decimal("0.5"), max_value=Decimal("2500"), places=1),
        st.integers(min_value=0, max_value=4),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows_strategy)
def test_totals_counts_and_citations_hold_for_any_way_of_writing_volumes(rows):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "volumes.csv"
        with path.open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["supplier", "volume_gwh_per_year"])
            for supplier, value, style in rows:
                out.writerow([supplier, _written(value, style)])
        path.with_name("volumes.csv.meta.json").write_text(
            '{"fictional": true, "row": "agreement", "columns": {"volume_gwh_per_year": {"unit": "GWh per year"}}}'
        )
        store = TableStore(folder / "tables.sqlite")
        try:
            report = store.load_document(load_file(path))
            assert (report.rows_loaded, report.warnings) == (len(rows), [])
            qa = TableAnswerer(store)
            doc = load_file(path)

            total = qa.answer("What is the total volume?")
            assert Decimal(str(total.value)) == sum(v for _, v, _ in rows)
            assert [c.row for c in total.citations] == list(range(1, min(len(rows), 50) + 1))
            for c in total.citations:
                assert doc.text[c.start : c.end] == c.quote

            per = qa.answer("What is the total volume per supplier?")
            expected: dict[str, Decimal] = {}
            for supplier, value, _ in rows:
                expected[supplier] = expected.get(supplier, Decimal(0)) + value
            assert {k: Decimal(str(v)) for k, v in per.value.items()} == expected

            count = qa.answer("How many agreements are there?")
            assert count.value == len(rows)
        finally:
            store.close()
