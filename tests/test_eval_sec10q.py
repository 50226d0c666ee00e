"""The SEC 10-Q benchmark adapter: mojibake repair, gold documents, figures, and a
small in-process run over one real filing from ../shared (skipped when it is absent)."""

from __future__ import annotations

import csv
import json

import pytest

from eval import sec10q

BENCH = sec10q.DEFAULT_BENCH
NAMES = ["2022 Q3 AAPL.pdf", "2023 Q1 AAPL.pdf", "2023 Q3 AAPL.pdf", "2023 Q3 MSFT.pdf"]
needs_bench = pytest.mark.skipif(not (BENCH / "qna_data.csv").is_file(), reason="no ../shared/benchmarks/sec-10-q")


@pytest.mark.parametrize(
    "broken, fixed",
    [
        ("Management\u00e2\u20ac\u2122s Discussion", "Management\u2019s Discussion"),  # apostrophe
        ("Intel\u00c2\u00ae Optane\u00e2\u201e\u00a2", "Intel\u00ae Optane\u2122"),  # registered, trademark
        ("a \u00e2\u201a\u00ac1.1 billion fine", "a \u20ac1.1 billion fine"),  # euro sign
        ("plain ASCII text", "plain ASCII text"),  # nothing to repair
        ("caf\u00e9 cr\u00e8me", "caf\u00e9 cr\u00e8me"),  # real Latin-1 text does not round-trip: kept
    ],
)
def test_repair(broken, fixed):
    assert sec10q.repair(broken) == fixed


@pytest.mark.parametrize(
    "glob, answer, gold",
    [
        ("*AAPL*", "...\n\nSOURCE(S): 2023 Q3 AAPL.pdf", ["2023 Q3 AAPL.pdf"]),  # the line narrows the glob
        ("*AAPL*", 'SOURCE(S): "2022 Q3 AAPL.pdf", "2023 Q1 AAPL.pdf".', ["2022 Q3 AAPL.pdf", "2023 Q1 AAPL.pdf"]),  # quoted
        ("*AAPL*", "No source line at all.", ["2022 Q3 AAPL.pdf", "2023 Q1 AAPL.pdf", "2023 Q3 AAPL.pdf"]),  # glob only
        ("*2023 Q3 MSFT*", "SOURCE(S): 2023 Q3 AAPL.pdf", ["2023 Q3 MSFT.pdf"]),  # names outside the glob ignored
        ("*AAPL*", "(SOURCE: 2022 Q3 AAPL.pdf) ... SOURCE(S): 2023 Q1 AAPL.pdf", ["2023 Q1 AAPL.pdf"]),  # last line wins
    ],
)
def test_gold_documents(glob, answer, gold):
    assert sec10q.gold_documents(glob, answer, NAMES) == gold


def test_figures_are_amounts_percentages_and_decimals_not_years():
    answer = ("Net sales were $82,959 million (SOURCE: 2022 Q3 AAPL.pdf), up 12.50% over 3 months of 2022; "
              "margin 1,234.0 and $ 7 bn.\n\nSOURCE(S): 2022 Q3 AAPL.pdf, 9,999")
    assert sec10q.figures(answer) == ["82959", "12.5", "1234", "7"]


def test_figures_are_found_among_quoted_numbers():
    found = sec10q.numbers_in("Total net sales $ 82,959 $ 97,278 and (1,234.50) 12.5 %")
    assert {"82959", "97278", "1234.5", "12.5"} <= found


@needs_bench
def test_the_whole_question_file_parses():
    questions, docs = sec10q.load_benchmark(BENCH)
    assert len(questions) == 195 and len(docs) == 20
    assert {q.question_type for q in questions} == set(sec10q.QUESTION_TYPES)
    assert {q.chunk_type for q in questions} == {"Table", "Text"}
    assert all(q.gold for q in questions)
    assert not any("\u00e2\u20ac" in q.answer + q.question for q in questions)  # mojibake repaired


@needs_bench
def test_a_small_run_over_one_real_filing(tmp_path, embedder):
    bench = tmp_path / "bench"
    (bench / "docs").mkdir(parents=True)
    (bench / "docs" / "2022 Q3 AAPL.pdf").symlink_to(BENCH / "docs" / "2022 Q3 AAPL.pdf")
    with (bench / "qna_data.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(sec10q.COLUMNS)
        w.writerow(["What was Apple\u00e2\u20ac\u2122s total net sales for the three months ended June 25, 2022?",
                    "*2022 Q3 AAPL*", "Single-Doc Single-Chunk RAG", "Table",
                    "Total net sales were $82,959 million.\n\nSOURCE(S): 2022 Q3 AAPL.pdf"])
        w.writerow(["What risks does Apple describe about the COVID-19 pandemic?", "*2022 Q3 AAPL*",
                    "Single-Doc Multi-Chunk RAG", "Text", "Supply chain disruption.\n\nSOURCE(S): 2022 Q3 AAPL.pdf"])
    out = tmp_path / "out"
    summary = sec10q.run(bench, out, data_dir=tmp_path / "data", modes=["hybrid", "bm25"], embedder=embedder,
                         log=lambda msg: None)

    assert sorted(p.name for p in out.iterdir()) == ["chart.png", "report.md", "results.jsonl", "summary.json"]
    assert summary["question_count"] == 2 and summary["documents"] == 1
    hybrid = summary["modes"]["hybrid"]
    assert set(hybrid["by_question_type"]) == {"Single-Doc Single-Chunk RAG", "Single-Doc Multi-Chunk RAG"}
    assert set(hybrid["by_chunk_type"]) == {"Table", "Text"}
    assert hybrid["overall"]["recall@10"] == 1.0  # one filing: every passage is from the gold document
    assert hybrid["overall"]["figures"] == 1
    assert hybrid["overall"]["quotes_not_verbatim"] == 0
    assert summary["modes"]["bm25"]["overall"]["figures_in_top10"] == 1.0  # "82,959" is in the income statement
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert rows[0]["question"].startswith("What was Apple\u2019s total net sales")
    assert "gold recall in citations" in (out / "report.md").read_text()
