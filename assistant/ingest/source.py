"""Reading a source file once: bytes, sidecar metadata, content hash, document id.

In: a path. Out: a `Source` whose `document(...)` builds the Document every loader
returns (title, metadata with dates made ISO, warnings), so the loaders in load.py,
formats.py and tables.py share one way of reading files and naming documents.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from assistant.errors import DecodeError, EmptyFile, IngestError, MalformedFile
from assistant.types import Document, Kind, TableRow

SIDECAR = ".meta.json"


def doc_id_for(path: Path) -> str:
    """Identity of a source: a changed file keeps its id and replaces its chunks."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:16]


@dataclass
class Source:
    """A file's bytes and sidecar metadata, read once; builds the Document at the end."""

    path: Path
    data: bytes
    sidecar: dict[str, Any]
    content_hash: str  # sha256 of the bytes, then of the sidecar's bytes if there is one

    @classmethod
    def read(cls, path: Path) -> Source:
        try:
            data = path.read_bytes()
            side = path.with_name(path.name + SIDECAR)
            raw = side.read_bytes() if side.is_file() else None
        except OSError as exc:
            raise IngestError(str(path), f"cannot read: {exc.strerror or exc}") from None
        digest = hashlib.sha256(data)
        sidecar: dict[str, Any] = {}
        if raw is not None:
            digest.update(b"\x00sidecar\x00" + raw)
            try:
                sidecar = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                reason = f"its sidecar {side.name} is not valid UTF-8 JSON ({exc}); fix or remove it"
                raise MalformedFile(str(path), reason) from None
            if not isinstance(sidecar, dict):
                raise MalformedFile(str(path), f"its sidecar {side.name} must be a JSON object of metadata")
        if not data:
            raise EmptyFile(str(path), "empty file")
        return cls(path, data, sidecar, digest.hexdigest())

    def text(self) -> str:
        """Strict UTF-8 (a BOM is dropped), newlines normalized to \\n."""
        skip = len(codecs.BOM_UTF8) if self.data.startswith(codecs.BOM_UTF8) else 0
        try:
            text = self.data[skip:].decode("utf-8")
        except UnicodeDecodeError as exc:
            at = exc.start + skip
            raise DecodeError(
                str(self.path), f"not valid UTF-8 (byte 0x{self.data[at]:02x} at offset {at}); save it as UTF-8"
            ) from None
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def document(
        self, *, kind: Kind, title: str, text: str, metadata: dict[str, Any],
        pages: list[tuple[int, int]] | None = None, rows: list[TableRow] | None = None,
        warnings: list[str] | None = None,
    ) -> Document:
        warnings = list(warnings or [])
        meta = {**metadata, **self.sidecar}
        title = str(meta.pop("title", "") or "").strip() or title or self.path.stem
        return Document(
            doc_id=doc_id_for(self.path), source=str(self.path.resolve()), title=title, kind=kind,
            text=text, content_hash=self.content_hash, media_type=self.path.suffix.lower().lstrip("."),
            metadata=dates_to_iso(meta, warnings), pages=pages or [], rows=rows or [], warnings=warnings,
        )


def iso_date(value: Any) -> str | None:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` at the precision given; None if not a date."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) > 10 and text[10] in "T ":  # a timestamp: keep its date
        text = text[:10]
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not m:
        return None
    try:
        date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        return None
    return text


def dates_to_iso(meta: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if isinstance(value, date) or key == "date" or key.endswith("_date"):
            iso = iso_date(value)
            if iso is None:
                warnings.append(f"{key} {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD); ignored")
                continue
            value = iso
        out[key] = value
    return out
