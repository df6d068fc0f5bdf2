"""Request routing and validation against the service models.

The participant model is the one this package ships in ``data/`` (one source of
truth); the Connect admin model is botocore's own. A wire request is turned
into the parameters botocore would have built (headers, URI labels, query
string, JSON body) and checked with botocore's ``ParamValidator`` plus the
constraints botocore leaves to the service (maximum lengths and values, enum
membership), with the service's message style.

Examples
--------
>>> routes = RouteTable.for_services()
>>> routes.match("POST", "/participant/message")[0].name
'SendMessage'
>>> routes.match("GET", "/participant/views/abc")[1]
{'ViewToken': 'abc'}
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Sized
from typing import Any, Optional
from urllib.parse import unquote

from boto3_connectparticipant_ext.emulator._service_errors import ServiceError, validation

PARTICIPANT = "connectparticipant"
CONNECT = "connect"


@dataclasses.dataclass(frozen=True)
class Route:
    service: str
    operation: Any  # botocore.model.OperationModel
    method: str
    pattern: Optional[re.Pattern[str]]

    @property
    def name(self) -> str:
        return str(self.operation.name)


class RouteTable:
    """Finds the operation a method and path belong to."""

    def __init__(self, service_models: dict[str, Any]) -> None:
        self._static: dict[tuple[str, str], Route] = {}
        self._templated: list[Route] = []
        self._known_paths: set[str] = set()
        self.operations: dict[str, Route] = {}
        for service, service_model in service_models.items():
            for name in service_model.operation_names:
                operation = service_model.operation_model(name)
                http = operation.http
                method = http["method"].upper()
                uri = http["requestUri"].split("?", 1)[0]
                if "{" in uri:
                    route = Route(service, operation, method, _compile(uri))
                    self._templated.append(route)
                else:
                    route = Route(service, operation, method, None)
                    self._static[(method, uri)] = route
                    self._known_paths.add(uri)
                self.operations.setdefault(name, route)

    @classmethod
    def for_services(cls) -> RouteTable:
        return cls({PARTICIPANT: participant_model(), CONNECT: connect_model()})

    def match(self, method: str, path: str) -> Optional[tuple[Route, dict[str, str]]]:
        route = self._static.get((method, path))
        if route is not None:
            return route, {}
        for route in self._templated:
            if route.method != method or route.pattern is None:
                continue
            found = route.pattern.fullmatch(path)
            if found is not None:
                return route, {key: unquote(value) for key, value in found.groupdict().items()}
        return None


def _compile(uri: str) -> re.Pattern[str]:
    pattern = ""
    for piece in re.split(r"(\{[^}]+\})", uri):
        if piece.startswith("{"):
            label = piece[1:-1]
            if label.endswith("+"):
                pattern += f"(?P<{label[:-1]}>.+)"
            else:
                pattern += f"(?P<{label}>[^/]+)"
        else:
            pattern += re.escape(piece)
    return re.compile(pattern)


@functools.lru_cache(maxsize=1)
def participant_model() -> Any:
    """The connectparticipant ServiceModel from this package's ``data/``."""
    from botocore.model import ServiceModel

    from boto3_connectparticipant_ext import model

    path = f"{model.data_path()}/connectparticipant/2018-09-07/service-2.json"
    with open(path, encoding="utf-8") as handle:
        return ServiceModel(json.load(handle), service_name=PARTICIPANT)


@functools.lru_cache(maxsize=1)
def connect_model() -> Any:
    """botocore's own Connect admin ServiceModel."""
    from botocore.loaders import create_loader
    from botocore.model import ServiceModel

    loaded = create_loader().load_service_model(CONNECT, "service-2")
    return ServiceModel(loaded, service_name=CONNECT)


def request_params(
    operation: Any,
    *,
    headers: Any,
    uri_params: dict[str, str],
    query: Any,
    body: bytes,
) -> dict[str, Any]:
    """The parameters a client sent, read back from the wire like the service does."""
    shape = operation.input_shape
    if shape is None:
        return {}
    document: Any = {}
    if body.strip():
        try:
            document = json.loads(body)
        except ValueError:
            raise ServiceError(
                "SerializationException", "Unable to parse the request body as JSON"
            ) from None
        if not isinstance(document, dict):
            raise ServiceError("SerializationException", "The request body must be a JSON object")
    params: dict[str, Any] = {}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "header":
            if wire_name in headers:
                params[name] = _scalar(headers[wire_name], member, name)
        elif location == "uri":
            if wire_name in uri_params:
                params[name] = _scalar(uri_params[wire_name], member, name)
        elif location == "querystring":
            if wire_name in query:
                params[name] = _scalar(query[wire_name], member, name)
        elif name in document:
            params[name] = document[name]
    return params


def _scalar(text: str, shape: Any, name: str) -> Any:
    if shape.type_name in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise validation(f"Value '{text}' at '{name}' must be an integer") from None
    if shape.type_name == "boolean":
        return text.lower() == "true"
    return text


def validate(params: dict[str, Any], shape: Any, *, code: str = "ValidationException") -> None:
    """Raise ``code`` (the service's validation error) naming every constraint ``params`` break."""
    if shape is None:
        return
    from botocore.validate import ParamValidator

    problems: list[str] = []
    report = ParamValidator().validate(params, shape)
    if report.has_errors():
        problems.extend(
            line.strip() for line in report.generate_report().splitlines() if line.strip()
        )
    _check_limits(params, shape, "", problems)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise ServiceError(code, f"{count} validation {noun} detected: " + "; ".join(problems))


# The shapes whose ``max`` bounds their length (lists, maps, strings), and their Python type.
_SIZED: dict[str, type[Sized]] = {"list": list, "map": dict, "string": str}


def _check_limits(value: Any, shape: Any, path: str, problems: list[str]) -> None:
    type_name = shape.type_name
    metadata = shape.metadata
    if type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                child = f"{path}.{name}" if path else name
                _check_limits(value[name], member, child, problems)
        return
    sized = _SIZED.get(type_name)
    if sized and isinstance(value, sized) and "max" in metadata and len(value) > metadata["max"]:
        problems.append(
            f"Value at '{path}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {metadata['max']}"
        )
    if type_name == "list" and isinstance(value, list):
        for index, element in enumerate(value):
            _check_limits(element, shape.member, f"{path}.{index + 1}.member", problems)
        return
    if type_name == "map" and isinstance(value, dict):
        for key, element in value.items():
            _check_limits(key, shape.key, f"{path}.key", problems)
            _check_limits(element, shape.value, f"{path}.{key}", problems)
        return
    if type_name == "string" and isinstance(value, str):
        enum = metadata.get("enum")
        if enum and value not in enum:
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(enum)}]"
            )
        return
    is_number = type_name in ("integer", "long") and isinstance(value, int)
    if is_number and "max" in metadata and value > metadata["max"]:
        problems.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: "
            f"Member must have value less than or equal to {metadata['max']}"
        )
