"""python -m eval.run: index a corpus, ask every question, score every mode, report.

    python -m eval.run --questions eval/questions/dev.jsonl --corpus corpus/ \
        --corpus tests/fixtures/documents/ --out eval/results/dev
    python -m eval.run --questions other.jsonl --corpus /some/folder --modes hybrid,dense,bm25,llamaindex
    python -m eval.run --baseline     # regenerate the committed eval/results/baseline/dev

In: a question file (eval.questions) and corpus folders. Out, in --out: summary.json
(deterministic: rounded metrics; volatile figures such as latency only under "run"),
results.jsonl (one line per question: the full answer JSON plus its scores),
report.md and chart.png.

Modes, all on the same fresh index (a temporary data dir unless --data-dir):
- hybrid: the full assistant. Each conversation is asked in order (a follow-up right
  after the question it names); answers are scored, every citation quote is checked
  against the stored document text, and Assistant.search(standalone question, k=10)
  gives the retrieval metrics.
- dense, bm25: Assistant.search(mode="dense" | "keyword"), retrieval metrics only.
- llamaindex: eval.baselines.llamaindex over the same extracted texts, retrieval only.
The baselines have no conversation memory: a follow-up is searched as typed. With
--sweep-abstain (and by default with --baseline) every question is asked again at each
abstain_threshold on the same index: the table the threshold is calibrated from. A question
whose ask() raises is recorded with its error, scored as wrong, and counted in "errors".
Exit codes: 0 done, 1 the assistant failed, 2 bad arguments or question file.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.pipeline import Assistant
from eval import metrics, report
from eval.questions import (
    TYPES,
    Question,
    QuestionFileError,
    conversations,
    load_questions,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = ROOT / "eval" / "questions" / "dev.jsonl"
DEFAULT_CORPUS = (ROOT / "corpus", ROOT / "tests" / "fixtures" / "documents")
DEFAULT_OUT = ROOT / "eval" / "results" / "dev"
BASELINE_OUT = ROOT / "eval" / "results" / "baseline" / "dev"
MODES = ("hybrid", "dense", "bm25", "llamaindex")
SEARCH_MODE = {"hybrid": "hybrid", "dense": "dense", "bm25": "keyword"}
MODE_ALIASES = {"keyword": "bm25"}
# Settings that change answers, recorded in summary.json so a diff explains itself.
RECORDED_SETTINGS = (
    "chunk_chars", "chunk_overlap_sentences", "top_k", "candidates", "rrf_k",
    "abstain_threshold", "max_citations", "history_turns",
)
# abstain_threshold values tried for the committed baseline's calibration table.
BASELINE_SWEEP = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
SWEEP_METRICS = (
    "short_answer_accuracy", "contains_reference", "citation_precision", "citation_recall",
    "abstention_precision", "abstention_recall", "abstained",
)
HEADLINE = (
    "short_answer_accuracy", "citation_precision", "citation_recall",
    "abstention_precision", "abstention_recall", "hit@5", "quotes_not_verbatim", "errors",
)


class UsageError(ValueError):
    """Bad command-line input; exit 2."""


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    args = _parser().parse_args(argv)
    out = args.out or (BASELINE_OUT if args.baseline else DEFAULT_OUT)
    try:
        sweep = parse_thresholds(args.sweep_abstain) if args.sweep_abstain else (
            list(BASELINE_SWEEP) if args.baseline else None)
        summary = run(
            args.questions, args.corpus or list(DEFAULT_CORPUS), out, parse_modes(args.modes),
            data_dir=args.data_dir, command=_command(argv), sweep=sweep,
        )
    except (QuestionFileError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except AssistantError as exc:
        print(f"error: the assistant failed: {exc.message}", file=sys.stderr)
        return 1
    print(report.headline_table(summary))
    print(f"wrote {_display(out)}/{{summary.json,results.jsonl,report.md,chart.png}}")
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m eval.run", description=__doc__.split("\n")[0])
    p.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="JSONL question file")
    p.add_argument("--corpus", type=Path, action="append",
                   help="corpus file or folder (repeatable); default: corpus/ and tests/fixtures/documents/")
    p.add_argument("--out", type=Path, help="output folder (default eval/results/dev)")
    p.add_argument("--data-dir", type=Path, help="reuse this index folder instead of a temporary one")
    p.add_argument("--modes", default=",".join(MODES), help=f"comma-separated subset of {','.join(MODES)}")
    p.add_argument("--sweep-abstain", metavar="T1,T2,...",
                   help="also ask every question at these abstain_threshold values (calibration table)")
    p.add_argument("--baseline", action="store_true",
                   help="write to eval/results/baseline/dev (the committed baseline), with the default sweep")
    return p


def parse_thresholds(text: str) -> list[float]:
    try:
        values = sorted({round(float(v), 4) for v in text.split(",") if v.strip()})
    except ValueError:
        raise UsageError(f"--sweep-abstain takes comma-separated numbers, got {text!r}") from None
    if not values or not all(0.0 <= v <= 1.0 for v in values):
        raise UsageError(f"--sweep-abstain values must lie in 0..1, got {text!r}")
    return values


def parse_modes(text: str) -> list[str]:
    modes = [MODE_ALIASES.get(m.strip(), m.strip()) for m in text.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise UsageError(f"unknown mode(s) {unknown or text!r}; choose from {', '.join(MODES)}")
    return [m for m in MODES if m in modes]


def run(
    questions_path: Path, corpus: list[Path], out: Path, modes: list[str] | None = None,
    data_dir: Path | None = None, embedder: Any = None, command: str = "",
    log: Callable[[str], None] | None = None, sweep: list[float] | None = None,
) -> dict[str, Any]:
    """Index `corpus`, evaluate `modes`, write the outputs to `out`; returns the summary."""
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    modes = modes or list(MODES)
    questions = load_questions(questions_path)
    missing = [str(p) for p in corpus if not p.exists()]
    if missing:
        raise UsageError(f"corpus path(s) not found: {', '.join(missing)}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="eval-") as tmp:
        settings = Settings(data_dir=data_dir or Path(tmp) / "data")
        assistant = Assistant(settings, embedder=embedder)
        try:
            summary, rows = _evaluate(assistant, settings, questions, corpus, modes, log)
            if sweep and "hybrid" in modes:
                summary["abstain_sweep"] = _sweep(assistant, settings, questions, sweep, log)
        finally:
            assistant.close()
    summary["questions_file"] = _display(questions_path)
    summary["command"] = command
    summary["run"] = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        **summary.pop("_volatile"),
    }
    report.write_run(out, summary, rows)
    if report.is_baseline_dir(out):
        report.write_baseline_index(out.parent)
    return summary


def _evaluate(assistant: Assistant, settings: Settings, questions: list[Question], corpus: list[Path],
              modes: list[str], log: Callable[[str], None]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    t0 = time.perf_counter()
    ingest = assistant.ingest(corpus)
    ingest_seconds = round(time.perf_counter() - t0, 1)
    documents = assistant.list_documents()
    names = {metrics.doc_name(d["source"]) for d in documents}
    log(f"indexed {len(documents)} documents ({ingest.embedded} chunks embedded) in {ingest_seconds}s")
    warnings = [f"ingest failed: {metrics.doc_name(f.path)}: {f.error}" for f in ingest.failed]
    unknown = sorted({s for q in questions for s in q.sources} - names)
    if unknown:
        warnings.append(f"gold sources not in the corpus: {', '.join(unknown)}")
    for w in warnings:
        log(f"warning: {w}")

    rows = {q.id: _row(q) for q in questions}
    latencies: dict[str, list[float]] = {}
    if "hybrid" in modes:
        _ask_all(assistant, questions, rows, latencies, log)
    for mode in modes:
        if mode in ("dense", "bm25"):
            for q in questions:
                hits = assistant.search(q.question, k=max(metrics.RETRIEVAL_KS), mode=SEARCH_MODE[mode])
                _retrieval(rows[q.id], mode, q.question, [metrics.doc_name(h.chunk.source) for h in hits])
            log(f"{mode}: searched {len(questions)} questions")
        elif mode == "llamaindex":
            from eval.baselines.llamaindex import LlamaIndexBaseline

            texts = [(metrics.doc_name(d["source"]), assistant.get_document(d["doc_id"]).text) for d in documents]
            baseline = LlamaIndexBaseline(texts)
            log(f"llamaindex: indexed {baseline.nodes} nodes")
            for q in questions:
                _retrieval(rows[q.id], mode, q.question, baseline.retrieve(q.question))

    ordered = [rows[q.id] for q in questions]
    summary = {
        "questions_file": "",
        "question_count": len(questions),
        "types": {t: n for t, n in sorted(Counter(q.type for q in questions).items(), key=lambda kv: _type_key(kv[0]))},
        "corpus": [_display(p) for p in corpus],
        "documents": len(documents),
        "chunks": sum(d.get("chunk_count") or 0 for d in documents),
        "settings": {k: getattr(settings, k) for k in RECORDED_SETTINGS if hasattr(settings, k)},
        "modes": {m: _mode_summary(m, ordered) for m in modes},
        "warnings": warnings,
    }
    hybrid = summary["modes"].get("hybrid", {}).get("overall", {})
    summary["headline"] = {k: hybrid.get(k) for k in HEADLINE}
    summary["_volatile"] = {"ingest_seconds": ingest_seconds, "latency_ms": _latency(latencies)}
    return summary, ordered


def _row(q: Question) -> dict[str, Any]:
    return {
        "id": q.id, "type": q.type, "question": q.question, "previous": q.previous,
        "reference": {"answer": q.answer, "answer_aliases": q.answer_aliases, "sources": q.sources},
        "answer": None, "error": None, "latency_ms": None, "scores": None, "retrieval": {},
    }


def _ask_all(assistant: Assistant, questions: list[Question], rows: dict[str, dict[str, Any]],
             latencies: dict[str, list[float]], log: Callable[[str], None]) -> None:
    texts: dict[str, str | None] = {}
    done = 0
    for chain in conversations(questions):
        conversation_id = None
        for q in chain:
            row = rows[q.id]
            t0 = time.perf_counter()
            try:
                answer = assistant.ask(q.question, conversation_id)
            except Exception as exc:  # noqa: BLE001 - scored as a wrong answer; the run goes on
                row["error"] = exc.message if isinstance(exc, AssistantError) else f"{type(exc).__name__}: {exc}"
                log(f"hybrid {q.id}: ask failed: {row['error']}")
                row["scores"] = metrics.score_answer(q.type, q.answer, q.answer_aliases, q.sources, {})
                row["scores"]["quotes_not_verbatim"] = 0
                _retrieval(row, "hybrid", q.question, [])
                continue
            ms = (time.perf_counter() - t0) * 1000
            conversation_id = answer.conversation_id
            result = answer.to_dict()
            scores = metrics.score_answer(q.type, q.answer, q.answer_aliases, q.sources, result)
            scores["quotes_not_verbatim"] = sum(
                not metrics.quote_is_verbatim(c, document_text(assistant, c["doc_id"], texts))
                for c in result["citations"]
            )
            row.update(answer=result, latency_ms=round(ms, 1), scores=scores)
            latencies.setdefault(q.type, []).append(ms)
            hits = assistant.search(answer.standalone_question, k=max(metrics.RETRIEVAL_KS), mode="hybrid")
            _retrieval(row, "hybrid", answer.standalone_question, [metrics.doc_name(h.chunk.source) for h in hits])
            done += 1
            log(f"hybrid {done}/{len(questions)} {q.id}: {'ok' if scores['correct'] else 'miss'} {ms:.0f} ms")


def _sweep(assistant: Assistant, settings: Settings, questions: list[Question], thresholds: list[float],
           log: Callable[[str], None]) -> list[dict[str, Any]]:
    """Answer metrics at each abstain_threshold, on the same index (the calibration table)."""
    table = []
    for threshold in thresholds:
        probe = Assistant(settings.model_copy(update={"abstain_threshold": threshold}), embedder=assistant.embedder)
        rows = {q.id: _row(q) for q in questions}
        try:
            _ask_all(probe, questions, rows, {}, lambda msg: None)
        finally:
            probe.close()
        agg = metrics.aggregate_answers([r["scores"] for r in rows.values()])
        table.append({"abstain_threshold": threshold, **{k: agg[k] for k in SWEEP_METRICS}})
        log(f"sweep: abstain_threshold {threshold}: accuracy {agg['short_answer_accuracy']},"
            f" abstention P/R {agg['abstention_precision']}/{agg['abstention_recall']}")
    return table


def document_text(assistant: Assistant, doc_id: str, cache: dict[str, str | None]) -> str | None:
    """A document's extracted text (None if gone), cached per run: quotes are checked against it."""
    if doc_id not in cache:
        try:
            cache[doc_id] = assistant.get_document(doc_id).text
        except AssistantError:
            cache[doc_id] = None
    return cache[doc_id]


