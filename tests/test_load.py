"""The load stage: real files of every supported type, built in tmp_path, -> Document.

Checks the text, titles, metadata, page and row offsets that later stages cite, and
that every bad file fails with the right IngestError naming it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from assistant.errors import (
    DecodeError,
    EmptyFile,
    EncryptedFile,
    IngestError,
    MalformedFile,
    UnsupportedFileType,
)
from assistant.ingest.load import SUPPORTED, discover, doc_id_for, load_file
from assistant.ingest.source import iso_date
from assistant.ingest.tables import load_table

SEC_10Q = Path("/work/shared/benchmarks/sec-10-q/docs")

PAGE_1 = ["Northvolt Supply Agreement", "Cathode volumes rise to 40 GWh in 2025."]
PAGE_2 = ["Pricing Annex", "Lithium carbonate is indexed to the quarterly average."]


def make_pdf(path: Path, pages: list[list[str]], title: str = "") -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    if title:
        c.setTitle(title)
    for lines in pages:
        y = 780
        for line in lines:
            c.drawString(72, y, line)
            y -= 20
        c.showPage()
    c.save()
    return path


def make_docx(path: Path, title: str = "") -> Path:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.author = "Procurement Team"
    d.core_properties.created = datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)
    d.add_paragraph("Memo", style="Normal")
    d.add_heading("Offtake Terms", level=1)
    d.add_paragraph("The buyer commits to minimum volumes.")
    table = d.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells + table.rows[1].cells, ["Year", "GWh", "Price", "2025", "40", "95"]):
        cell.text = value
    d.add_paragraph("Volumes are reviewed yearly.")
    d.save(str(path))
    return path


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- documents -----------------------------------------------------------------------


def test_pdf_pages_text_and_title(tmp_path):
    doc = load_file(make_pdf(tmp_path / "agreement.pdf", [PAGE_1, PAGE_2], title="Supply Agreement"))
    assert (doc.kind, doc.media_type, doc.title) == ("document", "pdf", "Supply Agreement")
    assert [n for n, _ in doc.pages] == [1, 2]
    assert doc.pages[0][1] == 0
    assert doc.text[doc.pages[1][1]:].startswith(PAGE_2[0])
    assert "\n".join(PAGE_1) in doc.text and "\n".join(PAGE_2) in doc.text
    assert doc.page_at(doc.text.index("Lithium")) == 2 and doc.page_at(doc.text.index("Cathode")) == 1
    assert doc.content_hash == hashlib.sha256((tmp_path / "agreement.pdf").read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "title",
    [
        "",  # reportlab then writes its default, "untitled"
        "Untitled document",  # a producer's placeholder
        "0000320193-22-000070",  # EDGAR puts the accession number in /Title
    ],
)
def test_pdf_placeholder_title_falls_back_to_stem(tmp_path, title):
    assert load_file(make_pdf(tmp_path / "q3-report.pdf", [PAGE_1], title=title)).title == "q3-report"


def test_pdf_with_huge_array_loads(tmp_path):
    """Regression: the 2023 Q1 MSFT 10-Q failed as "not a valid PDF" (pypdf's 100k array cap)."""
    import pypdf
    from pypdf.generic import ArrayObject, NameObject, NumberObject

    writer = pypdf.PdfWriter(clone_from=make_pdf(tmp_path / "plain.pdf", [PAGE_1]))
    writer.root_object[NameObject("/Big")] = ArrayObject([NumberObject(0)] * 150_000)
    writer.write(tmp_path / "big.pdf")
    assert load_file(tmp_path / "big.pdf").text == "\n".join(PAGE_1)


def test_docx_blocks_in_body_order(tmp_path):
    doc = load_file(make_docx(tmp_path / "memo.docx"))
    assert doc.text == (
        "Memo\n\nOfftake Terms\n\nThe buyer commits to minimum volumes.\n\n"
        "Year | GWh | Price\n2025 | 40 | 95\n\nVolumes are reviewed yearly."
    )
    assert doc.title == "Offtake Terms"  # first Heading-styled paragraph, no core title
    assert doc.metadata == {"author": "Procurement Team", "date": "2024-03-05"}


def test_docx_core_title_wins(tmp_path):
    assert load_file(make_docx(tmp_path / "memo.docx", title="Offtake Memo")).title == "Offtake Memo"


def test_html_text_title_and_meta(tmp_path):
    html = """<!doctype html><html><head><title>Cell Plant News</title>
    <meta name="publisher" content="Battery Daily"><meta name="Author" content="J. Doe">
    <meta property="article:published_time" content="2023-06-01T08:00:00Z">
    <style>p {color: red}</style><script>var x = "hidden";</script></head>
    <body><nav>Home | About</nav><h1>Plant opens</h1>
    <p>The plant   makes <b>cells</b>
    for trucks.</p><ul><li>One</li><li>Two</li></ul>
    <table><tr><th>Site</th><th>GWh</th></tr><tr><td>Skellefteå</td><td>16</td></tr></table>
    <!-- a comment --><footer>Copyright</footer></body></html>"""
    doc = load_file(write(tmp_path / "news.html", html))
    assert doc.text == "Plant opens\n\nThe plant makes cells for trucks.\n\nOne\n\nTwo\n\nSite | GWh\n\nSkellefteå | 16"
    assert doc.title == "Cell Plant News"
    assert doc.metadata["publisher"] == "Battery Daily" and doc.metadata["author"] == "J. Doe"
    assert doc.metadata["date"] == "2023-06-01"


@pytest.mark.parametrize(
    "raw, warned",
    [
        ('<meta charset="iso-8859-1"><p>caf\xe9</p>'.encode("latin-1"), False),  # declared charset honoured
        ("<p>caf\xe9</p>".encode("utf-8"), False),  # undeclared UTF-8
        ("<p>caf\xe9</p>".encode("latin-1"), True),  # regression: came out as "caf\ufc60" (a guess)
    ],
)
def test_html_encoding(tmp_path, raw, warned):
    doc = load_file(write(tmp_path / "page.html", raw))
    assert doc.text == "caf\xe9" and bool(doc.warnings) == warned


def test_markdown_front_matter(tmp_path):
    md = (
        "---\ntitle: Cobalt Sourcing Policy\npublisher: Acme Cells\ndoc_type: policy\ndate: 2023-05-04\n---\n"
        "# Heading\n\nBody text.\n"
    )
    doc = load_file(write(tmp_path / "policy.md", md))
    assert doc.text == "# Heading\n\nBody text.\n"  # offsets point into the body
    assert doc.title == "Cobalt Sourcing Policy"
    assert doc.metadata == {"publisher": "Acme Cells", "doc_type": "policy", "date": "2023-05-04"}


@pytest.mark.parametrize(
    "name, text, title",
    [
        ("a.md", "intro line\n\n# Real Title #\n\nbody", "Real Title"),  # first '# heading' wins over line 1
        ("b.md", "## Only a subheading\n\nbody", "Only a subheading"),  # no H1: first line, marks stripped
        ("c.txt", "\n\nShort first line\nmore", "Short first line"),  # leading blank lines ignored
        ("long_notes.txt", "x" * 121 + "\nmore", "long_notes"),  # first line too long: stem
        ("d.txt", "\ufeffBOM title\nbody", "BOM title"),  # a UTF-8 BOM is stripped
    ],
)
def test_text_titles(tmp_path, name, text, title):
    doc = load_file(write(tmp_path / name, text))
    assert doc.title == title and not doc.text.startswith("\ufeff")


def test_sidecar_merges_and_changes_hash(tmp_path):
    path = write(tmp_path / "note.txt", "Supply note\nbody")
    plain = load_file(path)
    assert plain.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    write(tmp_path / "note.txt.meta.json", json.dumps({"title": "Curated", "publisher": "Acme", "date": "2024-02"}))
    doc = load_file(path)
    assert doc.title == "Curated" and doc.metadata == {"publisher": "Acme", "date": "2024-02"}
    assert doc.content_hash != plain.content_hash and doc.doc_id == plain.doc_id


def test_doc_id_is_identity_of_source(tmp_path):
    path = write(tmp_path / "a.txt", "one")
    first = load_file(path)
    write(path, "two")
    second = load_file(path)
    assert first.doc_id == second.doc_id == doc_id_for(tmp_path / "." / "a.txt")
    assert len(first.doc_id) == 16 and first.content_hash != second.content_hash


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023", "2023"),  # a bare year keeps its precision
        ("2023-07", "2023-07"),  # year-month likewise
        ("2023-07-15", "2023-07-15"),
        ("2023-07-15T10:00:00Z", "2023-07-15"),  # timestamps keep their date
        (2021, "2021"),  # YAML reads `date: 2021` as an int
        (datetime(2022, 1, 2, 3, 4), "2022-01-02"),
        ("2023-13-01", None),  # no month 13
        ("July 2023", None),  # not ISO: left out with a warning
    ],
)
def test_iso_date(value, expected):
    assert iso_date(value) == expected


