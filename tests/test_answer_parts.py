"""The answer stage's parts on their own: question analysis, span extraction, value
agreement, templates and abstention wording. Plain inputs, no index needed."""

from __future__ import annotations

import pytest

from assistant.answer import conflict, phrases, spans
from assistant.answer.compose import abstention, template
from assistant.answer.lexicon import strength, tokenize
from assistant.answer.question import analyze


@pytest.mark.parametrize("question, kind", [
    ("When does the Dunkirk gigafactory become operational?", "date"),
    ("From which year will the Alpine be built?", "date"),  # "which year" is a date
    ("How many GWh a year will Verkor supply?", "quantity"),
    ("What is the price of the batteries?", "quantity"),  # price: money
    ("Where is the Verkor Innovation Centre?", "place"),
    ("In which country are the batteries produced?", "place"),
    ("Which company will supply batteries to Renault Group?", "org"),
    ("Who is the chief executive of Corvina Motors?", "person"),
    ("Who supplies the cells?", "org"),  # who + no role: an organisation
    ("Which vehicle gets the batteries first?", "vehicle"),
    ("What is the contract reference of the agreement?", "code"),
    ("What is Corvina Energy called now?", "name"),
    ("What kind of agreement did they sign?", "phrase"),
    ("What will be built in Dunkirk?", "thing"),  # passive: a name or a code
    ("Why were deliveries delayed?", "reason"),
    ("Is the Dunkirk gigafactory in Germany?", "yes/no"),
    ("Who supplies more GWh per year, Verkor or Valdane Cells?", "comparison"),
    ("What does the partnership allow Renault Group to secure?", "sentence"),
])
def test_question_type(question, kind):
    assert analyze(question).type == kind


def test_question_anchors_and_units():
    q = analyze("How many GWh of cells per year will Valdane Cells supply by 2030?")
    assert {t.norm for t in q.anchors} == {"valdane", "cell", "2030"}
    assert q.unit == "energy"
    assert analyze("How many people will the plant employ?").unit == {"people"}
    assert analyze("What stake will Corvina take?").unit == "%"


def test_comparison_options_and_direction():
    q = analyze("Who supplies fewer GWh per year, Verkor or Valdane Cells?")
    assert q.options == ["Verkor", "Valdane Cells"] and q.direction == "min"
    assert analyze("Which plant becomes operational first, Kolding or Dunkirk?").value_type == "date"


def test_qualifiers_before_a_name_are_dropped():
    text = "starting with the future Alpine 100% electric C-Crossover GT, manufactured in Dieppe, France, from 2025."
    named = spans.names(text, tokenize(text), lambda w: False)
    assert named[0].text == "the Alpine 100% electric C-Crossover GT" and named[0].category == "vehicle"
    places = spans.places(text, named)
    assert "Dieppe, France" in [p.text for p in places]


@pytest.mark.parametrize("text, shown, key", [
    ("operational in 2025.", "2025", (2025, 0, 0)),
    ("a stake in Verkor in June 2021.", "June 2021", (2021, 6, 0)),
    ("with effect from 1 June 2024.", "1 June 2024", (2024, 6, 1)),
    ("stake_acquired: 2021-06", "2021-06", (2021, 6, 0)),  # a table value
    ("by the end of 2026", "the end of 2026", (2026, 0, 0)),  # qualifier kept
])
def test_dates(text, shown, key):
    (found,) = spans.dates(text)
    assert (found.text, found.key) == (shown, key)


@pytest.mark.parametrize("text, shown, value, unit", [
    ("the equivalent of 12 GWh of batteries", "12 GWh", 12.0, "gwh"),
    ("will employ 1,200 people.", "1,200 people", 1200.0, "people"),
    ("a 15% stake", "15%", 15.0, "%"),
    ("assembles 150,000 battery packs per year", "150,000 battery packs", 150000.0, "battery pack"),
    ("runs for eight years.", "eight years", 8.0, "year"),  # a number word with a unit
])
def test_quantities(text, shown, value, unit):
    found = spans.quantities(text, tokenize(text), spans.dates(text))
    assert [(q.text, q.key) for q in found] == [(shown, (value, unit))]


def test_codes_are_exact_tokens():
    text = "replaced with part number VC-LFP-280B under notice SN-4471-B."
    assert [c.text for c in spans.codes(tokenize(text))] == ["VC-LFP-280B", "SN-4471-B"]


def test_renaming_gives_old_and_new_names():
    text = "Corvina Energy, the battery division of Corvina Motors, has been renamed Lumora Power."
    old, new = phrases.renaming(text, spans.names(text, tokenize(text), lambda w: False))
    assert (old.text, new.text) == ("Corvina Energy", "Lumora Power")


@pytest.mark.parametrize("a, b, same", [
    ((2021, 6, 0), (2021, 0, 0), True),  # "June 2021" vs the row's year
    ((2025, 0, 0), (2026, 0, 0), False),  # a moved date
    ((12.0, "gwh"), (12.0, "gwh"), True),
    ((10.0, "gwh"), (8.0, "gwh"), False),  # a changed capacity
    (("dunkirk",), ("verkor gigafactory dunkirk",), True),  # same place, more words
    (("lumora power",), ("corvina energy",), False),  # a renamed entity
])
def test_value_agreement(a, b, same):
    assert conflict.agree(a, b) is same


@pytest.mark.parametrize("a, b, expected", [
    ("battery", "battery", 1.0),
    ("acquire", "acquisition", 1.0),  # shared stem
    ("produced", "manufactured", 0.75),  # domain synonym, weaker
    ("capacity", "capital", 0.0),
])
def test_word_matching(a, b, expected):
    assert strength(a, b) == expected


@pytest.mark.parametrize("question, text", [
    ("When was Verkor founded?", "The indexed documents do not say when Verkor was founded."),
    ("What is the price of the batteries?", "The indexed documents do not say what the price of the batteries is."),
    ("How many jobs will the plant create?", 'The indexed documents do not answer "How many jobs will the plant create?".'),
])
def test_abstention_wording(question, text):
    assert abstention(question) == text


def test_templates_are_files_loaded_by_name():
    for name in ("short", "sentence", "conflict_lead", "conflict_other", "yes", "no", "no_value",
                 "comparison", "abstain", "abstain_question", "undated"):
        assert template(name)