def _retrieval(row: dict[str, Any], mode: str, query: str, ranked: list[str]) -> None:
    row["retrieval"][mode] = {"query": query, **metrics.score_retrieval(ranked, row["reference"]["sources"])}


def _mode_summary(mode: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    def overall(group: list[dict[str, Any]]) -> dict[str, Any]:
        out = metrics.aggregate_retrieval([r["retrieval"][mode] for r in group])
        if mode == "hybrid":
            out.update(metrics.aggregate_answers([r["scores"] for r in group]))
            out["quotes_not_verbatim"] = sum(r["scores"]["quotes_not_verbatim"] for r in group)
            out["errors"] = sum(r["error"] is not None for r in group)
        return out

    return {
        "overall": overall(rows),
        "by_type": metrics.by_group(rows, lambda r: r["type"], overall, order=TYPES),
        "by_source": metrics.by_group(rows, source_kind, overall, order=SOURCE_KINDS),
    }


SOURCE_KINDS = ("table", "documents only", "none")


def source_kind(row: dict[str, Any]) -> str:
    """'table' when a gold source is a table file (the supply-data questions), so the
    evaluation reports them apart; 'none' for unanswerable questions."""
    sources = row["reference"]["sources"]
    if not sources:
        return "none"
    return "table" if any(s.lower().endswith((".csv", ".json")) for s in sources) else "documents only"


def _latency(latencies: dict[str, list[float]]) -> dict[str, Any]:
    every = [ms for values in latencies.values() for ms in values]
    out: dict[str, Any] = {"p50": metrics.percentile(every, 50), "p95": metrics.percentile(every, 95)}
    out["by_type"] = {
        t: {"p50": metrics.percentile(v, 50), "p95": metrics.percentile(v, 95)}
        for t, v in sorted(latencies.items(), key=lambda kv: _type_key(kv[0]))
    }
    return out


def _type_key(qtype: str) -> tuple[int, str]:
    return (TYPES.index(qtype) if qtype in TYPES else len(TYPES), qtype)


def _display(path: Path) -> str:
    """A path relative to the repository when inside it, so outputs do not depend on the checkout."""
    resolved = Path(path).resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(path)


def _command(argv: list[str] | None) -> str:
    args = sys.argv[1:] if argv is None else argv
    return " ".join(["python -m eval.run", *args])


if __name__ == "__main__":
    sys.exit(main())
