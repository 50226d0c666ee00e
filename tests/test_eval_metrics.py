"""Scoring rules of eval.metrics on hand-made cases."""

from __future__ import annotations

import pytest

from eval import metrics
from eval.metrics import normalize, score_answer, score_retrieval


@pytest.mark.parametrize(
    "a, b",
    [
        ("12 GWh", "12GWh"),  # unit glued to the number
        ("12 GWh", "12.0 GWh"),  # trailing decimal zeros
        ("1,200", "1200"),  # thousands separator
        ("1,200,000 cars", "1200000 cars"),  # several separators
        ("12.50%", "12.5 %"),  # percent sign, spacing, trailing zero
        ("Renault Group", "the Renault Group"),  # leading article
        ("Dunkirk, France.", "dunkirk france"),  # punctuation and case
        ("2025\u20132030", "2025-2030"),  # en dash
        ("2025\u20142030", "2025 - 2030"),  # em dash and spaces
        ("Verkor  \n SAS", "Verkor SAS"),  # whitespace runs
        ("\uff11\uff12 GWh", "12 GWh"),  # full-width digits (NFKC)
        ("12\u00a0GWh", "12 GWh"),  # no-break space
    ],
)
def test_normalize_equates(a, b):
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("12 GWh", "1.2 GWh"),  # a decimal point is not punctuation
        ("12 GWh", "120 GWh"),  # different number
        ("1,200", "1,2"),  # not a thousands group
        ("Renault", "Renault Group"),  # a prefix is not a match
    ],
)
def test_normalize_distinguishes(a, b):
    assert normalize(a) != normalize(b)


def test_an_article_alone_is_kept():
    assert normalize("A") == "a"


def test_short_answer_matches_an_alias():
    assert metrics.short_answer_matches("12GWh", "twelve gigawatt-hours", ["12 GWh per year", "12 GWh"])
    assert not metrics.short_answer_matches(None, "12 GWh")
    assert not metrics.short_answer_matches("", "")


def test_contains_reference_ignores_citation_markers_and_needs_whole_tokens():
    assert metrics.contains_reference("Verkor will supply 12 GWh [1] a year.", "12GWh")
    assert metrics.contains_reference("Supply starts in 2025[1][2].", "2025")
    assert not metrics.contains_reference("Verkor will supply 112 GWh.", "12 GWh")


def test_doc_name_is_the_base_name():
    assert metrics.doc_name("/a/b/renault-verkor.md") == "renault-verkor.md"
    assert metrics.doc_name("C:\\docs\\x.pdf") == "x.pdf"
    assert metrics.doc_name("plain.csv") == "plain.csv"


def _answer(short=None, text="", abstained=False, sources=()):
    return {
        "short_answer": short, "answer": text, "abstained": abstained,
        "citations": [{"source": f"/corpus/{s}", "doc_id": s, "quote": "", "start": 0, "end": 0} for s in sources],
    }


def test_a_correct_answer_citing_its_source():
    s = score_answer("numeric", "12 GWh", [], ["verkor.md"], _answer("12GWh", "It is 12 GWh [1].", sources=["verkor.md"]))
    assert s["correct"] and s["contains_reference"] and not s["abstained"]
    assert s["citation_precision"] == 1.0 and s["citation_recall"] == 1.0


def test_an_answer_that_cites_a_wrong_document():
    s = score_answer(
        "factoid", "Verkor", [], ["verkor.md", "supply.csv"],
        _answer("Verkor", "Verkor [1][2][3]", sources=["verkor.md", "other.md", "verkor.md"]),
    )
    assert s["correct"]
    assert s["cited"] == ["verkor.md", "other.md"]  # a document counts once
    assert s["citation_precision"] == 0.5  # other.md is not a gold source
    assert s["citation_recall"] == 0.5  # supply.csv was not cited


def test_an_abstention_on_an_answerable_question_is_wrong():
    s = score_answer("factoid", "Verkor", [], ["verkor.md"], _answer(abstained=True, text="Not in the documents."))
    assert not s["correct"] and not s["contains_reference"] and s["abstained"]
    assert s["citation_precision"] is None  # nothing cited: no precision to speak of
    assert s["citation_recall"] == 0.0


