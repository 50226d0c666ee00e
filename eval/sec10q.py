"""python -m eval.sec10q: the public SEC 10-Q benchmark, read from ../shared.

    python -m eval.sec10q [--limit N] [--mini] [--data-dir DIR] [--out DIR] [--bench-dir DIR]
    python -m eval.sec10q --baseline --data-dir .assistant-data/sec10q   # the committed baseline

In: the benchmark folder (default: the repository's parent's shared/benchmarks/sec-10-q;
nothing of it is copied into the repository): 20 10-Q filings (PDF) and qna_data.csv,
195 questions with reviewed reference answers. Out, in --out: summary.json,
results.jsonl, report.md, chart.png.

Without a language-model judge the benchmark measures what can be checked mechanically,
per question type (single-doc single-chunk, single-doc multi-chunk, multi-doc) and per
source chunk type (table, text):
- gold-document recall among the answer's citations, and citation precision;
- gold-document recall among the top 5 / top 10 passages of Assistant.search, and MRR;
- for reference answers that state figures ($82,959 million, 12.5%, 1,234), the share of
  those figures found in the cited quotes, and in the top-10 passages' text.
Gold documents are the files matched by `Source Docs` (a glob) and named in the answer's
closing `SOURCE(S):` line; when that line names none of them, the glob's matches.
The CSV's text is UTF-8 that was once read as cp1252 ("Managementâ€™s"); it is repaired
run by run where the round trip is exact. Indexing the filings takes a while (thousands
of chunks): pass --data-dir to keep the index between runs. Dense and BM25 retrieval
run on the same index; the llama-index baseline embeds the same extracted texts again
with its own splitter (in memory, ~2 minutes), and returns its default 2 passages.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.pipeline import Assistant
from eval import metrics, report
from eval.run import document_text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = ROOT.parent / "shared" / "benchmarks" / "sec-10-q"
DEFAULT_OUT = ROOT / "eval" / "results" / "sec10q"
BASELINE_OUT = ROOT / "eval" / "results" / "baseline" / "sec10q"
MODES = ("hybrid", "dense", "bm25", "llamaindex")
DEFAULT_MODES = MODES  # llama-index re-embeds the filings in ~2 minutes: cheap enough to always run
SEARCH_MODE = {"hybrid": "hybrid", "dense": "dense", "bm25": "keyword"}
K = 10  # passages retrieved per question; recall is read at 5 and 10
QUESTION_TYPES = ("Single-Doc Single-Chunk RAG", "Single-Doc Multi-Chunk RAG", "Multi-Doc RAG")

_MOJIBAKE = re.compile(r"[^\x00-\x7f]+")
_SOURCES_LINE = re.compile(r"SOURCES?(?:\(S\))?\s*:", re.IGNORECASE)
_DOC_NAME = re.compile(r"\b20\d\d Q[1-4] [A-Z]{2,5}\b")
# A figure: a currency amount, a percentage, a number with thousands separators, or a
# decimal. Bare integers (years, "3 months", list numbers) are too ambiguous to check.
_FIGURE = re.compile(
    r"\$\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?%|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+"
)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass
class BenchQuestion:
    id: str
    question: str
    question_type: str
    chunk_type: str
    answer: str
    gold: list[str]
    figures: list[str] = field(default_factory=list)


def repair(text: str) -> str:
    """Undo UTF-8-read-as-cp1252 ("â€™" -> "’") wherever a run round-trips exactly."""
    def fix(m: re.Match[str]) -> str:
        try:
            return m.group(0).encode("cp1252").decode("utf-8")
        except UnicodeError:
            return m.group(0)

    return _MOJIBAKE.sub(fix, text)


def gold_documents(source_glob: str, answer: str, doc_names: list[str]) -> list[str]:
    matched = [d for d in doc_names if fnmatch.fnmatch(d, source_glob)]
    parts = _SOURCES_LINE.split(answer)
    named = {m + ".pdf" for m in _DOC_NAME.findall(parts[-1])} if len(parts) > 1 else set()
    return [d for d in matched if d in named] or matched


def canonical_number(text: str) -> str:
    digits = re.sub(r"[^\d.]", "", text)
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits.lstrip("0") or "0"


def figures(answer: str) -> list[str]:
    """Canonical figures stated in a reference answer, without its closing SOURCE(S) line."""
    body = _SOURCES_LINE.split(answer)
    body = " ".join(body[:-1]) if len(body) > 1 else body[0]  # inline "(SOURCE: ...)" notes stay
    return list(dict.fromkeys(canonical_number(f) for f in _FIGURE.findall(body)))


def numbers_in(text: str) -> set[str]:
    return {canonical_number(n) for n in _NUMBER.findall(text)}


class BenchmarkError(ValueError):
    """The benchmark folder is missing or not laid out as expected; exit 2."""


COLUMNS = ("Question", "Source Docs", "Question Type", "Source Chunk Type", "Answer")


def load_benchmark(bench_dir: Path, mini: bool = False, limit: int | None = None
                   ) -> tuple[list[BenchQuestion], list[Path]]:
    docs = sorted((bench_dir / "docs").glob("*.pdf"))
    if not docs:
        raise BenchmarkError(f"{bench_dir / 'docs'}: no PDF filings (is --bench-dir right?)")
    names = [d.name for d in docs]
    path = bench_dir / ("qna_data_mini.csv" if mini else "qna_data.csv")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            records = list(csv.DictReader(f))
    except FileNotFoundError:
        raise BenchmarkError(f"{path}: no such file") from None
    missing = [c for c in COLUMNS if records and c not in records[0]]
    if not records or missing:
        raise BenchmarkError(f"{path}: expected columns {', '.join(COLUMNS)} and at least one row (missing {missing})")
    questions = []
    for i, r in enumerate(records[:limit] if limit else records, 1):
        answer = repair(r["Answer"]).strip()
        questions.append(BenchQuestion(
            id=f"q{i:03d}", question=repair(r["Question"]).strip(), question_type=r["Question Type"].strip(),
            chunk_type=r["Source Chunk Type"].strip(), answer=answer,
            gold=gold_documents(r["Source Docs"].strip(), answer, names), figures=figures(answer),
        ))
    return questions, docs


# --- scoring -------------------------------------------------------------------------
def score_retrieval(hits: list[tuple[str, str]], gold: list[str], found: list[str]) -> dict[str, Any]:
    """hits: (document name, passage text) best first; found: the question's figures."""
    ranked = [name for name, _ in hits]
    rank = metrics.first_gold_rank(ranked, gold)
    top = numbers_in(" ".join(text for _, text in hits))
    return {
        "ranked": metrics.unique(ranked),
        "recall@5": len(set(ranked[:5]) & set(gold)) / len(gold),
        "recall@10": len(set(ranked[:K]) & set(gold)) / len(gold),
        "hit@5": rank is not None and rank <= 5,
        "rr": 1.0 / rank if rank else 0.0,
        "figures_in_top10": sum(f in top for f in found),
    }


