"""Long reports and open questions: question analysis, table lines, and answers end to end.

A quarterly report names its company once, on the cover page, and says "the Company"
after; it dates periods as "the three months ended June 25, 2022"; its tables reach the
text as lines of figures; its readers ask "how has X changed" and "what are the factors
behind X". Each of these once made the answerer abstain on answerable questions.
"""

from __future__ import annotations

import re

import pytest

from assistant.answer.evidence import table_lines
from assistant.answer.lexicon import tokenize
from assistant.answer.question import OPEN, QUANTITY, analyze
from assistant.answer.spans import quantities
from assistant.config import Settings
from assistant.pipeline import Assistant

REPORT = """# Quarterly Report

FORM 10-Q
For the quarterly period ended June 25, 2022
Halvorsen Instruments Inc.
(Exact name of registrant as specified in its charter)

## Results of Operations

Net sales for the three months ended June 25, 2022 and June 26, 2021 were as follows (dollars in millions):
Three Months Ended
June 25, 2022 June 26, 2021 Change
Sensors $ 4,120 $ 3,870 6 %
Controllers 2,310 2,650 (13)%
Total net sales $ 6,430 $ 6,520 (1)%

Total net sales decreased 1% or $90 million during the third quarter of 2022 compared to the same quarter
in 2021, driven primarily by lower net sales of Controllers, partially offset by higher net sales of Sensors.
Sensors net sales increased during the third quarter of 2022 due primarily to higher demand from
industrial customers in Europe.

## Gross Margin

The Company's gross margin percentage decreased to 41.2% during the third quarter of 2022, due primarily
to higher component costs and unfavourable foreign currency exchange rates.

## Liquidity

The Company believes its balances of cash and marketable securities will be sufficient to satisfy its
cash requirements over the next 12 months.
"""


@pytest.mark.parametrize("question, topic", [
    # "how has X changed": the change words frame the question, the topic is what changed
    ("How has Halvorsen's total net sales changed over time?", {"total", "net", "sale"}),
    # "what are the factors": the factors are the answer, not words to look for
    ("What are the major factors contributing to the change in Halvorsen's gross margin?", {"gross", "margin"}),
    # "are there any notable changes" is no yes/no question
    ("Are there any notable changes in Halvorsen's liquidity position as reported in these 10-Qs?",
     {"liquidity", "position"}),
    # a second sentence ("If so, ...") neither adds a name ("If") nor its own topic
    ("Has there been any significant change in Halvorsen's operating expenses? If so, what are the key drivers?",
     {"operating", "expense"}),
    # a speculative second clause does not become the topic
    ("How have Halvorsen's inventory levels changed, and what might this indicate about supply chain management?",
     {"inventory", "level"}),
])
def test_open_questions_keep_only_their_topic(question, topic):
    q = analyze(question)
    assert q.type == OPEN
    assert {t.norm for t in q.terms if not t.anchor} == topic


@pytest.mark.parametrize("question", [
    "What was Halvorsen's total net sales for the quarter ended June 25, 2022?",
    "What was Halvorsen's total net sales in Q3 2022?",
])
def test_a_dated_period_is_context_not_a_number_the_sentence_must_repeat(question):
    q = analyze(question)
    assert q.type == QUANTITY and q.unit == "money"
    assert not any(t.number for t in q.terms)  # "25", "2022" may be stated in the table's header
    assert all(t.date for t in q.terms if t.text[:1].isdigit())
    assert "q3" not in {t.norm for t in q.terms}  # the label is not how the report dates a quarter


def test_a_plural_document_code_is_the_code():
    q = analyze("Are there any notable changes in Halvorsen's cash flows as reported in these 10-Qs?")
    assert "10-q" in {t.norm for t in q.terms}


def test_a_flattened_table_is_split_into_rows_and_prose_stays_whole():
    start = REPORT.index("Net sales for the three months")
    end = REPORT.index("Total net sales decreased")
    lines = [REPORT[s:e] for s, e in table_lines(REPORT, start, end)]
    assert "Total net sales $ 6,430 $ 6,520 (1)%" in lines
    assert "Sensors $ 4,120 $ 3,870 6 %" in lines
    prose_start = end
    prose_end = REPORT.index("Sensors net sales increased")
    assert [REPORT[s:e] for s, e in table_lines(REPORT, prose_start, prose_end)] == [
        REPORT[prose_start:prose_end].strip()]  # wrapped prose is one sentence


@pytest.fixture(scope="module")
def report_assistant(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("report")
    doc = root / "halvorsen-q3-2022.md"
    doc.write_text(REPORT, encoding="utf-8")
    assistant = Assistant(Settings(data_dir=root / "data"), embedder=embedder)
    assert not assistant.ingest([doc]).failed
    yield assistant
    assistant.close()


def _verbatim(assistant: Assistant, answer) -> None:
    for c in answer.citations:
        text = assistant.get_document(c.doc_id).text
        assert text[c.start : c.end] == c.quote
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)} == {c.n for c in answer.citations}


def test_open_question_on_a_report_quotes_its_best_sentences(report_assistant):
    """Symptom: "How has Apple's total net sales changed over time?" was refused over
    filings that say "the Company" and state the change in a table and a sentence."""
    answer = report_assistant.ask("How has Halvorsen's total net sales changed over time?")
    assert not answer.abstained
    assert 1 < len(answer.citations) <= 3
    assert any("decreased 1% or $90 million" in c.quote for c in answer.citations)
    _verbatim(report_assistant, answer)


def test_factors_question_is_answered_from_the_explaining_sentence(report_assistant):
    answer = report_assistant.ask("What are the major factors contributing to the change in Halvorsen's gross margin?")
    assert not answer.abstained
    assert any("higher component costs" in c.quote for c in answer.citations)
    _verbatim(report_assistant, answer)


def test_value_dated_by_the_table_header_is_answered(report_assistant):
    answer = report_assistant.ask("What was Halvorsen's total net sales for the quarter ended June 25, 2022?")
    assert not answer.abstained
    assert any("6,430" in c.quote for c in answer.citations)
    _verbatim(report_assistant, answer)


@pytest.mark.parametrize("question", [
    # the report says nothing of dividends
    "How has Halvorsen's dividend policy changed over time?",
    # nor of another company
    "What are the major factors contributing to the change in Brightwater's gross margin?",
])
def test_open_questions_the_report_does_not_answer_are_refused(report_assistant, question):
    answer = report_assistant.ask(question)
    assert answer.abstained
    assert answer.citations == []


@pytest.mark.parametrize("question, over_time, latest", [
    # asked across periods: the answer draws on several reports
    ("How has Halvorsen's total net sales changed over time?", True, False),
    ("How has Halvorsen's revenue from sensors seen variations across the quarters?", True, False),
    # asked of one report: the answer keeps to it, the newest one when the latest is asked for
    ("What are the major factors contributing to the change in Halvorsen's gross margin in the most recent 10-Q?",
     False, True),
])
def test_open_questions_say_whether_they_span_periods(question, over_time, latest):
    q = analyze(question)
    assert (q.type, q.over_time, q.latest) == (OPEN, over_time, latest)


@pytest.mark.parametrize("text, found", [
    ("as discussed in Part I, Item 1A of the Form 10-K", []),  # section and form codes, not amounts
    ("Total gross margin $ 36,413 $ 35,885", ["$ 36,413", "$ 35,885"]),  # a table row's amounts
    ("Verkor will supply 12 GWh a year", ["12 GWh"]),
])
def test_numbers_inside_codes_are_not_quantities(text, found):
    assert [s.text for s in quantities(text, tokenize(text), [])] == found
