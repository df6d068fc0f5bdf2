"""Playing bots inside the emulator: :class:`BotHost` and one conversation per contact.

The host listens to the emulator's transcript (``ChatState.item_listeners``, the same
hook the websocket hub uses): a customer joining a contact whose ContactFlowId belongs
to a bot starts a conversation, each customer MESSAGE or ATTACHMENT item is queued for
it, ``chat.ended`` stops it. A conversation runs its steps in order on the emulator's
event loop, through the state's own functions (``post_message``, ``post_event``,
``stream_bot_message``, ``emit_event``, ``disconnect``, ``end_contact``), so what the
bot does is validated, kept and pushed like anything else.

Choices made where the service is silent: a SYSTEM bot speaks through a SYSTEM
participant (no ``participant.joined``, as the emulator's system messages); a CUSTOM_BOT
or AGENT bot joins right after the customer; ``transfer`` writes ``transfer.succeeded``,
makes a CUSTOM_BOT or AGENT speaker leave and an AGENT join, who plays the rest; an
interactive message goes to a contact whose SupportedMessagingContentTypes lacks the
interactive type as ``text/plain`` (its title and numbered options); a step the service
refuses (the chat ended meanwhile) ends that conversation quietly.

Examples
--------
>>> from boto3_connectparticipant_ext.interactive import ListPicker, Element
>>> plain_text(ListPicker("Fruit?", [Element("Apple"), Element("Pear")]))
'Fruit?\\n1. Apple\\n2. Pear'
"""

from __future__ import annotations

import asyncio
import collections
import logging
import random
from typing import Any, Optional, Union

from ...interactive import InteractiveMessage, InteractiveParseError, parse_response
from ...service_limits import INTERACTIVE_CONTENT_TYPE, INTERACTIVE_RESPONSE_CONTENT_TYPE
from .. import _participant_api
from .._ids import new_id
from .._service_errors import ServiceError
from .._service_events import resolve_event
from .._state import CHAT_ENDED, JOINED, TYPING, ChatState, Contact, Participant
from ..errors import EmulatorConfigError
from .model import (
    Bot,
    CustomerTurn,
    Delay,
    Disconnect,
    End,
    Event,
    Interactive,
    Say,
    SendAttachment,
    Step,
    Stream,
    Transfer,
    Typing,
)

_LOG = logging.getLogger("boto3_connectparticipant_ext.emulator.bots")
_GREETING = "greeting"
Job = Union[str, CustomerTurn]


def plain_text(message: InteractiveMessage) -> str:
    """What a contact without interactive support receives instead of ``message``."""
    lines = [message.title or ""]
    lines += [f"{choice.index + 1}. {choice.title}" for choice in message.choices]
    return "\n".join(line for line in lines if line) or message.to_dict().get("templateType", "")


def customer_turn(item: dict[str, Any]) -> Optional[CustomerTurn]:
    """The customer's transcript item as a turn (``None`` for anything else)."""
    kind, content_type = item.get("Type"), item.get("ContentType")
    if kind == "ATTACHMENT":
        names = [a.get("AttachmentName") for a in item.get("Attachments") or []]
        return CustomerTurn("attachment", names[0] if names else None, content_type, None, item)
    if kind != "MESSAGE":
        return None
    content = item.get("Content")
    if content_type == INTERACTIVE_RESPONSE_CONTENT_TYPE:
        try:
            response = parse_response(content or "")
        except InteractiveParseError:
            return CustomerTurn("text", content, content_type, None, item)
        return CustomerTurn("response", response.title, content_type, response, item)
    return CustomerTurn("text", content, content_type, None, item)


class BotHost:
    """The emulator's bots by flow id, and the conversations they are having."""

    def __init__(
        self, state: ChatState, context: Optional[_participant_api.ParticipantContext] = None
    ) -> None:
        self._state = state
        self._context = context
        self._bots: dict[str, Bot] = {}
        self._chats: dict[str, _Conversation] = {}
        state.item_listeners.append(self.on_item)

    @property
    def bots(self) -> list[Bot]:
        return list(self._bots.values())

    def add(self, bot: Bot) -> None:
        """Let ``bot`` handle the contacts started with its flow id."""
        if not isinstance(bot, Bot):
            raise EmulatorConfigError(f"expected a Bot, got {type(bot).__name__}")
        current = self._bots.get(bot.flow_id)
        if current is not None and current != bot:
            raise EmulatorConfigError(
                f"flow {bot.flow_id} is already played by bot {current.name!r}"
            )
        self._bots[bot.flow_id] = bot
        self._state.flow_ids.add(bot.flow_id)

    def on_item(self, contact: Contact, item: dict[str, Any]) -> None:
        """The hook: every new item of every contact (kept or pushed only)."""
        bot = self._bots.get(contact.contact_flow_id)
        if bot is None:
            return
        chat = self._chats.get(contact.contact_id)
        content_type = item.get("ContentType")
        if chat is None:
            if content_type == JOINED and item.get("ParticipantRole") == "CUSTOMER":
                chat = _Conversation(self._state, self._context, bot, contact)
                self._chats[contact.contact_id] = chat
                chat.push(_GREETING)
            return
        if content_type == CHAT_ENDED:
            chat.closed = True
            del self._chats[contact.contact_id]
        elif item.get("ParticipantRole") == "CUSTOMER":
            turn = customer_turn(item)
            if turn is not None:
                chat.push(turn)


