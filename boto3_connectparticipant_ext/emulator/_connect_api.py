"""The Amazon Connect admin operations a chat needs, at their real REST paths.

Callable with a stock ``boto3.client("connect", endpoint_url=...)`` and any
credentials: a request must carry SigV4 authentication (any key), the
signature itself is not checked. Unsigned requests get API Gateway's
``MissingAuthenticationTokenException``.

Examples
--------
>>> sorted(HANDLERS)[:2]
['CreateParticipant', 'DescribeContact']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from boto3_connectparticipant_ext.emulator._chat_options import ChatOptions
from boto3_connectparticipant_ext.emulator._ids import iso_timestamp, new_id
from boto3_connectparticipant_ext.emulator._service_errors import ServiceError
from boto3_connectparticipant_ext.emulator._state import ChatState, Contact

CREATABLE_ROLES = frozenset({"AGENT", "CUSTOM_BOT"})


@dataclasses.dataclass
class ConnectContext:
    state: ChatState


Handler = Callable[[ConnectContext, dict[str, Any]], dict[str, Any]]


def _contact(ctx: ConnectContext, params: dict[str, Any]) -> Contact:
    ctx.state.require_known_instance(params["InstanceId"])
    return ctx.state.contact(params["ContactId"])


def _idempotent(
    ctx: ConnectContext,
    operation: str,
    params: dict[str, Any],
    action: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    return dict(ctx.state.idempotent("connect-admin", operation, params.get("ClientToken"), action))


def start_chat_contact(ctx: ConnectContext, params: dict[str, Any]) -> dict[str, Any]:
    persistent = params.get("PersistentChat")
    if persistent is not None and not persistent.get("SourceContactId"):
        raise ServiceError("InvalidRequestException", "PersistentChat.SourceContactId is required")

    def act() -> dict[str, Any]:
        return ctx.state.start_chat(
            display_name=params["ParticipantDetails"]["DisplayName"],
            instance_id=params["InstanceId"],
            contact_flow_id=params["ContactFlowId"],
            initial_message=params.get("InitialMessage"),
            attributes=params.get("Attributes"),
            related_contact_id=params.get("RelatedContactId"),
            source_contact_id=persistent["SourceContactId"] if persistent else None,
            options=ChatOptions.from_request(params),
        )

    return _idempotent(ctx, "StartChatContact", params, act)


def start_outbound_chat_contact(ctx: ConnectContext, params: dict[str, Any]) -> dict[str, Any]:
    def act() -> dict[str, Any]:
        details = params.get("ParticipantDetails") or {}
        answer = ctx.state.start_chat(
            display_name=details.get("DisplayName") or "Customer",
            instance_id=params["InstanceId"],
            contact_flow_id=params["ContactFlowId"],
            attributes=params.get("Attributes"),
            related_contact_id=params.get("RelatedContactId"),
            initiation_method="OUTBOUND",
            options=ChatOptions.from_request(params),
        )
        contact = ctx.state.contact(answer["ContactId"])
        system_message = params.get("InitialSystemMessage")
        if system_message:
            system = ctx.state.add_participant(
                contact, role="SYSTEM", display_name="SYSTEM_MESSAGE"
            )
            ctx.state.post_message(system, system_message["ContentType"], system_message["Content"])
        return {"ContactId": answer["ContactId"]}

    return _idempotent(ctx, "StartOutboundChatContact", params, act)


def create_participant(ctx: ConnectContext, params: dict[str, Any]) -> dict[str, Any]:
    contact = _contact(ctx, params)
    details = params["ParticipantDetails"]
    role = details.get("ParticipantRole") or "CUSTOM_BOT"
    if role not in CREATABLE_ROLES:
        raise ServiceError(
            "InvalidRequestException", f"Participant role {role} cannot be created for a chat"
        )
    if not contact.active:
        raise ServiceError("InvalidRequestException", "The contact has ended")

    def act() -> dict[str, Any]:
        participant = ctx.state.add_participant(
            contact, role=role, display_name=details.get("DisplayName") or role.title()
        )
        return {
            "ParticipantCredentials": {
                "ParticipantToken": participant.participant_token,
                "Expiry": iso_timestamp(ctx.state.clock() + ctx.state.config.participant_token_ttl),
            },
            "ParticipantId": participant.participant_id,
        }

    return _idempotent(ctx, "CreateParticipant", params, act)


def stop_contact(ctx: ConnectContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.state.require_known_instance(params["InstanceId"])
    contact = ctx.state.contacts.get(params["ContactId"])
    if contact is not None:
        ctx.state.expire_if_due(contact)
    if contact is None or not contact.active:
        raise ServiceError("ContactNotFoundException", "Contact not found or already ended")
    ctx.state.end_contact(contact)
    return {}


def describe_contact(ctx: ConnectContext, params: dict[str, Any]) -> dict[str, Any]:
    contact = _contact(ctx, params)
    config = ctx.state.config
    described: dict[str, Any] = {
        "Arn": contact.arn(config.region, config.account_id),
        "Id": contact.contact_id,
        "InitialContactId": contact.initial_contact_id,
        "InitiationMethod": contact.initiation_method,
        "Channel": contact.channel,
        "InitiationTimestamp": contact.created,
        # Never before the initiation: the newest of creation, last item and end.
        "LastUpdateTimestamp": max(contact.created, contact.last_time, contact.ended or 0.0),
    }
    if contact.ended is not None:
        described["DisconnectTimestamp"] = contact.ended
    if contact.related_contact_id:
        described["RelatedContactId"] = contact.related_contact_id
    if contact.attributes:
        described["Attributes"] = dict(contact.attributes)
    agents = [p for p in contact.participants.values() if p.role == "AGENT"]
    if agents:
        described["AgentInfo"] = {"Id": agents[0].participant_id}
    return {"Contact": described}


def start_contact_streaming(ctx: ConnectContext, params: dict[str, Any]) -> dict[str, Any]:
    contact = _contact(ctx, params)
    if not contact.active:
        raise ServiceError("InvalidRequestException", "The contact has ended")

    def act() -> dict[str, Any]:
        streaming_id = new_id()
        configuration = dict(params["ChatStreamingConfiguration"])
        contact.streaming[streaming_id] = configuration
        contact.streaming_endpoint_arn = configuration.get("StreamingEndpointArn")
        return {"StreamingId": streaming_id}

    return _idempotent(ctx, "StartContactStreaming", params, act)


def stop_contact_streaming(ctx: ConnectContext, params: dict[str, Any]) -> dict[str, Any]:
    contact = _contact(ctx, params)
    if contact.streaming.pop(params["StreamingId"], None) is None:
        raise ServiceError(
            "ResourceNotFoundException", f"Streaming {params['StreamingId']} not found"
        )
    if not contact.streaming:
        contact.streaming_endpoint_arn = None
    return {}


HANDLERS: dict[str, Handler] = {
    "StartChatContact": start_chat_contact,
    "StartOutboundChatContact": start_outbound_chat_contact,
    "CreateParticipant": create_participant,
    "StopContact": stop_contact,
    "DescribeContact": describe_contact,
    "StartContactStreaming": start_contact_streaming,
    "StopContactStreaming": stop_contact_streaming,
}
