"""Conversation: history persisted in SQLite, and follow-ups rewritten into standalone
questions before retrieval.

`ConversationStore` keeps each conversation's turns (question, standalone question,
answer, short answer, citations) in `data_dir/conversations.sqlite` (WAL, one lock, one
connection shared by threads), so a conversation id works across restarts.

`rewrite_followup(question, history)` is deterministic, no LLM. With the previous turn
as context it handles, in order:
- a bare question word ("And since when?"): the previous question asked with it;
- "What about X?" / "And X?": a phrase "by 2030" replaces or extends the previous
  question's matching phrase; a noun phrase replaces the previous one with the same
  head noun ("the Kolding plant" -> "the Dunkirk gigafactory"), or the previous
  question's first name ("Verkor" -> "Valdane Cells"); otherwise "What is X?";
- pronouns (it, its, they, their, he, she, there) resolved to the previous short answer
  when that is a name, else to the previous question's subject.
A question that needs none of this is returned unchanged.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.answer.lexicon import matches, normalize
from assistant.answer.spans import ENERGY_UNITS
from assistant.errors import ConversationNotFound, InputError
from assistant.types import Turn

_SCHEMA = """
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    standalone_question TEXT NOT NULL,
    answer TEXT NOT NULL,
    short_answer TEXT,
    citations TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_conversation ON turns(conversation_id, seq);