def score_answer(result: dict[str, Any], q: BenchQuestion) -> dict[str, Any]:
    cited = metrics.unique(metrics.doc_name(c["source"]) for c in result["citations"])
    quoted = numbers_in(" ".join(c["quote"] for c in result["citations"]))
    return {
        "abstained": bool(result["abstained"]),
        "cited": cited,
        "cited_recall": metrics.citation_recall(cited, q.gold),
        "citation_precision": metrics.citation_precision(cited, q.gold),
        "figures_in_citations": sum(f in quoted for f in q.figures),
    }


def aggregate(rows: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    r = [row["retrieval"][mode] for row in rows]
    n_figures = sum(len(row["figures"]) for row in rows)
    out: dict[str, Any] = {"questions": len(rows)}
    if mode == "hybrid":
        a = [row["scores"] for row in rows]
        out.update({
            "cited_recall": metrics.mean(s["cited_recall"] for s in a),
            "citation_precision": metrics.mean(s["citation_precision"] for s in a),
            "abstained": metrics.mean(s["abstained"] for s in a),
            "figures_in_citations": metrics.ratio(sum(s["figures_in_citations"] for s in a), n_figures),
            "quotes_not_verbatim": sum(s["quotes_not_verbatim"] for s in a),
            "errors": sum(row["error"] is not None for row in rows),
        })
    out.update({
        "recall@5": metrics.mean(s["recall@5"] for s in r),
        "recall@10": metrics.mean(s["recall@10"] for s in r),
        "hit@5": metrics.mean(s["hit@5"] for s in r),
        "mrr": metrics.mean(s["rr"] for s in r),
        "figures": n_figures,
        "figures_in_top10": metrics.ratio(sum(s["figures_in_top10"] for s in r), n_figures),
    })
    return out


# --- the run -------------------------------------------------------------------------
def run(bench_dir: Path, out: Path, data_dir: Path | None = None, limit: int | None = None,
        modes: list[str] | None = None, mini: bool = False, embedder: Any = None,
        log: Callable[[str], None] | None = None) -> dict[str, Any]:
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    modes = modes or list(DEFAULT_MODES)
    questions, docs = load_benchmark(bench_dir, mini, limit)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sec10q-") as tmp:
        settings = Settings(data_dir=data_dir or Path(tmp) / "data")
        assistant = Assistant(settings, embedder=embedder)
        try:
            log(f"indexing {len(docs)} filings into {settings.data_dir} (unchanged files are skipped)")
            t0 = time.perf_counter()
            ingest = assistant.ingest(docs, progress=True)
            ingest_seconds = round(time.perf_counter() - t0, 1)
            failed = [f"{metrics.doc_name(f.path)}: {f.error}" for f in ingest.failed]
            documents = [d for d in assistant.list_documents() if metrics.doc_name(d["source"]) in {p.name for p in docs}]
            log(f"indexed {len(documents)} filings, {ingest.embedded} chunks embedded in {ingest_seconds}s")
            rows = [_row(q) for q in questions]
            latencies = _evaluate(assistant, questions, rows, modes, documents, log)
        finally:
            assistant.close()
    summary = {
        "benchmark": "sec-10-q (docugami KG-RAG-datasets, v1)",
        "questions_file": "qna_data_mini.csv" if mini else "qna_data.csv",
        "question_count": len(questions),
        "limit": limit,
        "documents": len(documents),
        "chunks": sum(d.get("chunk_count") or 0 for d in documents),
        "settings": {k: getattr(settings, k) for k in ("chunk_chars", "top_k", "candidates", "rrf_k",
                                                         "abstain_threshold", "max_citations")},
        "modes": {m: _mode_summary(rows, m) for m in modes},
        "warnings": [f"ingest failed: {f}" for f in failed],
    }
    summary["headline"] = dict(summary["modes"].get("hybrid", {}).get("overall", {}))
    summary["run"] = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1), "ingest_seconds": ingest_seconds,
        "latency_ms": {"p50": metrics.percentile(latencies, 50), "p95": metrics.percentile(latencies, 95)},
    }
    report.write_sec10q(out, summary, rows)
    if report.is_baseline_dir(out):
        report.write_baseline_index(out.parent)
    return summary


