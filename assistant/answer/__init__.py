"""The answer stage: a question and its retrieved Hits -> a grounded Answer.

    question.py   question text -> Query (answer type, content words, anchors)
    lexicon.py    tokens, word matching, IDF over the indexed chunks
    evidence.py   document sentences -> scored Evidence with typed spans (spans.py)
    rows.py       table rows -> scored Evidence from the best-fitting column
    conflict.py   agreeing values grouped; conflicts flagged, newest source first
    compare.py    "which is larger/first, A or B" over each option's evidence
    compose.py    citations with exact quotes, answer text from templates/*.txt
    extractive.py ExtractiveAnswerer: the embedded default, wiring the above; no LLM
"""

from assistant.answer.extractive import ExtractiveAnswerer

__all__ = ["ExtractiveAnswerer"]
