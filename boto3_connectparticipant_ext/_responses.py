"""``before-parse.connectparticipant`` handlers: complete bodies, parsed quickly.

Two jobs on the raw response, before botocore's parser sees it:

* a body shorter than its ``Content-Length`` raises
  :class:`~boto3_connectparticipant_ext.errors.IncompleteResponseError`
  (botocore reads bodies without enforcing their length and would parse a
  cut-off body as an empty, successful answer);
* a successful JSON body whose output shape holds only JSON-native types is
  parsed by a walker compiled once per operation from the model. It keeps
  exactly what botocore's parser keeps (model members, no ``null`` values) at a
  fraction of its per-item cost, which dominates long transcript walks. Any
  shape with timestamps, blobs, floats, header or payload members, or renamed
  JSON keys is left to botocore.

The ``before-parse`` event exists from botocore 1.35.16. Older releases get
the length check from ``response-received`` instead (after botocore's own
parse, so no fast path there), see :func:`check_received`.
"""

from __future__ import annotations

import json
import logging
import weakref
from typing import Any, Callable, Optional

from .errors import IncompleteResponseError
from .redact import redact_text, remember_capability_url

logger = logging.getLogger(__name__)

Walker = Callable[[Any], Any]
_NATIVE_SCALARS = frozenset({"string", "integer", "long", "boolean"})
_UNSUPPORTED = object()  # a shape the fast path must leave to botocore
_walkers: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def check_and_parse(
    response_dict: dict[str, Any],
    operation_model: Any,
    customized_response_dict: Optional[dict[str, Any]] = None,
    **_: Any,
) -> None:
    """The ``before-parse.connectparticipant`` handler."""
    body = response_dict.get("body")
    if not isinstance(body, bytes):
        return
    headers = response_dict.get("headers") or {}
    _reject_truncated(body, headers, operation_model)
    learn_capability_urls(getattr(operation_model, "name", ""), body)
    status = response_dict.get("status_code", 0)
    if customized_response_dict is None or not 200 <= status < 300 or not body:
        return
    walker = _walker_for(operation_model)
    if walker is _UNSUPPORTED:
        return
    try:
        document = json.loads(body)
    except ValueError:
        return  # let botocore report the malformed body its own way
    if not isinstance(document, dict):
        return
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("Response body:\n%s", redact_text(repr(body)))
    customized_response_dict.update(walker(document))
    # botocore still parses, now an empty object: it adds ResponseMetadata.
    response_dict["body"] = b"{}"


def before_parse_is_emitted() -> bool:
    """Tell whether this botocore emits ``before-parse`` (from 1.35.16)."""
    import botocore

    parts = tuple(int(part) for part in botocore.__version__.split(".")[:3] if part.isdigit())
    return parts >= (1, 35, 16)


def check_received(
    response_dict: Optional[dict[str, Any]],
    exception: Optional[BaseException] = None,
    event_name: str = "",
    **_: Any,
) -> None:
    """The ``response-received.connectparticipant`` handler for botocore < 1.35.16."""
    if exception is not None or not response_dict:
        return
    body = response_dict.get("body")
    if isinstance(body, bytes):
        operation = event_name.rsplit(".", 1)[-1]
        _reject_truncated(body, response_dict.get("headers") or {}, operation)
        learn_capability_urls(operation, body)


#: Where each operation's answer holds a URL whose query is a capability.
CAPABILITY_URLS = {
    "StartAttachmentUpload": ("UploadMetadata", "Url"),
    "GetAttachment": ("Url",),
    "CreateParticipantConnection": ("Websocket", "Url"),
}


def learn_capability_urls(operation: str, body: bytes) -> None:
    """Let redaction know the capability URL in ``operation``'s answer, before anything logs it."""
    path = CAPABILITY_URLS.get(operation)
    if path is None:
        return
    try:
        value: Any = json.loads(body)
    except ValueError:
        return
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    remember_capability_url(value)


def _reject_truncated(body: bytes, headers: Any, operation: Any) -> None:
    declared = headers.get("content-length")
    if declared is None or not str(declared).isdigit():
        return
    if headers.get("content-encoding", "identity").lower() != "identity":
        return  # urllib3 has decoded the body: its length no longer matches
    if len(body) < int(declared):
        name = operation if isinstance(operation, str) else operation.name
        raise IncompleteResponseError(operation=name, received=len(body), expected=int(declared))


def _walker_for(operation_model: Any) -> Any:
    try:
        return _walkers[operation_model]
    except KeyError:
        pass
    shape = operation_model.output_shape
    walker = _UNSUPPORTED if shape is None else compile_walker(shape)
    _walkers[operation_model] = walker
    return walker


def compile_walker(shape: Any) -> Any:
    """Return a function turning decoded JSON into what botocore would parse.

    ``None`` in the result stands for "the value as is"; ``_UNSUPPORTED`` means
    the shape needs botocore's parser.
    """
    compiled = _compile(shape, {})
    if compiled is _UNSUPPORTED:
        return _UNSUPPORTED
    return compiled if compiled is not None else (lambda value: value)


def _compile(shape: Any, in_progress: dict[str, Any]) -> Any:
    kind = shape.type_name
    if kind in _NATIVE_SCALARS:
        return None
    if kind == "list":
        return _compile_list(shape, in_progress)
    if kind == "map":
        return _compile_map(shape, in_progress)
    if kind == "structure":
        return _compile_structure(shape, in_progress)
    return _UNSUPPORTED


def _compile_list(shape: Any, in_progress: dict[str, Any]) -> Any:
    item = _compile(shape.member, in_progress)
    if item is _UNSUPPORTED:
        return _UNSUPPORTED

    def walk_list(value: Any) -> Any:
        if item is None or not isinstance(value, list):
            return value
        return [None if element is None else item(element) for element in value]

    return walk_list


def _compile_map(shape: Any, in_progress: dict[str, Any]) -> Any:
    value_walker = _compile(shape.value, in_progress)
    if value_walker is _UNSUPPORTED or _compile(shape.key, in_progress) is not None:
        return _UNSUPPORTED

    def walk_map(value: Any) -> Any:
        if value_walker is None or not isinstance(value, dict):
            return value
        return {key: None if entry is None else value_walker(entry) for key, entry in value.items()}

    return walk_map


def _compile_structure(shape: Any, in_progress: dict[str, Any]) -> Any:
    if shape.name in in_progress:
        return _UNSUPPORTED  # recursive shapes: not in this model, not worth it
    if (
        getattr(shape, "is_document_type", False)
        or getattr(shape, "is_tagged_union", False)
        or shape.serialization.get("payload")
    ):
        return _UNSUPPORTED
    in_progress[shape.name] = True
    members: dict[str, Optional[Walker]] = {}
    for name, member in shape.members.items():
        serialization = member.serialization
        if "location" in serialization or serialization.get("name", name) != name:
            return _UNSUPPORTED
        walker = _compile(member, in_progress)
        if walker is _UNSUPPORTED:
            return _UNSUPPORTED
        members[name] = walker
    del in_progress[shape.name]

    ordered = tuple(members.items())

    def walk_structure(value: Any) -> Any:
        # Model order and no nulls, as botocore's BaseJSONParser._handle_structure.
        if not isinstance(value, dict):
            return value
        parsed = {}
        for name, walker in ordered:
            raw = value.get(name)
            if raw is not None:
                parsed[name] = raw if walker is None else walker(raw)
        return parsed

    return walk_structure
