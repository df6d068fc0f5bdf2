"""The 11 Amazon Connect Participant Service operations.

Each handler takes the validated request parameters and returns the response
document, or raises :class:`ServiceError`. Token rules: CreateParticipantConnection
takes the ParticipantToken, every other operation the ConnectionToken; anything
else is AccessDenied. After a participant left its writing operations are
AccessDenied while GetTranscript and GetAttachment still work; once the contact
ended every ConnectionToken is refused (AccessDenied on every operation, reads
included), as the service stops it at the chat's end, unless
``EmulatorConfig.tokens_work_after_chat_end`` keeps it for reads.

SendMessage answers ``MessageMetadata{MessageProcessingStatus}`` (the model's
``MessageProcessingMetadata``, botocore >= 1.41.6) only when
``EmulatorConfig.message_processing_status`` is set. The API reference lists the
values (PROCESSING, FAILED, REJECTED) but not when the service sends them; the
field belongs to chat message processing (a processor configured on the
instance), so a plain instance is taken to have no processor and to leave the
field out. An older botocore ignores the field.

Examples
--------
>>> sorted(HANDLERS)[:3]
['CancelParticipantAuthentication', 'CompleteAttachmentUpload', 'CreateParticipantConnection']
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import posixpath
from collections.abc import Callable
from typing import Any, Optional
from urllib.parse import quote

from boto3_connectparticipant_ext.emulator._ids import iso_timestamp, new_id
from boto3_connectparticipant_ext.emulator._service_errors import (
    ServiceError,
    access_denied,
    conflict,
    quota_exceeded,
    validation,
)
from boto3_connectparticipant_ext.emulator._service_events import EVENT_PREFIX
from boto3_connectparticipant_ext.emulator._state import (
    Attachment,
    ChatState,
    ConnectionGrant,
    Participant,
)
from boto3_connectparticipant_ext.emulator._store import ObjectStore
from boto3_connectparticipant_ext.emulator._transcript import transcript_page

AUTHENTICATION_URL_WINDOW = 60.0
DEFAULT_DOWNLOAD_EXPIRY = 300


@dataclasses.dataclass
class ParticipantContext:
    """What participant handlers need besides their parameters."""

    state: ChatState
    store: ObjectStore
    base_url: str
    websocket_url: str
    token_secret: bytes = dataclasses.field(repr=False)


Handler = Callable[[ParticipantContext, dict[str, Any]], dict[str, Any]]


def participant_of(ctx: ParticipantContext, operation: str, params: dict[str, Any]) -> Participant:
    """The participant a request speaks for, by the token kind the operation takes."""
    bearer = params.get("ParticipantToken") or params.get("ConnectionToken")
    if operation == "CreateParticipantConnection":
        return ctx.state.by_participant_token(bearer)
    return ctx.state.by_connection_token(bearer).participant


def _grant(ctx: ParticipantContext, params: dict[str, Any]) -> ConnectionGrant:
    return ctx.state.by_connection_token(params.get("ConnectionToken"))


def create_participant_connection(
    ctx: ParticipantContext, params: dict[str, Any]
) -> dict[str, Any]:
    participant = ctx.state.by_participant_token(params.get("ParticipantToken"))
    types = list(params.get("Type") or [])
    connect = bool(params.get("ConnectParticipant"))
    if not types and not connect:
        raise validation("Type must list at least one connection type")
    return ctx.state.create_connection(
        participant, types=types, connect_participant=connect, websocket_base_url=ctx.websocket_url
    )


def send_message(ctx: ParticipantContext, params: dict[str, Any]) -> dict[str, Any]:
    participant = _grant(ctx, params).participant
    ctx.state.require_can_write(participant)

    def act() -> dict[str, Any]:
        answer = ctx.state.post_message(participant, params["ContentType"], params["Content"])
        status = ctx.state.config.message_processing_status
        if status is not None:
            answer["MessageMetadata"] = {"MessageProcessingStatus": status}
        return answer

    return dict(
        ctx.state.idempotent(
            participant.participant_id, "SendMessage", params.get("ClientToken"), act
        )
    )


def send_event(ctx: ParticipantContext, params: dict[str, Any]) -> dict[str, Any]:
    participant = _grant(ctx, params).participant
    ctx.state.require_can_write(participant)

    def act() -> dict[str, Any]:
        return ctx.state.post_event(participant, params["ContentType"], params.get("Content"))

    return dict(
        ctx.state.idempotent(
            participant.participant_id, "SendEvent", params.get("ClientToken"), act
        )
    )


def disconnect_participant(ctx: ParticipantContext, params: dict[str, Any]) -> dict[str, Any]:
    participant = _grant(ctx, params).participant

    def act() -> dict[str, Any]:
        ctx.state.disconnect(participant)
        return {}

    return dict(
        ctx.state.idempotent(
            participant.participant_id, "DisconnectParticipant", params.get("ClientToken"), act
        )
    )


def get_transcript(ctx: ParticipantContext, params: dict[str, Any]) -> dict[str, Any]:
    participant = _grant(ctx, params).participant
    contact = participant.contact
    wanted = params.get("ContactId")
    if wanted and wanted not in (contact.contact_id, contact.initial_contact_id):
        raise access_denied()
    page = transcript_page(
        contact.items,
        index_of=contact.item_index.get,
        contact_id=contact.contact_id,
        secret=ctx.token_secret,
        params=params,
        unknown_id_is_error=ctx.state.config.unknown_start_id_is_error,
    )
    result: dict[str, Any] = {
        "InitialContactId": contact.initial_contact_id,
        "Transcript": [_transcript_item(item) for item in page.items],
    }
    if page.next_token is not None:
        result["NextToken"] = page.next_token
    return result


def _transcript_item(item: dict[str, Any]) -> dict[str, Any]:
    copied = {key: value for key, value in item.items() if key != "InitialContactId"}
    if "Attachments" in copied:
        copied["Attachments"] = [dict(entry) for entry in copied["Attachments"]]
    if "MessageMetadata" in copied:
        metadata = dict(copied["MessageMetadata"])
        metadata["Receipts"] = [dict(receipt) for receipt in metadata.get("Receipts", [])]
        copied["MessageMetadata"] = metadata
    return copied


def start_attachment_upload(ctx: ParticipantContext, params: dict[str, Any]) -> dict[str, Any]:
    participant = _grant(ctx, params).participant
    ctx.state.require_can_write(participant)
    return dict(
        ctx.state.idempotent(
            participant.participant_id,
            "StartAttachmentUpload",
            params.get("ClientToken"),
            lambda: _start_upload(ctx, participant, params),
        )
    )


def _start_upload(
    ctx: ParticipantContext, participant: Participant, params: dict[str, Any]
) -> dict[str, Any]:
    config = ctx.state.config
    name = str(params["AttachmentName"])
    size = int(params["AttachmentSizeInBytes"])
    content_type = str(params["ContentType"])
    extension = posixpath.splitext(name)[1].lower().lstrip(".")
    if extension not in config.allowed_attachment_extensions:
        raise validation(f"Attachment type .{extension or '(none)'} is not allowed")
    if size > config.attachment_max_bytes:
        raise validation(
            f"Attachment size {size} exceeds the limit of {config.attachment_max_bytes} bytes"
        )
    contact = participant.contact
    quota = config.attachments_per_contact
    if quota is not None and contact.attachments_started >= quota:
        raise quota_exceeded(f"The contact already has {quota} attachments")
    attachment_id = new_id()
    now = ctx.state.clock()
    day = datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc).strftime("%Y/%m/%d")
    stamp = iso_timestamp(now).replace(":", "").replace("-", "").replace(".", "")
    key = (
        f"connect/{contact.instance_id}/Attachments/chat/{day}/"
        f"{contact.contact_id}_{attachment_id}_{stamp}.{extension}"
    )
    headers = {
        "Content-Type": content_type,
        "Content-Length": str(size),
        "Content-Disposition": _content_disposition("attachment", name),
        "x-amz-acl": "bucket-owner-full-control",
        "x-amz-meta-account_id": config.account_id,
        "x-amz-meta-organization_id": contact.instance_id,
        "x-amz-meta-contact_id": contact.contact_id,
        "x-amz-meta-initial_contact_id": contact.initial_contact_id,
        "x-amz-meta-participant_id": participant.participant_id,
    }
    expiry = now + config.upload_url_ttl
    url = ctx.store.upload_url(key=key, headers=headers, expires_in=config.upload_url_ttl)
    attachment = Attachment(
        attachment_id=attachment_id,
        contact=contact,
        participant=participant,
        name=name,
        content_type=content_type,
        size=size,
        key=key,
        headers=headers,
        upload_expiry=expiry,
    )
    ctx.state.attachments[attachment_id] = attachment
    contact.attachments_started += 1
    return {
        "AttachmentId": attachment_id,
        "UploadMetadata": {
            "Url": url,
            "UrlExpiry": iso_timestamp(expiry),
            "HeadersToInclude": dict(headers),
        },
    }


def _content_disposition(kind: str, name: str) -> str:
    if name.isascii() and '"' not in name and "\\" not in name:
        return f'{kind}; filename="{name}"'
    return f"{kind}; filename*=UTF-8''{quote(name, safe='')}"


def _attachment_of(participant: Participant, attachment_id: str, state: ChatState) -> Attachment:
    attachment = state.attachments.get(attachment_id)
    if attachment is None or attachment.contact is not participant.contact:
        raise validation(f"Attachment {attachment_id} not found")
    return attachment


def complete_attachment_upload(ctx: ParticipantContext, params: dict[str, Any]) -> dict[str, Any]:
    participant = _grant(ctx, params).participant
    ctx.state.require_can_write(participant)
    ids = list(params["AttachmentIds"])
    if len(ids) != 1:
        raise validation("AttachmentIds must hold exactly one attachment id")
    attachment = _attachment_of(participant, ids[0], ctx.state)
    client_token = str(params["ClientToken"])
    if attachment.completed_with is not None:
        if attachment.completed_with == client_token:
            return {}
        raise conflict(f"Attachment {attachment.attachment_id} has already been completed")
    uploaded = ctx.store.object_size(attachment.key)
    if uploaded is None:
        raise validation(f"Attachment {attachment.attachment_id} has not been uploaded")
    if uploaded != attachment.size:
        raise validation(
            f"Attachment {attachment.attachment_id} has {uploaded} bytes, "
            f"{attachment.size} were declared"
        )
    attachment.completed_with = client_token
    ctx.state.add_attachment_item(attachment)
    return {}


def get_attachment(ctx: ParticipantContext, params: dict[str, Any]) -> dict[str, Any]:
    participant = _grant(ctx, params).participant
    if participant.role == "CUSTOM_BOT":
        raise access_denied("CUSTOM_BOT participants cannot access attachments")
    attachment = _attachment_of(participant, str(params["AttachmentId"]), ctx.state)
    if attachment.completed_with is None:
        raise validation(f"Attachment {attachment.attachment_id} has not been completed")
    if attachment.status == "IN_PROGRESS":
        raise validation(f"Attachment {attachment.attachment_id} is still being scanned")
    if attachment.status == "REJECTED":
        raise access_denied(f"Attachment {attachment.attachment_id} was rejected by the scan")
    expires_in = int(params.get("UrlExpiryInSeconds") or DEFAULT_DOWNLOAD_EXPIRY)
    disposition_kind = params.get("UrlContentDisposition")
    disposition = (
        _content_disposition(str(disposition_kind).lower(), attachment.name)
        if disposition_kind
        else None
    )
    url = ctx.store.download_url(
        key=attachment.key, expires_in=expires_in, content_disposition=disposition
    )
    return {
        "Url": url,
        "UrlExpiry": iso_timestamp(ctx.state.clock() + expires_in),
        "AttachmentSizeInBytes": attachment.size,
    }


def get_authentication_url(ctx: ParticipantContext, params: dict[str, Any]) -> dict[str, Any]:
    participant = _grant(ctx, params).participant
    ctx.state.require_can_write(participant)
    session = _auth_session(ctx, participant, str(params["SessionId"]))
    if ctx.state.clock() - float(session["created"]) > AUTHENTICATION_URL_WINDOW:
        raise access_denied("The authentication session can no longer be used")
    redirect = quote(str(params["RedirectUri"]), safe="")
    return {
        "AuthenticationUrl": (
            f"{ctx.base_url}/_emulator/authenticate/{params['SessionId']}?redirect_uri={redirect}"
        )
    }


def cancel_participant_authentication(
    ctx: ParticipantContext, params: dict[str, Any]
) -> dict[str, Any]:
    participant = _grant(ctx, params).participant
    ctx.state.require_can_write(participant)
    session = _auth_session(ctx, participant, str(params["SessionId"]))
    session["cancelled"] = True
    ctx.state.post_system_event(
        participant.contact,
        EVENT_PREFIX + "authentication.cancelled",
        json.dumps({"SessionId": params["SessionId"]}),
    )
    return {}


def _auth_session(
    ctx: ParticipantContext, participant: Participant, session_id: str
) -> dict[str, Any]:
    session = ctx.state.auth_sessions.get(session_id)
    if (
        session is None
        or session["contact_id"] != participant.contact.contact_id
        or session.get("cancelled")
    ):
        raise validation(f"Authentication session {session_id} not found")
    return session


def describe_view(ctx: ParticipantContext, params: dict[str, Any]) -> dict[str, Any]:
    _grant(ctx, params)
    view = ctx.state.views.get(str(params["ViewToken"]))
    if view is None:
        raise ServiceError("ResourceNotFoundException", "The view was not found")
    return {"View": json.loads(json.dumps(view))}


HANDLERS: dict[str, Handler] = {
    "CreateParticipantConnection": create_participant_connection,
    "SendMessage": send_message,
    "SendEvent": send_event,
    "DisconnectParticipant": disconnect_participant,
    "GetTranscript": get_transcript,
    "StartAttachmentUpload": start_attachment_upload,
    "CompleteAttachmentUpload": complete_attachment_upload,
    "GetAttachment": get_attachment,
    "GetAuthenticationUrl": get_authentication_url,
    "CancelParticipantAuthentication": cancel_participant_authentication,
    "DescribeView": describe_view,
}


def participant_id_of(
    ctx: ParticipantContext, operation: str, params: dict[str, Any]
) -> Optional[str]:
    """The participant id behind a request's bearer, or ``None`` when it has none."""
    try:
        return participant_of(ctx, operation, params).participant_id
    except ServiceError:
        return None
