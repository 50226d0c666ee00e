"""Index benchmark: ingest throughput against the raw model, and search latency by size.

    python -m eval.bench.bench_index [--sizes 1000,10000,100000] [--docs 2]

1. Ingest throughput. Text of real 10-Q filings (../shared/benchmarks/sec-10-q,
   extracted beforehand, not timed) is written as .txt files and ingested into a fresh
   index; then the raw sentence-transformers encode rate of the very same chunk texts is
   measured in the same process. Prints chunks/s of both and their ratio (target >= 0.8:
   the index adds little on top of the model).
2. Search latency at each size: the real corpus plus filler chunks. Filler text is real
   10-Q text; to reach 100k chunks without 25 minutes of encoding, filler vectors are the
   normalized sum of two embedded real chunks plus noise, and filler text is the two texts
   joined, so both sides of hybrid search see realistic data. Filler is written through
   the same catalog and Chroma calls as ingest. Prints p50/p95 for hybrid, dense and
   keyword search over distinct questions (the query-embedding cache is bypassed).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.pipeline import Assistant
from assistant.types import Chunk, Document

ROOT = Path(__file__).resolve().parents[2]
SEC = ROOT.parent / "shared" / "benchmarks" / "sec-10-q" / "docs"
QUESTIONS = [
    "When does the Dunkirk gigafactory become operational?", "Which vehicle gets the batteries first?",
    "How many GWh a year does Verkor supply?", "Where is the Alpine C-Crossover GT manufactured?",
    "When did Renault acquire a stake in Verkor?", "What was Apple's total net sales last quarter?",
    "How much did Amazon spend on research and development?", "What are Intel's main risk factors?",
    "NVIDIA data center revenue growth", "Microsoft cloud revenue", "share repurchases during the quarter",
    "foreign currency exchange rate risk", "Verkor Innovation Centre Grenoble", "low-carbon batteries",
    "Ampere electric vehicles entity", "inventory write-downs", "operating lease liabilities",
    "effective tax rate change", "legal proceedings and litigation", "goodwill impairment",
]


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _sec_texts(n_docs: int) -> list[str]:
    from pypdf import PdfReader

    texts = []
    for pdf in sorted(SEC.glob("*.pdf"))[:n_docs]:
        texts.append("\n\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages))
    return texts


def bench_ingest(settings: Settings, texts: list[str]) -> list[Chunk]:
    folder = Path(tempfile.mkdtemp(prefix="bench-docs-"))
    n = 0
    for i, text in enumerate(texts):  # ~20 files per filing, as a folder of reports would be
        parts = [text[j : j + 12000] for j in range(0, len(text), 12000)]
        for k, part in enumerate(parts):
            (folder / f"filing{i}-part{k:02}.txt").write_text(part)
            n += 1
    a = Assistant(settings)
    a.embedder.embed_documents(["warm-up"] * 8)
    t0 = time.perf_counter()
    report = a.ingest([folder])
    ingest_s = time.perf_counter() - t0
    chunks = [c for d in a.list_documents() for c in a.catalog.document_chunks(d["doc_id"])]
    t0 = time.perf_counter()
    a.embedder.model.encode([c.text for c in chunks], batch_size=settings.embed_batch_size, normalize_embeddings=True)
    raw_s = time.perf_counter() - t0
    ingest_rate, raw_rate = len(chunks) / ingest_s, len(chunks) / raw_s
    print(f"ingest: {n} files, {len(chunks)} chunks in {ingest_s:.1f}s = {ingest_rate:.1f} chunks/s")
    print(f"raw sentence-transformers encode of the same texts: {raw_s:.1f}s = {raw_rate:.1f} chunks/s")
    print(f"ingest / raw encode ratio: {ingest_rate / raw_rate:.2f}  (target >= 0.8)")
    t0 = time.perf_counter()
    again = a.ingest([folder])
    print(f"re-ingest unchanged: {again.embedded} chunks embedded, {time.perf_counter() - t0:.2f}s")
    assert not report.failed
    a.close()
    return chunks


def add_filler(a: Assistant, base: list[Chunk], base_vectors: np.ndarray, n: int, rng: random.Random, noise: np.random.Generator) -> None:
    """Write n filler chunks (documents of 500 chunks) through the catalog and Chroma."""
    per_doc = 500
    first = a.catalog.counts()[0]  # ids continue past filler documents already written
    for d in range(0, n, per_doc):
        doc_id = f"filler{first + d // per_doc:06d}"
        texts, vecs = [], []
        for _ in range(min(per_doc, n - d)):
            i, j = rng.randrange(len(base)), rng.randrange(len(base))
            texts.append(base[i].text[:250] + " " + base[j].text[:250])
            v = base_vectors[i] + base_vectors[j] + noise.normal(0, 0.02, base_vectors.shape[1])
            vecs.append(v / np.linalg.norm(v))
        text = "\n\n".join(texts)
        chunks, pos = [], 0
        for t in texts:
            chunks.append(Chunk(chunk_id=f"{doc_id}-{len(chunks)}", doc_id=doc_id, text=t, start=pos, end=pos + len(t), title=f"Filler {doc_id}", source=f"/filler/{doc_id}.txt"))
            pos += len(t) + 2
        doc = Document(doc_id=doc_id, source=f"/filler/{doc_id}.txt", title=f"Filler {doc_id}", kind="document", text=text, content_hash=doc_id, media_type="txt")
        a.vectors.add(chunks, np.asarray(vecs, dtype=np.float32))
        a.catalog.replace_document(doc, chunks)


def bench_search(settings: Settings, base: list[Chunk], sizes: list[int]) -> None:
    a = Assistant(settings)
    a.ingest([ROOT / "corpus"])
    print(f"embedding {len(base)} real chunks as filler base...")
    base_vectors = a.embedder.embed_documents([c.text for c in base])
    rng, noise = random.Random(7), np.random.default_rng(7)
    have = a.catalog.counts()[1]
    print("\nsize      mode     p50 ms  p95 ms")
    for size in sizes:
        if size > have:
            add_filler(a, base, base_vectors, size - have, rng, noise)
            have = a.catalog.counts()[1]
        for mode in ("hybrid", "dense", "keyword"):
            times = []
            for rep in range(3):
                for q in QUESTIONS:
                    query = f"{q} ({mode} {rep} {size})"  # distinct text: no embedding-cache hits
                    t0 = time.perf_counter()
                    a.search(query, k=5, mode=mode)
                    times.append((time.perf_counter() - t0) * 1000)
            print(f"{have:<9} {mode:<8} {statistics.median(times):6.1f}  {_pct(times, 0.95):6.1f}")
    a.close()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--docs", type=int, default=2, help="10-Q filings used as ingest text")
    args = p.parse_args()
    texts = _sec_texts(args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        base = bench_ingest(Settings(data_dir=Path(tmp) / "ingest"), texts)
        bench_search(Settings(data_dir=Path(tmp) / "search"), base, [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
