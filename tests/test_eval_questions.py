"""Question files: validation with line numbers, follow-up chains, exit 2 on bad input."""

from __future__ import annotations

import json

import pytest

from eval import run
from eval.questions import QuestionFileError, conversations, load_questions, parse_questions


def _line(**fields) -> str:
    base = {"id": "q1", "question": "How much?", "answer": "12 GWh", "sources": ["v.md"], "type": "numeric"}
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not ...})


def test_the_fixture_question_file_loads(fixtures_dir):
    questions = load_questions(fixtures_dir / "eval" / "questions.jsonl")
    assert {q.type for q in questions} >= {"numeric", "unanswerable", "follow-up"}


def test_unknown_fields_are_ignored_and_blank_lines_skipped():
    (q,) = parse_questions(["", _line(notes="hand-checked", difficulty=3), "  "])
    assert q.id == "q1" and q.answer_aliases == [] and q.line == 2


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "not valid JSON"),  # broken JSON
        ("[1, 2]", "expected a JSON object"),  # not an object
        (_line(id=...), "'id' must be a non-empty string"),  # missing id
        (_line(question="  "), "'question' must be a non-empty string"),  # blank question
        (_line(type="trivia"), "type 'trivia' is not one of"),  # unknown type
        (_line(answer=""), "'answer' is empty"),  # answerable without answer
        (_line(answer_aliases="12GWh"), "'answer_aliases' must be a list of strings"),  # alias not a list
        (_line(sources=...), "'sources' must name at least one file"),  # answerable without sources
        (_line(type="unanswerable", answer=""), "an unanswerable question has no sources"),  # gold on unanswerable
        (_line(type="follow-up"), "a follow-up needs 'previous'"),  # follow-up without previous
    ],
)
def test_a_malformed_line_is_reported_with_its_number(line, message):
    first = _line(id="q0")
    with pytest.raises(QuestionFileError) as err:
        parse_questions([first, line], "set.jsonl")
    assert err.value.args[0].startswith("set.jsonl:2: ")
    assert message in str(err.value)


def test_duplicate_ids_name_both_lines():
    with pytest.raises(QuestionFileError, match=r"set.jsonl:3: id 'q1' is already used on line 1"):
        parse_questions([_line(), _line(id="q2"), _line()], "set.jsonl")


@pytest.mark.parametrize(
    "lines, message",
    [
        ([_line(id="f", type="follow-up", previous="nope")], "'nope', which is not in the file"),  # dangling
        ([_line(id="a", type="follow-up", previous="b"), _line(id="b", type="follow-up", previous="a")],
         "form a cycle"),  # a loop never reaches a first question
        ([_line(id="a"), _line(id="b", type="follow-up", previous="a"), _line(id="c", type="follow-up", previous="a")],
         "cannot branch"),  # two follow-ups of one question
    ],
)
def test_bad_follow_up_chains(lines, message):
    with pytest.raises(QuestionFileError, match=message):
        parse_questions(lines)


def test_a_follow_up_chain_is_asked_in_order_right_after_its_question():
    questions = parse_questions([
        _line(id="f2", type="follow-up", previous="f1"),  # written before its previous
        _line(id="a"),
        _line(id="b"),
        _line(id="f1", type="follow-up", previous="a"),
    ])
    assert [[q.id for q in chain] for chain in conversations(questions)] == [["a", "f1", "f2"], ["b"]]


def test_the_runner_exits_2_on_a_malformed_file(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(_line() + "\n" + '{"id": "q2", "question": "x"' + "\n", encoding="utf-8")
    assert run.main(["--questions", str(bad), "--corpus", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2: not valid JSON" in err
    assert not (tmp_path / "out").exists()


def test_the_runner_exits_2_on_a_missing_file_or_mode(tmp_path, capsys):
    assert run.main(["--questions", str(tmp_path / "none.jsonl")]) == 2
    assert "no such question file" in capsys.readouterr().err
    assert run.main(["--modes", "hybrid,magic"]) == 2
    assert "unknown mode" in capsys.readouterr().err
