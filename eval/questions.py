"""Question sets: a JSONL file -> validated Questions, grouped into conversations.

One JSON object per line:
    {"id", "question", "answer", "answer_aliases": [...], "sources": [file base names],
     "type": one of TYPES, "previous": "<id>" (follow-ups only)}
Unknown extra fields are ignored; blank lines are skipped. Anything else that is wrong
raises QuestionFileError naming the file and line, so a typo in a hand-written set is
a clear message (exit 2 in the runner), not a silently skewed score.

A follow-up (any question with "previous"; type "follow-up" requires it) is asked in
the same conversation right after the question it names, so
`conversations()` orders a set into chains: a question, its follow-up, that one's
follow-up... A chain cannot branch (two follow-ups of one question would each need the
other's absence from the history).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TYPES = (
    "factoid", "numeric", "date", "multi-hop", "comparison", "temporal/conflict",
    "unanswerable", "follow-up",
)


class QuestionFileError(ValueError):
    """A question file that cannot be used; the message names file and line."""


@dataclass
class Question:
    id: str
    question: str
    answer: str
    type: str
    answer_aliases: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    previous: str | None = None
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "question": self.question, "answer": self.answer,
            "answer_aliases": self.answer_aliases, "sources": self.sources, "type": self.type,
            "previous": self.previous,
        }


def load_questions(path: Path) -> list[Question]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise QuestionFileError(f"{path}: no such question file") from None
    except UnicodeDecodeError as exc:
        raise QuestionFileError(f"{path}: not UTF-8 text ({exc.reason})") from None
    return parse_questions(lines, str(path))


def parse_questions(lines: list[str], name: str = "<questions>") -> list[Question]:
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QuestionFileError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        q = _question(obj, where)
        q.line = number
        if q.id in seen:
            raise QuestionFileError(f"{where}: id {q.id!r} is already used on line {seen[q.id]}")
        seen[q.id] = number
        questions.append(q)
    if not questions:
        raise QuestionFileError(f"{name}: no questions")
    _check_followups(questions, name)
    return questions


def _question(obj: Any, where: str) -> Question:
    if not isinstance(obj, dict):
        raise QuestionFileError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    for key in ("id", "question", "type"):
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            raise QuestionFileError(f"{where}: field {key!r} must be a non-empty string")
    qtype = obj["type"]
    if qtype not in TYPES:
        raise QuestionFileError(f"{where}: type {qtype!r} is not one of {', '.join(TYPES)}")
    answer = obj.get("answer", "")
    if answer is None:
        answer = ""
    if not isinstance(answer, str):
        raise QuestionFileError(f"{where}: field 'answer' must be a string")
    if not answer.strip() and qtype != "unanswerable":
        raise QuestionFileError(f"{where}: field 'answer' is empty; only unanswerable questions may omit it")
    aliases = _strings(obj, "answer_aliases", where)
    sources = _strings(obj, "sources", where)
    if qtype == "unanswerable" and sources:
        raise QuestionFileError(f"{where}: an unanswerable question has no sources (got {sources})")
    if qtype != "unanswerable" and not sources:
        raise QuestionFileError(f"{where}: field 'sources' must name at least one file")
    previous = obj.get("previous")
    if previous is not None and (not isinstance(previous, str) or not previous.strip()):
        raise QuestionFileError(f"{where}: 'previous' must be the id of the question this one follows")
    if qtype == "follow-up" and previous is None:
        raise QuestionFileError(f"{where}: a follow-up needs 'previous', the id of the question it follows")
    return Question(
        id=obj["id"], question=obj["question"], answer=answer, type=qtype,
        answer_aliases=aliases, sources=sources, previous=previous,
    )


def _strings(obj: dict[str, Any], key: str, where: str) -> list[str]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise QuestionFileError(f"{where}: field {key!r} must be a list of strings")
    return [v for v in value if v.strip()]


def _check_followups(questions: list[Question], name: str) -> None:
    by_id = {q.id: q for q in questions}
    child: dict[str, Question] = {}
    for q in questions:
        if q.previous is None:
            continue
        where = f"{name}:{q.line}"
        if q.previous not in by_id:
            raise QuestionFileError(f"{where}: 'previous' names {q.previous!r}, which is not in the file")
        if q.previous in child:
            raise QuestionFileError(
                f"{where}: {q.previous!r} is already followed by {child[q.previous].id!r}"
                " (line {}); a follow-up chain cannot branch".format(child[q.previous].line)
            )
        child[q.previous] = q
    for q in questions:  # every chain must reach a question that is not a follow-up
        steps, current = 0, q
        while current.previous is not None:
            current, steps = by_id[current.previous], steps + 1
            if steps > len(questions):
                raise QuestionFileError(f"{name}:{q.line}: follow-ups of {q.id!r} form a cycle")


def conversations(questions: list[Question]) -> list[list[Question]]:
    """Chains in the order their first question appears; a follow-up right after its previous."""
    child = {q.previous: q for q in questions if q.previous is not None}
    chains = []
    for q in questions:
        if q.previous is None:
            chain = [q]
            while chain[-1].id in child:
                chain.append(child[chain[-1].id])
            chains.append(chain)
    return chains
