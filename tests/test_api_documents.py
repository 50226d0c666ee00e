"""Uploads and deletions through the API: sanitized names that cannot leave the uploads
folder, incremental ingest, conflicts, size and type limits, and the rule that a failed
upload changes nothing (file removed, index as before)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.uploads import safe_name
from assistant.config import Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
NOTE = b"# Lumen cell plant\n\nThe FICTIONAL Lumen cell plant in Arras starts production in 2031.\n"


@pytest.fixture(scope="module")
def app(embedder, tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("docs") / "data", ingest_on_start=[CORPUS],
                        rate_limit_per_minute=100_000, max_upload_bytes=64 * 1024)
    app = create_app(settings, embedder=embedder)
    with TestClient(app):
        yield app


@pytest.fixture
def client(app):
    return TestClient(app)


def uploads(app) -> list[str]:
    return sorted(p.name for p in app.state.settings.uploads_dir.iterdir())


def state(client) -> tuple[list, list[str]]:
    """What a failed upload must leave unchanged: the catalog and the uploads folder."""
    docs = sorted((d["doc_id"], d["content_hash"], d["chunk_count"]) for d in client.get("/v1/documents").json()[
        "documents"])
    return docs, uploads(client.app)


def test_upload_is_indexed_searchable_and_deletable(client, app):
    r = client.post("/v1/documents", files={"file": ("lumen.md", NOTE, "text/markdown")})
    assert r.status_code == 201
    up = r.json()
    assert up["status"] == "added" and up["chunks"] >= 1 and up["filename"] == "lumen.md"
    detail = client.get(f"/v1/documents/{up['doc_id']}").json()
    assert detail["title"] == "Lumen cell plant" and detail["chunk_count"] == up["chunks"]
    hits = client.post("/v1/search", json={"query": "Lumen cell plant Arras"}).json()["hits"]
    assert hits[0]["doc_id"] == up["doc_id"]
    answer = client.post("/v1/chat", json={"question": "When does the Lumen cell plant start production?"}).json()
    assert "2031" in answer["answer"]

    again = client.post("/v1/documents", files={"file": ("lumen.md", NOTE)})
    assert again.status_code == 200 and again.json()["status"] == "unchanged"

    assert client.delete(f"/v1/documents/{up['doc_id']}").json() == {"id": up["doc_id"], "deleted": True}
    assert "lumen.md" not in uploads(app)
    assert client.get(f"/v1/documents/{up['doc_id']}").status_code == 404
    assert all(h["doc_id"] != up["doc_id"] for h in client.post("/v1/search", json={"query": "Lumen Arras"}).json()[
        "hits"])


def test_a_different_file_of_the_same_name_conflicts_unless_replaced(client):
    first = client.post("/v1/documents", files={"file": ("plan.md", b"# Plan\n\nPhase one ends in 2030.\n")}).json()
    clash = client.post("/v1/documents", files={"file": ("plan.md", b"# Plan\n\nPhase one ends in 2032.\n")})
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "conflict"
    replaced = client.post("/v1/documents", params={"replace": True},
                           files={"file": ("plan.md", b"# Plan\n\nPhase one ends in 2032.\n")})
    assert replaced.status_code == 200 and replaced.json()["status"] == "updated"
    assert replaced.json()["doc_id"] == first["doc_id"]
    text = client.get(f"/v1/documents/{first['doc_id']}", params={"text": True}).json()["text"]
    assert "2032" in text and "2030" not in text
    client.delete(f"/v1/documents/{first['doc_id']}")


@pytest.mark.parametrize("raw,stored", [
    ("../../etc/evil.md", "evil.md"),  # parent folders are dropped
    ("..\\..\\windows\\evil.md", "evil.md"),  # so are Windows separators
    ("/abs/path/notes.md", "notes.md"),  # and absolute paths
    (".hidden.md", "hidden.md"),  # no hidden files
    ("rés umé (final).MD", "res_ume_final.md"),  # only portable characters, extension lower-cased
    ("a" * 300 + ".txt", "a" * 116 + ".txt"),  # bounded length, extension kept
    ("", "upload"),  # nothing left: a neutral name
])
def test_file_names_are_sanitized(raw, stored):
    assert safe_name(raw) == stored


def test_an_upload_cannot_escape_the_uploads_folder(client, app):
    r = client.post("/v1/documents", files={"file": ("../../../escape.md", b"# Escape\n\nNot outside.\n")})
    assert r.status_code == 201 and r.json()["filename"] == "escape.md"
    folder = app.state.settings.uploads_dir
    assert (folder / "escape.md").is_file()
    assert not (folder.parent / "escape.md").exists() and not (folder.parent.parent / "escape.md").exists()
    client.delete(f"/v1/documents/{r.json()['doc_id']}")


def test_a_broken_pdf_is_422_and_changes_nothing(client):
    before = state(client)
    broken = b"%PDF-1.7\nthis is not really a pdf"
    r = client.post("/v1/documents", files={"file": ("report.pdf", broken, "application/pdf")})
    assert r.status_code == 422 and r.json()["error"]["code"] == "ingest_failed"
    assert "report.pdf" in r.json()["error"]["message"]
    assert state(client) == before


def test_a_failed_replacement_keeps_the_previous_version(client, app):
    ok = client.post("/v1/documents", files={"file": ("table.csv", b"site,year\nDunkirk,2025\n")}).json()
    before = state(client)
    not_utf8 = b"site,year\n\xc3\x28,2025\n"
    bad = client.post("/v1/documents", params={"replace": True}, files={"file": ("table.csv", not_utf8)})
    assert bad.status_code == 422
    assert state(client) == before
    assert (app.state.settings.uploads_dir / "table.csv").read_bytes() == b"site,year\nDunkirk,2025\n"
    client.delete(f"/v1/documents/{ok['doc_id']}")


@pytest.mark.parametrize("name,content,status,code", [
    ("tool.exe", b"MZ\x90\x00", 415, "unsupported_file_type"),  # a type we do not read
    ("noextension", b"text", 415, "unsupported_file_type"),  # no extension at all
    ("x.md.meta.json", b"{}", 415, "unsupported_file_type"),  # a sidecar on its own
    ("empty.md", b"", 422, "ingest_failed"),  # nothing in it
    ("big.txt", b"x" * (64 * 1024 + 1), 413, "payload_too_large"),  # one byte over max_upload_bytes
])
def test_bad_uploads_are_refused_and_leave_nothing(client, name, content, status, code):
    before = state(client)
    r = client.post("/v1/documents", files={"file": (name, content)})
    assert (r.status_code, r.json()["error"]["code"]) == (status, code)
    assert state(client) == before


def test_an_oversized_body_is_refused_while_it_is_read(client):
    def chunks():  # no Content-Length: the limit must be enforced on the bytes received
        for _ in range(100):
            yield b"-" * 4096

    r = client.post("/v1/documents", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=-"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("kw,status", [
    ({"json": {"file": "x"}}, 415),  # JSON instead of multipart
    ({"files": {"document": ("a.md", b"# A\n\ntext\n")}}, 400),  # wrong field name
    ({"files": [("file", ("a.md", b"# A\n\na\n")), ("file", ("b.md", b"# B\n\nb\n"))]}, 400),  # two files
])
def test_malformed_upload_requests(client, kw, status):
    r = client.post("/v1/documents", **kw)
    assert r.status_code == status and "error" in r.json()


def test_context_offsets_must_lie_in_the_document(client):
    doc_id = client.get("/v1/documents").json()["documents"][0]["doc_id"]
    for start, end in [(10, 5), (0, 10**9)]:
        r = client.get(f"/v1/documents/{doc_id}/context", params={"start": start, "end": end})
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    assert client.get(f"/v1/documents/{doc_id}/context", params={"start": -1, "end": 3}).status_code == 422
    assert client.get("/v1/documents/nope/context", params={"start": 0, "end": 1}).status_code == 404
