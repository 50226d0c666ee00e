"""Typed cells: numbers with units and scales, dates at their precision, and the
reasons a cell is refused (which make its row a reported bad row)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.tables.values import (
    CellError,
    declared_kind,
    format_number,
    parse_date,
    parse_number,
    parse_unit,
)

GWH_YEAR = parse_unit("GWh per year")
EUR_M = parse_unit("EUR million")
MWH = parse_unit("MWh")


@pytest.mark.parametrize(
    "cell, unit, expected",
    [
        ("12", GWH_YEAR, "12"),  # bare number: read in the column's unit
        ("12 GWh", GWH_YEAR, "12"),  # the column's own unit repeated
        ("12 GWh/year", GWH_YEAR, "12"),  # with the rate written out
        ("500 MWh", GWH_YEAR, "0.5"),  # same kind, converted
        ("1,200", EUR_M, "1200"),  # thousands separator
        ("€45m", EUR_M, "45"),  # currency symbol and scale
        ("EUR 1.2bn", EUR_M, "1200"),  # code in front, billion scale
        ("45m", EUR_M, "45"),  # scale alone in a currency column
        ("0.8 GWh", MWH, "800"),  # larger unit into a smaller one
        ("6.5", None, "6.5"),  # no declared unit at all
        ("-3", None, "-3"),  # sign
    ],
)
def test_numbers_parse_into_the_column_unit(cell, unit, expected):
    assert parse_number(cell, unit)[0] == Decimal(expected)


@pytest.mark.parametrize(
    "cell, unit, reason",
    [
        ("twelve", GWH_YEAR, "not a number"),  # a word
        ("12 barrels", GWH_YEAR, "unknown unit 'barrels'"),  # a unit we do not know
        ("$5m", EUR_M, "does not fit"),  # another currency
        ("12 GWh", EUR_M, "does not fit"),  # energy in a money column
        ("6,5", GWH_YEAR, "not a number"),  # decimal comma: ambiguous, refused
    ],
)
def test_cells_that_do_not_parse_say_why(cell, unit, reason):
    with pytest.raises(CellError, match=reason):
        parse_number(cell, unit)


@pytest.mark.parametrize("cell", ["2025", "2025-06", "2025-06-30"])
def test_dates_keep_their_precision(cell):
    assert parse_date(cell) == cell


@pytest.mark.parametrize("cell", ["2025-13", "2025-02-30", "June 2025", "25"])
def test_bad_dates_are_refused(cell):
    with pytest.raises(CellError, match="not a date"):
        parse_date(cell)


@pytest.mark.parametrize(
    "declared, kind",
    [
        ("GWh per year", "number"), ("EUR million", "number"), ("%", "number"),
        ("year", "date"), ("year-month (YYYY-MM)", "date"), ("date (YYYY-MM-DD)", "date"),
        ("text", "text"), ("file name", "text"), ("identifier", "text"),
        ("vehicles", "other"),  # an unknown unit: numeric only if the values are numbers
        ("", None),
    ],
)
def test_declared_units_say_what_a_column_holds(declared, kind):
    assert declared_kind(declared) == kind


@pytest.mark.parametrize("value, text", [(12, "12"), (1200, "1,200"), (14.499999999, "14.5"), (478.0, "478"), (0.5, "0.5")])
def test_numbers_are_shown_without_float_noise(value, text):
    assert format_number(value) == text