def test_non_iso_date_is_dropped_with_warning(tmp_path):
    doc = load_file(write(tmp_path / "a.md", "---\ndate: July 2023\n---\nbody"))
    assert "date" not in doc.metadata and "not a date" in doc.warnings[0]


# --- tables --------------------------------------------------------------------------

RAGGED_CSV = (
    "supplier,material,tonnes\n"
    "Acme,cobalt,120\n"
    "\n"
    "Borealis,lithium\n"
    '"Cobalt, Inc.",nickel,"3\n4"\n'
    "Delta,graphite,,extra\n"
    "Echo,,75\n"
)


def test_csv_rows_spans_and_warnings(tmp_path):
    doc = load_file(write(tmp_path / "supply_plan-2024.csv", RAGGED_CSV))
    assert (doc.kind, doc.media_type, doc.title) == ("table", "csv", "supply plan 2024")
    assert doc.metadata["columns"] == ["supplier", "material", "tonnes"]
    assert doc.text == (
        "supplier: Acme; material: cobalt; tonnes: 120\n"
        "supplier: Cobalt, Inc.; material: nickel; tonnes: 3 4\n"
        "supplier: Echo; tonnes: 75"
    )
    assert [(r.row, r.line) for r in doc.rows] == [(1, 2), (3, 5), (5, 8)]
    assert doc.warnings == [
        "line 4: 2 fields, header has 3; row skipped",
        "line 7: 4 fields, header has 3; row skipped",
    ]
    assert doc.rows[2].values == {"supplier": "Echo", "material": "", "tonnes": "75"}
    for r, line in zip(doc.rows, doc.text.split("\n"), strict=True):
        assert doc.text[r.start:r.end] == line


