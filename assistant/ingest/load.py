"""Loading, the first ingest stage: files -> Document.

In: paths of files and folders. Out: the files we can read (`discover`) and, for each,
one `Document` (`load_file`): the extracted text every later offset points into, a
title, metadata (from YAML front matter, HTML meta tags, PDF/DOCX properties and an
optional `<file>.meta.json` sidecar, which wins), and PDF page offsets. CSV and JSON
tables go to `tables.load_table`. Every failure is an `IngestError` naming the file and
saying what to do about it; no library exception escapes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

import yaml

from assistant.errors import EmptyFile, IngestError, MalformedFile, UnsupportedFileType
from assistant.ingest.source import SIDECAR, Source, doc_id_for
from assistant.ingest.tables import load_table
from assistant.types import Document

SUPPORTED = {".md", ".markdown", ".txt", ".html", ".htm", ".pdf", ".docx", ".csv", ".json"}
TABLES = {".csv", ".json"}
SHORT_TITLE = 120  # a first line longer than this is prose, not a title


def discover(paths: list[Path]) -> tuple[list[Path], list[IngestError]]:
    """Files to load, folders expanded recursively in sorted order, and path errors.

    Inside folders, hidden entries, README* provenance notes, `*.meta.json` sidecars
    and unsupported types are skipped silently; a file named explicitly must be one we read.
    """
    found: list[Path] = []
    errors: list[IngestError] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            found.append(path)

    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not _skipped(name) and Path(name).suffix.lower() in SUPPORTED:
                        add(Path(root) / name)
        elif not path.exists():
            errors.append(IngestError(str(path), "no such file or folder"))
        elif path.name.lower().endswith(SIDECAR):
            reason = "a metadata sidecar, not a document; add the file it describes"
            errors.append(UnsupportedFileType(str(path), reason))
        elif path.suffix.lower() not in SUPPORTED:
            errors.append(UnsupportedFileType(str(path), _unsupported(path)))
        else:
            add(path)
    return found, errors


def load_file(path: Path) -> Document:
    """Extract one file. Raises an IngestError subclass with a reason a person can act on."""
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise UnsupportedFileType(str(path), _unsupported(path))
    if ext in TABLES:
        return load_table(path)
    source = Source.read(path)
    try:
        return _loader(ext)(source)
    except IngestError:
        raise
    except Exception as exc:  # a parser's own error: the file, not our code, is broken
        raise MalformedFile(str(path), f"could not read this {ext[1:].upper()} ({type(exc).__name__}: {exc})") from exc


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.upper().startswith("README") or name.lower().endswith(SIDECAR)


def _unsupported(path: Path) -> str:
    kind = f"'{path.suffix}'" if path.suffix else "without an extension"
    return f"files {kind} are not supported; use one of {', '.join(sorted(SUPPORTED))}"


# --- text and markdown -------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def _load_text(src: Source) -> Document:
    text, meta = src.text(), {}
    fm = _FRONT_MATTER.match(text)
    if fm:
        try:
            values = yaml.safe_load(fm[1] or "") or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 2}" if mark else ""
            raise MalformedFile(str(src.path), f"front matter is not valid YAML{where}; fix it or remove it") from None
        if isinstance(values, dict):  # else the '---' lines were rules in prose
            meta = {str(k): v for k, v in values.items()}
            text = text[fm.end():]
    if not text.strip():
        raise EmptyFile(str(src.path), "no text after the front matter" if meta else "empty file (only whitespace)")
    title = str(meta.pop("title", "") or "").strip() or _text_title(text)
    return src.document(kind="document", title=title, text=text, metadata=meta)


def _text_title(text: str) -> str:
    if h1 := _H1.search(text):
        return h1[1].strip()
    first = next(line for line in text.splitlines() if line.strip()).strip().lstrip("#").strip()
    return first if len(first) <= SHORT_TITLE else ""


def _loader(ext: str) -> Callable[[Source], Document]:
    if ext in (".md", ".markdown", ".txt"):
        return _load_text
    # The binary-format parsers (pypdf, python-docx, BeautifulSoup) are imported on first
    # use: a process that only answers questions never pays for them at start-up.
    from assistant.ingest import formats

    return {".html": formats.load_html, ".htm": formats.load_html, ".pdf": formats.load_pdf,
            ".docx": formats.load_docx}[ext]


__all__ = ["SUPPORTED", "discover", "doc_id_for", "load_file"]
