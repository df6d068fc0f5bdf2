"""Dispatch of the participant and Connect admin APIs: route, faults, validation, answer.

The order follows a service behind API Gateway: unknown route (403
MissingAuthenticationToken), body size (413), injected faults, missing bearer
(AccessDenied), model validation (ValidationException), then the operation.
Errors carry ``x-amzn-ErrorType`` and a ``{"Message": ...}`` body with the
modeled status, so botocore raises the modeled exceptions.

Examples
--------
>>> error_headers("ThrottlingException")["x-amzn-ErrorType"]
'ThrottlingException'
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any, Optional

from boto3_connectparticipant_ext.emulator import _connect_api, _participant_api
from boto3_connectparticipant_ext.emulator._faults import (
    QUOTA_OPERATION,
    Fault,
    FaultRegistry,
    FaultRule,
)
from boto3_connectparticipant_ext.emulator._ids import new_id
from boto3_connectparticipant_ext.emulator._service_errors import (
    ServiceError,
    access_denied,
    missing_authentication_token,
)
from boto3_connectparticipant_ext.emulator._validation import (
    CONNECT,
    PARTICIPANT,
    Route,
    RouteTable,
    request_params,
    validate,
)

if TYPE_CHECKING:
    from aiohttp import web


class Reset(Exception):
    """The connection was reset on purpose; nothing more is sent."""


def error_headers(code: str) -> dict[str, str]:
    return {
        "x-amzn-ErrorType": code,
        "x-amzn-RequestId": new_id(),
        "Content-Type": "application/json",
    }


def error_response(error: ServiceError) -> web.Response:
    from aiohttp import web

    return web.Response(
        status=error.status,
        body=json.dumps(error.body()).encode("utf-8"),
        headers=error_headers(error.code),
    )


class ApiDispatcher:
    """Answers participant and Connect admin requests."""

    def __init__(
        self,
        *,
        routes: RouteTable,
        faults: FaultRegistry,
        participant_context: _participant_api.ParticipantContext,
        connect_context: _connect_api.ConnectContext,
    ) -> None:
        self._routes = routes
        self._faults = faults
        self._participant = participant_context
        self._connect = connect_context

    def route_of(self, method: str, raw_path: str) -> Optional[tuple[Route, dict[str, str]]]:
        return self._routes.match(method, raw_path)

    async def answer(
        self, request: web.Request, route: Route, labels: dict[str, str], body: bytes
    ) -> web.StreamResponse:
        """Answer one API request; raises :class:`Reset` after resetting the connection."""
        operation = route.operation
        name = route.name
        is_participant = route.service == PARTICIPANT
        params: dict[str, Any] = {}
        try:
            params = request_params(
                operation,
                headers=request.headers,
                uri_params=labels,
                query=request.rel_url.query,
                body=body,
            )
        except ServiceError as error:
            parse_error: Optional[ServiceError] = error
        else:
            parse_error = None
        participant_id = (
            _participant_api.participant_id_of(self._participant, name, params)
            if is_participant and parse_error is None
            else None
        )
        fault = self._faults.take_http(
            name, participant_operation=is_participant, participant_id=participant_id
        )
        try:
            if fault is not None:
                await self._apply_early_fault(fault, is_participant)
            if parse_error is not None:
                raise parse_error
            document = self._call(route, params, request)
        except ServiceError as error:
            return error_response(error)
        return await self._respond(request, document, fault)

    async def _apply_early_fault(self, fault: FaultRule, is_participant: bool) -> None:
        if fault.kind is Fault.LATENCY:
            await asyncio.sleep(fault.seconds)
        elif fault.kind is Fault.THROTTLE:
            raise ServiceError("ThrottlingException", "Rate exceeded")
        elif fault.kind is Fault.INTERNAL_ERROR:
            code = "InternalServerException" if is_participant else "InternalServiceException"
            raise ServiceError(code, "An internal error occurred")

    def _call(self, route: Route, params: dict[str, Any], request: web.Request) -> dict[str, Any]:
        name = route.name
        if route.service == CONNECT:
            if "Authorization" not in request.headers and "X-Amz-Credential" not in request.query:
                raise missing_authentication_token()
            validate(params, route.operation.input_shape, code="InvalidParameterException")
            if name == QUOTA_OPERATION and self._faults.take_quota(self._active_chats):
                raise ServiceError("LimitExceededException", "The concurrent chat quota is reached")
            connect_handler = _connect_api.HANDLERS.get(name)
            if connect_handler is None:
                raise ServiceError(
                    "InvalidRequestException", f"{name} is not supported by the emulator"
                )
            return connect_handler(self._connect, params)
        bearer_member = (
            "ParticipantToken" if name == "CreateParticipantConnection" else "ConnectionToken"
        )
        if not params.get(bearer_member):
            raise access_denied()
        validate(params, route.operation.input_shape)
        return _participant_api.HANDLERS[name](self._participant, params)

    def _active_chats(self) -> int:
        return sum(1 for contact in self._connect.state.contacts.values() if contact.active)

    async def _respond(
        self, request: web.Request, document: dict[str, Any], fault: Optional[FaultRule]
    ) -> web.StreamResponse:
        from aiohttp import web

        body = json.dumps(document).encode("utf-8")
        headers = {"Content-Type": "application/json", "x-amzn-RequestId": new_id()}
        if fault is not None and fault.kind is Fault.RESET_BEFORE_RESPONSE:
            _abort(request)
            raise Reset()
        if fault is not None and fault.kind is Fault.RESET_MID_BODY:
            response = web.StreamResponse(status=200, headers=headers)
            response.content_length = len(body)
            await response.prepare(request)
            await response.write(body[: max(1, len(body) // 2)])
            _abort(request)
            raise Reset()
        return web.Response(status=200, body=body, headers=headers)


def _abort(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.abort()