@pytest.mark.parametrize("wrapped", [False, True])
def test_json_table(tmp_path, wrapped):
    items = [{"site": "Gigafactory", "gwh": 35}, [1, 2], {"site": "Plant B", "gwh": 12.5, "open": True}]
    data = {"rows": items, "title": "Cell plants"} if wrapped else items
    doc = load_table(write(tmp_path / "plants.json", json.dumps(data)))
    assert doc.metadata["columns"] == ["site", "gwh", "open"]
    assert doc.text == "site: Gigafactory; gwh: 35\nsite: Plant B; gwh: 12.5; open: true"
    assert [r.row for r in doc.rows] == [1, 3] and doc.rows[0].line is None
    assert doc.warnings == ["item 2: not an object (a list); item skipped"]
    assert doc.title == ("Cell plants" if wrapped else "plants")
    for r, line in zip(doc.rows, doc.text.split("\n"), strict=True):
        assert doc.text[r.start:r.end] == line


def test_table_sidecar_metadata(tmp_path):
    path = write(tmp_path / "prices.csv", "month,usd_per_t\n2024-01,13500\n")
    write(tmp_path / "prices.csv.meta.json", json.dumps({"title": "Lithium prices", "units": {"usd_per_t": "USD/t"}}))
    doc = load_file(path)
    assert doc.title == "Lithium prices" and doc.metadata["units"] == {"usd_per_t": "USD/t"}
    assert doc.metadata["columns"] == ["month", "usd_per_t"]


# --- bad files -----------------------------------------------------------------------


def make_encrypted_pdf(path: Path) -> Path:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=make_pdf(path, [PAGE_1]))
    writer.encrypt("secret")  # RC4: writable without the optional 'cryptography' package
    writer.write(path)
    return path


