"""Evaluation of the assistant: question sets in, scored results and reports out.

    questions.py   JSONL question file -> list[Question] (validated, line-numbered errors)
    run.py         python -m eval.run: index a corpus, ask every question, score, report
    metrics.py     pure scoring functions: answers, citations, retrieval, abstention
    report.py      summary.json, results.jsonl, report.md and a PNG chart
    baselines/     what a user would otherwise pick (plain llama-index retrieval)
    sec10q.py      python -m eval.sec10q: the public SEC 10-Q benchmark
    gate.py        python -m eval.gate: CI gate against the committed baseline
    results/       baseline/ holds committed outputs, so quality changes show up in diffs
    bench/         speed benchmarks (print figures, assert nothing)

Only `assistant.pipeline`, `assistant.types`, `assistant.config` and `assistant.errors`
are imported from the core; the evaluation never sees Chroma or sentence-transformers
types. The llama-index baseline is the one place llama-index is used directly.
"""
