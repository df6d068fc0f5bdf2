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

from boto3_connectparticipant_ext.emulator._ids import iso_timestamp, new_id
from boto3_connectparticipant_ext.emulator._service_errors import ServiceError
from boto3_connectparticipant_ext.emulator._state import ChatState, Contact

CREATABLE_ROLES = frozenset({"AGENT", "CUSTOM_BOT"})


@dataclasses.dataclass
class ConnectContext:
    state: ChatState


Handler = Callable[[ConnectContext, dict[str, Any]], dict[str, Any]]


def _contact(ctx: ConnectContext, params: dict[str, Any]) -> Contact:
    instance_id = params["InstanceId"]
    if instance_id != ctx.state.config.instance_id:
        raise ServiceError("ResourceNotFoundException", f"Instance {instance_id} not found")
    return ctx.state.contact(params["ContactId"])


def _idempotent(
    ctx: ConnectContext,
    operation: str,
    params: dict[str, Any],
    action: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    return dict(ctx.state.idempotent("connect-admin", operation, params.get("ClientToken"), action))


def start_chat_contact(ctx: ConnectContext, params: dict[str, Any]) -> dict[str, Any]:
    persistent = params.get("PersistentChat") or {}

    def act() -> dict[str, Any]:
        return ctx.state.start_chat(
            display_name=params["ParticipantDetails"]["DisplayName"],
            instance_id=params["InstanceId"],
            contact_flow_id=params["ContactFlowId"],
            initial_message=params.get("InitialMessage"),
            attributes=params.get("Attributes"),
            related_contact_id=params.get("RelatedContactId"),
            source_contact_id=persistent.get("SourceContactId"),
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
    instance_id = params["InstanceId"]
    if instance_id != ctx.state.config.instance_id:
        raise ServiceError("ResourceNotFoundException", f"Instance {instance_id} not found")
    contact = ctx.state.contacts.get(params["ContactId"])
    if contact is None:
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
        "LastUpdateTimestamp": contact.ended or contact.last_time or contact.created,
    }
    if contact.ended is not None:
        described["DisconnectTimestamp"] = contact.ended
    if contact.continued_from:
        described["PreviousContactId"] = contact.continued_from
    if contact.related_contact_id:
        described["RelatedContactId"] = contact.related_contact_id
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
        contact.streaming[streaming_id] = dict(params["ChatStreamingConfiguration"])
        return {"StreamingId": streaming_id}

    return _idempotent(ctx, "StartContactStreaming", params, act)


def stop_contact_streaming(ctx: ConnectContext, params: dict[str, Any]) -> dict[str, Any]:
    contact = _contact(ctx, params)
    if contact.streaming.pop(params["StreamingId"], None) is None:
        raise ServiceError(
            "ResourceNotFoundException", f"Streaming {params['StreamingId']} not found"
        )
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