@pytest.mark.parametrize(
    "name, content, error, reason",
    [
        ("empty.txt", b"", EmptyFile, "empty file"),  # zero bytes
        ("blank.md", b"  \n\t\n", EmptyFile, "only whitespace"),  # whitespace only
        ("front.md", b"---\ntitle: x\n---\n\n", EmptyFile, "after the front matter"),  # metadata, no body
        ("latin1.txt", "Caf\u00e9 au lait".encode("latin-1"), DecodeError, "byte 0xe9 at offset 3"),  # not UTF-8
        ("bad_yaml.md", b"---\ntitle: [unclosed\n---\nbody", MalformedFile, "front matter"),  # broken YAML
        ("corrupt.pdf", b"%PDF-1.4\n\x00garbage" * 50, MalformedFile, "not a valid PDF"),  # garbage after header
        ("noise.pdf", b"this is no pdf at all", MalformedFile, "not a valid PDF"),  # no header either
        ("locked.pdf", "encrypted", EncryptedFile, "remove the password"),  # needs a user password
        ("scan.pdf", "blank-pdf", EmptyFile, "scanned PDF"),  # pages without a text layer
        ("broken.docx", b"PK\x03\x04 not really a zip", MalformedFile, "not a valid DOCX"),  # truncated zip
        ("script.html", b"<html><script>alert(1)</script></html>", EmptyFile, "no text"),  # markup only
        ("all_ragged.csv", b"a,b,c\n1,2\n3\n", MalformedFile, "line 2: 2 fields"),  # no valid row left
        ("header_only.csv", b"a,b,c\n\n", EmptyFile, "no data rows"),  # header, nothing else
        ("blank.csv", b"\n\n\n", EmptyFile, "no header"),  # only blank lines
        ("bad.json", b'[{"a": 1},', MalformedFile, "not valid JSON (line 1"),  # truncated JSON
        ("scalar.json", b'"just a string"', MalformedFile, "list of objects"),  # wrong shape
        ("nothing.json", b"[]", EmptyFile, "no rows"),  # empty list
        ("latin1.csv", "caf\u00e9,1\n".encode("latin-1"), DecodeError, "save it as UTF-8"),  # CSV is strict too
        ("slides.pptx", b"PK", UnsupportedFileType, "not supported"),  # extension we do not read
    ],
)
def test_bad_files_raise_named_errors(tmp_path, name, content, error, reason):
    path = tmp_path / name
    if content == "encrypted":
        make_encrypted_pdf(path)
    elif content == "blank-pdf":
        make_pdf(path, [[]])
    else:
        path.write_bytes(content)
    with pytest.raises(error) as caught:
        load_file(path)
    assert name in caught.value.message and reason in caught.value.reason
    assert isinstance(caught.value, IngestError)


def test_broken_sidecar_is_reported_against_the_file(tmp_path):
    path = write(tmp_path / "a.txt", "body")
    write(tmp_path / "a.txt.meta.json", "{not json")
    with pytest.raises(MalformedFile, match=r"a\.txt: its sidecar a\.txt\.meta\.json"):
        load_file(path)


# --- discover ------------------------------------------------------------------------


def test_discover_skips_notes_hidden_sidecars_and_unsupported(tmp_path):
    corpus = tmp_path / "corpus"
    for name in ["b.md", "a.pdf", "README.md", "readme_sources.txt", ".draft.md", "a.pdf.meta.json",
                 "image.png", "sub/c.csv", "sub/README", ".git/x.md", "sub/.cache/y.txt", "sub/Z.HTML"]:
        write(corpus / name, "x")
    files, errors = discover([corpus])
    assert [p.relative_to(corpus).as_posix() for p in files] == ["a.pdf", "b.md", "sub/Z.HTML", "sub/c.csv"]
    assert errors == []


def test_discover_explicit_paths(tmp_path):
    doc = write(tmp_path / "a.txt", "x")
    files, errors = discover([doc, tmp_path / "missing.md", write(tmp_path / "x.png", "x"),
                              write(tmp_path / "a.txt.meta.json", "{}"), doc])
    assert files == [doc]  # named twice, listed once
    assert [type(e) for e in errors] == [IngestError, UnsupportedFileType, UnsupportedFileType]
    assert "missing.md" in errors[0].message and "x.png" in errors[1].message
    assert "sidecar" in errors[2].reason


def test_every_supported_extension_has_a_loader(tmp_path):
    samples = {".md": "# T\nx", ".markdown": "# T\nx", ".txt": "T\nx", ".html": "<p>x</p>", ".htm": "<p>x</p>",
               ".csv": "a\n1\n", ".json": '[{"a": 1}]'}
    make_pdf(tmp_path / "f.pdf", [["x"]])
    make_docx(tmp_path / "f.docx")
    for ext in SUPPORTED:
        path = tmp_path / f"f{ext}"
        if ext in samples:
            write(path, samples[ext])
        assert load_file(path).media_type == ext[1:]


# --- a real filing -------------------------------------------------------------------


@pytest.mark.skipif(not SEC_10Q.is_dir(), reason="sec-10-q benchmark documents not present")
def test_real_10q_filing():
    path = sorted(SEC_10Q.glob("*.pdf"))[0]  # EDGAR's are encrypted with an empty password
    doc = load_file(path)
    assert len(doc.pages) > 10 and len(doc.text) > 20_000
    assert "10-Q" in doc.text
    starts = [s for _, s in doc.pages]
    assert starts == sorted(starts) and all(doc.text[s] != "\n" for s in starts)
    assert "\n\n\n" not in doc.text  # layout blank runs collapsed
    assert doc.metadata["date"].startswith(("2022", "2023"))
