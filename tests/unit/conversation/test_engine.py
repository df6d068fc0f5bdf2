"""The conversation engine without I/O: matching, waits, failure text, latency (a fake clock)."""

from __future__ import annotations

import re
from typing import Any, Optional

import pytest

from boto3_connectparticipant_ext.chat.events import ChatEvent, event_from_item
from boto3_connectparticipant_ext.conversation import ExpectationFailed, LatencyStats
from boto3_connectparticipant_ext.conversation._engine import (
    Engine,
    Expectation,
    Step,
    describe_item,
    drive_sync,
)
from boto3_connectparticipant_ext.conversation._shared import check_timeout, resolve_kind
from boto3_connectparticipant_ext.conversation.errors import ConversationArgumentError
from boto3_connectparticipant_ext.interactive import Element, ListPicker
from boto3_connectparticipant_ext.service_limits import INTERACTIVE_CONTENT_TYPE

EVENT = "application/vnd.amazonaws.connect.event."


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def message(
    content: str, role: str = "AGENT", content_type: str = "text/plain", **extra: Any
) -> ChatEvent:
    return event_from_item(
        {
            "Id": f"m-{content[:8]}",
            "Type": "MESSAGE",
            "ContentType": content_type,
            "Content": content,
            "ParticipantRole": role,
            "DisplayName": role.title(),
            "AbsoluteTime": "2030-01-02T09:30:01.250Z",
            **extra,
        }
    )


def event(name: str, role: Optional[str] = None) -> ChatEvent:
    return event_from_item(
        {"Id": name, "Type": "EVENT", "ContentType": EVENT + name, "ParticipantRole": role}
    )


def feed(engine: Engine, step: Step, clock: Clock, arrivals: list[tuple[float, Any]]) -> Any:
    """Drive ``step`` with events arriving after the given delays (None: nothing came)."""
    pending = list(arrivals)

    def next_event(timeout: float) -> Optional[ChatEvent]:
        if not pending:
            clock.now += timeout
            return None
        delay, item = pending.pop(0)
        clock.now += min(delay, timeout)
        return item if delay <= timeout else None

    return drive_sync(step, next_event)


def test_a_match_skips_other_events_and_records_latency_since_the_last_message() -> None:
    clock = Clock()
    engine = Engine(clock=clock)
    engine.note_sent()
    wait = engine.wait(Expectation.message(role="AGENT", text="refund"), timeout=5)
    found = feed(
        engine,
        wait,
        clock,
        [(0.1, event("typing", "AGENT")), (0.2, message("hello")), (0.4, message("refund ok"))],
    )
    assert found.content == "refund ok"
    [sample] = engine.latencies.samples
    assert sample.seconds == pytest.approx(0.7)
    assert [e.kind for e in engine.transcript()] == ["message", "message"]  # typing left out


@pytest.mark.parametrize(
    ("expectation", "candidate", "matches"),
    [
        (Expectation.message(), message("hi", role="CUSTOMER"), False),
        (Expectation.message(), message("hi", role="SYSTEM"), True),
        (Expectation.message(role=["AGENT", "SYSTEM"]), message("hi", role="SYSTEM"), True),
        (Expectation.message(role="AGENT"), message("hi", role="SYSTEM"), False),
        (Expectation.message(text="a.b"), message("axb"), False),  # a str is not a pattern
        (Expectation.message(text=re.compile("a.b")), message("axb"), True),
        (Expectation.message(text="Hello"), message("hello"), False),
        (
            Expectation.message(template="ListPicker"),
            message(
                ListPicker("Pick", [Element("A")]).to_content(),
                content_type=INTERACTIVE_CONTENT_TYPE,
            ),
            True,
        ),
        (
            Expectation.message(template="ListPicker"),
            message('{"templateType":"ListPicker"}'),
            False,
        ),
        (
            Expectation.event(resolve_kind("participant.joined")),
            event("participant.joined", "AGENT"),
            True,
        ),
        (Expectation.event(resolve_kind("participant")), event("participant.left", "AGENT"), True),
        (Expectation.message(), event("typing", "AGENT"), False),
    ],
)
def test_matching_rules(expectation: Expectation, candidate: ChatEvent, matches: bool) -> None:
    assert expectation.matches(candidate) is matches


