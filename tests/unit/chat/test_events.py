"""Typed events built from websocket and transcript items."""

from __future__ import annotations

import json

import pytest

from boto3_connectparticipant_ext.chat import events as ev

PREFIX = ev.EVENT_PREFIX


def item(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "Id": "i-1",
        "AbsoluteTime": "2024-01-01T00:00:00.000Z",
        "ParticipantId": "p-1",
        "ParticipantRole": "AGENT",
        "DisplayName": "Ann",
        "ContactId": "c-1",
    }
    base.update(fields)
    return base


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("typing", ev.TypingEvent),
        ("participant.joined", ev.ParticipantJoinedEvent),
        ("participant.left", ev.ParticipantLeftEvent),
        ("participant.idle", ev.ParticipantIdleEvent),
        ("participant.returned", ev.ParticipantReturnedEvent),
        ("participant.active", ev.ParticipantActiveEvent),
        ("participant.inactive", ev.ParticipantInactiveEvent),
        ("participant.invited", ev.ParticipantInvitedEvent),
        ("participant.autodisconnection", ev.ParticipantAutoDisconnectedEvent),
        ("participant.displayname.updated", ev.ParticipantDisplayNameUpdatedEvent),
        ("transfer.succeeded", ev.TransferSucceededEvent),
        ("transfer.failed", ev.TransferFailedEvent),
        ("chat.ended", ev.ChatEndedEvent),
        ("chat.rehydrated", ev.ChatRehydratedEvent),
    ],
)
def test_event_content_types_map_to_their_class(name: str, cls: type) -> None:
    raw = item(Type="EVENT", ContentType=PREFIX + name)
    event = ev.event_from_item(raw)
    assert type(event) is cls
    assert event.kind == name
    assert event.raw is raw
    assert (event.id, event.participant_id, event.display_name) == ("i-1", "p-1", "Ann")


@pytest.mark.parametrize(
    "status", ["initiated", "succeeded", "failed", "timeout", "expired", "cancelled"]
)
def test_authentication_events_carry_their_status(status: str) -> None:
    event = ev.event_from_item(item(Type="EVENT", ContentType=f"{PREFIX}authentication.{status}"))
    assert isinstance(event, ev.AuthenticationEvent)
    assert event.status == status


def test_message_keeps_content_and_sender() -> None:
    event = ev.event_from_item(item(Type="MESSAGE", ContentType="text/markdown", Content="**x**"))
    assert isinstance(event, ev.MessageEvent)
    assert (event.content, event.content_type, event.participant_role) == (
        "**x**",
        "text/markdown",
        "AGENT",
    )


def test_attachment_event_lists_attachments_with_scan_status() -> None:
    raw = item(
        Type="ATTACHMENT",
        ContentType="application/pdf",
        Attachments=[
            {
                "AttachmentId": "a-1",
                "AttachmentName": "x.pdf",
                "ContentType": "application/pdf",
                "Status": "IN_PROGRESS",
            }
        ],
    )
    event = ev.event_from_item(raw)
    assert isinstance(event, ev.AttachmentEvent)
    assert event.status == "IN_PROGRESS"
    assert event.attachments == (ev.Attachment("a-1", "x.pdf", "application/pdf", "IN_PROGRESS"),)


def test_receipt_events_from_sent_event_items() -> None:
    content = json.dumps({"messageId": "m-9"})
    read = ev.event_from_item(
        item(Type="EVENT", ContentType=PREFIX + "message.read", Content=content)
    )
    delivered = ev.event_from_item(
        item(Type="EVENT", ContentType=PREFIX + "message.delivered", Content=content)
    )
    assert isinstance(read, ev.ReadReceiptEvent) and read.message_id == "m-9"
    assert isinstance(delivered, ev.DeliveredReceiptEvent) and delivered.message_id == "m-9"
    assert read.kind == "receipt.read" and delivered.kind == "receipt.delivered"


