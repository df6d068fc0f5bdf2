"""Benchmarks of chat sessions (issue 5): push latency, throughput, idle CPU.

Targets
-------
* From the emulator's push to the consumer of a :class:`ChatSession`, p99
  latency at most 5 ms on loopback. The push time is taken as the moment a raw
  ``websockets`` client, subscribed to the same chat in its own process, reads
  the frame; the session's consumer (``for event in session.events()``, in
  another process) stamps the same message; the per-message difference is the
  session's cost (threads, parsing, ordering, buffer). Messages are sent at a
  steady 200/s so the figure is latency, not queueing.
* At least 1,000 messages per second through one session: 3,000 messages are
  queued for a session whose consumer waits, then the consumer drains them.
  The session's event buffer is set to 16 events, the size of the raw
  client's frame queue, so the backlog waits on the socket and the drain
  runs the whole pipeline (socket, parsing, ordering, buffer, thread hop).
  The raw client drains the same backlog as the reference, alternating run
  by run.
* An idle connected session (default intervals: a heartbeat and a ping every
  10 s) uses almost no CPU: process CPU time over an idle interval divided by
  the interval, at most 1 % of one core; the raw client idles as reference.

Every contender runs in its own process; the emulator runs in another
(:class:`_harness.EmulatorProcess`); messages are sent with raw urllib3 from
this process.

Examples
--------
::

    .venv/bin/python benchmarks/bench_chat.py --quick
    .venv/bin/python benchmarks/bench_chat.py --json /tmp/chat.json
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

import urllib3
from _harness import (
    EmulatorProcess,
    Row,
    Sample,
    alternate,
    machine_info,
    parse_args,
    ratio_row,
    report,
)

LATENCY_BUDGET_MS = 5.0
THROUGHPUT_TARGET = 1000.0
IDLE_CPU_BUDGET = 0.01


@dataclasses.dataclass(frozen=True)
class Sizes:
    latency_rounds: int
    latency_messages: int
    drain_rounds: int
    drain_messages: int
    idle_rounds: int
    idle_seconds: float


FULL = Sizes(
    latency_rounds=3,
    latency_messages=600,
    drain_rounds=3,
    drain_messages=3000,
    idle_rounds=2,
    idle_seconds=12.0,
)
QUICK = Sizes(
    latency_rounds=1,
    latency_messages=60,
    drain_rounds=1,
    drain_messages=300,
    idle_rounds=1,
    idle_seconds=2.0,
)

# One child per contender. It reads one JSON line of instructions, connects,
# prints {"ready": true}, waits for "go" on stdin, does its job and prints the
# result as one JSON line. Clocks: time.perf_counter_ns is CLOCK_MONOTONIC on
# Linux, shared by every process of the machine.
_CHILD = r"""
import asyncio, json, sys, time

task = json.loads(sys.stdin.readline())
mode, kind = task["mode"], task["kind"]
count = task.get("count", 0)


def say(document):
    print(json.dumps(document), flush=True)


def ours():
    from boto3_connectparticipant_ext.chat import ChatConfig, ChatSession, MessageEvent

    config = ChatConfig(max_buffered_events=task.get("buffer", 1000))
    session = ChatSession(task["token"], endpoint_url=task["endpoint_url"], chat_config=config)
    session.connect()
    say({"ready": True})
    sys.stdin.readline()
    if mode == "idle":
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in session.events(timeout=task["seconds"]):
            pass
        say({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall})
    else:
        stamps, started = [], time.perf_counter()
        for event in session.events(timeout=60):
            if isinstance(event, MessageEvent):
                stamps.append([event.id, time.perf_counter_ns()])
                if len(stamps) == count:
                    break
        say({"stamps": stamps, "elapsed": time.perf_counter() - started})
    session.close()


async def raw():
    import boto3, botocore
    from botocore.config import Config
    from websockets.asyncio.client import connect

    client = boto3.session.Session().client(
        "connectparticipant", region_name="us-east-1", endpoint_url=task["endpoint_url"],
        config=Config(signature_version=botocore.UNSIGNED),
    )
    url = client.create_participant_connection(
        ParticipantToken=task["token"], Type=["WEBSOCKET"]
    )["Websocket"]["Url"]
    # The same wire as the session's (no permessage-deflate offered, see chat/_transport.py):
    # with compression on, the server deflates and this client inflates every frame, work
    # the session no longer asks for, and the ratio would flatter us.
    async with connect(url, ping_interval=None, max_size=None, compression=None) as websocket:
        await websocket.send('{"topic":"aws/subscribe","content":{"topics":["aws/chat"]}}')
        await websocket.recv()
        say({"ready": True})
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.readline)
        if mode == "idle":
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                await asyncio.wait_for(websocket.recv(), task["seconds"])
            except asyncio.TimeoutError:
                pass
            say({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall})
            return
        stamps, started = [], time.perf_counter()
        while len(stamps) < count:
            frame = json.loads(await websocket.recv())
            if frame.get("topic") == "aws/chat":
                item = json.loads(frame["content"])
                if item.get("Type") == "MESSAGE":
                    stamps.append([item["Id"], time.perf_counter_ns()])
        say({"stamps": stamps, "elapsed": time.perf_counter() - started})


