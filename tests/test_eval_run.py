"""The evaluation runner, in-process, on a tiny corpus written here and the fixture
question file tests/fixtures/eval/questions.jsonl: every mode, every output file, the
follow-up asked in its question's conversation, verbatim quotes, deterministic summary."""

from __future__ import annotations

import json

import pytest

from eval import report, run

FILES = {
    "aurora-cells-supply.md": (
        "---\ntitle: Aurora Cells supply agreement (fictional)\npublisher: Test fixture\ndate: 2024-03-01\n---\n"
        "FICTIONAL TEST DOCUMENT, invented for the evaluation tests.\n\n"
        "Aurora Cells will supply 8 GWh of LFP battery cells per year to Meridian Motors. "
        "The cells will come from the Aurora Cells plant in Tallinn, Estonia. "
        "Deliveries from Tallinn start in 2027 and run for six years.\n"
    ),
    "meridian-orion-plant.md": (
        "---\ntitle: Meridian Motors Orion plant (fictional)\npublisher: Test fixture\ndate: 2024-05-10\n---\n"
        "FICTIONAL TEST DOCUMENT, invented for the evaluation tests.\n\n"
        "Meridian Motors will build the Orion hatchback at its plant in Porto, Portugal. "
        "Production of the Orion hatchback begins in 2028, with 40,000 cars a year at full rate.\n"
    ),
    "harbour-notes.txt": (
        "FICTIONAL TEST DOCUMENT. The harbour authority repainted the lighthouse in spring "
        "and opened a new ferry pier for cyclists.\n"
    ),
}
MODES = ["hybrid", "dense", "bm25", "llamaindex"]


@pytest.fixture
def tiny_corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _run(tmp_path, corpus, fixtures_dir, embedder, out_name, data_dir=None, sweep=None):
    out = tmp_path / out_name
    summary = run.run(fixtures_dir / "eval" / "questions.jsonl", [corpus], out, MODES,
                      data_dir=data_dir, embedder=embedder, log=lambda msg: None, sweep=sweep)
    return summary, out


def test_the_runner_scores_every_mode_and_writes_its_outputs(tmp_path, tiny_corpus, fixtures_dir, embedder):
    summary, out = _run(tmp_path, tiny_corpus, fixtures_dir, embedder, "out", data_dir=tmp_path / "data",
                        sweep=[0.0, 1.0])

    assert sorted(p.name for p in out.iterdir()) == ["chart.png", "report.md", "results.jsonl", "summary.json"]
    assert json.loads((out / "summary.json").read_text()) == summary
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert summary["documents"] == 3 and summary["question_count"] == 5
    assert list(summary["modes"]) == MODES
    assert summary["warnings"] == []

    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["t1", "t2", "t3", "t4", "t5"]  # file order
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        assert r["error"] is None
        assert set(r["retrieval"]) == set(MODES)
        assert {"question", "standalone_question", "answer", "short_answer", "abstained", "citations"} <= set(r["answer"])
        assert {"correct", "contains_reference", "citation_precision", "citation_recall"} <= set(r["scores"])
    # the follow-up is asked in the conversation of the question it names
    assert by_id["t3"]["answer"]["conversation_id"] == by_id["t2"]["answer"]["conversation_id"]
    assert by_id["t4"]["answer"]["conversation_id"] != by_id["t2"]["answer"]["conversation_id"]
    # baselines have no memory: the follow-up is searched as typed
    assert by_id["t3"]["retrieval"]["dense"]["query"] == "When does it start delivering?"

    hybrid = summary["modes"]["hybrid"]
    assert summary["headline"]["quotes_not_verbatim"] == 0
    assert set(hybrid["by_type"]) == {"numeric", "factoid", "follow-up", "date", "unanswerable"}
    assert hybrid["overall"]["hit@10"] == 1.0  # three documents: the gold one is always in the top 10
    for mode in ("dense", "bm25", "llamaindex"):
        overall = summary["modes"][mode]["overall"]
        assert "short_answer_accuracy" not in overall  # retrievers only
        assert 0.0 <= overall["mrr"] <= 1.0
    assert summary["modes"]["llamaindex"]["overall"]["hit@5"] == summary["modes"]["llamaindex"]["overall"]["hit@10"]

    low, high = summary["abstain_sweep"]  # the calibration table: stricter threshold, more abstentions
    assert (low["abstain_threshold"], high["abstain_threshold"]) == (0.0, 1.0)
    assert low["abstained"] <= high["abstained"]

    md = (out / "report.md").read_text()
    for label in ("hybrid (assistant)", "dense only", "BM25 only", "llama-index (top-2)", "short-answer accuracy",
                  "Abstention threshold sweep"):
        assert label in md
    assert "| t3 | follow-up |" in md


def test_the_baseline_index_starts_with_the_commands(tmp_path):
    baseline = tmp_path / "baseline"
    (baseline / "dev").mkdir(parents=True)
    summary = {"question_count": 1, "documents": 1, "modes": {"dense": {"overall": {"hit@5": 1.0}}}}
    (baseline / "dev" / "summary.json").write_text(json.dumps(summary))
    report.write_baseline_index(baseline)
    md = (baseline / "report.md").read_text()
    assert md.index("python -m eval.run --baseline") < md.index("## Dev set")
    assert "python -m eval.sec10q --baseline" in md and "| hit@5 | 1.000 |" in md


def test_the_summary_is_the_same_on_a_second_run(tmp_path, tiny_corpus, fixtures_dir, embedder):
    first, _ = _run(tmp_path, tiny_corpus, fixtures_dir, embedder, "a")
    second, out = _run(tmp_path, tiny_corpus, fixtures_dir, embedder, "b")
    first.pop("run"), second.pop("run")
    assert first == second
    assert "generated_at" in json.loads((out / "summary.json").read_text())["run"]


def test_a_gold_source_missing_from_the_corpus_is_warned(tmp_path, tiny_corpus, fixtures_dir, embedder):
    (tiny_corpus / "meridian-orion-plant.md").unlink()
    summary = run.run(fixtures_dir / "eval" / "questions.jsonl", [tiny_corpus], tmp_path / "out", ["dense"],
                      embedder=embedder, log=lambda msg: None)
    assert summary["warnings"] == ["gold sources not in the corpus: meridian-orion-plant.md"]
    assert summary["headline"]["hit@5"] is None  # no hybrid run: nothing to gate