def test_receipt_events_from_message_metadata_items() -> None:
    def metadata(**receipt: str) -> dict[str, object]:
        return item(
            Type="MESSAGEMETADATA",
            MessageMetadata={
                "MessageId": "m-1",
                "Receipts": [dict(RecipientParticipantId="p-2", **receipt)],
            },
        )

    read = ev.event_from_item(metadata(ReadTimestamp="t2", DeliveredTimestamp="t1"))
    delivered = ev.event_from_item(metadata(DeliveredTimestamp="t1"))
    assert isinstance(read, ev.ReadReceiptEvent)
    assert read.receipts[0] == ev.Receipt("p-2", "t1", "t2")
    assert isinstance(delivered, ev.DeliveredReceiptEvent)
    assert delivered.message_id == "m-1"


@pytest.mark.parametrize(
    "raw",
    [
        item(Type="EVENT", ContentType=PREFIX + "workflow.cancelled"),
        item(Type="EVENT", ContentType="application/x-new"),
        item(Type="SOMETHING_NEW"),
        item(Type="MESSAGEMETADATA"),
        item(Type="MESSAGEMETADATA", MessageMetadata={"MessageId": "m", "Receipts": []}),
        {},
    ],
)
def test_unknown_items_become_other_events_and_are_never_dropped(raw: dict[str, object]) -> None:
    event = ev.event_from_item(raw)
    assert type(event) is ev.OtherEvent
    assert event.raw is raw


def test_malformed_receipt_content_gives_no_message_id() -> None:
    event = ev.event_from_item(item(Type="EVENT", ContentType=PREFIX + "message.read", Content="{"))
    assert isinstance(event, ev.ReadReceiptEvent)
    assert event.message_id is None


def test_stitching_orders_chunks_by_number() -> None:
    def chunk(number: int, text: str, done: bool) -> dict[str, object]:
        return item(
            Type="MESSAGE",
            ParticipantRole="SYSTEM",
            Content=text,
            MessageMetadata={"ChunkNumber": number, "MessageCompleted": done},
        )

    chunks = [chunk(2, "lo ", False), chunk(1, "Hel", False), chunk(3, "world", True)]
    message = ev.stitch_chunks(chunks)
    assert message.content == "Hello world"
    assert [c["Content"] for c in message.chunks] == ["Hel", "lo ", "world"]
    assert message.participant_role == "SYSTEM"


def test_event_kinds_names_every_class_once() -> None:
    kinds = ev.event_kinds()
    assert kinds["message"] is ev.MessageEvent
    assert kinds["connection.lost"] is ev.ConnectionLostEvent
    assert kinds["deep_heartbeat.failed"] is ev.DeepHeartbeatFailedEvent
    assert len({cls.kind for cls in kinds.values()}) == len(kinds)


def test_raw_is_left_out_of_repr_and_equality() -> None:
    first = ev.event_from_item(item(Type="MESSAGE", Content="a", Secret="zzz"))
    second = ev.event_from_item(item(Type="MESSAGE", Content="a", Secret="yyy"))
    assert "zzz" not in repr(first)
    assert first == second


def test_participant_active_and_inactive_are_participant_events_exported_by_kind() -> None:
    from boto3_connectparticipant_ext import chat

    for kind, cls in (
        ("participant.active", chat.ParticipantActiveEvent),
        ("participant.inactive", chat.ParticipantInactiveEvent),
    ):
        assert issubclass(cls, chat.ParticipantEvent)
        assert ev.event_kinds()[kind] is cls
        assert cls.__name__ in chat.__all__ and cls.__name__ in ev.__all__


@pytest.mark.parametrize("item_type", ["MESSAGE", "ATTACHMENT", "EVENT"])
def test_rehydrated_items_expose_their_related_contact_id(item_type: str) -> None:
    rehydrated = ev.event_from_item(
        item(Type=item_type, ContentType=PREFIX + "participant.joined", RelatedContactId="c-0")
    )
    assert rehydrated.related_contact_id == "c-0"
    own = ev.event_from_item(item(Type=item_type, ContentType=PREFIX + "participant.joined"))
    assert own.related_contact_id is None


def test_common_fields_are_text_and_contact_falls_back_to_the_initial_contact() -> None:
    raw = {"Id": 7, "Type": "MESSAGE", "InitialContactId": "c-0", "ContactId": ""}
    event = ev.event_from_item(raw)
    assert (event.id, event.contact_id, event.display_name) == ("7", "c-0", None)
