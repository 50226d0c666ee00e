"""Scoring: one answer and one ranked passage list -> per-question scores -> averages.

In: plain values (reference answers, Answer.to_dict() output, ranked document names).
Out: per-question score dicts and their aggregates, overall and per question type. No
I/O and no assistant imports, so every rule below can be checked on hand-made cases.

Definitions (documents are identified by the base name of Citation.source):
- short-answer accuracy: `normalize(short_answer)` equals `normalize(answer)` or of an
  alias. On an unanswerable question the correct outcome is an abstention; on an
  answerable one an abstention is wrong.
- contains-reference: a normalized reference is a token run of the normalized answer
  text (citation markers like [1] removed first). Same abstention rule.
- citation precision: share of cited documents that are gold sources, over answers that
  cite anything (citing on an unanswerable question scores 0). Recall: share of gold
  sources cited, over questions with gold sources (an abstention scores 0).
- hit@k / MRR: whether a gold source is among the first k retrieved passages, and
  1 / rank of the first passage from a gold source (0 when none in the list), over
  questions with gold sources.
- abstention precision: share of abstentions that were on unanswerable questions;
  recall: share of unanswerable questions abstained on.
Averages are macro (each question counts once) and rounded to 4 places.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

UNANSWERABLE = "unanswerable"
RETRIEVAL_KS = (1, 5, 10)
# Every metric a summary holds, in report order; None means "not defined here".
ANSWER_METRICS = (
    "short_answer_accuracy", "contains_reference", "citation_precision", "citation_recall",
    "abstention_precision", "abstention_recall",
)
RETRIEVAL_METRICS = tuple(f"hit@{k}" for k in RETRIEVAL_KS) + ("mrr",)

_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_DECIMAL = re.compile(r"(\d+)\.(\d+)")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
_LONE_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_PUNCT = re.compile(r"[^\w\s.]|_")
_MARKERS = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_ARTICLES = frozenset({"a", "an", "the"})


def normalize(text: str | None) -> str:
    """Lower-case words and canonical numbers: "The 12.0GWh" -> "12 gwh", "1,200" -> "1200"."""
    s = unicodedata.normalize("NFKC", text or "")
    s = _DASHES.sub("-", s).casefold()
    s = _THOUSANDS.sub("", s)
    s = _DECIMAL.sub(_canonical_decimal, s)
    s = s.replace("%", " percent ")
    s = _DIGIT_LETTER.sub(" ", s)
    s = _PUNCT.sub(" ", _LONE_DOT.sub(" ", s))
    tokens = s.split()
    if len(tokens) > 1 and tokens[0] in _ARTICLES:
        tokens = tokens[1:]
    return " ".join(tokens)


def _canonical_decimal(m: re.Match[str]) -> str:
    fraction = m.group(2).rstrip("0")
    return m.group(1) + ("." + fraction if fraction else "")


def references(answer: str | None, aliases: Iterable[str] = ()) -> list[str]:
    """The normalized accepted answers, empty ones dropped, in order."""
    out: list[str] = []
    for ref in [answer or "", *aliases]:
        n = normalize(ref)
        if n and n not in out:
            out.append(n)
    return out


def short_answer_matches(short_answer: str | None, answer: str | None, aliases: Iterable[str] = ()) -> bool:
    return bool(short_answer) and normalize(short_answer) in references(answer, aliases)


def contains_reference(text: str | None, answer: str | None, aliases: Iterable[str] = ()) -> bool:
    haystack = f" {normalize(_MARKERS.sub(' ', text or ''))} "
    return any(f" {ref} " in haystack for ref in references(answer, aliases))


def doc_name(source: str) -> str:
    """Base name of a citation or hit source (POSIX or Windows path)."""
    return re.split(r"[\\/]", source.rstrip("\\/"))[-1]


def unique(names: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


def citation_precision(cited: Iterable[str], gold: Iterable[str]) -> float | None:
    docs, gold = set(cited), set(gold)
    return len(docs & gold) / len(docs) if docs else None


def citation_recall(cited: Iterable[str], gold: Iterable[str]) -> float | None:
    docs, gold = set(cited), set(gold)
    return len(docs & gold) / len(gold) if gold else None


def first_gold_rank(ranked: list[str], gold: Iterable[str]) -> int | None:
    """1-based rank of the first passage from a gold document, or None."""
    gold = set(gold)
    return next((i for i, name in enumerate(ranked, 1) if name in gold), None)


def quote_is_verbatim(citation: dict[str, Any], text: str | None) -> bool:
    """The citation's quote is exactly the stored document text at its offsets."""
    if text is None:
        return False
    start, end = citation.get("start"), citation.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end <= len(text):
        return False
    return text[start:end] == citation.get("quote")