"""
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ConversationStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        with self._lock:
            self._db.executescript(_SCHEMA)
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def ensure(self, conversation_id: str | None) -> str:
        """The id of an existing or newly created conversation."""
        if conversation_id is None:
            conversation_id = uuid.uuid4().hex
        elif not isinstance(conversation_id, str) or not _ID.fullmatch(conversation_id):
            raise InputError("a conversation id is 1-128 letters, digits, '_', '-', '.' or ':'")
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO conversations VALUES (?, ?)", (conversation_id, _now()))
        return conversation_id

    def turns(self, conversation_id: str) -> list[Turn]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM turns WHERE conversation_id=? ORDER BY seq", (conversation_id,)
            ).fetchall()
        return [
            Turn(question=r["question"], standalone_question=r["standalone_question"], answer=r["answer"],
                 short_answer=r["short_answer"], created_at=r["created_at"], citations=json.loads(r["citations"]))
            for r in rows
        ]

    def append(self, conversation_id: str, turn: Turn) -> None:
        self.ensure(conversation_id)
        turn.created_at = turn.created_at or _now()
        with self._lock:
            self._db.execute(
                "INSERT INTO turns(conversation_id, question, standalone_question, answer, short_answer,"
                " citations, created_at) VALUES (?,?,?,?,?,?,?)",
                (conversation_id, turn.question, turn.standalone_question, turn.answer, turn.short_answer,
                 json.dumps(turn.citations, default=str), turn.created_at),
            )

    def get(self, conversation_id: str) -> dict[str, Any]:
        with self._lock:
            row = self._db.execute("SELECT * FROM conversations WHERE id=?", (conversation_id,)).fetchone()
        if row is None:
            raise ConversationNotFound(f"no conversation with id {conversation_id!r}")
        return {"id": row["id"], "created_at": row["created_at"],
                "turns": [asdict(t) for t in self.turns(conversation_id)]}

    def delete(self, conversation_id: str) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM turns WHERE conversation_id=?", (conversation_id,))
                cur = self._db.execute("DELETE FROM conversations WHERE id=?", (conversation_id,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        if cur.rowcount == 0:
            raise ConversationNotFound(f"no conversation with id {conversation_id!r}")


# --- follow-up rewriting ----------------------------------------------------------
_CONNECTOR = re.compile(r"^(?:and|so|ok|okay|also|then|but)\b[,\s]*", re.IGNORECASE)
_ABOUT = re.compile(r"^(?:what|how)\s+about\s+(.+)$", re.IGNORECASE)
_BARE_WH = re.compile(r"^(?:since when|until when|by when|when|where|why|how|how many|how much|from when|"
                      r"in which year|in what year|which year|what year)$", re.IGNORECASE)
_LEAD_WH = re.compile(r"^(since when|until when|by when|from when|when|where|why|how)\b", re.IGNORECASE)
_QUESTION_START = re.compile(r"^(?:what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|"
                             r"will|would|can|could|has|have|had|should|in|at|from|for|to|by|before|since)\b",
                             re.IGNORECASE)
_PREPOSITION = re.compile(r"^(by|in|for|at|from|after|before|until|since|during|on|to)\s+(.+)$", re.IGNORECASE)
_WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|he|she|his|her|there)\b", re.IGNORECASE)
_WORD = re.compile(r"[\w%][\w%'’\-.]*[\w%]|[\w%]")
_AUX = {"is", "are", "was", "were", "does", "do", "did", "will", "would", "can", "could", "has", "have", "had"}
_ARTICLES = {"the", "a", "an"}


def rewrite_followup(question: str, history: list[Turn]) -> str:
    """A standalone version of `question` given the conversation so far."""
    q = " ".join(question.split())
    if not history or not q:
        return q
    prev = history[-1]
    before = " ".join((prev.standalone_question or prev.question).split())
    body = _CONNECTOR.sub("", q).strip()
    connected = body != q
    bare = body.rstrip(" ?")
    if _BARE_WH.fullmatch(bare):
        return _swap_wh(before, bare) or q
    about = _ABOUT.match(bare)
    if about:
        return _about(before, about.group(1).strip())
    phrase = _PREPOSITION.match(bare) and not _WH_WORD.search(bare) and len(bare.split()) <= 5
    if phrase or (connected and not _QUESTION_START.match(bare)):
        return _about(before, bare)
    if _PRONOUN.search(body):
        return _resolve_pronouns(body, before, prev.short_answer)
    return _capitalize(body) if connected else q


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _swap_wh(before: str, wh: str) -> str | None:
    m = _LEAD_WH.match(before)
    if not m:
        return None
    return _capitalize(wh.lower()) + before[m.end():]


def _about(before: str, x: str) -> str:
    stem = before.rstrip(" ?")
    pp = _PREPOSITION.match(x)
    if pp:
        same = re.search(rf"\b{pp.group(1)}\s+(?:the\s+)?(?:end of\s+)?\d[\w-]*$", stem, re.IGNORECASE)
        if same:
            return stem[: same.start()] + x + "?"
        return f"{stem} {x}?"
    words = _WORD.findall(x)
    nouns = [w for w in words if w.islower() and w not in _ARTICLES]
    if nouns:
        head = normalize(nouns[-1])
        for m in _WORD.finditer(stem):
            if m.start() == 0 or not m.group(0).islower() or not matches(head, normalize(m.group(0))):
                continue
            start = _noun_phrase_start(stem, m.start())
            if start > 0:
                return stem[:start] + x + stem[m.end():] + "?"
            return f"What is {x}?"
        return f"What is {x}?"
    names = _names(stem)
    if names:
        s, e = names[0]
        return stem[:s] + x + stem[e:] + "?"
    return f"What is {x}?"


def _noun_phrase_start(stem: str, head_start: int) -> int:
    """Start of the noun phrase ending at the head word (articles, names, possessives),
    or 0 when the head is the noun the question asks about ("What stake ...")."""
    words = list(_WORD.finditer(stem[:head_start]))
    start = head_start
    for w in reversed(words):
        text = w.group(0)
        if (text[:1].isupper() and w.start() > 0) or text[:1].isdigit() or text.endswith(("'s", "’s")):
            start = w.start()
        elif text.lower() in _ARTICLES:
            return w.start()
        else:
            break
    if words and start == head_start and words[-1].group(0).lower() in ("what", "which"):
        return 0
    return start


def _names(stem: str) -> list[tuple[int, int]]:
    """Runs of capitalized words after the first word of the question."""
    runs: list[tuple[int, int]] = []
    for m in _WORD.finditer(stem):
        if m.start() == 0 or not m.group(0)[:1].isupper() or m.group(0).lower() in ENERGY_UNITS:
            continue
        if runs and stem[runs[-1][1] : m.start()].strip() == "":
            runs[-1] = (runs[-1][0], m.end())
        else:
            runs.append((m.start(), m.end()))
    return runs


_VALUE = re.compile(r"^(?:[\d€$£]|(?:early|mid|late|end of|the end of)\b|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d)",
                    re.IGNORECASE)


def _is_entity(short: str | None) -> bool:
    """A name a pronoun can stand for; not a date, a quantity or yes/no."""
    if not short or short.lower() in ("yes", "no") or _VALUE.match(short):
        return False
    return any(ch.isupper() for ch in short)


def _subject(before: str) -> str | None:
    """The noun phrase after the first auxiliary: "When does [the Dunkirk gigafactory] ..."."""
    words = list(_WORD.finditer(before.rstrip(" ?")))
    for i, w in enumerate(words[:-1]):
        if w.group(0).lower() not in _AUX:
            continue
        parts = []
        for v in words[i + 1 :]:
            t = v.group(0)
            if (t.lower() in _ARTICLES and not parts) or t[:1].isupper() or t[:1].isdigit():
                parts.append(v)
            elif (t.islower() and parts and parts[0].group(0).lower() in _ARTICLES and not t.endswith("ed")
                  and t not in _AUX and t not in ("be", "been", "being")):
                parts.append(v)
                break
            else:
                break
        if parts and not (len(parts) == 1 and parts[0].group(0).lower() in _ARTICLES):
            return before[parts[0].start() : parts[-1].end()]
        return None
    return None


def _resolve_pronouns(body: str, before: str, short: str | None) -> str:
    asked_where = before.lower().startswith("where")
    referent = short if _is_entity(short) and not asked_where else _subject(before)
    place = short if asked_where and short else None

    def swap(m: re.Match[str]) -> str:
        word = m.group(0).lower()
        if word == "there":
            return f"in {place}" if place else m.group(0)
        if referent is None:
            return m.group(0)
        if word in ("its", "their", "his", "her"):
            return referent + ("'" if referent.endswith("s") else "'s")
        return referent

    out = _PRONOUN.sub(swap, body)
    return _capitalize(out)
