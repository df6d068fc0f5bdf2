"""The bot model: steps, rules, the customer's turn, and :class:`Bot` itself.

Everything is a frozen dataclass, so a bot is a value: build it in Python with the helpers
below (``say``, ``when``, ...) or load it from a YAML/JSON script (:mod:`.loader`); the
runner (:mod:`.runner`) plays it inside the emulator.

Examples
--------
>>> bot = Bot("echo", "11111111-2222-4333-8444-555555555555", greeting=(say("Hi!"),))
>>> bot = bot.on(when(text="(?i)order"), say("What would you like?"))
>>> bot = bot.on(when(any=True), say("Sorry?"))
>>> turn = CustomerTurn(kind="text", text="I want to order")
>>> [step.text for step in bot.reaction(turn, 0) if isinstance(step, Say)]
['What would you like?']
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from ...interactive import InteractiveMessage, InteractiveResponse
from ...service_limits import message_content_problem
from .._service_events import resolve_event
from ..errors import EmulatorConfigError

ROLES = ("SYSTEM", "CUSTOM_BOT", "AGENT")


class BotScriptError(EmulatorConfigError):
    """A bot (script or Python) the emulator cannot play; the message says where and why."""


@dataclass(frozen=True)
class Say:
    """Post a message (``text/plain`` unless ``content_type`` says otherwise)."""

    text: str
    content_type: str = "text/plain"

    def __post_init__(self) -> None:
        if not isinstance(self.text, str) or not isinstance(self.content_type, str):
            raise BotScriptError("say: the text and its content type are strings")
        problem = message_content_problem(self.content_type, self.text)
        if not self.text:
            problem = "the text is empty"
        if problem is not None:
            raise BotScriptError(f"say: {problem}")


@dataclass(frozen=True)
class Typing:
    """Show the typing indicator."""


@dataclass(frozen=True)
class Delay:
    """Wait ``low`` seconds, or a seeded random time between ``low`` and ``high``."""

    low: float
    high: Optional[float] = None

    def __post_init__(self) -> None:
        high = self.low if self.high is None else self.high
        if not 0 <= self.low <= high:
            raise BotScriptError(f"delay: need 0 <= min <= max, got {self.low} and {high}")


@dataclass(frozen=True)
class Interactive:
    """Post an interactive message (plain text when the contact does not support them)."""

    message: InteractiveMessage
    content: Optional[str] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Built messages are checked against the documented limits; a recorded one (given
        # with its content) is replayed exactly as the service delivered it.
        if self.content is None:
            object.__setattr__(self, "content", self.message.to_content())


@dataclass(frozen=True)
class Stream:
    """Stream an answer in chunks (one message, pushed chunk by chunk)."""

    chunks: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.chunks or not all(isinstance(c, str) and c for c in self.chunks):
            raise BotScriptError("stream: a non-empty list of non-empty strings")


@dataclass(frozen=True)
class SendAttachment:
    """Share a file (uploaded through the emulator's own store, then scanned like any other)."""

    name: str
    data: bytes = field(repr=False)
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Event:
    """Write a service event (``transfer.succeeded``, ``participant.idle``, ...)."""

    name: str

    def __post_init__(self) -> None:
        resolve_event(self.name)  # an unknown or refused event fails when the bot is built


@dataclass(frozen=True)
class Transfer:
    """``transfer.succeeded``, the bot leaves, and an AGENT named ``agent`` takes over."""

    agent: str


@dataclass(frozen=True)
class Disconnect:
    """The bot leaves the chat (``participant.left``); it says nothing more."""


@dataclass(frozen=True)
class End:
    """The chat ends (``chat.ended``), like StopContact."""


Step = Union[
    Say, Typing, Delay, Interactive, Stream, SendAttachment, Event, Transfer, Disconnect, End
]
STEP_TYPES = (
    Say,
    Typing,
    Delay,
    Interactive,
    Stream,
    SendAttachment,
    Event,
    Transfer,
    Disconnect,
    End,
)


@dataclass(frozen=True)
class CustomerTurn:
    """What the customer just did: ``kind`` is ``"text"``, ``"response"`` or ``"attachment"``.

    ``text`` is the message (for a response: the chosen option's title; for an attachment:
    its name), ``response`` the parsed interactive answer and ``item`` the transcript item.
    """

    kind: str
    text: Optional[str] = None
    content_type: Optional[str] = None
    response: Optional[InteractiveResponse] = None
    item: Mapping[str, Any] = field(default_factory=dict, repr=False)


Predicate = Callable[[CustomerTurn], bool]


@dataclass(frozen=True)
class Match:
    """When a rule applies; every condition given must hold (build it with :func:`when`)."""

    text: Optional[re.Pattern[str]] = None
    choice: Optional[str] = None
    attachment: Optional[bool] = None
    any: bool = False
    predicate: Optional[Predicate] = None

    def __call__(self, turn: CustomerTurn) -> bool:
        checks: list[bool] = []
        if self.text is not None:
            checks.append(turn.kind != "attachment" and bool(self.text.search(turn.text or "")))
        if self.choice is not None:
            checks.append(_chose(turn, self.choice))
        if self.attachment is not None:
            checks.append((turn.kind == "attachment") == self.attachment)
        if self.predicate is not None:
            checks.append(bool(self.predicate(turn)))
        if self.any:
            checks.append(True)
        return bool(checks) and all(checks)


def _chose(turn: CustomerTurn, choice: str) -> bool:
    wanted = choice.casefold()
    if turn.response is not None:
        named = (turn.response.title, turn.response.element_id)
        return any(n is not None and n.casefold() == wanted for n in named)
    # The hosted widget answers list pickers, panels and quick replies with the title as text.
    return turn.kind == "text" and (turn.text or "").strip().casefold() == wanted


def when(
    *,
    text: Optional[str] = None,
    choice: Optional[str] = None,
    attachment: Optional[bool] = None,
    any: bool = False,
    predicate: Optional[Predicate] = None,
) -> Match:
    """A rule's condition: a regular expression, a chosen option, an attachment, anything.

    Examples
    --------
    >>> when(choice="Pizza")(CustomerTurn("text", "pizza"))
    True
    """
    pattern = None
    if text is not None:
        try:
            pattern = re.compile(text)
        except (re.error, TypeError) as error:
            raise BotScriptError(f"when.text: not a regular expression ({error})") from None
    match = Match(pattern, choice, attachment, any, predicate)
    if not (pattern or choice is not None or attachment is not None or any or predicate):
        raise BotScriptError("when: give text, choice, attachment, any or a predicate")
    return match


Reaction = Union[Sequence[Step], Callable[[CustomerTurn], Sequence[Step]]]


@dataclass(frozen=True)
class Rule:
    """``when`` the customer's turn matches, play ``then`` (steps, or a callable giving them)."""

    when: Match
    then: Reaction

    def steps(self, turn: CustomerTurn) -> tuple[Step, ...]:
        steps = self.then(turn) if callable(self.then) else self.then
        return check_steps(steps, "rule")


@dataclass(frozen=True)
class BotParticipant:
    """Who the bot speaks as: ``SYSTEM`` (a flow's messages), ``CUSTOM_BOT`` or ``AGENT``."""

    role: str = "SYSTEM"
    display_name: str = "BOT"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise BotScriptError(f"participant.role: one of {', '.join(ROLES)}, not {self.role!r}")
        if not isinstance(self.display_name, str) or not self.display_name:
            raise BotScriptError("participant.display_name: a non-empty string")


def check_steps(steps: Any, where: str) -> tuple[Step, ...]:
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence):
        raise BotScriptError(f"{where}: a list of steps")
    for step in steps:
        if not isinstance(step, STEP_TYPES):
            raise BotScriptError(f"{where}: {type(step).__name__} is not a step")
    return tuple(steps)