# --- one question ---------------------------------------------------------------
def score_answer(qtype: str, answer: str, aliases: list[str], sources: list[str], result: dict[str, Any]) -> dict[str, Any]:
    """Scores of one Answer.to_dict() against its reference (see module docstring)."""
    unanswerable = qtype == UNANSWERABLE
    abstained = bool(result.get("abstained"))
    cited = unique(doc_name(c["source"]) for c in result.get("citations") or [])
    if unanswerable or abstained:
        correct = contains = unanswerable and abstained
    else:
        correct = short_answer_matches(result.get("short_answer"), answer, aliases)
        contains = contains_reference(result.get("answer"), answer, aliases)
    precision = citation_precision(cited, sources)
    if precision is None and cited:  # cited something where nothing should be cited
        precision = 0.0
    return {
        "correct": correct,
        "contains_reference": contains,
        "abstained": abstained,
        "unanswerable": unanswerable,
        "cited": cited,
        "citation_precision": precision,
        "citation_recall": citation_recall(cited, sources),
    }


def score_retrieval(ranked: list[str], sources: list[str]) -> dict[str, Any]:
    """hit@k for k in RETRIEVAL_KS and reciprocal rank; None without gold sources."""
    scores: dict[str, Any] = {"ranked": ranked}
    rank = first_gold_rank(ranked, sources) if sources else None
    for k in RETRIEVAL_KS:
        scores[f"hit@{k}"] = None if not sources else (rank is not None and rank <= k)
    scores["rr"] = None if not sources else (1.0 / rank if rank else 0.0)
    scores["first_gold_rank"] = rank
    return scores


# --- many questions ---------------------------------------------------------------
def mean(values: Iterable[float | bool | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return round(sum(vals) / len(vals), 4) if vals else None


def ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def percentile(values: Iterable[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), as numpy's default."""
    vals = sorted(values)
    if not vals:
        return None
    pos = (len(vals) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return round(vals[lo] + (vals[hi] - vals[lo]) * (pos - lo), 1)


def aggregate_answers(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Answer metrics over score_answer() dicts."""
    abstained = [r for r in rows if r["abstained"]]
    unanswerable = [r for r in rows if r["unanswerable"]]
    return {
        "questions": len(rows),
        "short_answer_accuracy": mean(r["correct"] for r in rows),
        "contains_reference": mean(r["contains_reference"] for r in rows),
        "citation_precision": mean(r["citation_precision"] for r in rows),
        "citation_recall": mean(r["citation_recall"] for r in rows),
        "abstention_precision": ratio(sum(r["unanswerable"] for r in abstained), len(abstained)),
        "abstention_recall": ratio(sum(r["abstained"] for r in unanswerable), len(unanswerable)),
        "abstained": len(abstained),
    }


def aggregate_retrieval(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Retrieval metrics over score_retrieval() dicts."""
    out: dict[str, Any] = {"questions": len(rows)}
    for k in RETRIEVAL_KS:
        out[f"hit@{k}"] = mean(r[f"hit@{k}"] for r in rows)
    out["mrr"] = mean(r["rr"] for r in rows)
    return out


def by_group(items: list[Any], key: Callable[[Any], str], fn: Callable[[list[Any]], dict[str, Any]],
             order: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """fn over each group of items, groups in `order` first, then by name."""
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    known = [g for g in order if g in groups]
    return {g: fn(groups[g]) for g in known + sorted(set(groups) - set(known))}
