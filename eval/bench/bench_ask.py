"""Ask benchmark: answer latency on the shipped corpus and at 100k chunks, and the time
from process start to the first answer.

    python -m eval.bench.bench_ask [--size 100000]

- Cold start: `assistant ask` as a fresh process over an index built beforehand; wall
  time from spawn to the answer's first line (imports, model load, store open, one
  answer), and to exit. Target <= 8 s to the answer.
- Warm latency: every question of eval/questions/dev.jsonl asked once (distinct text, so
  each pays its query embedding), follow-ups after their antecedents. Targets on the
  shipped corpus: p50 <= 50 ms, p95 <= 100 ms.
- The same questions again with filler up to --size chunks (see bench_index: real 10-Q
  text, mixed vectors). Target p95 <= 150 ms at 100k.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.pipeline import Assistant
from eval.bench.bench_index import _pct, _sec_texts, add_filler

ROOT = Path(__file__).resolve().parents[2]
CORPORA = [ROOT / "corpus", ROOT / "tests" / "fixtures" / "documents"]


def cold_start(data_dir: Path) -> tuple[float, float]:
    """Seconds from spawn to the answer's first line, and to process exit."""
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ask", "Which vehicle gets the batteries first?"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    proc.stdout.readline()
    answered = time.perf_counter() - t0
    proc.communicate()
    return answered, time.perf_counter() - t0


def ask_all(a: Assistant, questions: list[dict], cached: bool = False) -> list[float]:
    if not cached:
        a.embedder._query.cache_clear()  # each question pays its query embedding
    conversations: dict[str, str | None] = {}
    times = []
    for q in questions:
        conversation = conversations.get(q["previous"]) if q.get("previous") else None
        t0 = time.perf_counter()
        answer = a.ask(q["question"], conversation_id=conversation)
        times.append((time.perf_counter() - t0) * 1000)
        conversations[q["id"]] = answer.conversation_id
    return times


def report(label: str, times: list[float]) -> None:
    print(f"{label:<34} n={len(times):<4} p50 {statistics.median(times):6.1f} ms   p95 {_pct(times, 0.95):6.1f} ms")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=100_000)
    args = p.parse_args()
    questions = [json.loads(line) for line in (ROOT / "eval/questions/dev.jsonl").read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        a = Assistant(settings)
        a.ingest(CORPORA)
        a.close()
        runs = [cold_start(settings.data_dir) for _ in range(3)]
        first = [r[0] for r in runs]
        print(f"process start to first answer: {', '.join(f'{r:.2f}' for r in first)} s (median {statistics.median(first):.2f} s);"
              f" to exit: median {statistics.median(r[1] for r in runs):.2f} s")

        a = Assistant(settings)
        ask_all(a, questions[:5])  # warm-up
        report("ask, shipped corpus + fixtures", ask_all(a, questions))
        report("ask, repeated (cached embedding)", ask_all(a, questions, cached=True))
        if args.size:
            base = [c for d in a.list_documents() for c in a.catalog.document_chunks(d["doc_id"])]
            texts = _sec_texts(2)
            extra = [t[i : i + 500] for t in texts for i in range(0, len(t), 500)]
            print(f"embedding {len(extra)} 10-Q passages as filler base...")
            from assistant.types import Chunk

            base = [Chunk(chunk_id=str(i), doc_id="x", text=t, start=0, end=len(t)) for i, t in enumerate(extra)]
            vectors = a.embedder.embed_documents([c.text for c in base])
            add_filler(a, base, vectors, args.size - a.catalog.counts()[1], random.Random(7), np.random.default_rng(7))
            print(f"index now holds {a.catalog.counts()[1]} chunks")
            a.answerer.forget()
            ask_all(a, questions[:5])  # warm-up
            report(f"ask at {a.catalog.counts()[1]} chunks", ask_all(a, questions))
        a.close()


if __name__ == "__main__":
    main()
