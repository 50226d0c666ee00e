"""Reports: a summary and per-question rows -> files a person (and a diff) can read.

In: the summary dict and rows built by eval.run or eval.sec10q (each has its renderer
here). Out, in one folder:
summary.json (sorted as built, floats already rounded), results.jsonl, report.md and
chart.png. Everything but the "run" section is deterministic for a given index and
settings, so a regenerated baseline differs only where quality changed. The PNG is
written without a timestamp or software tag for the same reason.

eval/results/baseline/report.md is an index over the committed baselines, rewritten
whenever one of them is regenerated; it starts with the commands that regenerate them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

RESULTS = Path(__file__).resolve().parent / "results"
BASELINE_DIR = RESULTS / "baseline"
BASELINE_COMMANDS = (
    "HF_HUB_OFFLINE=1 .venv/bin/python -m eval.run --baseline",
    "HF_HUB_OFFLINE=1 .venv/bin/python -m eval.sec10q --baseline --data-dir .assistant-data/sec10q",
)
MODE_LABELS = {
    "hybrid": "hybrid (assistant)", "dense": "dense only", "bm25": "BM25 only",
    "llamaindex": "llama-index (top-2)",
}
ANSWER_ROWS = (
    ("short_answer_accuracy", "short-answer accuracy"),
    ("contains_reference", "answer contains reference"),
    ("citation_precision", "citation precision"),
    ("citation_recall", "citation recall"),
    ("abstention_precision", "abstention precision"),
    ("abstention_recall", "abstention recall"),
    ("quotes_not_verbatim", "quotes not verbatim (must be 0)"),
    ("errors", "questions where ask() raised (must be 0)"),
)
RETRIEVAL_ROWS = (("hit@1", "hit@1"), ("hit@5", "hit@5"), ("hit@10", "hit@10"), ("mrr", "MRR@10"))
DEFINITIONS = """\
- Documents are identified by the base name of a citation's or passage's source file.
- short-answer accuracy: the normalized short answer equals the normalized reference or an alias
  (case, punctuation, whitespace, dashes, leading articles, number formats). On an unanswerable
  question only an abstention is correct; on an answerable one an abstention is wrong.
- answer contains reference: the normalized reference appears in the normalized answer text.
- citation precision: share of cited documents that are gold sources (answers with citations);
  recall: share of gold sources cited (questions with sources).
- hit@k / MRR: a gold source among the first k passages of `Assistant.search` with the standalone
  question; MRR is 1/rank of the first gold passage within the top 10.
- abstention precision: share of abstentions on unanswerable questions; recall: share of
  unanswerable questions abstained on.
