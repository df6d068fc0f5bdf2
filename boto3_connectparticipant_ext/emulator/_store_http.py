"""HTTP face of the local attachment store: presigned PUT, GET and HEAD like S3.

Uploads stream to a temporary file (never held in memory); a body shorter than
its Content-Length leaves nothing behind. Downloads stream from the file and
honour a single ``Range``. Errors are S3's XML errors.

Examples
--------
>>> OPERATIONS["PUT"], OPERATIONS["GET"]
('PutObject', 'GetObject')
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from typing import TYPE_CHECKING, Optional

from boto3_connectparticipant_ext.emulator._faults import Fault, FaultRule
from boto3_connectparticipant_ext.emulator._ids import new_id
from boto3_connectparticipant_ext.emulator._store import LocalObjectStore, S3Error, StoredObject

if TYPE_CHECKING:
    from aiohttp import web

OPERATIONS = {"PUT": "PutObject", "GET": "GetObject", "HEAD": "HeadObject"}
CHUNK = 256 * 1024
_KEPT_HEADERS = ("content-type", "content-disposition", "content-encoding", "cache-control")


def error_response(error: S3Error) -> web.Response:
    from aiohttp import web

    request_id = new_id().replace("-", "")[:16].upper()
    return web.Response(
        status=error.status,
        body=error.xml(request_id).encode("utf-8"),
        headers={"Content-Type": "application/xml", "x-amz-request-id": request_id},
    )


def fault_error(rule: FaultRule) -> Optional[S3Error]:
    if rule.kind is Fault.THROTTLE:
        return S3Error(503, "SlowDown", "Please reduce your request rate.")
    if rule.kind is Fault.INTERNAL_ERROR:
        return S3Error(500, "InternalError", "We encountered an internal error. Please try again.")
    return None


async def handle_store(
    request: web.Request, store: LocalObjectStore, fault: Optional[FaultRule]
) -> Optional[web.StreamResponse]:
    """Answer one store request; ``None`` means the connection was reset on purpose."""

    method = request.method
    key = store.key_of(request.rel_url.raw_path)
    if method not in OPERATIONS:
        return error_response(
            S3Error(
                405,
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.",
            )
        )
    if key is None or not key:
        return error_response(S3Error(404, "NoSuchBucket", "The specified bucket does not exist"))
    query = dict(request.rel_url.query)
    try:
        store.verify(method, request.rel_url.raw_path, query, dict(request.headers))
    except S3Error as error:
        return error_response(error)
    if fault is not None:
        injected = fault_error(fault)
        if injected is not None:
            return error_response(injected)
    if method == "PUT":
        return await _put(request, store, key, fault)
    stored = store.get(key)
    if stored is None:
        return error_response(S3Error(404, "NoSuchKey", "The specified key does not exist."))
    return await _get(request, stored, query, fault, head=method == "HEAD")


async def _put(
    request: web.Request, store: LocalObjectStore, key: str, fault: Optional[FaultRule]
) -> Optional[web.StreamResponse]:
    from aiohttp import web

    expected = request.content_length
    if expected is None:
        return error_response(
            S3Error(411, "MissingContentLength", "You must provide the Content-Length HTTP header.")
        )
    descriptor, temp_path = store.new_temp_file()
    digest = hashlib.md5()
    received = 0
    complete = False
    try:
        with os.fdopen(descriptor, "wb") as handle:
            async for chunk in request.content.iter_chunked(CHUNK):
                received += len(chunk)
                digest.update(chunk)
                handle.write(chunk)
        complete = received == expected
    except (ConnectionError, OSError, Exception):
        complete = False
    finally:
        if not complete:
            _remove(temp_path)
    if not complete:
        return error_response(
            S3Error(
                400,
                "IncompleteBody",
                "You did not provide the number of bytes specified by the Content-Length "
                "HTTP header",
            )
        )
    etag = f'"{digest.hexdigest()}"'
    kept = {
        name: value
        for name, value in request.headers.items()
        if name.lower() in _KEPT_HEADERS or name.lower().startswith("x-amz-meta-")
    }
    store.commit(key, temp_path, size=received, etag=etag, headers=kept)
    if fault is not None and fault.kind in (Fault.RESET_BEFORE_RESPONSE, Fault.RESET_MID_BODY):
        return None
    return web.Response(status=200, headers={"ETag": etag, "x-amz-request-id": new_id()[:16]})


async def _get(
    request: web.Request,
    stored: StoredObject,
    query: dict[str, str],
    fault: Optional[FaultRule],
    *,
    head: bool,
) -> Optional[web.StreamResponse]:
    from aiohttp import web

    if fault is not None and fault.kind is Fault.RESET_BEFORE_RESPONSE:
        return None
    start, end = 0, stored.size - 1
    status = 200
    range_header = request.headers.get("Range")
    if range_header and stored.size > 0:
        parsed = _parse_range(range_header, stored.size)
        if parsed is None:
            return error_response(
                S3Error(416, "InvalidRange", "The requested range is not satisfiable")
            )
        start, end = parsed
        status = 206
    length = max(0, end - start + 1)
    headers = {
        "ETag": stored.etag,
        "Accept-Ranges": "bytes",
        "Last-Modified": _http_date(stored.modified),
        "x-amz-request-id": new_id()[:16],
    }
    for name, value in stored.headers.items():
        headers[name] = value
    headers.setdefault("Content-Type", "binary/octet-stream")
    disposition = query.get("response-content-disposition")
    if disposition:
        headers["Content-Disposition"] = disposition
    if status == 206:
        headers["Content-Range"] = f"bytes {start}-{end}/{stored.size}"
    response = web.StreamResponse(status=status, headers=headers)
    response.content_length = length
    await response.prepare(request)
    if head:
        await response.write_eof()
        return response
    cut = fault is not None and fault.kind in (Fault.TRUNCATE_DOWNLOAD, Fault.RESET_MID_BODY)
    limit = length // 2 if cut else length
    sent = 0
    with open(stored.path, "rb") as handle:
        handle.seek(start)
        while sent < limit:
            chunk = handle.read(min(CHUNK, limit - sent))
            if not chunk:
                break
            await response.write(chunk)
            sent += len(chunk)
    if cut:
        return None
    await response.write_eof()
    return response


def _parse_range(header: str, size: int) -> Optional[tuple[int, int]]:
    if not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[len("bytes=") :].partition("-")
    try:
        if not first:
            suffix = int(last)
            if suffix <= 0:
                return None
            return max(0, size - suffix), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return None
    return start, min(end, size - 1)


def _http_date(epoch: float) -> str:
    from email.utils import formatdate

    return formatdate(epoch, usegmt=True)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)