if kind == "ours":
    ours()
else:
    asyncio.run(raw())
"""


class Child:
    """One contender process."""

    def __init__(self, task: dict[str, Any]) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._send(json.dumps(task))
        ready = self._read()
        if not ready.get("ready"):
            raise RuntimeError(f"child did not start: {ready}")

    def go(self) -> None:
        self._send("go")

    def result(self) -> dict[str, Any]:
        answer = self._read()
        self._process.wait(timeout=30)
        return answer

    def _send(self, line: str) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()

    def _read(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            code = self._process.wait(timeout=30)
            raise RuntimeError(f"benchmark child ended early (exit code {code})")
        document: dict[str, Any] = json.loads(line)
        return document

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()


class Sender:
    """Sends messages as the customer (a second connection) with keep-alive urllib3."""

    def __init__(self, endpoint_url: str, participant_token: str) -> None:
        self._http = urllib3.PoolManager(maxsize=4)
        self._endpoint_url = endpoint_url
        answer = self._http.request(
            "POST",
            endpoint_url + "/participant/connection",
            body=json.dumps({"Type": ["CONNECTION_CREDENTIALS"]}),
            headers={"X-Amz-Bearer": participant_token, "Content-Type": "application/json"},
        )
        assert answer.status == 200, answer.data
        self._token = json.loads(answer.data)["ConnectionCredentials"]["ConnectionToken"]

    def send(self, text: str) -> None:
        answer = self._http.request(
            "POST",
            self._endpoint_url + "/participant/message",
            body=json.dumps({"ContentType": "text/plain", "Content": text}),
            headers={"X-Amz-Bearer": self._token, "Content-Type": "application/json"},
        )
        if answer.status != 200:
            raise RuntimeError(f"SendMessage failed: {answer.status}")

    def send_many(self, total: int, *, threads: int = 4) -> None:
        shares = [total // threads + (1 if n < total % threads else 0) for n in range(threads)]
        errors: list[BaseException] = []

        def work(count: int) -> None:
            try:
                for number in range(count):
                    self.send(f"bulk {number}")
            except BaseException as error:
                errors.append(error)

        workers = [threading.Thread(target=work, args=(share,)) for share in shares]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        if errors:
            raise errors[0]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def latency_round(emulator: EmulatorProcess, messages: int) -> dict[str, list[float]]:
    """Per-message latencies (ms): push->session consumer, and send->each client."""
    chat = emulator.start_chat(display_name="Customer")
    task = {"endpoint_url": emulator.endpoint_url, "token": chat["ParticipantToken"]}
    ours = Child({**task, "mode": "latency", "kind": "ours", "count": messages})
    raw = Child({**task, "mode": "latency", "kind": "raw", "count": messages})
    try:
        sender = Sender(emulator.endpoint_url, chat["ParticipantToken"])
        ours.go()
        raw.go()
        sent_at: list[int] = []
        for number in range(messages):
            sent_at.append(time.perf_counter_ns())
            sender.send(f"latency {number}")
            time.sleep(0.005)
        ours_stamps = dict(ours.result()["stamps"])
        raw_stamps = raw.result()["stamps"]
    finally:
        ours.kill()
        raw.kill()
    push_to_consumer = [(ours_stamps[item_id] - at) / 1e6 for item_id, at in raw_stamps]
    send_to_raw = [(at - sent) / 1e6 for (_, at), sent in zip(raw_stamps, sent_at)]
    send_to_ours = [
        (ours_stamps[item_id] - sent) / 1e6 for (item_id, _), sent in zip(raw_stamps, sent_at)
    ]
    return {"push": push_to_consumer, "raw": send_to_raw, "ours": send_to_ours}


def drain_run(emulator: EmulatorProcess, kind: str, messages: int) -> float:
    """Messages per second a consumer drains from a backlog of ``messages``."""
    chat = emulator.start_chat(display_name="Customer")
    child = Child(
        {
            "endpoint_url": emulator.endpoint_url,
            "token": chat["ParticipantToken"],
            "mode": "drain",
            "kind": kind,
            "count": messages,
            # As small as the raw client's frame queue (websockets' max_queue, 16), so
            # the backlog waits on the socket and the drain runs the whole pipeline.
            "buffer": 16,
        }
    )
    try:
        Sender(emulator.endpoint_url, chat["ParticipantToken"]).send_many(messages)
        child.go()
        result = child.result()
    finally:
        child.kill()
    if len(result["stamps"]) != messages:
        raise RuntimeError(f"{kind} consumer got {len(result['stamps'])} of {messages} messages")
    return messages / float(result["elapsed"])


def idle_run(emulator: EmulatorProcess, kind: str, seconds: float) -> float:
    """CPU time per wall second of a connected, idle client."""
    chat = emulator.start_chat(display_name="Customer")
    child = Child(
        {
            "endpoint_url": emulator.endpoint_url,
            "token": chat["ParticipantToken"],
            "mode": "idle",
            "kind": kind,
            "seconds": seconds,
        }
    )
    try:
        child.go()
        result = child.result()
    finally:
        child.kill()
    return float(result["cpu"]) / float(result["wall"])


def budget_row(
    *, target: str, ours: float, budget: float, unit: str, goal: str, note: str = ""
) -> Row:
    ratio = ours / budget
    return Row(
        target=target,
        ours=ours,
        reference_name="budget",
        reference=budget,
        unit=unit,
        ratio=ratio,
        goal=goal,
        passed=ratio <= 1.0 if goal.startswith("<=") else ratio >= 1.0,
        note=note,
    )


def main() -> None:
    arguments = parse_args(__doc__ or "")
    sizes = QUICK if arguments.quick else FULL
    rows: list[Row] = []
    with EmulatorProcess() as emulator:
        push: list[float] = []
        raw_latency: list[float] = []
        ours_latency: list[float] = []
        for _ in range(sizes.latency_rounds):
            measured = latency_round(emulator, sizes.latency_messages)
            push += measured["push"]
            raw_latency += measured["raw"]
            ours_latency += measured["ours"]
        push_p99 = percentile(push, 0.99)
        rows.append(
            budget_row(
                target="push -> session consumer, p99",
                ours=push_p99,
                budget=LATENCY_BUDGET_MS,
                unit="ms",
                goal="<= 1.0x of 5 ms",
                note=f"p50 {statistics.median(push):.3f} ms over {len(push)} messages",
            )
        )
        rows.append(
            ratio_row(
                target="send -> consumer p99: session vs raw websockets",
                ours=Sample.of([percentile(ours_latency, 0.99)]),
                reference_name="raw websockets client",
                reference=Sample.of([percentile(raw_latency, 0.99)]),
                unit="ms",
                goal="report",
                note="both include the HTTP SendMessage and the emulator",
            )
        )

        drains = alternate(
            sizes.drain_rounds,
            {
                "ours": lambda: drain_run(emulator, "ours", sizes.drain_messages),
                "raw": lambda: drain_run(emulator, "raw", sizes.drain_messages),
            },
        )
        rows.append(
            budget_row(
                target="messages/s through one session (backlog drain)",
                ours=drains["ours"].median,
                budget=THROUGHPUT_TARGET,
                unit="msg/s",
                goal=">= 1.0x of 1,000/s",
                note=drains["ours"].spread_text(),
            )
        )
        rows.append(
            ratio_row(
                target="drain rate: session vs raw websockets",
                ours=drains["ours"],
                reference_name="raw websockets client",
                reference=drains["raw"],
                unit="msg/s",
                goal="report",
                paired=True,
            )
        )

        idles = alternate(
            sizes.idle_rounds,
            {
                "ours": lambda: idle_run(emulator, "ours", sizes.idle_seconds),
                "raw": lambda: idle_run(emulator, "raw", sizes.idle_seconds),
            },
        )
        rows.append(
            budget_row(
                target="idle session CPU (fraction of one core)",
                ours=idles["ours"].median,
                budget=IDLE_CPU_BUDGET,
                unit="cpu s / s",
                goal="<= 1.0x of 1 %",
                note=f"{sizes.idle_seconds:.0f} s idle; raw client {idles['raw'].median:.5f}",
            )
        )
        rows.append(
            ratio_row(
                target="idle CPU: session vs raw websockets",
                ours=idles["ours"],
                reference_name="raw websockets client",
                reference=idles["raw"],
                unit="cpu s / s",
                goal="report",
            )
        )
    report(rows, arguments.json)
    info = machine_info()
    print("machine: " + "; ".join(f"{key} {value}" for key, value in info.items()))


if __name__ == "__main__":
    main()