def _row(q: BenchQuestion) -> dict[str, Any]:
    return {"id": q.id, "question_type": q.question_type, "chunk_type": q.chunk_type, "question": q.question,
            "gold": q.gold, "figures": q.figures, "answer": None, "error": None, "scores": None, "retrieval": {}}


def _evaluate(assistant: Assistant, questions: list[BenchQuestion], rows: list[dict[str, Any]], modes: list[str],
              documents: list[dict[str, Any]], log: Callable[[str], None]) -> list[float]:
    latencies: list[float] = []
    texts: dict[str, str | None] = {}
    for mode in modes:
        if mode == "llamaindex":
            from eval.baselines.llamaindex import LlamaIndexBaseline

            log("llamaindex: embedding the filings again with llama-index's own splitter")
            baseline = LlamaIndexBaseline(
                [(metrics.doc_name(d["source"]), assistant.get_document(d["doc_id"]).text) for d in documents]
            )
            for q, row in zip(questions, rows):
                row["retrieval"][mode] = score_retrieval(baseline.passages(q.question), q.gold, q.figures)
            continue
        for i, (q, row) in enumerate(zip(questions, rows), 1):
            if mode == "hybrid":
                t0 = time.perf_counter()
                try:
                    result = assistant.ask(q.question).to_dict()
                except Exception as exc:  # noqa: BLE001 - scored as no answer; the run goes on
                    row["error"] = exc.message if isinstance(exc, AssistantError) else f"{type(exc).__name__}: {exc}"
                    log(f"hybrid {q.id}: ask failed: {row['error']}")
                    result = {"abstained": False, "citations": []}
                latencies.append((time.perf_counter() - t0) * 1000)
                row["answer"] = result
                row["scores"] = score_answer(result, q)
                row["scores"]["quotes_not_verbatim"] = sum(
                    not metrics.quote_is_verbatim(c, document_text(assistant, c["doc_id"], texts)) for c in result["citations"]
                )
            found = assistant.search(q.question, k=K, mode=SEARCH_MODE[mode])
            hits = [(metrics.doc_name(h.chunk.source), h.chunk.text) for h in found]
            row["retrieval"][mode] = score_retrieval(hits, q.gold, q.figures)
            if mode == "hybrid" and (i % 10 == 0 or i == len(questions)):
                done = aggregate(rows[:i], mode)
                log(f"hybrid {i}/{len(questions)}: cited recall {done['cited_recall']}, recall@10 {done['recall@10']},"
                    f" figures in citations {done['figures_in_citations']}")
        log(f"{mode}: done, {len(questions)} questions")
    return latencies


