"""Typed cells, the first step of putting a table into the store.

In: one cell's text as the loader rendered it ("12", "12 GWh", "1,200", "€45m",
"2025-06") and its column's unit. Out: a number expressed in the column's unit, or an
ISO date string at the precision given (YYYY, YYYY-MM, YYYY-MM-DD); a cell that does
not parse raises `CellError` with a reason a person can act on ("'12 kg': unknown
unit 'kg'").

Units are a small closed vocabulary: energy (Wh..TWh, optionally "per year"),
currencies with a scale ("EUR million", "€m", "USD"), percent. Any other declared unit
("vehicles") is taken literally: a cell may repeat it or leave it out. A cell without a
unit or scale is read in the column's unit; one with a unit of the same kind is
converted ("500 MWh" in a GWh column is 0.5); one of another kind is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

ENERGY = {"wh": Decimal("0.000001"), "kwh": Decimal("0.001"), "mwh": Decimal(1), "gwh": Decimal(1000), "twh": Decimal(10**6)}
CURRENCIES = {"eur": "EUR", "euro": "EUR", "euros": "EUR", "€": "EUR", "usd": "USD", "$": "USD", "us$": "USD",
              "gbp": "GBP", "£": "GBP", "sek": "SEK", "cny": "CNY", "rmb": "CNY", "jpy": "JPY", "krw": "KRW"}
SCALES = {"k": Decimal(10**3), "thousand": Decimal(10**3), "m": Decimal(10**6), "mn": Decimal(10**6),
          "mio": Decimal(10**6), "million": Decimal(10**6), "millions": Decimal(10**6), "bn": Decimal(10**9),
          "b": Decimal(10**9), "billion": Decimal(10**9), "billions": Decimal(10**9)}
PERCENT = {"%", "percent", "pct", "per cent"}
_ENERGY_LABEL = {"wh": "Wh", "kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "twh": "TWh"}
_PER_YEAR = re.compile(
    r"\s*(?:/\s*(?:year|yr|y|a|annum)|per\s+(?:year|yr|annum)|an?\s+year|p\.?\s?a\.?|annually|yearly|each\s+year)\s*$", re.I
)
_NUMBER = re.compile(
    r"^(?P<pre>[€$£]|us\$|eur|usd|gbp)?\s*(?P<sign>[-+−])?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*(?P<rest>.*)$",
    re.I,
)
_UNIT_WORD = re.compile(r"[€$£%]|us\$|[^\W\d_]+", re.I)
# A declared unit that says "this is text" or "this is a date" rather than a quantity.
_TEXTISH = re.compile(r"^(?:|-|—|n/?a)$|\b(?:text|name|string|file|code|id|identifier|label|free|url)\b", re.I)
_DATEISH = re.compile(r"\b(?:date|year|yyyy|month|day|yyyy-mm(?:-dd)?)\b", re.I)


class CellError(ValueError):
    """A cell that does not parse as its column's type; the message names the problem."""


@dataclass(frozen=True)
class Unit:
    label: str  # as declared or first seen, shown in answers: "GWh per year"
    kind: str  # energy | currency:EUR | percent | other:<word>
    scale: Decimal = Decimal(1)  # one unit in the kind's base (MWh, one currency unit, 1)
    per_year: bool = False


@lru_cache(maxsize=512)
def parse_unit(text: str) -> Unit | None:
    """A declared unit, or None when the text names no quantity (empty, text, dates)."""
    label = " ".join((text or "").split())
    if _TEXTISH.search(label):
        return None
    rest, per_year = _strip_per_year(label)
    words = [w.lower() for w in _UNIT_WORD.findall(rest)]
    if len(words) == 1 and words[0] in ENERGY:
        return Unit(label, "energy", ENERGY[words[0]], per_year)
    if rest.strip().lower() in PERCENT:
        return Unit(label, "percent", Decimal(1), per_year)
    currencies = [CURRENCIES[w] for w in words if w in CURRENCIES]
    if len(currencies) == 1 and all(w in CURRENCIES or w in SCALES for w in words):
        scale = Decimal(1)
        for w in words:
            scale *= SCALES.get(w, Decimal(1))
        return Unit(label, "currency:" + currencies[0], scale, per_year)
    if _DATEISH.search(label) and not per_year:
        return None
    return Unit(label, "other:" + rest.strip().lower(), Decimal(1), per_year)


