"""Keep bearer tokens, connection tokens and presigned URLs out of logs and text.

botocore's DEBUG logging prints request headers (``X-Amz-Bearer``), response
bodies (the ``ConnectionToken`` of CreateParticipantConnection) and URLs whose
query string is a credential (presigned attachment URLs, websocket URLs).
:func:`redact_text` removes those secrets from any text; a log-record factory
applies it to every log record as it is made.

When log records are redacted: the factory is process-wide, so only two
things turn it on: ``install()`` (off again at ``uninstall()``), or an
explicit :func:`start_redacting_logs` (off again at
:func:`stop_redacting_logs`) for code that uses chat sessions, transfers or
the helpers without installing the plugin. Creating a chat session, a client
or a transfer does not change logging.

URLs are redacted by role, not only by parameter name: the whole query (and
any userinfo) of every URL the service hands out (StartAttachmentUpload's
``UploadMetadata.Url``, GetAttachment's ``Url``, CreateParticipantConnection's
``Websocket.Url``) is a capability, whatever its parameter names (another
store's signing scheme, a proxy's). The package learns those URLs as it
receives them (:func:`remember_capability_url`; the newest
:data:`MAX_REMEMBERED_URLS` are kept) and redacts their query wherever it
appears, in full URLs, in ``/path?query`` request lines, in reprs. Any ``Url``
key's query and the name-based rules below stay as the fallback.

Set the environment variable ``BOTO3_CONNECTPARTICIPANT_EXT_LOG_SECRETS=1``
(or call ``install(redact_logs=False)``) to see secrets in logs while
debugging; it is off by default.

Examples
--------
>>> redact_text("{'X-Amz-Bearer': b'eyJhbGciOi'}")
"{'X-Amz-Bearer': b'<redacted>'}"
>>> redact_text("GET /file?X-Amz-Signature=abc123&x=1")
'GET /file?X-Amz-Signature=<redacted>&x=1'
"""

from __future__ import annotations

import logging
import os
import re
import threading
import traceback
from collections import OrderedDict
from typing import Any, Callable
from urllib.parse import urlsplit

LOG_SECRETS_ENV = "BOTO3_CONNECTPARTICIPANT_EXT_LOG_SECRETS"
REDACTED = "<redacted>"

# Names whose value is a secret, as a header, a JSON key or a dict key.
_SECRET_KEYS = (
    "X-Amz-Bearer",
    "ConnectionToken",
    "ParticipantToken",
    "AuthToken",
    "Authorization",
    "X-Amz-Security-Token",
    "aws_session_token",
    "aws_secret_access_key",
)
# Query-string parameters that make a URL a credential.
_SECRET_QUERY_PARAMS = (
    "X-Amz-Signature",
    "X-Amz-Credential",
    "X-Amz-Security-Token",
    "Signature",
    "AuthToken",
    "token",
)
# Cheap pre-check: text without any of these needs no regular expression.
_MARKERS = tuple(
    {key.lower() for key in _SECRET_KEYS}
    | {param.lower() for param in _SECRET_QUERY_PARAMS}
    | {"ws://", "wss://"}
)

MAX_REMEMBERED_URLS = 128