def _mode_summary(rows: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    return {
        "overall": aggregate(rows, mode),
        "by_question_type": metrics.by_group(rows, lambda r: r["question_type"], lambda g: aggregate(g, mode),
                                             order=QUESTION_TYPES),
        "by_chunk_type": metrics.by_group(rows, lambda r: r["chunk_type"], lambda g: aggregate(g, mode)),
    }


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    p = argparse.ArgumentParser(prog="python -m eval.sec10q", description=__doc__.split("\n")[0])
    p.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH, help="the sec-10-q folder (default ../shared/...)")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("--mini", action="store_true", help="the 9-question qna_data_mini.csv")
    p.add_argument("--data-dir", type=Path, help="index folder to create or reuse (default: a temporary one)")
    p.add_argument("--out", type=Path, help="output folder (default eval/results/sec10q)")
    p.add_argument("--modes", default=",".join(DEFAULT_MODES), help=f"comma-separated subset of {','.join(MODES)}")
    p.add_argument("--baseline", action="store_true", help="write to eval/results/baseline/sec10q")
    args = p.parse_args(argv)
    modes = [{"keyword": "bm25"}.get(m.strip(), m.strip()) for m in args.modes.split(",") if m.strip()]
    if not modes or any(m not in MODES for m in modes):
        print(f"error: --modes must be a subset of {','.join(MODES)}", file=sys.stderr)
        return 2
    if args.limit is not None and args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return 2
    out = args.out or (BASELINE_OUT if args.baseline else DEFAULT_OUT)
    try:
        summary = run(args.bench_dir, out, args.data_dir, args.limit, [m for m in MODES if m in modes], args.mini)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except AssistantError as exc:
        print(f"error: the assistant failed: {exc.message}", file=sys.stderr)
        return 1
    print(report.render_sec10q_overview(summary))
    print(f"wrote {out}/{{summary.json,results.jsonl,report.md,chart.png}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