class _Conversation:
    """One contact's bot: a queue of jobs played in order by one task."""

    def __init__(
        self,
        state: ChatState,
        context: Optional[_participant_api.ParticipantContext],
        bot: Bot,
        contact: Contact,
    ) -> None:
        self.state = state
        self.context = context
        self.bot = bot
        self.contact = contact
        self.closed = False
        self.speaker: Optional[Participant] = None
        self.turns_seen = 0
        self.random = random.Random(bot.seed) if bot.seed is not None else random.Random()
        self.jobs: collections.deque[Job] = collections.deque()
        self.task: Optional[asyncio.Task[None]] = None

    def push(self, job: Job) -> None:
        if self.closed:
            return
        self.jobs.append(job)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while self.jobs and not self.closed:
            job = self.jobs.popleft()
            try:
                await self._play(self._steps(job))
            except ServiceError as error:
                _LOG.debug("bot %s stops: %s", self.bot.name, error.code)
                self.closed = True
            except Exception as error:
                _LOG.error("bot %s failed: %s", self.bot.name, type(error).__name__)
                self.closed = True

    def _steps(self, job: Job) -> tuple[Step, ...]:
        if job == _GREETING:
            return self.bot.greeting
        assert isinstance(job, CustomerTurn)
        index, self.turns_seen = self.turns_seen, self.turns_seen + 1
        return self.bot.reaction(job, index)

    def _speaker(self) -> Participant:
        if self.speaker is None:
            person = self.bot.participant
            self.speaker = self.state.add_participant(
                self.contact, role=person.role, display_name=person.display_name
            )
        return self.speaker

    async def _play(self, steps: tuple[Step, ...]) -> None:
        for step in steps:
            if self.closed:
                return
            if isinstance(step, Delay):
                high = step.low if step.high is None else step.high
                await asyncio.sleep(self.random.uniform(step.low, high))
            elif isinstance(step, SendAttachment):
                await self._attach(step)
            else:
                self._act(step)

    def _act(self, step: Step) -> None:
        state, contact = self.state, self.contact
        speaker = self._speaker()
        if isinstance(step, Say):
            state.post_message(speaker, step.content_type, step.text)
        elif isinstance(step, Typing):
            state.post_event(speaker, TYPING, None)
        elif isinstance(step, Interactive):
            self._interactive(speaker, step)
        elif isinstance(step, Stream):
            self._stream(speaker, step)
        elif isinstance(step, Event):
            scoped = resolve_event(step.name)[1]
            state.emit_event(contact, step.name, participant=speaker if scoped else None)
        elif isinstance(step, Transfer):
            state.emit_event(contact, "transfer.succeeded")
            if speaker.role != "SYSTEM":
                state.disconnect(speaker)
            self.speaker = state.add_participant(contact, role="AGENT", display_name=step.agent)
        elif isinstance(step, Disconnect):
            state.disconnect(speaker)
            self.closed = True
        elif isinstance(step, End):
            self.closed = True
            state.end_contact(contact)

    def _interactive(self, speaker: Participant, step: Interactive) -> None:
        # A contact that did not declare the interactive type gets its plain-text form.
        if INTERACTIVE_CONTENT_TYPE not in self.contact.supported_content_types:
            self.state.post_message(speaker, "text/plain", plain_text(step.message))
            return
        self.state.require_can_write(speaker)
        item = self.state.participant_item(speaker, "MESSAGE", INTERACTIVE_CONTENT_TYPE)
        item["Content"] = step.content
        self.state.append(self.contact, item)

    def _stream(self, speaker: Participant, step: Stream) -> None:
        chunks = list(step.chunks)
        if speaker.role == "CUSTOM_BOT":
            self.state.stream_bot_message(self.contact, chunks, participant=speaker)
        elif speaker.role == "SYSTEM":
            name = speaker.display_name
            self.state.stream_bot_message(self.contact, chunks, display_name=name)
        else:  # an agent does not stream: the whole answer at once
            self.state.post_message(speaker, "text/plain", "".join(chunks))

    async def _attach(self, step: SendAttachment) -> None:
        """Upload through the emulator's own store; write the item as CompleteAttachmentUpload."""
        if self.context is None:
            raise EmulatorConfigError("this emulator has no attachment store for bots")
        speaker = self._speaker()
        self.state.require_can_write(speaker)
        params = {
            "AttachmentName": step.name,
            "AttachmentSizeInBytes": len(step.data),
            "ContentType": step.content_type,
        }
        started = _participant_api._start_upload(self.context, speaker, params)
        upload = started["UploadMetadata"]
        from aiohttp import ClientSession

        async with (
            ClientSession() as session,
            session.put(
                upload["Url"], data=step.data, headers=upload["HeadersToInclude"]
            ) as answer,
        ):
            if answer.status >= 300:
                raise EmulatorConfigError(f"the store refused the bot's upload ({answer.status})")
        attachment = self.state.attachments[started["AttachmentId"]]
        attachment.completed_with = new_id()
        self.state.require_can_write(speaker)
        self.state.add_attachment_item(attachment)
