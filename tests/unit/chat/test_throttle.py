"""Typing and receipt bookkeeping."""

from __future__ import annotations

import threading

from boto3_connectparticipant_ext.chat._throttle import (
    DELIVERED,
    READ,
    ReceiptBook,
    TypingThrottle,
)


def test_typing_allows_one_per_interval() -> None:
    now = [0.0]
    throttle = TypingThrottle(interval=10.0, clock=lambda: now[0])
    assert [throttle.try_acquire() for _ in range(5)] == [True, False, False, False, False]
    now[0] = 9.99
    assert not throttle.try_acquire()
    now[0] = 10.0
    assert throttle.try_acquire()
    assert throttle.last_sent == 10.0


def test_typing_release_gives_the_slot_back_after_a_failed_send() -> None:
    throttle = TypingThrottle(interval=10.0, clock=lambda: 5.0)
    assert throttle.try_acquire()
    throttle.release()
    assert throttle.try_acquire()


def test_typing_throttle_holds_under_concurrent_callers() -> None:
    throttle = TypingThrottle(interval=60.0, clock=lambda: 1.0)
    results: list[bool] = []
    lock = threading.Lock()

    def call() -> None:
        for _ in range(100):
            got = throttle.try_acquire()
            with lock:
                results.append(got)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1


def test_a_read_supersedes_a_pending_delivered() -> None:
    book = ReceiptBook()
    assert book.request("m", DELIVERED)
    assert book.request("m", READ)
    assert book.take("m") == READ
    assert book.take("m") is None


def test_repeats_are_no_ops_and_a_delivered_after_a_read_is_pointless() -> None:
    book = ReceiptBook()
    assert book.request("m", READ)
    assert not book.request("m", READ)
    assert not book.request("m", DELIVERED)
    assert book.take("m") == READ
    assert not book.request("m", READ)
    assert not book.request("m", DELIVERED)


def test_a_read_after_a_sent_delivered_is_still_sent() -> None:
    book = ReceiptBook()
    assert book.request("m", DELIVERED)
    assert book.take("m") == DELIVERED
    assert not book.request("m", DELIVERED)
    assert book.request("m", READ)
    assert book.take("m") == READ


def test_no_receipts_for_own_messages_or_after_the_end() -> None:
    book = ReceiptBook()
    book.mark_own("mine")
    assert not book.request("mine", READ)
    assert book.request("theirs", DELIVERED)
    book.mark_ended()
    assert book.take("theirs") is None
    assert not book.request("other", READ)


def test_give_back_lets_a_failed_receipt_be_requested_again() -> None:
    book = ReceiptBook()
    book.request("m", READ)
    assert book.take("m") == READ
    book.give_back("m", READ)
    assert book.request("m", READ)


def test_memory_is_bounded() -> None:
    book = ReceiptBook(capacity=3)
    for number in range(10):
        book.mark_own(f"own-{number}")
        book.request(f"m-{number}", READ)
        book.take(f"m-{number}")
    assert book.own_ids() == ["own-7", "own-8", "own-9"]
    assert [message for message, _ in book.sent_items()] == ["m-7", "m-8", "m-9"]


def test_restore_sent_keeps_dedup_across_processes() -> None:
    book = ReceiptBook()
    book.restore_sent([("m", READ), ("n", "bogus")])
    assert not book.request("m", DELIVERED)
    assert book.request("n", READ)