- quotes not verbatim: citations whose quote differs from the stored document text at its offsets.
"""


# --- files -------------------------------------------------------------------------
def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_run(out: Path, summary: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """The four outputs of eval.run."""
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "summary.json", summary)
    write_jsonl(out / "results.jsonl", rows)
    (out / "report.md").write_text(render_run(summary, rows), encoding="utf-8")
    modes = summary["modes"]
    panels = [("Retrieval by mode", {MODE_LABELS[m]: _pick(s["overall"], RETRIEVAL_ROWS) for m, s in modes.items()})]
    if "hybrid" in modes:
        by_type = {t: _pick(s, (("short_answer_accuracy", "accuracy"), ("citation_recall", "citation recall"),
                                ("hit@5", "hit@5"))) for t, s in modes["hybrid"]["by_type"].items()}
        panels.append(("Assistant by question type", by_type))
    bar_chart(out / "chart.png", f"{summary['questions_file']}: {summary['question_count']} questions", panels)


def write_sec10q(out: Path, summary: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """The four outputs of eval.sec10q."""
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "summary.json", summary)
    write_jsonl(out / "results.jsonl", rows)
    (out / "report.md").write_text(render_sec10q(summary, rows), encoding="utf-8")
    sec10q_chart(out / "chart.png", summary)


def is_baseline_dir(out: Path) -> bool:
    return Path(out).resolve().parent == BASELINE_DIR


def _pick(metrics: dict[str, Any], keys: Iterable[tuple[str, str]]) -> dict[str, float]:
    return {label: metrics.get(key) or 0.0 for key, label in keys}


# --- markdown ------------------------------------------------------------------------
def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def table(headers: list[str], rows: Iterable[Iterable[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    text = fmt(value).replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= 60 else text[:57] + "..."


def headline_table(summary: dict[str, Any]) -> str:
    """Plain-text side-by-side table for the terminal."""
    modes = list(summary["modes"])
    rows = [(label, *[summary["modes"][m]["overall"].get(key) for m in modes])
            for key, label in ANSWER_ROWS + RETRIEVAL_ROWS
            if any(key in summary["modes"][m]["overall"] for m in modes)]
    width = max(len(r[0]) for r in rows) + 2
    lines = ["".ljust(width) + "".join(m.rjust(12) for m in modes)]
    lines += [r[0].ljust(width) + "".join(fmt(v).rjust(12) for v in r[1:]) for r in rows]
    return "\n".join(lines)


def render_run(summary: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    modes = list(summary["modes"])
    overall = {m: summary["modes"][m]["overall"] for m in modes}
    parts = [f"# Evaluation: {summary['questions_file']}\n\n"]
    if summary.get("command"):
        parts.append(f"Regenerate with `{summary['command']}`.\n\n")
    types = ", ".join(f"{t} {n}" for t, n in summary["types"].items())
    parts.append(
        f"{summary['question_count']} questions ({types}) over {summary['documents']} documents, "
        f"{summary['chunks']} chunks (corpus: {', '.join(summary['corpus'])}).\n"
    )
    parts.append("\n## Modes side by side\n\n")
    parts.append(table(
        ["metric", *[MODE_LABELS[m] for m in modes]],
        [(label, *[overall[m].get(key) for m in modes]) for key, label in ANSWER_ROWS + RETRIEVAL_ROWS],
    ))
    parts.append(
        "\nOnly hybrid is the full assistant with answers; the baselines are retrievers, so their answer rows"
        " are empty. Baselines search a follow-up as typed (they keep no conversation)."
        + (" llama-index returns its default 2 passages, so its hit@5 and hit@10 equal hit@2."
           if "llamaindex" in modes else "") + "\n\n![chart](chart.png)\n"
    )
    if "hybrid" in modes:
        parts.append("\n## The assistant by question type\n\n")
        cols = [k for k, _ in ANSWER_ROWS] + ["hit@5", "mrr"]
        parts.append(table(
            ["type", "n", *[_short(k) for k in cols]],
            [(t, s["questions"], *[s.get(k) for k in cols]) for t, s in summary["modes"]["hybrid"]["by_type"].items()],
        ))
        if summary["modes"]["hybrid"].get("by_source"):
            parts.append("\n## The assistant by gold source: table questions apart\n\n")
            parts.append(table(
                ["gold sources", "n", *[_short(k) for k in cols]],
                [(t, s["questions"], *[s.get(k) for k in cols])
                 for t, s in summary["modes"]["hybrid"]["by_source"].items()],
            ))
    if summary.get("abstain_sweep"):
        current = summary["settings"].get("abstain_threshold")
        parts.append("\n## Abstention threshold sweep\n\n"
                     f"The same questions asked at each `abstain_threshold` (current setting: {current}, marked *).\n\n")
        cols = [k for k in summary["abstain_sweep"][0] if k != "abstain_threshold"]
        parts.append(table(
            ["abstain_threshold", *[_short(k) for k in cols]],
            [(f"{r['abstain_threshold']}{' *' if r['abstain_threshold'] == current else ''}", *[r[k] for k in cols])
             for r in summary["abstain_sweep"]],
        ))
    parts.append("\n## Retrieval by question type (hit@5 / MRR)\n\n")
    type_names = list(summary["types"])
    parts.append(table(
        ["type", *[MODE_LABELS[m] for m in modes]],
        [(t, *[_pair(summary["modes"][m]["by_type"].get(t, {})) for m in modes]) for t in type_names],
    ))
    parts.append("\n## Per question\n\n")
    parts.append("First gold rank per mode: the rank of the first passage from a gold source (- when none in the top 10).\n\n")
    parts.append(table(
        ["id", "type", "correct", "abstained", "short answer", "cited", "gold", "first gold rank: " + " / ".join(modes)],
        [_question_row(r, modes) for r in rows],
    ))
    parts.append("\n## Settings\n\n" + "".join(f"- {k}: {v}\n" for k, v in summary["settings"].items()))
    if summary.get("warnings"):
        parts.append("\n## Warnings\n\n" + "".join(f"- {w}\n" for w in summary["warnings"]))
    parts.append("\n## Definitions\n\n" + DEFINITIONS)
    parts.append(_run_section(summary["run"]))
    return "".join(parts)


def _short(key: str) -> str:
    return {"short_answer_accuracy": "accuracy", "contains_reference": "contains", "citation_precision": "cit. P",
            "citation_recall": "cit. R", "abstention_precision": "abst. P", "abstention_recall": "abst. R",
            "quotes_not_verbatim": "bad quotes", "errors": "errors", "mrr": "MRR"}.get(key, key)


def _pair(s: dict[str, Any]) -> str:
    return f"{fmt(s.get('hit@5'))} / {fmt(s.get('mrr'))}" if s else "-"


def _question_row(r: dict[str, Any], modes: list[str]) -> list[Any]:
    scores, answer = r.get("scores") or {}, r.get("answer") or {}
    ranks = " / ".join(fmt(r["retrieval"].get(m, {}).get("first_gold_rank")) for m in modes)
    short = r["error"] and f"error: {r['error']}" or answer.get("short_answer")
    return [r["id"], r["type"], scores.get("correct"), scores.get("abstained"), short,
            ", ".join(scores.get("cited") or []), ", ".join(r["reference"]["sources"]), ranks]


def _run_section(run: dict[str, Any]) -> str:
    lines = ["\n## Run (varies between runs; not compared)\n\n"]
    lines.append(f"- generated at {run.get('generated_at')}, {run.get('seconds')} s in all,"
                 f" {run.get('ingest_seconds')} s indexing\n")
    latency = run.get("latency_ms") or {}
    if latency.get("p50") is not None:
        lines.append(f"- answer latency p50 {latency['p50']} ms, p95 {latency['p95']} ms")
        by_type = latency.get("by_type") or {}
        if by_type:
            lines.append(" (by type: " + "; ".join(f"{t} {v['p50']}/{v['p95']}" for t, v in by_type.items()) + ")")
        lines.append("\n")
    return "".join(lines)


# --- chart ---------------------------------------------------------------------------
def bar_chart(path: Path, title: str, panels: list[tuple[str, dict[str, dict[str, float]]]]) -> None:
    """One grouped bar panel per (title, {group: {metric: value}}), values in 0..1."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(6.5 * len(panels), 4.2), squeeze=False)
    for ax, (panel_title, groups) in zip(axes[0], panels):
        names = list(groups)
        metric_names = list(dict.fromkeys(k for g in groups.values() for k in g))
        width = 0.8 / max(len(metric_names), 1)
        for i, metric in enumerate(metric_names):
            xs = [j + (i - (len(metric_names) - 1) / 2) * width for j in range(len(names))]
            ax.bar(xs, [groups[n].get(metric, 0.0) for n in names], width, label=metric)
        ax.set_xticks(range(len(names)), names, rotation=20, ha="right", fontsize=8)
        ax.set_ylim(0, 1.22)  # headroom for the legend above the bars
        ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        ax.set_title(panel_title, fontsize=10)
        ax.legend(fontsize=7, loc="upper center", ncol=len(metric_names), frameon=False)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=90, metadata={"Software": None})
    plt.close(fig)


