"""CORS for web pages: the participant API, the control API and the attachment store.

AWS's browser chat client (amazon-connect-chatjs) calls the participant API and
the presigned S3 URLs straight from a web page, so both answer the browser's
CORS checks; the emulator does the same on its one endpoint.

What the emulator answers, and why (nothing here is a guess at a secret rule:
where the services' own answer is not documented, the choice is the one a
browser needs and the reason is given):

* A **preflight** (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``)
  is answered ``200`` with an empty body before any routing, authentication or
  fault, as API Gateway's CORS support and S3's ``OPTIONS object`` do: the
  preflight never reaches the integration and carries no token.
  ``Access-Control-Allow-Headers`` echoes ``Access-Control-Request-Headers``,
  as S3 does for a rule that allows every header (``AllowedHeader: *``): the
  headers a chat page sends vary by client and instance (``X-Amz-Bearer``,
  ``Content-Type``, ``x-amz-user-agent``, ``amz-sdk-invocation-id``,
  ``amz-sdk-request``, and for uploads every ``HeadersToInclude`` header:
  ``Content-Disposition``, ``x-amz-meta-*``, ``x-amz-acl``,
  ``x-amz-server-side-encryption*``, ``x-amz-expected-bucket-owner``), and a
  fixed list would refuse the next one. ``Access-Control-Allow-Methods`` lists
  what the area serves (store: ``GET, HEAD, PUT``; APIs: what their routes use).
  No ``Access-Control-Max-Age``: S3 sends one only when a bucket sets it.
* **Every answer** to a request with an ``Origin`` (success, modeled error,
  API Gateway's 403 for an unknown route, S3's XML errors, injected faults,
  downloads) carries ``Access-Control-Allow-Origin`` with that origin and
  ``Access-Control-Expose-Headers`` for what clients read from answers:
  ``x-amzn-ErrorType`` (the JavaScript SDK v3 takes the error code from it: hidden,
  a browser gets ``UnknownError``), ``x-amzn-RequestId``, ``x-amz-request-id``,
  ``ETag``, ``Content-Length``, ``Content-Range``, ``Content-Disposition``...
  The origin is echoed rather than ``*`` (S3 echoes a matched origin; ``*`` only
  for a ``*`` rule) with ``Vary: Origin`` so caches keep answers apart.
  ``Access-Control-Allow-Credentials`` is never sent: neither service uses
  cookies, and a page that asks for credentials should fail here as it would there.
* A request **without** ``Origin`` (boto3, curl, Node clients) gets no CORS
  header at all, as from S3: nothing changes for non-browser clients.
* The websocket upgrade is not a CORS request (browsers send no preflight for it).
* With ``EmulatorConfig.s3_endpoint_url`` (moto's server), presigned URLs point at
  that server: its CORS answers are its own (a bucket CORS configuration there).
* ``EmulatorConfig.cors = False`` turns all of this off (a service without CORS:
  a preflight then gets the ordinary answer for an ``OPTIONS`` request, API
  Gateway's 403 or S3's 405), for tests of a page that must fail.

Examples
--------
>>> allowed_methods("/_store/bucket/key")
'GET, HEAD, PUT'
>>> allowed_methods("/participant/message")
'GET, POST'
>>> "x-amzn-ErrorType" in EXPOSED_HEADERS
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from boto3_connectparticipant_ext.emulator._store import STORE_PREFIX

if TYPE_CHECKING:
    from aiohttp import web

CONTROL_PREFIX = "/_emulator/"
#: ``RecordedRequest.operation`` of a preflight (recorded like the requests it precedes).
PREFLIGHT_OPERATION = "CORSPreflight"

#: Response headers a page may read (everything else stays hidden from scripts).
EXPOSED_HEADERS = ", ".join(
    (
        "x-amzn-ErrorType",
        "x-amzn-RequestId",
        "x-amz-apigw-id",
        "x-amz-request-id",
        "x-amz-id-2",
        "x-amz-version-id",
        "ETag",
        "Date",
        "Content-Length",
        "Content-Range",
        "Content-Disposition",
        "Content-Encoding",
        "Last-Modified",
        "Accept-Ranges",
    )
)

# The participant API uses POST (and GET for DescribeView); the Connect admin API
# also uses PUT and DELETE on some of its routes.
_PARTICIPANT_METHODS = "GET, POST"
_CONNECT_ADMIN_METHODS = "GET, POST, PUT, DELETE"
_STORE_METHODS = "GET, HEAD, PUT"
_CONTROL_METHODS = "GET, POST, PUT, PATCH, DELETE"


def allowed_methods(raw_path: str) -> str:
    """The methods a preflight may ask for on ``raw_path``."""
    if raw_path.startswith(STORE_PREFIX):
        return _STORE_METHODS
    if raw_path.startswith(CONTROL_PREFIX):
        return _CONTROL_METHODS
    if raw_path.startswith("/participant/"):
        return _PARTICIPANT_METHODS
    return _CONNECT_ADMIN_METHODS


def is_preflight(request: web.Request) -> bool:
    """An ``OPTIONS`` request that a browser sends before a cross-origin call."""
    headers = request.headers
    return (
        request.method == "OPTIONS"
        and "Origin" in headers
        and "Access-Control-Request-Method" in headers
    )


def preflight_response(request: web.Request) -> web.Response:
    """The ``200`` answer to a preflight (``Access-Control-Allow-Origin`` is added on prepare)."""
    from aiohttp import web

    headers = {
        "Access-Control-Allow-Methods": allowed_methods(request.rel_url.raw_path),
        "Content-Length": "0",
    }
    requested = request.headers.get("Access-Control-Request-Headers", "").strip()
    if requested:
        headers["Access-Control-Allow-Headers"] = requested
    return web.Response(status=200, headers=headers)


def add_cors_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Give an answer to a cross-origin request the headers a browser checks.

    Called from aiohttp's ``on_response_prepare`` signal, so it reaches every
    answer, streamed downloads and error answers included, before its headers go out.
    """
    origin = request.headers.get("Origin")
    if origin is None or response.status == 101:
        return
    headers = response.headers
    headers["Access-Control-Allow-Origin"] = origin
    headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    vary = headers.get("Vary")
    if vary is None:
        headers["Vary"] = "Origin"
    elif "origin" not in vary.lower():
        headers["Vary"] = f"{vary}, Origin"
