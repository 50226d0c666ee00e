"""Loaders for binary and markup formats: HTML, PDF and DOCX -> Document.

In: a `Source` (bytes read once). Out: a Document with the extracted text (PDF: pages
joined by blank lines, with each page's start offset; DOCX: paragraphs and tables in
body order; HTML: block elements as paragraphs). Library errors are left to load.py's
dispatcher, which turns them into MalformedFile naming the file.
"""

from __future__ import annotations

import io
import re
from typing import Any

import docx
import pypdf
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import EncodingDetector
from docx.table import Table
from pypdf.errors import DependencyError

from assistant.errors import (
    DecodeError,
    EmptyFile,
    EncryptedFile,
    IngestError,
    MalformedFile,
)
from assistant.ingest.source import Source
from assistant.types import Document

# pypdf caps arrays at 100k entries; some EDGAR filings (2023 Q1 MSFT) hold 100-200k.
PDF_ARRAY_LIMIT = 1_000_000
_PLACEHOLDER_TITLE = re.compile(r"(?i)untitled.*|[\W\d_]*")



_DROP = ["script", "style", "nav", "footer", "noscript", "template", "head", "svg"]
_BLOCKS = {
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "ul",
}


def load_html(src: Source) -> Document:
    warnings: list[str] = []
    soup = BeautifulSoup(_html_markup(src, warnings), "html.parser")
    meta: dict[str, Any] = {}
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or tag.get("property") or "").lower()
        content = str(tag.get("content") or "").strip()
        if content and name in ("author", "publisher", "date", "description", "article:published_time"):
            meta[name] = content
    if published := meta.pop("article:published_time", None):
        meta.setdefault("date", published)  # a timestamp: dates_to_iso keeps its date
    h1 = soup.find("h1")
    title = (soup.title.get_text(" ", strip=True) if soup.title else "") or (h1.get_text(" ", strip=True) if h1 else "")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    blocks: list[list[str]] = [[]]
    _html_blocks(soup.body or soup, blocks)
    text = "\n\n".join(b for b in (_tidy("".join(parts)) for parts in blocks) if b)
    if not text:
        raise EmptyFile(str(src.path), "no text in the page (only markup or scripts?)")
    return src.document(kind="document", title=" ".join(title.split()), text=text, metadata=meta, warnings=warnings)


def _html_markup(src: Source, warnings: list[str]) -> str:
    """The declared charset, else UTF-8, else windows-1252 (the web's fallback).

    Never a statistical guess: on short pages those turn "café" into Arabic.
    """
    declared = EncodingDetector.find_declared_encoding(src.data, is_html=True)
    if declared:
        try:
            return src.data.decode(declared, errors="replace")
        except LookupError:
            warnings.append(f"unknown charset {declared!r} declared; ignored")
    try:
        return src.text()
    except DecodeError:
        warnings.append("not UTF-8 and no charset declared; read as windows-1252")
        return src.data.decode("cp1252", errors="replace")


def _html_blocks(node: Any, blocks: list[list[str]]) -> None:
    """Walk the tree in order: strings join their block, block elements start new ones."""
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not a Comment, Doctype, CData...
                blocks[-1].append(re.sub(r"\s+", " ", str(child)))
        elif not isinstance(child, Tag):
            continue
        elif child.name == "br":
            blocks[-1].append("\n")
        elif child.name == "pre":  # its line breaks are content
            blocks.extend([[child.get_text()], []])
        elif child.name == "tr":
            cells = [c.get_text(" ", strip=True) for c in child.find_all(["td", "th"], recursive=False)]
            blocks.extend([[" | ".join(cells)], []])
        elif child.name in _BLOCKS:
            blocks.append([])
            _html_blocks(child, blocks)
            blocks.append([])
        else:
            _html_blocks(child, blocks)


def _tidy(text: str) -> str:
    """Collapse spaces within lines, strip line ends, drop blank lines."""
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# --- PDF ---------------------------------------------------------------------------


def load_pdf(src: Source) -> Document:
    path, warnings = str(src.path), []
    try:
        with pypdf.apply_configuration(array_maximum_element_count=PDF_ARRAY_LIMIT):
            reader = pypdf.PdfReader(io.BytesIO(src.data))
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except DependencyError:
                    raise EncryptedFile(path, "PDF uses AES encryption, which needs the 'cryptography' package; "
                                              "install it, or remove the encryption and re-add the file") from None
                if not opened:
                    raise EncryptedFile(path, "PDF is encrypted; remove the password and re-add it")
            info = _pdf_info(reader)
            pages: list[tuple[int, int]] = []
            parts: list[str] = []
            offset = 0
            for number, page in enumerate(reader.pages, start=1):
                try:
                    page_text = _clean_pdf_text(page.extract_text())
                except Exception as exc:  # one broken page should not cost the whole document
                    warnings.append(f"page {number}: text could not be extracted ({type(exc).__name__}); page skipped")
                    continue
                if page_text:
                    pages.append((number, offset))
                    parts.append(page_text)
                    offset += len(page_text) + 2
    except IngestError:
        raise
    except Exception as exc:  # pypdf's own errors, and whatever a damaged file provokes
        raise MalformedFile(path, f"not a valid PDF: {exc or type(exc).__name__}") from None
    if not parts:
        raise EmptyFile(path, "no extractable text (scanned PDF?); run OCR on it first")
    title = info.pop("title", "")
    if _PLACEHOLDER_TITLE.fullmatch(title):
        title = ""
    return src.document(kind="document", title=title, text="\n\n".join(parts), metadata=info,
                        pages=pages, warnings=warnings)


def _pdf_info(reader: Any) -> dict[str, str]:
    """Title, author and creation date from the PDF's info dictionary, when readable."""
    info: dict[str, str] = {}
    try:
        props = reader.metadata
        if props is None:
            return info
        if title := (props.title or "").strip():
            info["title"] = " ".join(title.split())
        if author := (props.author or "").strip():
            info["author"] = author
        if created := props.creation_date:
            info["date"] = created.date().isoformat()
    except Exception:  # a malformed info dictionary only costs us the metadata
        pass
    return info


def _clean_pdf_text(text: str) -> str:
    """Light: single spaces, lines stripped, at most one blank line in a row.

    Layout-heavy pages (10-Q tables) come out with runs of a dozen empty lines, which
    would read as section breaks to the chunker and blur the blank line between pages.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- DOCX --------------------------------------------------------------------------


def load_docx(src: Source) -> Document:
    try:
        document = docx.Document(io.BytesIO(src.data))
    except Exception as exc:
        raise MalformedFile(str(src.path), f"not a valid DOCX ({exc}); save it from Word as .docx") from None
    blocks: list[str] = []
    heading = ""
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.append(_docx_table(item))
            continue
        text = item.text.strip()
        style = item.style.name if item.style is not None else ""
        if text and not heading and (style.startswith("Heading") or style == "Title"):
            heading = text
        blocks.append(text)
    text = "\n\n".join(b for b in blocks if b)
    if not text:
        raise EmptyFile(str(src.path), "no text in the document")
    props = document.core_properties
    meta: dict[str, Any] = {}
    if props.author:
        meta["author"] = props.author
    if props.created:
        meta["date"] = props.created.date().isoformat()
    title = (props.title or "").strip() or heading
    return src.document(kind="document", title=title, text=text, metadata=meta)


def _docx_table(table: Any) -> str:
    lines = []
    for row in table.rows:
        cells, last = [], None
        for cell in row.cells:
            if cell._tc is not last:  # a merged cell repeats once per grid column
                cells.append(" ".join(cell.text.split()))
            last = cell._tc
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)
