"""python -m eval.gate: fail CI when answer quality falls below the committed baseline.

    python -m eval.gate --results eval/results/dev/summary.json \
        --baseline eval/results/baseline/dev/summary.json [--tolerance 0.02]

In: two summary.json files written by eval.run. Out: a table of
metric / baseline / current / delta / status on stdout, and the exit code:
0 pass; 1 a headline metric fell by more than the tolerance, a citation quote is not
verbatim, or a question raised; 2 a file is missing or is not an eval.run summary.

Headline metrics are those of the full assistant (hybrid mode): short-answer accuracy,
citation precision and recall, abstention precision and recall, retrieval hit@5. The
run also fails when any citation quote is not verbatim or any question made ask() raise.
The tolerance (0.02 absolute by default) lets one question of the 63-question dev set
(0.016) flip without failing, so a tie broken differently does not block a merge; two
lost questions fail.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

GATED = (
    "short_answer_accuracy", "citation_precision", "citation_recall",
    "abstention_precision", "abstention_recall", "hit@5",
)
DEFAULT_TOLERANCE = 0.02
_EPSILON = 1e-9  # rounded floats: a drop of exactly the tolerance passes


class GateInputError(ValueError):
    pass


def compare(current: dict[str, Any], baseline: dict[str, Any], tolerance: float = DEFAULT_TOLERANCE
            ) -> tuple[bool, list[tuple[str, Any, Any, float | None, str]]]:
    """(passed, rows of metric, baseline, current, delta, status)."""
    now, base = _headline(current, "results"), _headline(baseline, "baseline")
    rows: list[tuple[str, Any, Any, float | None, str]] = []
    passed = True
    for metric in GATED:
        b, c = base.get(metric), now.get(metric)
        if b is None:
            rows.append((metric, b, c, None, "not in baseline"))
            continue
        if c is None:
            rows.append((metric, b, c, None, "FAIL: missing"))
            passed = False
            continue
        delta = round(c - b, 4)
        ok = delta >= -tolerance - _EPSILON
        passed &= ok
        rows.append((metric, b, c, delta, "ok" if ok else f"FAIL: below baseline by more than {tolerance}"))
    for metric, why in (("quotes_not_verbatim", "every quote must be verbatim"),
                        ("errors", "a question made ask() raise")):
        value = now.get(metric)
        ok = value == 0 or (value is None and metric == "errors")  # older summaries have no "errors"
        passed &= ok
        rows.append((metric, base.get(metric), value, None, "ok" if ok else f"FAIL: {why}"))
    return passed, rows


def _headline(summary: dict[str, Any], name: str) -> dict[str, Any]:
    headline = summary.get("headline") if isinstance(summary, dict) else None
    if not isinstance(headline, dict):
        raise GateInputError(f"the {name} file is not an eval.run summary (no 'headline')")
    return headline


def render(rows: list[tuple[str, Any, Any, float | None, str]]) -> str:
    def f(v: Any) -> str:
        return "-" if v is None else str(v)

    header = ("metric", "baseline", "current", "delta", "status")
    cells = [header] + [(m, f(b), f(c), "-" if d is None else f"{d:+.4f}", s) for m, b, c, d, s in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(4)]
    return "\n".join("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in cells)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.gate", description=__doc__.split("\n")[0])
    p.add_argument("--results", type=Path, required=True, help="summary.json of the run to check")
    p.add_argument("--baseline", type=Path, required=True, help="the committed baseline summary.json")
    p.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="allowed absolute drop (default 0.02)")
    args = p.parse_args(argv)
    try:
        current, baseline = _read(args.results), _read(args.baseline)
        passed, rows = compare(current, baseline, args.tolerance)
    except GateInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for key in ("questions_file", "question_count"):
        if current.get(key) != baseline.get(key):
            print(f"note: {key} differs (baseline {baseline.get(key)!r}, current {current.get(key)!r});"
                  " regenerate the baseline if the question set changed on purpose")
    print(render(rows))
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


def _read(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GateInputError(f"{path}: no such file (run python -m eval.run first)") from None
    except json.JSONDecodeError as exc:
        raise GateInputError(f"{path}: not JSON ({exc.msg}, line {exc.lineno})") from None


if __name__ == "__main__":
    sys.exit(main())
