"""Errors raised by the core library. Nothing here knows about HTTP.

    AssistantError                  base of everything the assistant raises on purpose
    ├── ConfigError                 settings that cannot work (bad Chroma URL, data dir)
    ├── InputError                  the caller asked for something malformed
    │   ├── QuestionError           empty / too long question, bad history
    │   └── FilterError             a filter value that cannot be applied (bad date)
    ├── NotFound                    an id that does not exist
    │   ├── DocumentNotFound
    │   └── ConversationNotFound
    ├── IngestError                 one file could not be ingested; names file and reason
    │   ├── UnsupportedFileType     extension we do not read
    │   ├── EmptyFile               no bytes, or no extractable text
    │   ├── DecodeError             text that is not UTF-8
    │   ├── EncryptedFile           a PDF we cannot open without a password
    │   └── MalformedFile           a parser rejected the content (broken PDF/DOCX/CSV/JSON)
    └── StoreUnavailable            Chroma (server) or the catalog cannot be reached

`IngestError`s are collected per file by the ingest stage (the rest goes on); the
others propagate to the entry point, which maps them to an exit code or HTTP status.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class; `message` is safe to show to a user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConfigError(AssistantError):
    pass


class InputError(AssistantError):
    pass


class QuestionError(InputError):
    pass


class FilterError(InputError):
    pass


class NotFound(AssistantError):
    pass


class DocumentNotFound(NotFound):
    pass


class ConversationNotFound(NotFound):
    pass


class IngestError(AssistantError):
    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFileType(IngestError):
    pass


class EmptyFile(IngestError):
    pass


class DecodeError(IngestError):
    pass


class EncryptedFile(IngestError):
    pass


class MalformedFile(IngestError):
    pass


class StoreUnavailable(AssistantError):
    pass
