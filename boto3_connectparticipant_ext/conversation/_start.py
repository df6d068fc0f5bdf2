"""Start a chat in one call: the signed StartChatContact, then the participant's connection.

StartChatContact is the only signed call: it runs on a ``connect`` client made from the
caller's boto3 session (their AWS credentials). Every later call is the unsigned participant
API with the returned ParticipantToken, through the existing :class:`ChatSession` /
:class:`AsyncChatSession` (a subclass that also knows its contact).

Ending a started chat (``disconnect()`` or leaving its ``with`` block) leaves it
(DisconnectParticipant) and then stops the contact (StopContact) so a test leaves nothing
running. StopContact needs ``connect:StopContact``: where the credentials do not allow it
the refusal is logged as a warning and the chat still counts as ended (the customer left, and
the flow ends the contact on its own). A contact that already ended answers
ContactNotFoundException, which is what we wanted. If the participant cannot connect after
StartChatContact, the contact is stopped before the error is raised (no chat is left behind);
a service refusal of that connection is a :class:`StartChatError` subclass too.

Examples
--------
>>> from boto3_connectparticipant_ext.emulator import Emulator
>>> import boto3
>>> with Emulator() as emu:
...     aws = boto3.session.Session(aws_access_key_id="AKID", aws_secret_access_key="s",
...                                 region_name=emu.region)
...     with start_chat(instance_id=emu.instance_id, contact_flow_id=emu.contact_flow_id,
...                     session=aws, endpoint_url=emu.endpoint_url) as chat:
...         _ = chat.send_message("hello")
...         bool(chat.contact.contact_id)
True
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Optional

from ..chat import AsyncChatSession, ChatConfig, ChatSession
from ..redact import describe_error
from ._start_args import is_denied, is_not_found, start_chat_params, start_error
from .errors import ConversationArgumentError

logger = logging.getLogger("boto3_connectparticipant_ext.conversation")


@dataclasses.dataclass(frozen=True)
class ChatContact:
    """The contact a started chat belongs to (no secrets here)."""

    contact_id: str
    participant_id: str
    instance_id: str
    contact_flow_id: str
    continued_from: Optional[str] = None


@dataclasses.dataclass
class _Plan:
    params: dict[str, Any]
    connect_client: Any
    participant_options: dict[str, Any]
    stop_on_end: bool


def _plan(options: dict[str, Any]) -> _Plan:
    """Check every argument and build the clients (no network call)."""
    params = start_chat_params(
        **{
            name: options[name]
            for name in (
                "instance_id",
                "contact_flow_id",
                "display_name",
                "attributes",
                "initial_message",
                "content_types",
                "continue_from",
                "rehydration_type",
                "chat_duration_minutes",
                "related_contact_id",
                "client_token",
            )
        }
    )
    for name in ("websocket", "stop_contact_on_end"):
        if not isinstance(options[name], bool):
            raise ConversationArgumentError(f"{name} must be True or False")
    chat_config = options["chat_config"]
    if chat_config is not None and not isinstance(chat_config, ChatConfig):
        raise ConversationArgumentError("chat_config must be a ChatConfig")
    session, region, endpoint = options["session"], options["region_name"], options["endpoint_url"]
    connect_client = options["connect_client"]
    if connect_client is None:
        if session is None:
            import boto3.session

            session = boto3.session.Session()
        connect_client = session.client(
            "connect", region_name=region, endpoint_url=endpoint, config=options["config"]
        )
    region = region or getattr(getattr(connect_client, "meta", None), "region_name", None)
    return _Plan(
        params=params,
        connect_client=connect_client,
        participant_options={
            "region_name": region,
            "endpoint_url": endpoint,
            "session": session,
            "config": options["config"],
            "chat_config": chat_config,
            "websocket": options["websocket"],
        },
        stop_on_end=options["stop_contact_on_end"],
    )


def _start_contact(plan: _Plan) -> tuple[dict[str, Any], ChatContact]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        answer: dict[str, Any] = plan.connect_client.start_chat_contact(**plan.params)
    except (ClientError, BotoCoreError) as error:
        raise start_error(error, "StartChatContact") from None
    persistent = plan.params.get("PersistentChat") or {}
    contact = ChatContact(
        contact_id=str(answer["ContactId"]),
        participant_id=str(answer["ParticipantId"]),
        instance_id=plan.params["InstanceId"],
        contact_flow_id=plan.params["ContactFlowId"],
        continued_from=persistent.get("SourceContactId"),
    )
    return answer, contact


def stop_contact(connect_client: Any, contact: ChatContact) -> bool:
    """StopContact; ``True`` when stopped (or already ended), ``False`` when not allowed."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        connect_client.stop_contact(InstanceId=contact.instance_id, ContactId=contact.contact_id)
    except ClientError as error:
        if is_not_found(error):
            return True
        if is_denied(error):
            logger.warning(
                "StopContact was refused for contact %s (the credentials lack "
                "connect:StopContact?): %s",
                contact.contact_id,
                describe_error(error),
            )
            return False
        raise start_error(error, "StopContact") from None
    except BotoCoreError as error:
        raise start_error(error, "StopContact") from None
    return True