@dataclass(frozen=True)
class Bot:
    """A scripted participant for the contacts started with ``flow_id``.

    ``greeting`` plays when the customer joins. Each customer message then plays the
    first matching rule (``fallback`` when none matches) or, when ``turns`` is given, the
    i-th turn for the i-th message (``fallback`` once they run out). ``seed`` makes random
    delays reproducible.
    """

    name: str
    flow_id: str
    participant: BotParticipant = BotParticipant()
    greeting: tuple[Step, ...] = ()
    rules: tuple[Rule, ...] = ()
    fallback: tuple[Step, ...] = ()
    turns: Optional[tuple[tuple[Step, ...], ...]] = None
    seed: Optional[int] = 0

    def __post_init__(self) -> None:
        for key in ("name", "flow_id"):
            if not isinstance(getattr(self, key), str) or not getattr(self, key):
                raise BotScriptError(f"{key}: a non-empty string")
        object.__setattr__(self, "greeting", check_steps(self.greeting, "greeting"))
        object.__setattr__(self, "fallback", check_steps(self.fallback, "fallback"))
        object.__setattr__(self, "rules", tuple(self.rules))
        if self.turns is not None:
            turns = tuple(check_steps(t, f"turns[{i}]") for i, t in enumerate(self.turns))
            object.__setattr__(self, "turns", turns)
        if self.rules and self.turns is not None:
            raise BotScriptError("a bot has rules or turns, not both")

    def on(self, match: Match, *steps: Step) -> Bot:
        """A copy with one more rule (rules are tried in order)."""
        return dataclasses.replace(self, rules=(*self.rules, Rule(match, check_steps(steps, "on"))))

    def reaction(self, turn: CustomerTurn, index: int) -> tuple[Step, ...]:
        """The steps answering the customer's ``index``-th message (from 0)."""
        if self.turns is not None:
            return self.turns[index] if index < len(self.turns) else self.fallback
        for rule in self.rules:
            if rule.when(turn):
                return rule.steps(turn)
        return self.fallback


# -- step helpers (Python scripts) ---------------------------------------------------------


def say(text: str, content_type: str = "text/plain") -> Say:
    return Say(text, content_type)


def typing() -> Typing:
    return Typing()


def delay(low: float, high: Optional[float] = None) -> Delay:
    return Delay(low, high)


def interactive(message: InteractiveMessage) -> Interactive:
    return Interactive(message)


def stream(*chunks: str) -> Stream:
    return Stream(tuple(chunks))


def attachment(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SendAttachment:
    return SendAttachment(name, data, content_type)


def event(name: str) -> Event:
    return Event(name)


def transfer(agent: str) -> Transfer:
    if not isinstance(agent, str) or not agent:
        raise BotScriptError("transfer.agent: the agent's display name")
    return Transfer(agent)


def disconnect() -> Disconnect:
    return Disconnect()


def end() -> End:
    return End()
