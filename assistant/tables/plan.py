"""Plan: what the planner decided a table question asks, in terms of the registry.

Made by planner.py from a question, run by execute.py. Every name in a Plan is a
column or table of the schema registry; every value is data the executor binds as a
query parameter. `describe()` says the plan in words for answers and debugging:
"sum of volume_gwh_per_year in cell_supply.csv where customer = Alpen Motors".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Kind = Literal["lookup", "list", "count", "sum", "average", "min", "max", "comparison"]
# Condition operators, each mapped to fixed SQL by execute.py.
Op = Literal["=", "in", "<", "<=", ">", ">=", "year =", "year <", "year <=", "year >", "year >=", "year between"]


@dataclass
class Condition:
    column: str
    op: Op
    values: list[Any]  # one value, or several for "in" and "year between"
    words: str = ""  # the question words it came from

    def describe(self, unit: str = "") -> str:
        unit = f" {unit}" if unit else ""
        if self.op == "=":
            return f"{self.column} = {self.values[0]}"
        if self.op == "in":
            return f"{self.column} in ({', '.join(map(str, self.values))})"
        if self.op == "year between":
            return f"{self.column} between {self.values[0]} and {self.values[1]}"
        if self.op.startswith("year"):
            word = {"year =": "in", "year <": "before", "year <=": "up to", "year >": "after", "year >=": "from"}[self.op]
            return f"{self.column} {word} {self.values[0]}"
        word = {"<": "below", "<=": "at most", ">": "above", ">=": "at least"}[self.op]
        return f"{self.column} {word} {self.values[0]}{unit}"


@dataclass
class Plan:
    table: str  # doc_id of the table document
    table_name: str  # its file name
    kind: Kind
    target: str | None = None  # column whose values answer; None: the matching rows, by label
    measure: str | None = None  # column summed, averaged, compared or ordered by
    filters: list[Condition] = field(default_factory=list)
    group_by: str | None = None
    by_year: bool = False  # group_by is a date column, grouped by its year
    compare: Condition | None = None  # the column and the values set side by side
    distinct: bool = False  # count distinct target values instead of rows
    per_group: bool = False  # min/max of per-target totals ("which customer gets the most")
    confidence: float = 0.0
    evidence: float = 0.0  # how much of the question named things in this table
    notes: list[str] = field(default_factory=list)  # matches and assumptions, in words

    def describe(self) -> str:
        what = {
            "lookup": self.target or self.measure or "rows", "list": self.target or "rows",
            "count": f"number of {'distinct ' + self.target if self.distinct and self.target else 'rows'}",
            "sum": f"sum of {self.measure}", "average": f"average of {self.measure}",
            "min": f"lowest {self.measure}", "max": f"highest {self.measure}",
            "comparison": f"{self.measure} compared",
        }[self.kind]
        if self.kind in ("min", "max") and self.target:
            what = f"{self.target} with the {what}" + (f" (total per {self.target})" if self.per_group else "")
        text = f"{what} in {self.table_name}"
        if self.compare:
            text += f" for {self.compare.column} " + " vs ".join(map(str, self.compare.values))
        if self.group_by:
            text += f" per {self.group_by}" + (" year" if self.by_year else "")
        if self.filters:
            text += " where " + " and ".join(c.describe() for c in self.filters)
        return text

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["description"] = self.describe()
        return d
