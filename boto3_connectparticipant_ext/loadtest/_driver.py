"""How a simulated customer starts, talks and ends a chat: the driver under the load tester.

A driver has two steps so each is timed on its own: :meth:`ChatDriver.start_contact` (the
signed StartChatContact) and :meth:`ChatDriver.open` (CreateParticipantConnection, the
websocket and its subscription), which returns a blocking session with the methods
:class:`~boto3_connectparticipant_ext.conversation.Conversation` uses. The default driver,
:class:`GeventDriver`, runs :class:`~boto3_connectparticipant_ext.chat.GeventChatSession`:
greenlets only, no thread and no event loop per customer. Both clients are one per driver
(so one per worker process): the signed Connect client, and the unsigned participant client
that every customer's session shares. Botocore clients are safe to call from many
greenlets; tokens are never bound to the shared client, each call passes its customer's
ConnectionToken (tracemalloc: a client per customer was about 150 KB of the 170 KB Python
allocated per idle customer; shared, about 20 KB is left).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any, Optional, Protocol

from botocore.config import Config

from ..chat._client import build_client
from ..chat.errors import ChatNotConnectedError
from ..chat.events import ChatEvent, ConnectionLostEvent, ConnectionReestablishedEvent
from ..conversation._start import ChatContact, stop_contact
from ..conversation._start_args import start_chat_params, start_error

#: Keep-alive HTTP connections the shared participant client pools (botocore's default, 10,
#: would make customers sending at once open and drop connections of their own).
SHARED_POOL_CONNECTIONS = 100


@dataclasses.dataclass
class Counters:
    """What a session saw besides its items: lost sockets, reconnects and gap-filled items."""

    lost: int = 0
    reconnects: int = 0
    gap_filled: int = 0


class LoadSession:
    """A :class:`GeventChatSession` plus what a conversation needs (history, attachments),
    counting connection events as they pass."""

    def __init__(self, chat: Any, contact: ChatContact, connect_client: Any) -> None:
        self.chat = chat
        """The connected session; ``None`` until the participant connected."""
        self.contact = contact
        self.connect_client = connect_client
        self.counters = Counters()
        self.reporter: Any = None
        """Where EndChat is reported (a :class:`~._report.Reporter`), if anywhere."""
        self.stopped: Optional[bool] = None

    @property
    def chat_ended(self) -> bool:
        return bool(self.chat.chat_ended)

    def send_message(self, content: str, *, content_type: str = "text/plain") -> Any:
        return self.chat.send_message(content, content_type=content_type)

    def upload_attachment(self, filename: Any, **kwargs: Any) -> str:
        from ..transfer import upload_attachment

        attachment_id: str = upload_attachment(
            self.chat.client, filename, **self._with_token(kwargs)
        )
        return attachment_id

    def download_attachment(self, attachment_id: str, filename: Any, **kwargs: Any) -> str:
        from ..transfer import download_attachment

        written: str = download_attachment(
            self.chat.client, attachment_id, filename, **self._with_token(kwargs)
        )
        return written

    def transcript(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {"SortOrder": "ASCENDING"}
        params.update(self._with_token(kwargs))
        while True:
            page = self.chat.client.get_transcript(**params)
            yield from page.get("Transcript", [])
            token = page.get("NextToken")
            if not token:
                return
            params["NextToken"] = token

    def _with_token(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """``kwargs`` plus this customer's ConnectionToken (the shared client has none bound)."""
        token: Optional[str] = self.chat.connection_token
        if token is None:
            raise ChatNotConnectedError("the customer's chat is not connected")
        return {"ConnectionToken": token, **kwargs}

    def events(self, *, timeout: Optional[float] = None) -> Iterator[ChatEvent]:
        for event in self.chat.events(timeout=timeout):
            if isinstance(event, ConnectionLostEvent):
                self.counters.lost += 1
            elif isinstance(event, ConnectionReestablishedEvent):
                self.counters.reconnects += 1
                self.counters.gap_filled += event.gap_filled
            yield event

    def disconnect(self, *, wait_for_end: Optional[float] = None) -> None:
        """DisconnectParticipant (unless the chat already ended), then StopContact once."""
        try:
            if self.chat is not None:
                self.chat.disconnect()
        finally:
            self.stop_contact()

    def stop_contact(self) -> bool:
        if self.stopped is None:
            self.stopped = stop_contact(self.connect_client, self.contact)
        return self.stopped

    def close(self) -> None:
        if self.chat is not None:
            self.chat.close()


class ChatDriver(Protocol):
    """Start a contact, then open its participant's session (see the module notes)."""

    def start_contact(self, options: Mapping[str, Any]) -> tuple[dict[str, Any], ChatContact]:
        """StartChatContact; ``options`` are :func:`start_chat`'s keywords."""
        ...

    def open(self, answer: Mapping[str, Any], contact: ChatContact) -> Any:
        """CreateParticipantConnection, the websocket and its subscription; return the
        connected blocking session (closed again if connecting fails)."""
        ...

    @property
    def connect_client(self) -> Any:
        """The signed Connect client (StopContact)."""
        ...


class GeventDriver:
    """The default driver: :class:`GeventChatSession` under Locust's gevent."""

    def __init__(
        self,
        *,
        endpoint_url: Optional[str] = None,
        region_name: Optional[str] = None,
        session: Any = None,
        connect_client: Any = None,
        chat_config: Any = None,
        max_pool_connections: int = SHARED_POOL_CONNECTIONS,
    ) -> None:
        if session is None:
            import boto3.session

            session = boto3.session.Session()
        self.session = session
        self.endpoint_url = endpoint_url
        self.region_name = region_name or session.region_name
        self.chat_config = chat_config
        self.connect_client = connect_client or session.client(
            "connect", region_name=self.region_name, endpoint_url=endpoint_url
        )
        self.participant_client = build_client(
            session=session,
            region_name=self.region_name,
            endpoint_url=endpoint_url,
            config=Config(max_pool_connections=max_pool_connections),
        )
        """The unsigned connectparticipant client all customers share."""

    def start_contact(self, options: Mapping[str, Any]) -> tuple[dict[str, Any], ChatContact]:
        from botocore.exceptions import BotoCoreError, ClientError

        params = start_chat_params(**options)
        try:
            answer: dict[str, Any] = self.connect_client.start_chat_contact(**params)
        except (ClientError, BotoCoreError) as error:
            raise start_error(error, "StartChatContact") from None
        contact = ChatContact(
            contact_id=str(answer["ContactId"]),
            participant_id=str(answer["ParticipantId"]),
            instance_id=params["InstanceId"],
            contact_flow_id=params["ContactFlowId"],
        )
        return answer, contact

    def open(self, answer: Mapping[str, Any], contact: ChatContact) -> Any:
        from ..chat.gevent_session import GeventChatSession

        chat = GeventChatSession(
            str(answer["ParticipantToken"]),
            participant_id=contact.participant_id,
            client=self.participant_client,
            chat_config=self.chat_config,
            bind_tokens=False,
        )
        try:
            chat.connect()
        except BaseException:
            chat.close()
            raise
        return chat
