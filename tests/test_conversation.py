"""Conversations: the SQLite store (persistence, WAL, errors, threads) and deterministic
follow-up rewriting, alone and through a real Assistant across a restart."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from assistant.conversation import ConversationStore, rewrite_followup
from assistant.errors import ConversationNotFound, InputError
from assistant.pipeline import Assistant
from assistant.types import Turn


def _turn(q: str, short: str | None = None, standalone: str | None = None) -> Turn:
    return Turn(question=q, standalone_question=standalone or q, answer=f"{short} [1]", short_answer=short,
                citations=[{"n": 1, "quote": "x"}])


@pytest.fixture
def store(tmp_path):
    s = ConversationStore(tmp_path / "conversations.sqlite")
    yield s
    s.close()


def test_ensure_creates_ids_and_keeps_given_ones(store):
    new = store.ensure(None)
    assert len(new) == 32 and store.get(new)["turns"] == []
    assert store.ensure("my-chat.1") == "my-chat.1"  # an unknown given id is created
    assert store.get("my-chat.1")["id"] == "my-chat.1"
    assert store.ensure(new) == new


@pytest.mark.parametrize("bad", [
    "",  # empty
    "x" * 129,  # too long
    "a b",  # space
    "../etc",  # path-like
])
def test_malformed_conversation_id_is_an_input_error(store, bad):
    with pytest.raises(InputError):
        store.ensure(bad)


def test_turns_round_trip_in_order(store):
    cid = store.ensure(None)
    store.append(cid, _turn("Which vehicle gets the batteries first?", "the Alpine GT"))
    store.append(cid, _turn("And where is it built?", "Dieppe", "Where is the Alpine GT built?"))
    turns = store.turns(cid)
    assert [t.short_answer for t in turns] == ["the Alpine GT", "Dieppe"]
    assert turns[1].standalone_question == "Where is the Alpine GT built?"
    assert turns[0].citations == [{"n": 1, "quote": "x"}] and turns[0].created_at
    got = store.get(cid)
    assert got["id"] == cid and got["created_at"] and got["turns"][1]["question"] == "And where is it built?"


def test_unknown_conversation_is_not_found(store):
    with pytest.raises(ConversationNotFound):
        store.get("nope")
    with pytest.raises(ConversationNotFound):
        store.delete("nope")


def test_delete_removes_the_conversation_and_its_turns(store):
    cid = store.ensure(None)
    store.append(cid, _turn("q", "a"))
    store.delete(cid)
    with pytest.raises(ConversationNotFound):
        store.get(cid)
    assert store.turns(cid) == []


def test_conversations_persist_across_restarts_in_wal_mode(tmp_path):
    path = tmp_path / "c.sqlite"
    first = ConversationStore(path)
    cid = first.ensure(None)
    first.append(cid, _turn("q1", "Verkor"))
    first.close()
    again = ConversationStore(path)
    assert [t.question for t in again.turns(cid)] == ["q1"]
    again.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_appends_from_threads_are_all_kept(store):
    cid = store.ensure(None)

    def worker(n: int) -> None:
        for i in range(20):
            store.append(cid, _turn(f"q{n}-{i}", "a"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.turns(cid)) == 80


VEHICLE = _turn("Which vehicle gets the batteries first?", "the Alpine 100% electric C-Crossover GT")
SUPPLIER = _turn("Which company will supply batteries to Renault Group?", "Verkor")
VOLUME = _turn("How many GWh a year will Verkor supply?", "12 GWh")
DUNKIRK = _turn("When does the Dunkirk gigafactory become operational?", "2025")
KOLDING = _turn("When will the Kolding plant be operational?", "2025")
STAKE = _turn("What stake will Corvina Motors take in Valdane Cells?", "15%")
BUILT = _turn("Where is the Alpine C-Crossover GT manufactured?", "Dieppe, France")


@pytest.mark.parametrize("previous, question, standalone", [
    # a pronoun stands for the previous short answer when that is a name
    (VEHICLE, "And where is it built?", "Where is the Alpine 100% electric C-Crossover GT built?"),
    (VEHICLE, "Where is it built?", "Where is the Alpine 100% electric C-Crossover GT built?"),
    (SUPPLIER, "Where is its innovation centre?", "Where is Verkor's innovation centre?"),
    # a quantity is no referent: the previous question's subject is
    (VOLUME, "Where is it based?", "Where is Verkor based?"),
    (DUNKIRK, "Where is it?", "Where is the Dunkirk gigafactory?"),
    # a phrase replaces or extends the previous question's
    (VOLUME, "And by 2030?", "How many GWh a year will Verkor supply by 2030?"),
    (DUNKIRK, "What about in 2030?", "When does the Dunkirk gigafactory become operational in 2030?"),
    # a noun phrase with the same head (or a synonym) takes the previous one's place
    (KOLDING, "What about the Dunkirk gigafactory?", "When will the Dunkirk gigafactory be operational?"),
    (VOLUME, "What about Valdane Cells?", "How many GWh a year will Valdane Cells supply?"),
    # the attribute asked about itself: ask it plainly
    (STAKE, "What about Renault's stake?", "What is Renault's stake?"),
    # a bare question word re-asks the previous question
    (BUILT, "And since when?", "Since when is the Alpine C-Crossover GT manufactured?"),
    # standalone questions are left alone (a leading "And" dropped)
    (VEHICLE, "When did Renault Group acquire a stake in Verkor?", "When did Renault Group acquire a stake in Verkor?"),
    (VEHICLE, "And when did Renault Group acquire a stake in Verkor?", "When did Renault Group acquire a stake in Verkor?"),
])
def test_rewrite_followup(previous, question, standalone):
    assert rewrite_followup(question, [previous]) == standalone


def test_without_history_the_question_is_unchanged():
    assert rewrite_followup("Where is it built?", []) == "Where is it built?"


def test_the_latest_turn_is_the_context():
    history = [SUPPLIER, VEHICLE]
    assert rewrite_followup("Where is it built?", history) == "Where is the Alpine 100% electric C-Crossover GT built?"


def test_follow_up_resolves_after_an_assistant_restart(settings, embedder, corpus_dir):
    first = Assistant(settings, embedder=embedder)
    first.ingest([corpus_dir])
    opening = first.ask("Which vehicle gets the batteries first?")
    first.close()

    again = Assistant(settings, embedder=embedder)
    try:
        follow = again.ask("And where is it built?", conversation_id=opening.conversation_id)
        assert follow.standalone_question == "Where is the Alpine 100% electric C-Crossover GT built?"
        assert follow.short_answer == "Dieppe, France" and follow.conversation_id == opening.conversation_id
        turns = again.conversations.get(opening.conversation_id)["turns"]
        assert [t["question"] for t in turns] == ["Which vehicle gets the batteries first?", "And where is it built?"]
    finally:
        again.close()
