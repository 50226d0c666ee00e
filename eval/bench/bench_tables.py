"""Table planner benchmark: planning latency (question -> Plan) and full table answers.

    python -m eval.bench.bench_tables [--repeat 50] [--rows 0,5000]

Loads the fictional fixture tables (tests/fixtures/tables: cell_supply.csv,
equity_stakes.csv, cell_shipments.json) into a fresh table store, then times the
planner over QUESTIONS, every aggregate kind plus questions it must decline, each
asked `--repeat` times; prints planner p50/p95 (target p95 < 20 ms) and the same for
whole answers (plan + parameterized SQL + citations). With `--rows N` a generated,
equally fictional table of N rows and ~N distinct names is added first, to show how
the figures move with the size of the value vocabulary the planner matches against.
The lexicon is built once per store change, outside the timed section; its build time
is printed separately.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import tempfile
import time
from pathlib import Path

from assistant.ingest.load import load_file
from assistant.tables.answer import TableAnswerer
from assistant.tables.store import TableStore

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "tables"
TABLES = ["cell_supply.csv", "equity_stakes.csv", "cell_shipments.json"]
QUESTIONS = [
    "How many GWh a year does Nordvolt Cells supply to Alpen Motors?",
    "Where are Nordvolt Cells made?",
    "When did Alpen Motors acquire its stake in Nordvolt Cells?",
    "Which vehicles use Alpen Batterie cells?",
    "Which agreements start in 2026?",
    "Which agreements start before 2026?",
    "Which agreements have a volume above 10 GWh?",
    "Which shipments are above 1 GWh?",
    "How many agreements does Nordvolt Cells have?",
    "How many customers does Nordvolt Cells supply?",
    "What is the total contracted volume per year?",
    "What is the total volume of agreements starting in 2026?",
    "How many MWh were shipped in 2025?",
    "What is the smallest contracted volume?",
    "Which customer has the largest contract value?",
    "Which agreement starts last?",
    "Which customer gets the most volume?",
    "What is the average contract value?",
    "How much does Alpen Motors get from Nordvolt Cells compared to Alpen Batterie?",
    "What is the total volume per customer?",
    "How many agreements per supplier?",
    "What is the total volume by start year?",
    "How many employees does Nordvolt Cells have?",
    "Who is the CEO of Alpen Batterie?",
    "What is the weather in Skelleby?",
    "Tell me about the partnership between Nordvolt Cells and Alpen Motors.",
]


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _generated_table(folder: Path, rows: int) -> Path:
    """A fictional delivery log: invented suppliers, depots and amounts."""
    rng = random.Random(7)
    path = folder / "delivery_log.csv"
    syllables = ["vol", "kar", "den", "lum", "tor", "ska", "mir", "bal", "ost", "fen", "rud", "gal"]
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["delivery", "depot", "carrier", "energy_mwh", "delivered_on"])
        for i in range(rows):
            depot = "".join(rng.choice(syllables) for _ in range(3)).capitalize() + " Depot"
            carrier = rng.choice(["Nordvolt Freight", "Alpen Logistik", "Baltic Haul"])
            out.writerow([f"DL-{i:06d}", depot, carrier, rng.randint(10, 900), f"202{rng.randint(4, 7)}-0{rng.randint(1, 9)}"])
    path.with_name(path.name + ".meta.json").write_text(
        '{"fictional": true, "row": "delivery", "columns": {"energy_mwh": {"unit": "MWh"}, "delivered_on": {"unit": "date"}}}'
    )
    return path


def bench(rows: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = TableStore(Path(tmp) / "tables.sqlite")
        paths = [FIXTURES / name for name in TABLES] + ([_generated_table(Path(tmp), rows)] if rows else [])
        for path in paths:
            store.load_document(load_file(path))
        qa = TableAnswerer(store)
        t0 = time.perf_counter()
        qa.lexicon()
        build_ms = (time.perf_counter() - t0) * 1000
        plan_ms, answer_ms = [], []
        for _ in range(repeat):
            for q in QUESTIONS:
                t0 = time.perf_counter()
                qa.plan(q)
                plan_ms.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                qa.answer(q)
                answer_ms.append((time.perf_counter() - t0) * 1000)
        answered = sum(qa.answer(q) is not None for q in QUESTIONS)
        label = f"fixtures + {rows} generated rows" if rows else "fixtures only"
        print(f"\n{label}: {len(QUESTIONS)} questions x {repeat}, {answered} answered, lexicon built in {build_ms:.1f} ms")
        print(f"  planner  p50 {statistics.median(plan_ms):6.2f} ms   p95 {_pct(plan_ms, 0.95):6.2f} ms   (target p95 < 20 ms)")
        print(f"  answer   p50 {statistics.median(answer_ms):6.2f} ms   p95 {_pct(answer_ms, 0.95):6.2f} ms")
        store.close()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=50)
    p.add_argument("--rows", default="0,5000", help="sizes of the generated extra table (0: fixtures only)")
    args = p.parse_args()
    for rows in (int(r) for r in args.rows.split(",")):
        bench(rows, args.repeat)


if __name__ == "__main__":
    main()
