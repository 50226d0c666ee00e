"""Answer wording and citations, the last step of the answer stage.

In: the Evidence chosen to support an answer (or none, when abstaining). Out: numbered
`Citation`s, whose quote is exactly the document text at their offsets (the sentence,
or the table row's line), `[n]` markers for the answer text, and the answer text itself,
worded from the templates in `templates/*.txt` (loaded by name, never inlined).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from importlib.resources import files

from assistant.answer.evidence import Evidence
from assistant.types import Citation


@cache
def template(name: str) -> str:
    return (files("assistant.answer") / "templates" / f"{name}.txt").read_text(encoding="utf-8").strip()


def render(name: str, **values: object) -> str:
    return template(name).format(**values)


class Citer:
    """Numbers evidence in the order it is cited; the same quote keeps its number."""

    def __init__(self, page_of: Callable[[str, int], int | None]):
        self.page_of = page_of
        self.citations: list[Citation] = []
        self._numbers: dict[tuple[str, int, int], int] = {}

    def cite(self, ev: Evidence) -> int:
        c = ev.hit.chunk
        key = (c.doc_id, ev.start, ev.end)
        if key in self._numbers:
            return self._numbers[key]
        n = len(self.citations) + 1
        if c.kind == "table":
            page, locator = None, f"row {c.row}"
        else:
            page = self.page_of(c.doc_id, ev.start) if c.page is not None else None
            locator = (f"page {page}, " if page is not None else "") + f"chars {ev.start}-{ev.end}"
        self.citations.append(Citation(
            n=n, doc_id=c.doc_id, title=c.title, source=c.source, locator=locator, quote=ev.text,
            start=ev.start, end=ev.end, date=ev.date, kind=c.kind, row=c.row, page=page,
            values=c.metadata.get("values") if c.kind == "table" else None,
        ))
        self._numbers[key] = n
        return n

    def markers(self, evidence: list[Evidence]) -> str:
        numbers: list[int] = []
        for ev in evidence:
            n = self.cite(ev)
            if n not in numbers:
                numbers.append(n)
        return "".join(f"[{n}]" for n in numbers)


def dates_of(evidence: list[Evidence]) -> str:
    found = sorted({e.date for e in evidence if e.date}, reverse=True)
    return ", ".join(found) if found else template("undated")


_COPULA = re.compile(r"^(what|who|which|where|how \w+)\s+(is|are|was|were)\s+(.+)$", re.IGNORECASE)
_PASSIVE = re.compile(r"^(when|where|how|why)\s+(is|are|was|were)\s+(.+)\s+(\w+ed|built|made|sold|held|run|known|given|taken)$",
                      re.IGNORECASE)


def abstention(question: str) -> str:
    """ "The indexed documents do not say when Verkor was founded." where the question's
    shape allows a plain rewording; otherwise the question is quoted."""
    q = " ".join(question.split()).rstrip(" ?")
    m = _PASSIVE.match(q)
    if m:
        return render("abstain", clause=f"{m.group(1).lower()} {m.group(3)} {m.group(2)} {m.group(4)}")
    m = _COPULA.match(q)
    if m and not re.search(r"\b(?:do|does|did|will|can)\b", m.group(3)):
        return render("abstain", clause=f"{m.group(1).lower()} {m.group(3)} {m.group(2)}")
    return render("abstain_question", question=" ".join(question.split()))
