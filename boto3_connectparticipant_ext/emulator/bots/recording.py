"""Recorded chats: the file format, ``load_recording`` / ``save_recording``, ``bot_from_recording``.

A recording is a JSON file::

    {"format": "connect-chat-recording", "version": 1, "contact_id": "...",
     "customer_participant_id": "...", "items": [<transcript items as GetTranscript returns them>]}

(optionally ``"contact_flow_id"``). :func:`bot_from_recording` turns it into a bot whose
``greeting`` is what the other side said before the customer's first message and whose
``turns`` are what it said after each of the customer's messages, so a regression test of
a live flow runs offline. What a transcript does not hold cannot be replayed exactly:
attachment bytes (the bot shares a file of the same name and type whose content says so)
and, unless ``timing=True``, the pauses.

Examples
--------
>>> def item(role, text, second):
...     return {"Type": "MESSAGE", "ContentType": "text/plain", "Content": text,
...             "ParticipantId": "cust" if role == "CUSTOMER" else "b", "ParticipantRole": role,
...             "DisplayName": role, "AbsoluteTime": f"2030-01-01T00:00:0{second}.000Z"}
>>> recording = Recording("c-1", "cust", items=(
...     item("SYSTEM", "Hi!", 0), item("CUSTOMER", "order", 1), item("SYSTEM", "Which one?", 2)))
>>> bot = bot_from_recording(recording, flow_id="f-1")
>>> bot.greeting[0].text, bot.turns[0][0].text
('Hi!', 'Which one?')
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional, Union

from ...errors import ConnectParticipantExtError
from ...interactive import parse_interactive
from ...service_limits import INTERACTIVE_CONTENT_TYPE
from .._service_events import CONTACT_EVENTS, EVENT_PREFIX, PARTICIPANT_EVENTS
from ..config import EmulatorConfig
from .model import (
    ROLES,
    Bot,
    BotParticipant,
    BotScriptError,
    Delay,
    Disconnect,
    End,
    Event,
    Interactive,
    Say,
    SendAttachment,
    Step,
    Transfer,
)

RECORDING_FORMAT = "connect-chat-recording"
RECORDING_VERSION = 1
MAX_REPLAYED_PAUSE = 30.0


@dataclass(frozen=True)
class Recording:
    """A recorded chat: whose it was and its transcript items, oldest first."""

    contact_id: str
    customer_participant_id: str
    items: Sequence[Mapping[str, Any]] = ()
    contact_flow_id: Optional[str] = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": RECORDING_FORMAT,
            "version": RECORDING_VERSION,
            "contact_id": self.contact_id,
            "customer_participant_id": self.customer_participant_id,
        }
        if self.contact_flow_id is not None:
            out["contact_flow_id"] = self.contact_flow_id
        out.update(self.extra)
        out["items"] = [dict(item) for item in self.items]
        return out


def recording_from_dict(data: Any, source: str = "recording") -> Recording:
    """Check and read a recording's JSON object."""
    if not isinstance(data, Mapping) or data.get("format") != RECORDING_FORMAT:
        raise BotScriptError(f"{source}: not a {RECORDING_FORMAT} file")
    if data.get("version") != RECORDING_VERSION:
        raise BotScriptError(f"{source}: version {data.get('version')!r} is not supported")
    for key in ("contact_id", "customer_participant_id"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise BotScriptError(f"{source}: {key} is missing")
    items = data.get("items")
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise BotScriptError(f"{source}: items is a list of transcript items")
    flow = data.get("contact_flow_id")
    known = {
        "format",
        "version",
        "contact_id",
        "customer_participant_id",
        "items",
        "contact_flow_id",
    }
    return Recording(
        contact_id=data["contact_id"],
        customer_participant_id=data["customer_participant_id"],
        items=tuple(items),
        contact_flow_id=flow if isinstance(flow, str) else None,
        extra={k: v for k, v in data.items() if k not in known},
    )


def load_recording(path: Union[str, os.PathLike[str]]) -> Recording:
    """Read a recording file (JSON)."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise BotScriptError(f"{name}: cannot read the recording ({error.strerror})") from None
    except ValueError as error:
        raise BotScriptError(f"{name}: not JSON ({error})") from None
    return recording_from_dict(data, name)


def save_recording(path: Union[str, os.PathLike[str]], recording: Recording) -> None:
    """Write a recording atomically (a temporary file renamed over ``path``: never half a file)."""
    name = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(name))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".recording-", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(recording.to_dict(), out, ensure_ascii=False, indent=1)
        os.replace(temporary, name)
    except BaseException:
        os.unlink(temporary)
        raise


def _time(item: Mapping[str, Any]) -> Optional[float]:
    stamp = item.get("AbsoluteTime")
    if not isinstance(stamp, str):
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class _Replay:
    """Walks the items once, cutting the other side's steps at each customer message."""

    def __init__(self, recording: Recording, timing: bool) -> None:
        self.customer = recording.customer_participant_id
        self.timing = timing
        self.segments: list[list[Step]] = [[]]
        self.speaker: Optional[BotParticipant] = None
        self.last_time: Optional[float] = None
        self.transferred = False

    def _from_customer(self, item: Mapping[str, Any]) -> bool:
        return (
            item.get("ParticipantId") == self.customer or item.get("ParticipantRole") == "CUSTOMER"
        )

    def _add(self, item: Mapping[str, Any], step: Step) -> None:
        moment = _time(item)
        if self.timing and moment is not None and self.last_time is not None:
            pause = min(max(moment - self.last_time, 0.0), MAX_REPLAYED_PAUSE)
            if pause > 0:
                self.segments[-1].append(Delay(round(pause, 3)))
        self.last_time = moment if moment is not None else self.last_time
        self.segments[-1].append(step)

    def feed(self, item: Mapping[str, Any]) -> None:
        kind, content_type = item.get("Type"), str(item.get("ContentType", ""))
        if self._from_customer(item):
            if kind in ("MESSAGE", "ATTACHMENT"):
                self.segments.append([])
                self.last_time = _time(item)
            return
        if kind == "MESSAGE":
            self._remember_speaker(item)
            self._add(item, self._message(item, content_type))
        elif kind == "ATTACHMENT":
            for attached in item.get("Attachments") or []:
                name = str(attached.get("AttachmentName") or "attachment.txt")
                note = f"(recorded attachment {name}: its content is not in the transcript)"
                kind_of = str(attached.get("ContentType") or "text/plain")
                self._add(item, SendAttachment(name, note.encode(), kind_of))
        elif kind == "EVENT" and content_type.startswith(EVENT_PREFIX):
            self._event(item, content_type[len(EVENT_PREFIX) :])

    def _remember_speaker(self, item: Mapping[str, Any]) -> None:
        if self.speaker is None and not self.transferred:
            role = str(item.get("ParticipantRole") or "SYSTEM")
            name = str(item.get("DisplayName") or "BOT")
            self.speaker = BotParticipant(role if role in ROLES else "SYSTEM", name)

    def _message(self, item: Mapping[str, Any], content_type: str) -> Step:
        content = str(item.get("Content") or "")
        if content_type == INTERACTIVE_CONTENT_TYPE:
            return Interactive(parse_interactive(content), content)
        return Say(content, content_type or "text/plain")

    def _event(self, item: Mapping[str, Any], name: str) -> None:
        if name == "transfer.succeeded":
            self.transferred = True  # the AGENT's participant.joined that follows makes the step
        elif name == "participant.joined" and item.get("ParticipantRole") == "AGENT":
            if self.transferred or self.speaker is not None:
                self._add(item, Transfer(str(item.get("DisplayName") or "Agent")))
            self.transferred = True
        elif name == "chat.ended":
            self._add(item, End())
        elif name == "participant.left":
            if not self.transferred and item.get("ParticipantRole") == self._role():
                self._add(item, Disconnect())
        else:
            mine = name in PARTICIPANT_EVENTS and item.get("ParticipantRole") == self._role()
            if name in CONTACT_EVENTS or mine:
                self._add(item, Event(name))

    def _role(self) -> str:
        return self.speaker.role if self.speaker else "SYSTEM"


def bot_from_recording(
    recording: Union[Recording, Mapping[str, Any]],
    *,
    flow_id: Optional[str] = None,
    name: Optional[str] = None,
    timing: bool = False,
) -> Bot:
    """A bot replaying the other side of ``recording`` as ``greeting`` + ``turns``.

    ``flow_id`` defaults to the recording's ``contact_flow_id``, then to the emulator's
    default flow; ``timing=True`` replays the recorded pauses (each at most 30 s).
    """
    if not isinstance(recording, Recording):
        recording = recording_from_dict(recording)
    replay = _Replay(recording, timing)
    try:
        for item in recording.items:
            replay.feed(item)
    except BotScriptError:
        raise
    except ConnectParticipantExtError as error:
        raise BotScriptError(f"recording {recording.contact_id}: {error}") from None
    greeting, *turns = replay.segments
    return Bot(
        name=name or f"replay-{recording.contact_id}",
        flow_id=flow_id or recording.contact_flow_id or EmulatorConfig().contact_flow_id,
        participant=replay.speaker or BotParticipant(),
        greeting=tuple(greeting),
        turns=tuple(tuple(turn) for turn in turns),
    )
