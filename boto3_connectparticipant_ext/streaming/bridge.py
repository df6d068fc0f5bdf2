"""A bridge between Connect chat and another channel, as a Lambda handler base class.

Subclass :class:`Bridge` and override :meth:`Bridge.on_message` (and, if wanted,
:meth:`~Bridge.on_attachment`, :meth:`~Bridge.on_event`). An instance is the
Lambda handler of the SNS topic Connect streams to: each record is parsed into a
typed event; the bridge's own echoes (items of its participant, or of the role it
speaks for, since Connect streams every item including one's own) and items not
visible to its role are dropped; chunks of a streamed bot message are skipped
until the completed one. A string returned by a hook is sent back as a reply.

Inbound traffic from the other channel goes through :meth:`Bridge.send_text` /
:meth:`Bridge.send_attachment`, keyed by that channel's conversation id. The
session is resumed from the :class:`~.tokens.TokenStore` (no websocket; the
ConnectionToken is refreshed with the ParticipantToken when it expires). When the
chat has ended (the service refuses the tokens), a persistent chat continuing the
old one is started (StartChatContact with ``PersistentChat``: ``ENTIRE_PAST_SESSION``
takes the old session's *initial* contact id, ``FROM_SEGMENT`` its last contact id,
as the API reference says), streamed to the same topic, and the message is sent there.

Examples
--------
>>> class EchoBridge(Bridge):
...     def on_message(self, chat, event, record):
...         return f"you said: {event.content}"
>>> bridge = EchoBridge(store=InMemoryTokenStore(), instance_id="i", contact_flow_id="f",
...                     streaming_topic_arn="arn:aws:sns:us-east-1:123456789012:chat",
...                     region_name="us-east-1")
>>> bridge.handle({"Records": []})
{'records': 0, 'delivered': 0, 'echoes': 0, 'hidden': 0, 'partial': 0, 'unknown': 0}
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Mapping
from typing import Any, Callable, ClassVar, Optional, TypeVar

from .._validation import require_text
from ..chat.errors import ChatEndedError
from ..chat.events import AttachmentEvent, ChatEndedEvent, ItemEvent, MessageEvent
from ..chat.session import ChatSession
from ..chat.state import SessionState
from ..redact import describe_error
from ..service_limits import message_content_problem
from .attachments import Source, open_source
from .errors import BridgeArgumentError
from .records import StreamingRecord, parse_streaming_event
from .sns import SnsMessageVerifier
from .tokens import BridgedChat, InMemoryTokenStore, TokenStore

__all__ = ["Bridge", "InMemoryTokenStore"]

_LOG = logging.getLogger("boto3_connectparticipant_ext.streaming")
_T = TypeVar("_T")
REHYDRATION_TYPES = frozenset({"ENTIRE_PAST_SESSION", "FROM_SEGMENT"})


class Bridge:
    """Base class of a streaming bridge; an instance is a Lambda handler."""

    role: ClassVar[str] = "CUSTOMER"

    def __init__(
        self,
        *,
        store: TokenStore,
        instance_id: str,
        contact_flow_id: str,
        streaming_topic_arn: str,
        region_name: Optional[str] = None,
        endpoint_url: Optional[str] = None,
        connect_client: Any = None,
        verifier: Optional[SnsMessageVerifier] = None,
        display_name: str = "Customer",
        rehydration_type: str = "ENTIRE_PAST_SESSION",
    ) -> None:
        if rehydration_type not in REHYDRATION_TYPES:
            raise BridgeArgumentError(
                f"rehydration_type must be one of {sorted(REHYDRATION_TYPES)}"
            )
        for name, value in (
            ("instance_id", instance_id),
            ("contact_flow_id", contact_flow_id),
            ("streaming_topic_arn", streaming_topic_arn),
        ):
            require_text(value, name, error=BridgeArgumentError)
        self.store = store
        self.instance_id = instance_id
        self.contact_flow_id = contact_flow_id
        self.streaming_topic_arn = streaming_topic_arn
        self.region_name = region_name
        self.endpoint_url = endpoint_url
        self.verifier = verifier
        self.display_name = display_name
        self.rehydration_type = rehydration_type
        self._connect = connect_client

    def __repr__(self) -> str:
        return f"{type(self).__name__}(role={self.role!r}, store={self.store!r})"

    # -- hooks for user code ---------------------------------------------------------

    def on_message(
        self, chat: BridgedChat, event: MessageEvent, record: StreamingRecord
    ) -> Optional[str]:
        """The other side sent a message; return text to reply, or ``None``."""
        return None

    def on_attachment(
        self, chat: BridgedChat, event: AttachmentEvent, record: StreamingRecord
    ) -> Optional[str]:
        """The other side sent attachments; return text to reply, or ``None``."""
        return None

    def on_event(self, chat: BridgedChat, event: ItemEvent, record: StreamingRecord) -> None:
        """Any other item the bridge's side may see (typing, joined, chat.ended...)."""

    # -- streamed items in -----------------------------------------------------------

    def __call__(self, event: Any, context: Any = None) -> dict[str, int]:
        return self.handle(event)

    def handle(self, event: Any) -> dict[str, int]:
        """Handle an SNS Lambda event (or HTTP body); return counts of what happened."""
        if self.verifier is not None:
            for record in _records_of(event):
                self.verifier.verify(record)
        counts = dict.fromkeys(
            ("records", "delivered", "echoes", "hidden", "partial", "unknown"), 0
        )
        for record in parse_streaming_event(event):
            counts["records"] += 1
            outcome = self._handle_record(record)
            counts[outcome] += 1
        return counts

    def is_echo(self, chat: BridgedChat, record: StreamingRecord) -> bool:
        """An item of the bridge's own participant (or of the role it speaks for)."""
        return record.participant_id == chat.participant_id or record.participant_role == self.role

    def _handle_record(self, record: StreamingRecord) -> str:
        chat = None
        for contact_id in (record.contact_id, record.initial_contact_id):
            if contact_id and chat is None:
                chat = self.store.find_by_contact(contact_id)
        if chat is None:
            _LOG.warning("no bridged chat for contact %s: item skipped", record.contact_id)
            return "unknown"
        if record.contact_id and record.contact_id != chat.contact_id:
            # A transfer made a new segment (same InitialContactId): FROM_SEGMENT needs the latest.
            chat = dataclasses.replace(chat, contact_id=record.contact_id)
            self.store.put(chat)
        if self.is_echo(chat, record):
            return "echoes"
        if not record.visible_to(self.role):
            return "hidden"
        if record.is_partial:
            return "partial"
        event = record.event
        if isinstance(event, ChatEndedEvent):
            # The next message from the other channel goes straight to a continuing chat.
            ended = dataclasses.replace(SessionState.from_json(chat.session_state), chat_ended=True)
            chat = dataclasses.replace(chat, session_state=ended.to_json())
            self.store.put(chat)
        reply: Optional[str] = None
        if isinstance(event, MessageEvent):
            reply = self.on_message(chat, event, record)
        elif isinstance(event, AttachmentEvent):
            reply = self.on_attachment(chat, event, record)
        else:
            self.on_event(chat, event, record)
        if reply:
            self.send_text(chat.key, reply)
        return "delivered"

    # -- the other channel out to Connect ----------------------------------------------

    def send_text(self, key: str, text: str, *, content_type: str = "text/plain") -> str:
        """Send ``text`` into the chat of ``key`` (starting or continuing it); return its Id.

        The key and the message are checked before any call (no chat is started for a
        message the service would refuse): a bad one raises
        :class:`~.errors.BridgeArgumentError`, with the text of the package's one message rule
        (``service_limits.message_content_problem``). Whether the contact supports the type is
        the service's to say.
        """
        _check_key(key)
        _check_message(text, content_type)
        return self._with_session(
            key, lambda session: session.send_message(text, content_type=content_type)
        )

    def send_attachment(
        self,
        key: str,
        source: Source,
        *,
        name: Optional[str] = None,
        content_type: Optional[str] = None,
    ) -> str:
        """Send bytes, a URL's body or a binary file object as an attachment; return its Id."""
        from ..transfer import upload_attachment_fileobj

        _check_key(key)
        opened = open_source(source)
        attachment_name = name or opened.name
        if not attachment_name:
            opened.close()
            raise BridgeArgumentError("an attachment needs a name (none given, none in the URL)")

        def upload(session: ChatSession) -> str:
            token = session.save_state().connection_token
            result: str = upload_attachment_fileobj(
                session.client,
                opened.fileobj,
                attachment_name,
                ConnectionToken=token,
                ContentType=content_type or opened.content_type,
            )
            return result

        try:
            return self._with_session(key, upload)
        finally:
            opened.close()

    def start_chat(self, key: str, *, continue_from: Optional[BridgedChat] = None) -> BridgedChat:
        """Start a chat for ``key`` (persistent, continuing ``continue_from`` when given)."""
        _check_key(key)
        connect = self._connect_client()
        params: dict[str, Any] = {
            "InstanceId": self.instance_id,
            "ContactFlowId": self.contact_flow_id,
            "ParticipantDetails": {"DisplayName": self.display_name},
            "ClientToken": str(uuid.uuid4()),
        }
        if continue_from is not None:
            source = (
                continue_from.initial_contact_id
                if self.rehydration_type == "ENTIRE_PAST_SESSION"
                else continue_from.contact_id
            )
            params["PersistentChat"] = {
                "RehydrationType": self.rehydration_type,
                "SourceContactId": source,
            }
        answer = connect.start_chat_contact(**params)
        contact_id = answer["ContactId"]
        connect.start_contact_streaming(
            InstanceId=self.instance_id,
            ContactId=contact_id,
            ChatStreamingConfiguration={"StreamingEndpointArn": self.streaming_topic_arn},
            ClientToken=str(uuid.uuid4()),
        )
        state = self._connect_participant(answer["ParticipantToken"], answer["ParticipantId"])
        chat = BridgedChat(
            key=key,
            contact_id=contact_id,
            initial_contact_id=contact_id,
            participant_id=answer["ParticipantId"],
            session_state=state.to_json(),
            role=self.role,
        )
        self.store.put(chat)
        return chat

    def _with_session(self, key: str, action: Callable[[ChatSession], _T]) -> _T:
        chat = self.store.get(key) or self.start_chat(key)
        try:
            result, state = self._run(chat, action)
        except ChatEndedError as error:
            _LOG.info(
                "chat of contact %s ended (%s): continuing it",
                chat.contact_id,
                describe_error(error),
            )
            chat = self.start_chat(key, continue_from=chat)
            result, state = self._run(chat, action)
        self.store.put(dataclasses.replace(chat, session_state=state))
        return result

    def _run(self, chat: BridgedChat, action: Callable[[ChatSession], _T]) -> tuple[_T, str]:
        state = SessionState.from_json(chat.session_state)
        if state.chat_ended:
            raise ChatEndedError("the chat has ended")
        with ChatSession.resume(state, websocket=False, leave_on_exit=False) as session:
            result = action(session)
            return result, session.save_state().to_json()

    def _connect_participant(self, participant_token: str, participant_id: str) -> SessionState:
        from ..chat._client import build_client

        client = build_client(region_name=self.region_name, endpoint_url=self.endpoint_url)
        answer = client.create_participant_connection(
            ParticipantToken=participant_token,
            Type=["CONNECTION_CREDENTIALS"],
            ConnectParticipant=True,
        )
        credentials = answer["ConnectionCredentials"]
        return SessionState(
            connection_token=credentials["ConnectionToken"],
            connection_expiry=credentials.get("Expiry"),
            participant_token=participant_token,
            region_name=self.region_name,
            endpoint_url=self.endpoint_url,
            participant_id=participant_id,
        )

    def _connect_client(self) -> Any:
        if self._connect is None:
            import boto3

            self._connect = boto3.client(
                "connect", region_name=self.region_name, endpoint_url=self.endpoint_url
            )
        return self._connect


def _check_key(key: Any) -> None:
    require_text(key, "a conversation key", error=BridgeArgumentError)


def _check_message(text: Any, content_type: Any) -> None:
    require_text(text, "text", error=BridgeArgumentError)
    require_text(content_type, "content_type", error=BridgeArgumentError)
    problem = message_content_problem(content_type, text)
    if problem is not None:
        raise BridgeArgumentError(problem)


def _records_of(event: Any) -> list[Any]:
    if isinstance(event, Mapping) and isinstance(event.get("Records"), list):
        return list(event["Records"])
    return [event]
