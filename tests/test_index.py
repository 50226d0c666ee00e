"""Core index: incremental ingest, removal, bad files, interrupted ingest, hybrid
search and filters — against a real embedded Chroma, the real packaged model and
real files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.types import Filters


def _copy_corpus(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("README*"))
    return dst


def _consistent(assistant) -> tuple[int, int]:
    """Catalog and Chroma hold exactly the same chunk ids."""
    docs, chunks = assistant.catalog.counts()
    assert assistant.vectors.count() == chunks
    return docs, chunks


def test_ingest_corpus_keeps_exact_offsets(assistant, corpus_dir):
    report = assistant.ingest([corpus_dir])
    assert not report.failed
    assert report.count("added") == 3  # the press release and two supply tables
    docs, chunks = _consistent(assistant)
    assert docs == 3 and chunks >= 5
    for d in assistant.list_documents():
        doc = assistant.get_document(d["doc_id"])
        for c in assistant.catalog.document_chunks(d["doc_id"]):
            assert doc.text[c.start : c.end] == c.text


def test_reingest_unchanged_corpus_embeds_nothing(assistant, corpus_dir):
    assistant.ingest([corpus_dir])
    before = _consistent(assistant)
    report = assistant.ingest([corpus_dir])
    assert report.embedded == 0
    assert report.count("unchanged") == 3
    assert _consistent(assistant) == before


def test_changed_file_replaces_exactly_its_chunks(assistant, corpus_dir, tmp_path):
    corpus = _copy_corpus(corpus_dir, tmp_path / "corpus")
    assistant.ingest([corpus])
    release = corpus / "documents" / "renault-verkor-battery-partnership.md"
    doc_id = assistant.catalog.find_document("renault-verkor-battery-partnership.md")["doc_id"]
    old_ids = assistant.catalog.chunk_ids(doc_id)
    table_ids = {c for d in assistant.list_documents() if d["kind"] == "table" for c in assistant.catalog.chunk_ids(d["doc_id"])}

    release.write_text(release.read_text() + "\nThe Dunkirk site will employ 1,200 people by 2030.\n")
    report = assistant.ingest([corpus])

    assert report.count("updated") == 1 and report.count("unchanged") == 2
    new_ids = assistant.catalog.chunk_ids(doc_id)
    assert 0 < report.embedded < len(new_ids)  # untouched chunks keep their vectors
    assert old_ids - new_ids  # the old last chunk is gone...
    assert not (old_ids - new_ids) & set(assistant.vectors.collection.get(ids=list(old_ids - new_ids))["ids"])
    assert table_ids <= {c for d in assistant.list_documents() for c in assistant.catalog.chunk_ids(d["doc_id"])}
    _consistent(assistant)
    top = assistant.search("how many people will the Dunkirk site employ", k=3)
    assert "1,200 people" in top[0].chunk.text


def test_file_gone_from_folder_is_removed(assistant, corpus_dir, tmp_path):
    corpus = _copy_corpus(corpus_dir, tmp_path / "corpus")
    assistant.ingest([corpus])
    (corpus / "supply" / "equity_stakes.csv").unlink()
    report = assistant.ingest([corpus])
    assert report.count("removed") == 1
    assert [d["kind"] for d in assistant.list_documents()].count("table") == 1
    _consistent(assistant)
    assert all("equity" not in h.chunk.source for h in assistant.search("stake acquired June 2021", k=10))


def test_remove_by_file_name(assistant, corpus_dir):
    assistant.ingest([corpus_dir])
    doc_id = assistant.remove("equity_stakes.csv")
    assert assistant.catalog.get_document(doc_id) is None
    assert _consistent(assistant)[0] == 2


@pytest.mark.parametrize(
    "name, content, reason",
    [
        # a PDF that is only garbage bytes
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "pdf"),
        # Latin-1 text, not UTF-8
        ("latin1.txt", "Usine de Dunkerque, opérationnelle en 2025".encode("latin-1"), "utf-8"),
        # zero bytes
        ("empty.md", b"", "empty"),
        # an unsupported type named explicitly is skipped silently inside folders
    ],
)
def test_bad_file_is_reported_and_the_rest_goes_on(assistant, corpus_dir, tmp_path, name, content, reason):
    corpus = _copy_corpus(corpus_dir, tmp_path / "corpus")
    (corpus / "documents" / name).write_bytes(content)
    report = assistant.ingest([corpus])
    (failed,) = report.failed
    assert failed.path.endswith(name) and reason in failed.error.lower()
    assert report.count("added") == 3
    _consistent(assistant)


def test_encrypted_pdf_is_reported(assistant, tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "docs" / "locked.pdf"
    path.parent.mkdir()
    with path.open("wb") as fh:
        writer.write(fh)
    (failed,) = assistant.ingest([path.parent]).failed
    assert "encrypted" in failed.error.lower()


def test_ragged_csv_rows_are_reported_and_skipped(assistant, tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    # FICTIONAL test data.
    (folder / "ragged.csv").write_text("supplier,customer,gwh\nAcme Cells,Foo Motors,4\nBar Cells,Baz Motors\nQux Cells,Foo Motors,7\n")
    report = assistant.ingest([folder])
    (f,) = report.files
    assert f.status == "added" and f.chunks == 2
    assert any("line 3" in w for w in f.warnings)


def test_a_file_that_breaks_keeps_its_indexed_version(assistant, corpus_dir, tmp_path):
    corpus = _copy_corpus(corpus_dir, tmp_path / "corpus")
    assistant.ingest([corpus])
    release = corpus / "documents" / "renault-verkor-battery-partnership.md"
    release.write_bytes("Dunkerque op\xe9rationnelle".encode("latin-1"))
    report = assistant.ingest([corpus])
    assert len(report.failed) == 1 and report.count("removed") == 0
    assert "Dunkirk Gigafactory" in assistant.search("Dunkirk gigafactory operational", k=1)[0].chunk.text


def test_vectors_orphaned_by_a_crash_are_cleaned_on_next_run(assistant, corpus_dir, embedder):
    """The state a kill between the Chroma write and the catalog commit leaves."""
    from assistant.ingest.chunk import chunk_document
    from assistant.ingest.load import load_file

    doc = load_file(corpus_dir / "documents" / "renault-verkor-battery-partnership.md")
    doc.doc_id = "0" * 16
    chunks = chunk_document(doc)
    assistant.catalog.record_vector_intents([c.chunk_id for c in chunks])
    assistant.vectors.add(chunks, embedder.embed_documents([c.text for c in chunks]))
    assert assistant.vectors.count() == len(chunks)
    assistant.ingest([corpus_dir])
    _consistent(assistant)
    assert assistant.catalog.pending_orphans() == []


def test_exact_code_is_found_by_hybrid_but_not_by_dense(assistant, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    # FICTIONAL test documents: five catalogue notes about part numbers in general, and
    # one shipping log that is the only text naming the code KT-5562.
    topics = [
        "module part numbers and cell module datasheets for battery packs",
        "cell module part number catalogue for electric vehicle packs",
        "battery module identification codes and part numbering rules",
        "how part numbers are assigned to prismatic cell modules",
        "supplier part number cross-reference for modules",
    ]
    for i, topic in enumerate(topics):
        (folder / f"catalogue-{i}.md").write_text(
            f"# Catalogue note {i}\n\nFICTIONAL TEST DOCUMENT. This note covers {topic}. Each module carries "
            "a part number printed on its label, and the catalogue lists modules by part number.\n"
        )
    (folder / "shipping.md").write_text(
        "# Shipping log\n\nFICTIONAL TEST DOCUMENT. The March shipment to the Dieppe plant left Le Havre on "
        "schedule; the crates included KT-5562 among other items and customs cleared them within two days.\n"
    )
    assistant.ingest([folder])

    def found(mode: str) -> bool:
        hits = assistant.search("part number KT-5562", k=5, mode=mode)
        return any(h.chunk.source.endswith("shipping.md") for h in hits)

    assert not found("dense")  # the embedding hears "part number", not the code
    assert found("keyword") and found("hybrid")


def test_filters_restrict_every_retriever(assistant, corpus_dir):
    assistant.ingest([corpus_dir])
    for mode in ("hybrid", "dense", "keyword"):
        rows = assistant.search("Verkor Renault Dunkirk", k=10, filters=Filters(kind="table"), mode=mode)
        assert rows and all(h.chunk.kind == "table" and h.chunk.row for h in rows)
        docs = assistant.search("Verkor Renault Dunkirk", k=10, filters=Filters(publisher="renault group"), mode=mode)
        assert docs and all(h.chunk.kind == "document" for h in docs)
        # the press release states no date, so any date range excludes it
        assert assistant.search("Verkor", k=10, filters=Filters(date_from="2020-01-01"), mode=mode) == []
    release_id = assistant.catalog.find_document("renault-verkor-battery-partnership.md")["doc_id"]
    only = assistant.search("batteries", k=10, filters=Filters(doc_ids=[release_id]))
    assert only and {h.chunk.doc_id for h in only} == {release_id}


def test_search_returns_locations_and_scores(assistant, corpus_dir):
    assistant.ingest([corpus_dir])
    hits = assistant.search("Dunkirk gigafactory operational", k=5)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(hits[i].score >= hits[i + 1].score for i in range(len(hits) - 1))
    top = hits[0].to_dict()
    assert "operational in 2025" in top["text"] and top["locator"].startswith(("chars", "row"))


def test_network_is_closed_in_tests():
    import socket

    with pytest.raises(OSError, match="network is closed"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)


@pytest.mark.parametrize(
    "terms, counts, total, kept",
    [
        # a large index: the two very common words go, the rare ones stay
        (["apple", "net", "sales", "iphone"], {"apple": 50, "net": 40_000, "sales": 30_000, "iphone": 9}, 100_000, ["apple", "iphone"]),
        # every word common: the two rarest stay, so the query never empties
        (["net", "sales", "total"], {"net": 40_000, "sales": 30_000, "total": 25_000}, 100_000, ["sales", "total"]),
        # a small index keeps every word: scoring it whole is cheap
        (["net", "sales", "total"], {"net": 400, "sales": 300, "total": 250}, 500, ["net", "sales", "total"]),
    ],
)
def test_keyword_queries_drop_only_very_common_terms(terms, counts, total, kept):
    from assistant.store.terms import selective_terms

    assert selective_terms(terms, counts, total) == kept


@pytest.mark.parametrize(
    "query, terms",
    [
        ("How has Apple's total net sales changed?", ["apple", "total", "net", "sales", "changed"]),  # possessive split
        ("part number KT-5562", ["part", "number", "kt-5562"]),  # a code stays whole
    ],
)
def test_keyword_terms(query, terms):
    from assistant.store.terms import keyword_terms

    assert keyword_terms(query) == terms
