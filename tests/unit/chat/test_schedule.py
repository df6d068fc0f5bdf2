"""The sans-I/O timing rules of a chat connection: driven by a number, no socket, no sleep."""

from __future__ import annotations

from boto3_connectparticipant_ext.chat._backoff import Backoff
from boto3_connectparticipant_ext.chat._schedule import (
    LOST,
    PING_UNANSWERED,
    SEND_HEARTBEAT,
    SEND_PING,
    Keepalive,
    Reconnect,
    refresh_retry_backoff,
    socket_refresh_due,
    token_refresh_due,
)


def keepalive(now: float = 0.0) -> Keepalive:
    return Keepalive(heartbeat_interval=10.0, ping_interval=25.0, now=now)


def test_nothing_is_due_before_the_deadline() -> None:
    timing = keepalive(now=100.0)
    assert timing.deadline() == 110.0
    assert timing.on_time(109.9, stalled=False) == []


def test_an_answered_heartbeat_keeps_the_socket_and_the_first_answer_proves_it_healthy() -> None:
    timing = keepalive()
    assert timing.on_time(10.0, stalled=False) == [SEND_HEARTBEAT]
    assert timing.heartbeat_received() is True
    assert timing.healthy
    assert timing.on_time(20.0, stalled=False) == [SEND_HEARTBEAT]
    assert timing.heartbeat_received() is False
    assert timing.on_time(30.0, stalled=False) == [SEND_HEARTBEAT, SEND_PING]


def test_a_missed_heartbeat_loses_the_socket_unless_the_reader_is_stalled() -> None:
    timing = keepalive()
    timing.on_time(10.0, stalled=False)
    # The consumer's buffer is full: the reader cannot see the echo; no loss.
    assert timing.on_time(20.0, stalled=True) == [SEND_HEARTBEAT]
    assert timing.on_time(30.0, stalled=False) == [LOST]
    assert not timing.healthy


def test_an_unanswered_ping_is_reported_and_a_new_one_sent() -> None:
    timing = keepalive()
    timing.heartbeat_received()
    assert SEND_PING in timing.on_time(25.0, stalled=False)
    timing.heartbeat_received()
    assert timing.on_time(50.0, stalled=False) == [SEND_HEARTBEAT, PING_UNANSWERED, SEND_PING]
    timing.ping_received()
    timing.heartbeat_received()
    assert PING_UNANSWERED not in timing.on_time(75.0, stalled=False)


def test_restart_moves_the_timers() -> None:
    timing = keepalive(now=0.0)
    timing.restart(50.0)
    assert timing.deadline() == 60.0


def test_token_refresh_is_margin_early_but_never_more_than_half_the_lifetime() -> None:
    hour = "1970-01-01T01:00:00Z"
    assert token_refresh_due(hour, obtained_at=0.0, margin=600.0) == 3000.0
    assert token_refresh_due(hour, obtained_at=3000.0, margin=600.0) == 3300.0
    assert token_refresh_due(hour, obtained_at=3400.0, margin=600.0) == 3500.0
    # Obtained after its expiry (a resumed state): due at once.
    assert token_refresh_due(hour, obtained_at=4000.0, margin=600.0) == 3600.0


def test_no_or_unreadable_expiry_means_never() -> None:
    assert token_refresh_due(None, obtained_at=0.0, margin=600.0) is None
    assert token_refresh_due("soon", obtained_at=0.0, margin=600.0) is None


def test_socket_refresh_waits_for_max_age_and_for_the_retry_after_a_failure() -> None:
    assert socket_refresh_due(10.0, max_age=100.0) == 110.0
    assert socket_refresh_due(10.0, max_age=100.0, retry_at=50.0) == 110.0
    assert socket_refresh_due(10.0, max_age=100.0, retry_at=130.0) == 130.0


def no_jitter() -> Backoff:
    return Backoff(initial=1.0, multiplier=2.0, cap=5.0, jitter=0.0)


def test_a_healthy_socket_reconnects_at_once_and_an_unhealthy_one_waits() -> None:
    assert Reconnect(no_jitter(), max_attempts=None, was_healthy=True).first_delay() is None
    assert Reconnect(no_jitter(), max_attempts=None, was_healthy=False).first_delay() == 1.0


def test_reconnect_waits_grow_to_the_cap_and_the_limit_gives_up() -> None:
    run = Reconnect(no_jitter(), max_attempts=None, was_healthy=True)
    waits = []
    for _ in range(5):
        run.start_attempt()
        waits.append(run.failed())
    assert waits == [1.0, 2.0, 4.0, 5.0, 5.0]
    limited = Reconnect(no_jitter(), max_attempts=3, was_healthy=True)
    assert [limited.start_attempt() for _ in range(3)] == [1, 2, 3]
    assert limited.failed() is None


def test_the_backoff_is_shared_across_runs_until_a_healthy_socket_resets_it() -> None:
    backoff = no_jitter()
    Reconnect(backoff, max_attempts=None, was_healthy=False).first_delay()
    assert Reconnect(backoff, max_attempts=None, was_healthy=False).first_delay() == 2.0
    backoff.reset()
    assert Reconnect(backoff, max_attempts=None, was_healthy=False).first_delay() == 1.0


def test_failed_token_refreshes_wait_1_2_4_seconds_up_to_the_cap() -> None:
    waits = refresh_retry_backoff(cap=5.0)
    assert [waits.next_delay() for _ in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    waits = refresh_retry_backoff(cap=10_000.0)
    assert [waits.next_delay() for _ in range(12)][-1] == 512.0