_QUOTE = r"""(?:\\*["'])"""
# A bytes repr's ``b`` only when a quote follows (so "Bearer" keeps its B).
_BYTES_PREFIX = rf"(?:b(?={_QUOTE}))?"
_SEPARATOR = rf"{_QUOTE}?\s*[:=]\s*{_BYTES_PREFIX}{_QUOTE}?"
# Authorization values hold a scheme and several parts: the whole value goes.
_AUTHORIZATION = re.compile(
    rf"""(?P<prefix>{_QUOTE}?Authorization{_SEPARATOR})(?P<value>[^"'\\\r\n]+)""",
    re.IGNORECASE,
)
_KEY_VALUE = re.compile(
    rf"(?P<prefix>{_QUOTE}?(?:{'|'.join(map(re.escape, _SECRET_KEYS))}){_SEPARATOR})"
    r"""(?P<value>[^"'\\\s,}&)]+)""",
    re.IGNORECASE,
)
_QUERY_VALUE = re.compile(
    rf"(?P<prefix>(?:[?&;]|\\u0026)(?:{'|'.join(map(re.escape, _SECRET_QUERY_PARAMS))})=)"
    r"""(?P<value>[^&\s"'\\]+)""",
    re.IGNORECASE,
)
# botocore's ParamValidationError: "Invalid type for parameter ConnectionToken, value: b'...',
# (then the type and the valid types)"; the value is any repr, so all up to the next field goes.
_PARAMETER_VALUE = re.compile(
    rf"(?P<prefix>parameter\s+(?:[\w.\[\]]*\.)?(?:{'|'.join(map(re.escape, _SECRET_KEYS))})"
    r"(?:\[\d+\])?,\s*value:\s*)(?P<value>.*?)(?=,\s*(?:type|valid)\b|$)",
    re.IGNORECASE | re.MULTILINE,
)
# Any ``Url`` key (the service's name for every capability URL it hands out).
_URL_KEY_QUERY = re.compile(
    rf"""(?P<prefix>{_QUOTE}Url{_QUOTE}\s*:\s*{_BYTES_PREFIX}{_QUOTE}[^"'\s?\\]*\?)"""
    r"""(?P<value>(?:[^"'\s\\]|\\+u[0-9a-fA-F]{4}|\\+/)+)"""
)
# A query as it appears after ``?`` in a URL, a request line or a repr.
_ANY_QUERY = re.compile(r"""\?([^\s"'<>\\]+)""")
_QUERY_TAIL = "),.;]"
_WEBSOCKET_QUERY = re.compile(r"""(?P<prefix>\bwss?://[^\s"'?]*\?)(?P<value>[^\s"'\\]+)""")


def redact_text(text: str) -> str:
    """Return ``text`` with every token and presigned-URL credential replaced.

    Examples
    --------
    >>> redact_text('{"ConnectionToken":"QVFJREFIaG"}')
    '{"ConnectionToken":"<redacted>"}'
    >>> redact_text("wss://host/path?AuthToken=abc&x=1")
    'wss://host/path?<redacted>'
    """
    learned = _learned
    if learned.queries and "?" in text:
        text = _ANY_QUERY.sub(lambda m: _learned_query(m, learned.queries), text)
    for userinfo in learned.userinfos:
        if userinfo in text:
            text = text.replace(userinfo, REDACTED + "@")
    if "Url" in text:  # the service's name for every capability URL it hands out
        text = _URL_KEY_QUERY.sub(lambda m: m["prefix"] + REDACTED, text)
    lowered = text.lower()
    if not any(marker in lowered for marker in _MARKERS):
        return text
    text = _WEBSOCKET_QUERY.sub(lambda m: m["prefix"] + REDACTED, text)
    if "value:" in text:
        text = _PARAMETER_VALUE.sub(lambda m: m["prefix"] + REDACTED, text)
    text = _AUTHORIZATION.sub(lambda m: m["prefix"] + REDACTED, text)
    text = _KEY_VALUE.sub(lambda m: m["prefix"] + REDACTED, text)
    return _QUERY_VALUE.sub(lambda m: m["prefix"] + REDACTED, text)


def _learned_query(match: re.Match[str], queries: frozenset[str]) -> str:
    query = match[1]
    if query in queries or query.rstrip(_QUERY_TAIL) in queries:
        tail = query[len(query.rstrip(_QUERY_TAIL)) :]
        return "?" + REDACTED + tail
    return match[0]


class _Learned:
    """An immutable snapshot of the remembered capability URLs (read without a lock)."""

    def __init__(self, queries: frozenset[str], userinfos: tuple[str, ...]) -> None:
        self.queries = queries
        self.userinfos = userinfos


_learned = _Learned(frozenset(), ())
_learned_lock = threading.Lock()
_remembered: OrderedDict[str, tuple[str, str]] = OrderedDict()


