"""The CI gate: a headline metric below the baseline by more than the tolerance, or a
quote that is not verbatim, fails with exit 1 and a table of what moved."""

from __future__ import annotations

import json

import pytest

from eval import gate

BASE = {
    "short_answer_accuracy": 0.8, "citation_precision": 0.9, "citation_recall": 0.85,
    "abstention_precision": 1.0, "abstention_recall": 0.75, "hit@5": 0.95, "quotes_not_verbatim": 0,
}


def _summary(**changes):
    return {"questions_file": "eval/questions/dev.jsonl", "question_count": 40, "headline": {**BASE, **changes}}


def _files(tmp_path, current):
    results, baseline = tmp_path / "results.json", tmp_path / "baseline.json"
    results.write_text(json.dumps(current))
    baseline.write_text(json.dumps(_summary()))
    return ["--results", str(results), "--baseline", str(baseline)]


@pytest.mark.parametrize(
    "changes, passed",
    [
        ({}, True),  # identical
        ({"short_answer_accuracy": 0.78}, True),  # a drop of exactly the tolerance
        ({"short_answer_accuracy": 0.7799}, False),  # just past the tolerance
        ({"citation_precision": 0.5, "hit@5": 1.0}, False),  # one metric down, another up
        ({"abstention_recall": 1.0, "citation_recall": 0.99}, True),  # improvements pass
        ({"quotes_not_verbatim": 1}, False),  # a quote that is not in its source
        ({"errors": 2}, False),  # ask() raised on two questions
        ({"errors": 0}, True),  # no question raised
        ({"hit@5": None}, False),  # a gated metric that disappeared
    ],
)
def test_compare(changes, passed):
    ok, rows = gate.compare(_summary(**changes), _summary())
    assert ok is passed
    assert [r[0] for r in rows] == [*gate.GATED, "quotes_not_verbatim", "errors"]


def test_a_metric_the_baseline_lacks_is_not_gated():
    base = _summary(abstention_precision=None, abstention_recall=None)
    ok, rows = gate.compare(_summary(abstention_precision=None, abstention_recall=None), base)
    assert ok and dict((r[0], r[4]) for r in rows)["abstention_recall"] == "not in baseline"


def test_the_tolerance_is_a_parameter():
    assert gate.compare(_summary(**{"hit@5": 0.9}), _summary(), tolerance=0.05)[0]
    assert not gate.compare(_summary(**{"hit@5": 0.9}), _summary(), tolerance=0.01)[0]


def test_a_regression_exits_1_and_prints_the_table(tmp_path, capsys):
    code = gate.main(_files(tmp_path, _summary(citation_recall=0.7)))
    out = capsys.readouterr().out
    assert code == 1
    assert "metric" in out and "baseline" in out and "delta" in out
    line = next(l for l in out.splitlines() if l.startswith("citation_recall"))
    assert "0.85" in line and "0.7" in line and "-0.15" in line and "FAIL" in line
    assert out.strip().endswith("FAIL")


def test_no_regression_exits_0(tmp_path, capsys):
    assert gate.main(_files(tmp_path, _summary())) == 0
    assert capsys.readouterr().out.strip().endswith("PASS")


def test_a_different_question_set_is_noted(tmp_path, capsys):
    current = {**_summary(), "question_count": 41}
    gate.main(_files(tmp_path, current))
    assert "question_count differs" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),  # the run did not happen
        ("{broken", "not JSON"),  # truncated file
        ('{"modes": {}}', "not an eval.run summary"),  # some other JSON
    ],
)
def test_unusable_input_exits_2(tmp_path, capsys, content, message):
    args = _files(tmp_path, _summary())
    results = tmp_path / "results.json"
    if content is None:
        results.unlink()
    else:
        results.write_text(content)
    assert gate.main(args) == 2
    assert message in capsys.readouterr().err