def test_a_timeout_fails_with_the_last_items_redacted_and_shortened() -> None:
    clock = Clock()
    engine = Engine(clock=clock)
    for n in range(15):
        engine.observe(message(f"line {n}", role="CUSTOMER" if n % 2 else "AGENT"))
    engine.observe(message("x" * 500 + " ConnectionToken=abcdefghijklmnop"))
    with pytest.raises(ExpectationFailed) as caught:
        feed(engine, engine.wait(Expectation.message(text="never"), timeout=2), clock, [])
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        "expected a message from anyone but the customer containing 'never': "
        "nothing matched within 2 s"
    )
    assert lines[1] == "last 12 items of the conversation:"
    assert lines[2] == '  09:30:01.250  AGENT      Agent: "line 4"'
    assert lines[-1].endswith("xxx...") and len(lines[-1]) < 200
    assert len(lines) == 14
    assert isinstance(caught.value, AssertionError)


def test_the_failure_message_hides_tokens() -> None:
    engine = Engine(clock=Clock())
    engine.observe(message("Authorization: Bearer eyJsecretsecretsecret"))
    text = str(engine.failure("x", "y"))
    assert "eyJsecretsecretsecret" not in text


def test_chat_end_fails_an_expectation_but_ends_expect_end() -> None:
    clock = Clock()
    engine = Engine(clock=clock)
    with pytest.raises(ExpectationFailed, match="the chat ended"):
        feed(
            engine,
            engine.wait(Expectation.message(), timeout=5),
            clock,
            [(0.1, event("chat.ended"))],
        )
    ended = Engine(clock=clock)
    wait = ended.wait(Expectation.event(resolve_kind("chat.ended")), timeout=5, end_ok=True)
    assert feed(ended, wait, clock, [(0.1, event("chat.ended"))]).kind == "chat.ended"


def test_a_closed_stream_fails_at_once() -> None:
    clock = Clock()
    engine = Engine(clock=clock)

    def closed(timeout: float) -> None:
        engine.stream_paused(chat_ended=False, early=True)

    with pytest.raises(ExpectationFailed, match="the chat session was closed"):
        drive_sync(engine.wait(Expectation.message(), timeout=60), closed)
    assert clock.now == 100.0


def test_silence_passes_on_typing_and_own_messages_and_fails_on_a_reply() -> None:
    clock = Clock()
    engine = Engine(clock=clock)
    quiet = [(0.2, event("typing", "AGENT")), (0.3, message("me", role="CUSTOMER"))]
    assert feed(engine, engine.silence(1.0), clock, quiet) is None
    assert clock.now == pytest.approx(101.0)
    with pytest.raises(ExpectationFailed, match="expected silence for 1 s"):
        feed(engine, engine.silence(1.0), clock, [(0.5, message("ping"))])


def test_latency_is_counted_once_per_customer_message() -> None:
    clock = Clock()
    stats = LatencyStats()
    engine = Engine(clock=clock, latencies=stats)
    feed(engine, engine.wait(Expectation.message(), timeout=5), clock, [(1, message("greeting"))])
    assert stats.count == 0  # nothing was said yet
    engine.note_sent()
    feed(engine, engine.wait(Expectation.message(), timeout=5), clock, [(0.5, message("a"))])
    feed(engine, engine.wait(Expectation.message(), timeout=5), clock, [(0.5, message("b"))])
    assert [s.seconds for s in stats] == [0.5]
    assert stats.summary()["p95"] == 0.5


def test_describe_item_shows_interactive_choices_numbered() -> None:
    picker = message(
        ListPicker("Pick one", [Element("Apple"), Element("Pear")]).to_content(),
        content_type=INTERACTIVE_CONTENT_TYPE,
    )
    assert describe_item(picker).endswith('"[ListPicker] Pick one (1. Apple; 2. Pear)"')
    assert describe_item(event("participant.left", "AGENT")).endswith("<participant.left>")


def test_argument_checks() -> None:
    assert check_timeout(None, 3.0) == 3.0
    for bad in (0, -1, True, "5"):
        with pytest.raises(ConversationArgumentError):
            check_timeout(bad, 3.0)  # type: ignore[arg-type]
    with pytest.raises(ConversationArgumentError, match="unknown event kind"):
        resolve_kind("nope")


def test_latency_stats_percentiles() -> None:
    stats = LatencyStats()
    assert stats.summary() == {
        "count": 0,
        "min": None,
        "mean": None,
        "p50": None,
        "p95": None,
        "max": None,
    }
    for value in range(1, 21):
        stats.add("x", value / 10)
    assert (stats.percentile(50), stats.percentile(95), stats.max) == (1.0, 1.9, 2.0)