class ContactChatSession(ChatSession):
    """A :class:`ChatSession` started by :func:`start_chat`: it knows its contact and
    stops it when the chat ends (see the module notes)."""

    def __init__(self, *, core: AsyncChatSession, contact: ChatContact, plan: _Plan) -> None:
        super().__init__(_core=core)
        self.contact = contact
        self.connect_client = plan.connect_client
        self._stop_on_end = plan.stop_on_end
        self._stopped: Optional[bool] = None

    def __enter__(self) -> ContactChatSession:
        self.connect()
        return self

    def disconnect(self, *, wait_for_end: Optional[float] = None) -> None:
        """Leave the chat (DisconnectParticipant; ``wait_for_end`` as for
        :meth:`ChatSession.disconnect`), then StopContact."""
        try:
            super().disconnect(wait_for_end=wait_for_end)
        finally:
            if self._stop_on_end:
                self.stop_contact()

    def stop_contact(self) -> bool:
        """StopContact once; ``False`` when the credentials were refused (logged)."""
        if self._stopped is None:
            self._stopped = stop_contact(self.connect_client, self.contact)
        return self._stopped


class AsyncContactChatSession(AsyncChatSession):
    """An :class:`AsyncChatSession` started by :func:`start_async_chat` (see
    :class:`ContactChatSession`)."""

    contact: ChatContact
    connect_client: Any
    _stop_on_end: bool = True
    _stopped: Optional[bool] = None

    async def __aenter__(self) -> AsyncContactChatSession:
        await self.connect()
        return self

    async def disconnect(self, *, wait_for_end: Optional[float] = None) -> None:
        """Leave the chat (DisconnectParticipant; ``wait_for_end`` as for
        :meth:`AsyncChatSession.disconnect`), then StopContact."""
        try:
            await super().disconnect(wait_for_end=wait_for_end)
        finally:
            if self._stop_on_end:
                await self.stop_contact()

    async def stop_contact(self) -> bool:
        """StopContact once (in a worker thread); ``False`` when refused (logged)."""
        if self._stopped is None:
            loop = asyncio.get_running_loop()
            self._stopped = await loop.run_in_executor(
                None, stop_contact, self.connect_client, self.contact
            )
        return self._stopped


def _core(plan: _Plan, answer: Mapping[str, Any], cls: type[AsyncChatSession]) -> Any:
    return cls(
        str(answer["ParticipantToken"]),
        participant_id=str(answer["ParticipantId"]),
        **plan.participant_options,
    )