# --- report --------------------------------------------------------------------------
SEC_ASSISTANT_COLUMNS = (
    ("cited_recall", "gold recall in citations"), ("citation_precision", "citation precision"),
    ("recall@5", "gold recall top-5"), ("recall@10", "gold recall top-10"), ("mrr", "MRR"),
    ("figures_in_citations", "figures in citations"), ("figures_in_top10", "figures in top-10"),
    ("abstained", "abstained"),
)
SEC_RETRIEVAL_COLUMNS = (("recall@5", "gold recall top-5"), ("recall@10", "gold recall top-10"), ("hit@5", "hit@5"),
                     ("mrr", "MRR"), ("figures_in_top10", "figures in top-10"))


def render_sec10q_overview(summary: dict[str, Any]) -> str:
    """The per-type table of the assistant and the modes side by side."""
    parts = []
    if "hybrid" in summary["modes"]:
        h = summary["modes"]["hybrid"]
        groups = {"all": h["overall"], **h["by_question_type"], **{f"{k} chunks": v for k, v in h["by_chunk_type"].items()}}
        parts.append(table(
            ["questions", "n", *[label for _, label in SEC_ASSISTANT_COLUMNS]],
            [(g, s["questions"], *[s.get(k) for k, _ in SEC_ASSISTANT_COLUMNS]) for g, s in groups.items()],
        ))
    parts.append("\nRetrieval, modes side by side (all questions):\n\n")
    parts.append(table(
        ["mode", *[label for _, label in SEC_RETRIEVAL_COLUMNS]],
        [(MODE_LABELS[m], *[s["overall"].get(k) for k, _ in SEC_RETRIEVAL_COLUMNS]) for m, s in summary["modes"].items()],
    ))
    return "".join(parts)


