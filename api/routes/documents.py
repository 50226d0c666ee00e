"""`/v1/documents`: upload (admin), list, inspect, quote in context, delete (admin).

Uploads are parsed only after the caller is known to be an admin, within the route's
body-size limit, and stored under `settings.uploads_dir` by api/uploads.py.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.auth import Admin, Reader
from api.deps import AssistantDep, SettingsDep, WriteLock
from api.errors import BadRequest, UnsupportedMediaType, error_responses
from api.schemas import Deleted, DocumentContext, DocumentDetail, DocumentList, UploadResult
from api.uploads import remove_upload, save_and_ingest
from api.views import document_context, document_detail

router = APIRouter(prefix="/v1/documents", tags=["documents"])

_UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "one .md, .txt, .html, .pdf, .docx, .csv or .json file"}},
}}}}}


@router.post(
    "", status_code=201, response_model=UploadResult, openapi_extra=_UPLOAD_BODY,
    summary="Upload and index one file (admin)",
    responses={200: {"model": UploadResult, "description": "the file was already indexed (updated or unchanged)"},
               **error_responses(400, 401, 403, 409, 413, 415, 422, 429, 503)},
)
async def upload(
    request: Request, response: Response, assistant: AssistantDep, settings: SettingsDep, lock: WriteLock,
    _: Admin, replace: Annotated[bool, Query(description="replace a different file of the same name")] = False,
) -> UploadResult:
    """Multipart field `file`. The name is sanitized; a failed ingest (a broken PDF)
    is a 422 with the reason and leaves the index and the uploads folder unchanged."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType("send the file as multipart/form-data in a field named 'file'")
    form = await request.form(max_files=1, max_fields=2)
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise BadRequest("send the file as multipart/form-data in a field named 'file'")

        def store():
            with lock:
                return save_and_ingest(assistant, settings.uploads_dir, file.filename, file.file,
                                       settings.max_upload_bytes, replace, assistant.supported_extensions)

        name, report = await run_in_threadpool(store)
    finally:
        await form.close()
    if report.status != "added":
        response.status_code = 200
    return UploadResult(doc_id=report.doc_id or "", filename=name, status=report.status, chunks=report.chunks,
                        warnings=report.warnings)


@router.get("", response_model=DocumentList, summary="Indexed documents",
            responses=error_responses(401, 429, 503))
def list_documents(assistant: AssistantDep, _: Reader) -> dict:
    docs = assistant.list_documents()
    return {"documents": docs, "count": len(docs)}


@router.get("/{doc_id}", response_model=DocumentDetail, summary="One document: metadata, hash, chunks",
            responses=error_responses(401, 404, 422, 429, 503))
def get_document(
    doc_id: str, assistant: AssistantDep, _: Reader,
    text: Annotated[bool, Query(description="include the extracted text")] = False,
) -> dict:
    return document_detail(assistant, doc_id, text)


@router.get("/{doc_id}/context", response_model=DocumentContext, summary="A cited span in its surrounding text",
            responses=error_responses(400, 401, 404, 422, 429, 503))
def get_context(
    doc_id: str, assistant: AssistantDep, _: Reader,
    start: Annotated[int, Query(ge=0, description="a citation's start offset")],
    end: Annotated[int, Query(ge=0, description="a citation's end offset")],
    window: Annotated[int, Query(ge=0, le=5000, description="characters of context each side")] = 300,
) -> dict:
    return document_context(assistant, doc_id, start, end, window)


@router.delete("/{doc_id}", response_model=Deleted, summary="Remove a document from the index (admin)",
               responses=error_responses(401, 403, 404, 429, 503))
def delete_document(doc_id: str, assistant: AssistantDep, settings: SettingsDep, lock: WriteLock, _: Admin) -> Deleted:
    with lock:
        doc = assistant.get_document(doc_id)
        assistant.remove(doc.doc_id)
        remove_upload(settings.uploads_dir, doc.source)
    return Deleted(id=doc.doc_id)