def start_chat(
    *,
    instance_id: str,
    contact_flow_id: str,
    display_name: str = "Customer",
    attributes: Optional[Mapping[str, str]] = None,
    initial_message: Optional[str] = None,
    content_types: Optional[Sequence[str]] = None,
    continue_from: Optional[str] = None,
    rehydration_type: str = "ENTIRE_PAST_SESSION",
    chat_duration_minutes: Optional[int] = None,
    related_contact_id: Optional[str] = None,
    client_token: Optional[str] = None,
    session: Any = None,
    region_name: Optional[str] = None,
    endpoint_url: Optional[str] = None,
    config: Any = None,
    connect_client: Any = None,
    chat_config: Optional[ChatConfig] = None,
    websocket: bool = True,
    stop_contact_on_end: bool = True,
) -> ContactChatSession:
    """Start a chat as a customer and return its connected session.

    StartChatContact (signed, with ``session``'s AWS credentials: a boto3 session, the
    default one when omitted) on ``instance_id`` and ``contact_flow_id``, then
    CreateParticipantConnection with ``ConnectParticipant=true`` and the websocket.
    ``content_types`` defaults to text/plain, text/markdown and the interactive message
    and response types. ``continue_from`` makes a persistent chat from a past contact
    (``rehydration_type`` ENTIRE_PAST_SESSION or FROM_SEGMENT). ``endpoint_url`` serves
    both the Connect API and the participant API (the emulator's one URL).

    Raises :class:`ConversationArgumentError` before any call for a bad argument, and a
    :class:`StartChatError` subclass for a refusal: quota, throttling, not found,
    access denied.

    Examples
    --------
    >>> def smoke_test() -> None:
    ...     with start_chat(instance_id="1111-...", contact_flow_id="2222-...") as chat:
    ...         chat.send_message("Hi")
    """
    plan = _plan(dict(locals()))
    answer, contact = _start_contact(plan)
    chat = ContactChatSession(
        core=_core(plan, answer, AsyncChatSession), contact=contact, plan=plan
    )
    try:
        chat.connect()
    except BaseException as error:
        chat.close()
        _stop_quietly(plan, contact, error)
        raise _connect_error(error) from None
    return chat


async def start_async_chat(
    *,
    instance_id: str,
    contact_flow_id: str,
    display_name: str = "Customer",
    attributes: Optional[Mapping[str, str]] = None,
    initial_message: Optional[str] = None,
    content_types: Optional[Sequence[str]] = None,
    continue_from: Optional[str] = None,
    rehydration_type: str = "ENTIRE_PAST_SESSION",
    chat_duration_minutes: Optional[int] = None,
    related_contact_id: Optional[str] = None,
    client_token: Optional[str] = None,
    session: Any = None,
    region_name: Optional[str] = None,
    endpoint_url: Optional[str] = None,
    config: Any = None,
    connect_client: Any = None,
    chat_config: Optional[ChatConfig] = None,
    websocket: bool = True,
    stop_contact_on_end: bool = True,
) -> AsyncContactChatSession:
    """:func:`start_chat` for asyncio: the Connect calls run in a worker thread.

    Examples
    --------
    >>> async def smoke_test() -> None:
    ...     chat = await start_async_chat(instance_id="1111-...", contact_flow_id="2222-...")
    ...     async with chat:
    ...         await chat.send_message("Hi")
    """
    plan = _plan(dict(locals()))
    loop = asyncio.get_running_loop()
    answer, contact = await loop.run_in_executor(None, _start_contact, plan)
    chat: AsyncContactChatSession = _core(plan, answer, AsyncContactChatSession)
    chat.contact = contact
    chat.connect_client = plan.connect_client
    chat._stop_on_end = plan.stop_on_end
    try:
        await chat.connect()
    except BaseException as error:
        await chat.close()
        await loop.run_in_executor(None, _stop_quietly, plan, contact, error)
        raise _connect_error(error) from None
    return chat


def _connect_error(error: BaseException) -> BaseException:
    """A service refusal of the participant's connection, typed; anything else unchanged."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(error, (ClientError, BotoCoreError)):
        return start_error(error, "CreateParticipantConnection")
    return error


def _stop_quietly(plan: _Plan, contact: ChatContact, cause: BaseException) -> None:
    """Stop a contact whose customer could not connect (the connect error is what counts)."""
    try:
        stop_contact(plan.connect_client, contact)
    except Exception as error:
        logger.warning(
            "could not stop contact %s after the failed connect (%s): %s",
            contact.contact_id,
            describe_error(cause),
            describe_error(error),
        )
