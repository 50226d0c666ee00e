"""Uploads: an uploaded file -> a file under `settings.uploads_dir` -> the index.

In: the multipart file part (already bounded by the route's body-size limit), its
client-given name and whether to replace a different file of the same name. Out: the
ingest's `FileReport`. The name is reduced to safe characters and a bare file name, so
it can never leave the uploads folder. Bytes are copied with a running count and the
copy stops at `max_upload_bytes` (413). A failed upload changes nothing: the new file
is removed (a replaced one restored) and the index keeps what it had, because the
ingest stage leaves a document's previous version in place when a file fails.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import uuid
from pathlib import Path
from typing import BinaryIO

from api.errors import Conflict, PayloadTooLarge
from assistant.errors import EmptyFile, UnsupportedFileType
from assistant.pipeline import Assistant
from assistant.types import FileReport

MAX_NAME = 120  # characters of a stored file name, extension included
_COPY_CHUNK = 1024 * 1024


def safe_name(raw: str | None) -> str:
    """A bare, portable file name: no folders, no leading dot, only [A-Za-z0-9._-]."""
    name = (raw or "").replace("\\", "/").split("/")[-1]  # the last path component only
    name = unicodedata.normalize("NFKD", name)  # "é" -> "e" + accent; the accent is dropped below
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name.encode("ascii", "ignore").decode())
    name = re.sub(r"_+", "_", name).lstrip("._-")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem.strip("._-") or "upload"
    ext = ext[:16].lower()
    stem = stem[: MAX_NAME - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def check_type(name: str, supported: frozenset[str]) -> None:
    if name.lower().endswith(".meta.json"):
        raise UnsupportedFileType(name, "a metadata sidecar cannot be uploaded on its own")
    ext = Path(name).suffix.lower()
    if ext not in supported:
        kind = f"of type {ext}" if ext else "without an extension"
        raise UnsupportedFileType(name, f"files {kind} are not supported; use one of {', '.join(sorted(supported))}")


def save_and_ingest(
    assistant: Assistant, folder: Path, filename: str | None, stream: BinaryIO, max_bytes: int,
    replace: bool, supported: frozenset[str],
) -> tuple[str, FileReport]:
    name = safe_name(filename)
    check_type(name, supported)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.resolve().parent != folder.resolve():  # belt and braces: safe_name already ensures it
        raise UnsupportedFileType(name, "this file name cannot be stored")
    partial = folder / f".{uuid.uuid4().hex}.part"
    backup: Path | None = None
    try:
        digest = _copy_bounded(stream, partial, max_bytes, name)
        if target.exists():
            if _sha256(target) == digest:  # same bytes again: incremental ingest makes it a no-op
                return name, assistant.ingest_file(target)
            if not replace:
                raise Conflict(f"a different file named {name} is already indexed; send replace=true to replace it")
            backup = folder / f".{uuid.uuid4().hex}.bak"
            os.replace(target, backup)
        os.replace(partial, target)
        try:
            report = assistant.ingest_file(target)
        except BaseException:
            if backup is not None:
                os.replace(backup, target)
                backup = None
            else:
                target.unlink(missing_ok=True)
            raise
        return name, report
    finally:
        partial.unlink(missing_ok=True)
        if backup is not None:
            backup.unlink(missing_ok=True)


def remove_upload(folder: Path, source: str) -> None:
    """Delete the stored file of a removed document, if it is one of ours."""
    path = Path(source)
    if path.parent.resolve() == folder.resolve() and path.is_file():
        path.unlink()


def _copy_bounded(stream: BinaryIO, dest: Path, max_bytes: int, name: str) -> str:
    h = hashlib.sha256()
    size = 0
    with open(dest, "wb") as out:
        while block := stream.read(_COPY_CHUNK):
            size += len(block)
            if size > max_bytes:
                raise PayloadTooLarge(f"{name} is larger than the {max_bytes}-byte upload limit")
            h.update(block)
            out.write(block)
    if size == 0:
        raise EmptyFile(name, "the file is empty")
    return h.hexdigest()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_COPY_CHUNK):
            h.update(block)
    return h.hexdigest()
