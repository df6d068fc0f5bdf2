"""aiohttp's connection handler made quiet: no request content in an error answer or a log line.

aiohttp answers a request it cannot parse (a header line over its limit, a bad
header, a bad method) itself, before the emulator sees it: its answer text is the
parser's message, which quotes the start of the offending line ("Got more than
8190 bytes when reading: b'X-Amz-Bearer: ...'"), and it logs the same text with a
traceback on ``aiohttp.server``. A long token would leak into the client's error
(and from there into a CLI's stderr) and into the server log.

So the emulator's handler (:func:`quiet_server`):

* answers every error with a fixed text naming only the status
  (``431 Request Header Fields Too Large`` for a header line over the limit,
  ``400 Bad Request`` for any other unparsable request, ``500 Internal Server
  Error``), never the parser's message;
* logs only the exception's type (parse errors at DEBUG, as they are the
  client's) on the emulator's logger, never a message or a traceback.

Limits (:data:`HANDLER_LIMITS`): a header line or field may hold up to 16 KiB,
above aiohttp's default of 8,190 bytes. Amazon API Gateway, which fronts AWS
service APIs, documents 10,240 bytes for the request line and header values
together; the emulator is never stricter, so anything a service would take
passes, and only larger lines are refused (status 431, the HTTP status for
header fields too large: which status the service itself gives is not
documented).

Examples
--------
>>> HANDLER_LIMITS["max_field_size"]
16384
>>> _fixed_text(431)
'431 Request Header Fields Too Large'
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, Optional

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError, LineTooLong
from aiohttp.web_protocol import RequestHandler

from boto3_connectparticipant_ext.redact import describe_error

_LOG = logging.getLogger("boto3_connectparticipant_ext.emulator")

HANDLER_LIMITS = {"max_line_size": 16384, "max_field_size": 16384}
"""aiohttp ``RequestHandler`` options (given to ``web.AppRunner``)."""


def _fixed_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


class _QuietHandler(RequestHandler):
    __slots__ = ()

    def log_exception(self, *args: Any, **kwargs: Any) -> None:
        error = kwargs.get("exc_info")
        described = describe_error(error) if isinstance(error, BaseException) else "no exception"
        _LOG.error("emulator: connection handler failed (%s)", described)

    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: Optional[BaseException] = None,
        message: Optional[str] = None,
    ) -> web.StreamResponse:
        if isinstance(exc, HttpProcessingError):
            # Only the type: the parser's message quotes the request's bytes.
            _LOG.debug("emulator: unparsable request refused (%s)", type(exc).__name__)
            if isinstance(exc, LineTooLong):
                status = HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
        else:
            self.log_exception("request failed", exc_info=exc)
        if request.writer.output_size > 0:
            raise ConnectionError("the answer was already started; the connection is closed")
        response = web.Response(status=status, text=_fixed_text(status) + "\n")
        response.force_close()
        return response


class _QuietServer(web.Server):
    __slots__ = ()

    def __call__(self) -> RequestHandler:
        handler = super().__call__()
        handler.__class__ = _QuietHandler
        return handler


def quiet_server(server: web.Server) -> None:
    """Make ``server`` (an ``AppRunner``'s, after ``setup()``) create quiet handlers."""
    server.__class__ = _QuietServer