def test_an_abstention_on_an_unanswerable_question_is_right():
    s = score_answer("unanswerable", "", [], [], _answer(abstained=True))
    assert s["correct"] and s["contains_reference"]
    assert s["citation_precision"] is None and s["citation_recall"] is None


def test_answering_an_unanswerable_question_with_citations_scores_zero_precision():
    s = score_answer("unanswerable", "", [], [], _answer("12 GWh", "12 GWh [1]", sources=["verkor.md"]))
    assert not s["correct"]
    assert s["citation_precision"] == 0.0


def test_a_wrong_short_answer_can_still_contain_the_reference():
    s = score_answer("numeric", "12 GWh", [], ["v.md"], _answer("2025", "From 2025, 12 GWh a year [1].", sources=["v.md"]))
    assert not s["correct"] and s["contains_reference"]


def test_abstention_precision_and_recall():
    rows = [
        score_answer("unanswerable", "", [], [], _answer(abstained=True)),  # right abstention
        score_answer("unanswerable", "", [], [], _answer("x", "x [1]", sources=["v.md"])),  # missed abstention
        score_answer("factoid", "Verkor", [], ["v.md"], _answer(abstained=True)),  # wrong abstention
        score_answer("factoid", "Verkor", [], ["v.md"], _answer("Verkor", "Verkor [1]", sources=["v.md"])),
    ]
    agg = metrics.aggregate_answers(rows)
    assert agg["abstention_precision"] == 0.5 and agg["abstention_recall"] == 0.5
    assert agg["short_answer_accuracy"] == 0.5
    assert agg["citation_precision"] == 0.5  # the right citation (1.0) and the one on the unanswerable question (0.0)
    assert agg["citation_recall"] == 0.5  # two answerable questions, one cited its source


def test_no_unanswerable_questions_leaves_abstention_undefined():
    rows = [score_answer("factoid", "V", [], ["v.md"], _answer("V", "V", sources=["v.md"]))]
    agg = metrics.aggregate_answers(rows)
    assert agg["abstention_precision"] is None and agg["abstention_recall"] is None


def test_retrieval_hit_at_k_and_reciprocal_rank():
    ranked = ["a.md", "b.md", "a.md", "c.md", "d.md", "e.md", "gold.md"]
    s = score_retrieval(ranked, ["gold.md"])
    assert (s["hit@1"], s["hit@5"], s["hit@10"]) == (False, False, True)
    assert s["rr"] == pytest.approx(1 / 7) and s["first_gold_rank"] == 7
    miss = score_retrieval(["a.md"], ["gold.md"])
    assert miss["hit@10"] is False and miss["rr"] == 0.0
    none = score_retrieval(["a.md"], [])  # unanswerable: not counted
    assert none["hit@5"] is None and none["rr"] is None
    agg = metrics.aggregate_retrieval([s, miss, none])
    assert agg["hit@10"] == 0.5 and agg["mrr"] == round((1 / 7) / 2, 4)


@pytest.mark.parametrize(
    "citation, ok",
    [
        ({"quote": "12 GWh", "start": 20, "end": 26}, True),  # exact
        ({"quote": "12 GWh.", "start": 20, "end": 27}, False),  # text differs at the offsets
        ({"quote": "12 GWh", "start": 21, "end": 27}, False),  # shifted offsets
        ({"quote": "12 GWh", "start": 20, "end": 999}, False),  # past the end
        ({"quote": "12 GWh", "start": None, "end": 26}, False),  # missing offset
    ],
)
def test_quote_is_verbatim(citation, ok):
    text = "Verkor will supply  12 GWh a year."
    assert text[20:26] == "12 GWh"
    assert metrics.quote_is_verbatim(citation, text) is ok
    assert not metrics.quote_is_verbatim(citation, None)  # a document that is gone


def test_percentile_interpolates():
    assert metrics.percentile([10, 20, 30, 40], 50) == 25.0
    assert metrics.percentile([5], 95) == 5.0
    assert metrics.percentile([], 50) is None
    assert metrics.percentile([0, 100], 95) == 95.0


def test_by_group_keeps_the_given_order_then_sorts():
    groups = metrics.by_group(["b1", "a1", "c1", "a2"], lambda s: s[0], len, order=["c", "a"])
    assert list(groups.items()) == [("c", 1), ("a", 2), ("b", 1)]