def render_sec10q(summary: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    limit = f", first {summary['limit']}" if summary.get("limit") else ""
    parts = [
        "# SEC 10-Q public benchmark\n\n",
        f"The committed baseline is regenerated with `{BASELINE_COMMANDS[1]}`.\n\n",
        f"{summary['benchmark']}: {summary['question_count']} questions ({summary['questions_file']}{limit}) over "
        f"{summary['documents']} filings, {summary['chunks']} chunks. Read from ../shared/benchmarks/sec-10-q.\n\n",
        "## The assistant by question type and source chunk type\n\n",
        render_sec10q_overview(summary),
        "\n![chart](chart.png)\n\n",
        "Gold documents: the files matched by `Source Docs` and named in the reference answer's `SOURCE(S):`"
        " line. Multi-doc questions often name 3-4 filings while an answer cites at most"
        f" {summary['settings'].get('max_citations')} passages, which caps their citation recall."
        " Figures: amounts, percentages and decimals stated in the reference answer"
        f" ({summary['modes'].get('hybrid', {}).get('overall', {}).get('figures', '-')} in all), counted as found when"
        " the same number appears in the cited quotes (or the top-10 passages).\n",
    ]
    for m, s in summary["modes"].items():
        if m == "hybrid":
            continue
        parts.append(f"\n## {MODE_LABELS[m]} by question type\n\n")
        groups = {"all": s["overall"], **s["by_question_type"], **{f"{k} chunks": v for k, v in s["by_chunk_type"].items()}}
        parts.append(table(["questions", "n", *[label for _, label in SEC_RETRIEVAL_COLUMNS]],
                                  [(g, v["questions"], *[v.get(k) for k, _ in SEC_RETRIEVAL_COLUMNS]) for g, v in groups.items()]))
    if "hybrid" in summary["modes"]:
        parts.append("\n## Per question\n\n")
        parts.append(table(
            ["id", "type", "chunks", "gold", "cited", "top-10 docs", "figures found (cited/top-10/all)", "question"],
            [(r["id"], _abbrev(r["question_type"]), r["chunk_type"], _names(r["gold"]), _names(r["scores"]["cited"]),
              _names(r["retrieval"]["hybrid"]["ranked"]),
              f"{r['scores']['figures_in_citations']}/{r['retrieval']['hybrid']['figures_in_top10']}/{len(r['figures'])}",
              r["question"]) for r in rows],
        ))
    if summary.get("warnings"):
        parts.append("\n## Warnings\n\n" + "".join(f"- {w}\n" for w in summary["warnings"]))
    run = summary["run"]
    parts.append(f"\n## Run (varies between runs; not compared)\n\n- generated at {run['generated_at']},"
                 f" {run['seconds']} s in all, {run['ingest_seconds']} s indexing\n"
                 f"- answer latency p50 {run['latency_ms']['p50']} ms, p95 {run['latency_ms']['p95']} ms\n")
    return "".join(parts)


def _abbrev(question_type: str) -> str:
    return {"Single-Doc Single-Chunk RAG": "1 doc, 1 chunk", "Single-Doc Multi-Chunk RAG": "1 doc, n chunks",
            "Multi-Doc RAG": "multi-doc"}.get(question_type, question_type)


def _names(names: list[str]) -> str:
    return ", ".join(n.removesuffix(".pdf") for n in names)


def sec10q_chart(path: Path, summary: dict[str, Any]) -> None:
    panels = []
    if "hybrid" in summary["modes"]:
        h = summary["modes"]["hybrid"]
        groups = {**{_abbrev(k): v for k, v in h["by_question_type"].items()}, **{f"{k} chunks": v for k, v in h["by_chunk_type"].items()}}
        panels.append(("Assistant by question / chunk type", {
            g: {"gold recall in citations": v.get("cited_recall") or 0.0, "gold recall top-10": v.get("recall@10") or 0.0,
                "figures in citations": v.get("figures_in_citations") or 0.0} for g, v in groups.items()}))
    panels.append(("Retrieval by mode", {
        MODE_LABELS[m]: {"gold recall top-5": s["overall"].get("recall@5") or 0.0, "MRR": s["overall"].get("mrr") or 0.0,
                                "figures in top-10": s["overall"].get("figures_in_top10") or 0.0}
        for m, s in summary["modes"].items()}))
    bar_chart(path, f"SEC 10-Q: {summary['question_count']} questions, {summary['documents']} filings", panels)


# --- the committed baselines' index -------------------------------------------------
def write_baseline_index(baseline_dir: Path = BASELINE_DIR) -> None:
    parts = [
        "# Committed evaluation baselines\n\n",
        "Regenerate (from the repository root; the second indexes the 20 SEC filings once into"
        " `.assistant-data/sec10q`, ~25 minutes on 2 cores, and reuses that index afterwards. Unchanged"
        " files are not re-chunked, so delete that folder after changing chunking or loading):\n\n",
        "```\n" + "\n".join(BASELINE_COMMANDS) + "\n```\n\n",
        "CI gate against the dev baseline (exit 1 when a headline metric drops by more than 0.02,"
        " a quote is not verbatim or a question raised):\n\n",
        "```\nHF_HUB_OFFLINE=1 .venv/bin/python -m eval.run --out eval/results/dev\n"
        "HF_HUB_OFFLINE=1 .venv/bin/python -m eval.gate --results eval/results/dev/summary.json"
        " --baseline eval/results/baseline/dev/summary.json\n```\n",
    ]
    dev = _load(baseline_dir / "dev" / "summary.json")
    if dev:
        parts.append(f"\n## Dev set ([details](dev/report.md))\n\n{dev['question_count']} questions, "
                     f"{dev['documents']} documents.\n\n")
        modes = list(dev["modes"])
        parts.append(table(
            ["metric", *[MODE_LABELS[m] for m in modes]],
            [(label, *[dev["modes"][m]["overall"].get(key) for m in modes]) for key, label in ANSWER_ROWS + RETRIEVAL_ROWS],
        ))
    sec = _load(baseline_dir / "sec10q" / "summary.json")
    if sec:
        parts.append(f"\n## SEC 10-Q public benchmark ([details](sec10q/report.md))\n\n{render_sec10q_overview(sec)}")
    (baseline_dir / "report.md").write_text("".join(parts), encoding="utf-8")


def _load(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