def declared_kind(unit_text: str) -> str | None:
    """What a declared unit says about the column: number, date, text, or None (silent)."""
    label = " ".join((unit_text or "").split())
    if not label or label in ("-", "—"):
        return None
    unit = parse_unit(label)
    if unit is not None and not unit.kind.startswith("other:"):
        return "number"
    if _DATEISH.search(label):
        return "date"
    if _TEXTISH.search(label):
        return "text"
    return None if unit is None else "other"


def parse_number(text: str, unit: Unit | None) -> tuple[Decimal, Unit | None]:
    """(value in `unit`, the unit the cell itself named, if any). Raises CellError."""
    raw = " ".join(text.split())
    m = _NUMBER.match(raw.replace("\u00a0", " "))
    if not m:
        raise CellError(f"'{raw}' is not a number")
    value = Decimal(m["num"].replace(",", ""))
    if m["sign"] in ("-", "−"):
        value = -value
    rest, per_year = _strip_per_year(m["rest"])
    words = [w.lower() for w in _UNIT_WORD.findall(rest)]
    if rest.strip() and not words:
        raise CellError(f"'{raw}' is not a number")
    scale, currency, energy, percent, other = Decimal(1), None, None, False, []
    if m["pre"]:
        currency = CURRENCIES[m["pre"].lower()]
    for w in words:
        if w in SCALES and energy is None and not percent:
            scale *= SCALES[w]
        elif w in CURRENCIES and currency in (None, CURRENCIES[w]):
            currency = CURRENCIES[w]
        elif w in ENERGY and energy is None:
            energy = w
        elif w in ("%", "percent", "pct"):
            percent = True
        else:
            other.append(w)
    named: Unit | None = None
    if energy:
        named = Unit(_ENERGY_LABEL[energy], "energy", ENERGY[energy], per_year)
    elif currency:
        named = Unit(currency, "currency:" + currency, Decimal(1), per_year)
    elif percent:
        named = Unit("%", "percent", Decimal(1), per_year)
    amount = value * scale
    if other:
        word = " ".join(other)
        if named is None and unit is not None and unit.kind.startswith("other:") and _same_word(unit.kind[6:], word):
            return amount, None  # "120 vehicles" in a "vehicles" column
        where = f" (the column is in {unit.label})" if unit else ""
        raise CellError(f"'{raw}': unknown unit '{word}'{where}")
    if named is None:
        if unit is not None and scale != 1 and unit.kind.startswith("currency:"):
            return amount / unit.scale, None  # "45m" in an "EUR million" column
        return amount, None
    if unit is None:
        return amount, named
    if named.kind != unit.kind:
        raise CellError(f"'{raw}': unit {named.label} does not fit the column's unit {unit.label}")
    return amount * named.scale / unit.scale, named


def parse_date(text: str) -> str:
    """ISO date at the precision written (YYYY, YYYY-MM, YYYY-MM-DD). Raises CellError."""
    value = " ".join(text.split())
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    try:
        if m and date(int(m[1]), int(m[2] or 1), int(m[3] or 1)):
            return value
    except ValueError:
        pass
    raise CellError(f"'{value}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")


def to_python(value: Decimal) -> int | float:
    """An int when the value is whole, else a float: what SQLite stores and answers carry."""
    return int(value) if value == value.to_integral_value() else float(value)


def format_number(value: int | float | Decimal) -> str:
    """12 -> '12', 1200 -> '1,200', 14.499999999 -> '14.5', 478.0 -> '478'."""
    number = Decimal(str(value)).quantize(Decimal("0.000001")).normalize()
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,f}"


def _same_word(a: str, b: str) -> bool:
    return a.strip().rstrip("s") == b.strip().rstrip("s")


def _strip_per_year(text: str) -> tuple[str, bool]:
    stripped = _PER_YEAR.sub("", text)
    return stripped, stripped != text
