"""The control API over HTTP (JSON) under ``/_emulator/``, for out-of-process use.

Routes (JSON bodies and answers):

* ``GET /_emulator/health``: instance id, contact flow id, region
* ``POST /_emulator/chats`` ``{display_name, initial_message, supported_content_types}``:
  like StartChatContact
* ``POST|GET /_emulator/contacts/{contact}/participants`` ``{role, display_name}``
* ``POST /_emulator/contacts/{contact}/participants/{participant}/disconnect``
* ``POST /_emulator/contacts/{contact}/messages`` ``{participant_id, content, content_type}``
* ``POST /_emulator/contacts/{contact}/events`` ``{participant_id, content_type, content}``
* ``POST /_emulator/contacts/{contact}/service-events`` ``{event, participant_id, content}``:
  an event the service writes (``participant.idle``, ``transfer.succeeded``...)
* ``POST /_emulator/contacts/{contact}/bot-messages`` ``{chunks, participant_id, display_name}``:
  a bot message streamed in chunks
* ``POST /_emulator/contacts/{contact}/end``: like StopContact
* ``POST /_emulator/contacts/{contact}/authentication``: ``{"SessionId"}``
* ``GET /_emulator/contacts/{contact}/transcript``: every item, oldest first
* ``GET /_emulator/requests``, ``GET /_emulator/frames``, ``DELETE /_emulator/records``
  (secrets masked)
* ``GET|POST|DELETE /_emulator/faults`` ``{kind, operation, participant_id, count, seconds, limit}``
* ``GET|PATCH /_emulator/config``: the JSON fields of EmulatorConfig
* ``POST /_emulator/clock`` ``{"advance": seconds}``: move the emulator's clock
  forward (answers ``{"offset": total seconds advanced}``)
* ``PUT /_emulator/views/{view_token}``: a View document for DescribeView
* ``GET /_emulator/authenticate/{session}?redirect_uri=...``: 302 to ``redirect_uri``

Errors answer ``{"error": <code>, "message": ...}`` with the status the service
would use (or 400 for a bad control argument, 404 for an unknown path).

Examples
--------
>>> _split("/_emulator/contacts/abc/transcript")
['contacts', 'abc', 'transcript']
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import unquote

from boto3_connectparticipant_ext.emulator._control import Controller
from boto3_connectparticipant_ext.emulator._faults import Fault
from boto3_connectparticipant_ext.emulator.config import EmulatorConfig
from boto3_connectparticipant_ext.emulator.errors import EmulatorError, EmulatorOperationError

if TYPE_CHECKING:
    from aiohttp import web

_PREFIX = "/_emulator/"


class _NotFound(Exception):
    pass


class _BadRequest(Exception):
    pass


def _split(raw_path: str) -> list[str]:
    return [unquote(part) for part in raw_path[len(_PREFIX) :].split("/") if part]


class ControlHttpApi:
    def __init__(self, controller: Controller, config: EmulatorConfig) -> None:
        self._controller = controller
        self._config = config

    async def handle(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        try:
            body = await self._body(request)
            answer = self._route(request, _split(request.rel_url.raw_path), body)
        except _NotFound as error:
            return _json({"error": "NotFound", "message": str(error)}, 404)
        except _BadRequest as error:
            return _json({"error": "BadRequest", "message": str(error)}, 400)
        except EmulatorOperationError as error:
            return _json({"error": error.code, "message": error.message}, error.status)
        except EmulatorError as error:
            return _json({"error": type(error).__name__, "message": str(error)}, 400)
        if isinstance(answer, web.StreamResponse):
            return answer
        return _json(answer, 200)

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if (
            request.content_length is not None
            and request.content_length > self._config.max_request_bytes
        ):
            raise _BadRequest("request body too large")
        raw = await request.read() if request.can_read_body else b""
        if not raw.strip():
            return {}
        try:
            decoded = json.loads(raw)
        except ValueError:
            raise _BadRequest("the body must be JSON") from None
        if not isinstance(decoded, dict):
            raise _BadRequest("the body must be a JSON object")
        return decoded

    def _route(self, request: web.Request, parts: list[str], body: dict[str, Any]) -> Any:
        method = request.method
        control = self._controller
        if parts == ["health"] and method == "GET":
            return {
                "instance_id": self._config.instance_id,
                "contact_flow_id": self._config.contact_flow_id,
                "region": self._config.region,
            }
        if parts == ["chats"] and method == "POST":
            types = body.get("supported_content_types")
            if types is not None and not (
                isinstance(types, list) and all(isinstance(t, str) for t in types)
            ):
                raise _BadRequest("supported_content_types must be a list of strings")
            return control.start_chat(
                display_name=_text(body, "display_name", "Customer"),
                initial_message=_optional_text(body, "initial_message"),
                supported_content_types=types,
            )
        if len(parts) >= 3 and parts[0] == "contacts":
            return self._contact_route(method, parts[1], parts[2:], body)
        if parts == ["requests"] and method == "GET":
            return [record.to_json() for record in control.requests()]
        if parts == ["frames"] and method == "GET":
            return [record.to_json() for record in control.frames()]
        if parts == ["records"] and method == "DELETE":
            control.clear_records()
            return {}
        if parts == ["faults"]:
            return self._faults_route(method, body)
        if parts == ["config"]:
            if method == "PATCH":
                self._config.update(**_config_changes(body))
            elif method != "GET":
                raise _NotFound(f"{method} /_emulator/config")
            return self._config.to_json()
        if parts == ["clock"] and method == "POST":
            seconds = body.get("advance")
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
                raise _BadRequest("advance must be a number of seconds")
            return {"offset": control.advance_clock(seconds)}
        if len(parts) == 2 and parts[0] == "views" and method == "PUT":
            control.register_view(parts[1], body)
            return {}
        if len(parts) == 2 and parts[0] == "authenticate" and method == "GET":
            return _redirect(request.rel_url.query.get("redirect_uri"))
        raise _NotFound(f"{method} {request.rel_url.raw_path}")

    def _contact_route(
        self, method: str, contact_id: str, rest: list[str], body: dict[str, Any]
    ) -> Any:
        control = self._controller
        if rest == ["participants"]:
            if method == "POST":
                return control.add_participant(
                    contact_id,
                    role=_text(body, "role", "AGENT"),
                    display_name=_optional_text(body, "display_name"),
                )
            if method == "GET":
                return control.participants(contact_id)
        is_disconnect = len(rest) == 3 and rest[0] == "participants" and rest[2] == "disconnect"
        if is_disconnect and method == "POST":
            control.disconnect_participant(contact_id, rest[1])
            return {}
        if rest == ["messages"] and method == "POST":
            message_id = control.send_message(
                contact_id,
                _text(body, "participant_id"),
                _text(body, "content"),
                content_type=_text(body, "content_type", "text/plain"),
            )
            return {"Id": message_id}
        if rest == ["events"] and method == "POST":
            event_id = control.send_event(
                contact_id,
                _text(body, "participant_id"),
                _text(body, "content_type"),
                _optional_text(body, "content"),
            )
            return {"Id": event_id}
        if rest == ["service-events"] and method == "POST":
            event_id = control.emit_event(
                contact_id,
                _text(body, "event"),
                participant_id=_optional_text(body, "participant_id"),
                content=_optional_text(body, "content"),
            )
            return {"Id": event_id}
        if rest == ["bot-messages"] and method == "POST":
            chunks = body.get("chunks")
            if not isinstance(chunks, list):
                raise _BadRequest("chunks must be a list of strings")
            message_id = control.stream_bot_message(
                contact_id,
                chunks,
                participant_id=_optional_text(body, "participant_id"),
                display_name=_text(body, "display_name", "BOT"),
            )
            return {"Id": message_id}
        if rest == ["end"] and method == "POST":
            control.end_contact(contact_id)
            return {}
        if rest == ["authentication"] and method == "POST":
            return {"SessionId": control.start_authentication(contact_id)}
        if rest == ["transcript"] and method == "GET":
            return control.transcript(contact_id)
        raise _NotFound(f"{method} contacts/{contact_id}/{'/'.join(rest)}")

    def _faults_route(self, method: str, body: dict[str, Any]) -> Any:
        control = self._controller
        if method == "GET":
            return [rule.to_json() for rule in control.faults.pending()]
        if method == "DELETE":
            control.clear_faults()
            return {}
        if method != "POST":
            raise _NotFound(f"{method} /_emulator/faults")
        try:
            kind = Fault(_text(body, "kind"))
        except ValueError:
            raise _BadRequest(
                f"unknown fault kind; use one of {[f.value for f in Fault]}"
            ) from None
        count = body.get("count", 1)
        if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
            raise _BadRequest("count must be an integer or null")
        seconds = body.get("seconds", 0.0)
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
            raise _BadRequest("seconds must be a number")
        limit = body.get("limit")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)):
            raise _BadRequest("limit must be an integer or null")
        rule = control.inject_fault(
            kind,
            operation=_optional_text(body, "operation"),
            participant_id=_optional_text(body, "participant_id"),
            count=count,
            seconds=seconds,
            limit=limit,
        )
        return rule.to_json()


def _text(body: dict[str, Any], name: str, default: Optional[str] = None) -> str:
    value = body.get(name, default)
    if not isinstance(value, str):
        raise _BadRequest(f"{name} must be a string")
    return value


def _optional_text(body: dict[str, Any], name: str) -> Optional[str]:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise _BadRequest(f"{name} must be a string")
    return value


def _config_changes(body: dict[str, Any]) -> dict[str, Any]:
    changes = dict(body)
    if "allowed_attachment_extensions" in changes:
        extensions = changes["allowed_attachment_extensions"]
        if not isinstance(extensions, list):
            raise _BadRequest("allowed_attachment_extensions must be a list")
        changes["allowed_attachment_extensions"] = frozenset(extensions)
    if "scan_rule" in changes:
        raise _BadRequest("scan_rule can only be set from Python")
    return changes


def _json(document: Any, status: int) -> web.Response:
    from aiohttp import web

    return web.Response(
        status=status,
        body=json.dumps(document).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )


def _redirect(target: Optional[str]) -> web.StreamResponse:
    from aiohttp import web

    if not target:
        raise _BadRequest("redirect_uri is required")
    return web.Response(status=302, headers={"Location": target})