def remember_capability_url(url: object) -> None:
    """Redact the query and userinfo of ``url`` wherever they appear from now on.

    Called with every URL the service hands out; the newest
    :data:`MAX_REMEMBERED_URLS` are kept (they expire within minutes anyway).

    Examples
    --------
    >>> remember_capability_url("https://store.example/k?sig=abc123&exp=9")
    >>> redact_text("PUT /k?sig=abc123&exp=9 HTTP/1.1")
    'PUT /k?<redacted> HTTP/1.1'
    """
    global _learned
    if not isinstance(url, str) or not url:
        return
    parts = urlsplit(url)
    query = parts.query
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    if not query and not userinfo:
        return
    with _learned_lock:
        _remembered[url] = (query, userinfo)
        _remembered.move_to_end(url)
        while len(_remembered) > MAX_REMEMBERED_URLS:
            _remembered.popitem(last=False)
        values = list(_remembered.values())
        _learned = _Learned(
            frozenset(query for query, _ in values if query),
            tuple(sorted({userinfo + "@" for _, userinfo in values if userinfo}, key=len)[::-1]),
        )


def describe_error(error: BaseException, *, limit: int = 300) -> str:
    """Return ``Type: message`` for ``error`` on one line, redacted, at most ``limit`` characters.

    Examples
    --------
    >>> describe_error(ValueError("bad ConnectionToken=abc"))
    'ValueError: bad ConnectionToken=<redacted>'
    """
    return redact_text(f"{type(error).__name__}: {error}")[:limit]


def mask(secret: str | None) -> str:
    """Return a stand-in for ``secret`` that is safe in reprs and messages.

    Examples
    --------
    >>> mask("abcdef")
    '<redacted:6 chars>'
    >>> mask(None)
    'None'
    """
    if secret is None:
        return "None"
    return f"<redacted:{len(secret)} chars>"


def secrets_allowed_in_logs() -> bool:
    """Tell whether the documented debugging opt-out is set in the environment."""
    return os.environ.get(LOG_SECRETS_ENV, "").strip().lower() in {"1", "true", "yes"}


RecordFactory = Callable[..., logging.LogRecord]


class _RedactingFactory:
    """A log-record factory that redacts each record, chained to the previous one."""

    def __init__(self, previous: RecordFactory) -> None:
        self.previous = previous
        self.enabled = True

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        if self.enabled:
            _redact_record(record)
        return record


def clean_record_message(record: logging.LogRecord, clean: Callable[[str], str]) -> bool:
    """Replace ``record``'s message by ``clean(message)`` when that differs; ``False`` when the
    record is malformed (its message cannot be built: logging reports that itself).

    Examples
    --------
    >>> record = logging.LogRecord("x", logging.INFO, "f", 1, "token %s", ("s3cr3t",), None)
    >>> clean_record_message(record, lambda text: text.replace("s3cr3t", "***"))
    True
    >>> record.getMessage()
    'token ***'
    """
    try:
        message = record.getMessage()
    except Exception:
        return False
    cleaned = clean(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None
    return True


def _redact_record(record: logging.LogRecord) -> None:
    if not clean_record_message(record, redact_text):
        return
    if record.exc_info and record.exc_info[0] is not None:
        formatted = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        record.exc_text = redact_text(formatted)


_factory_lock = threading.Lock()
_active_factory: _RedactingFactory | None = None


def start_redacting_logs() -> None:
    """Redact every log record made from now on (idempotent)."""
    global _active_factory
    with _factory_lock:
        if _active_factory is not None:
            _active_factory.enabled = True
            return
        _active_factory = _RedactingFactory(logging.getLogRecordFactory())
        logging.setLogRecordFactory(_active_factory)


def stop_redacting_logs() -> None:
    """Undo :func:`start_redacting_logs`.

    Our factory is removed when it is still the current one; when someone else
    has chained a factory on top of ours, ours stays in the chain but disabled.
    """
    global _active_factory
    with _factory_lock:
        if _active_factory is None:
            return
        if logging.getLogRecordFactory() is _active_factory:
            logging.setLogRecordFactory(_active_factory.previous)
            _active_factory = None
        else:
            _active_factory.enabled = False


def is_redacting_logs() -> bool:
    """Tell whether log records are currently being redacted."""
    return _active_factory is not None and _active_factory.enabled
