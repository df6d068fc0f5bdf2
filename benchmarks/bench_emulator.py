"""Benchmarks of the emulator (issue 2): participant API throughput and websocket push rate.

Targets
-------
* The emulator sustains at least 1,000 participant API requests per second
  (SendMessage, and GetTranscript on a long chat) on one core: it runs in its
  own process, serving from one event-loop thread; the load comes from raw
  urllib3 keep-alive connections in this process (``--clients`` threads).
* It pushes at least 1,000 websocket messages per second: chat frames received
  by plain ``websockets`` clients subscribed to one chat while messages are
  sent over HTTP (1 socket, and 4 sockets of two participants).
* For context (report only): the same client against a trivial aiohttp handler
  that returns a canned SendMessage answer, alternating run by run with the
  emulator. This is the ceiling of this client and this HTTP server here.

* Full mode only (issue 13): 5,000 concurrent sockets and 1,000 customer messages per
  second answered by a bot, over two emulator processes (``_emulator_scale.py``).

Ratios are against the 1,000/s targets (``>= 1.0x``); the context row is the
emulator's rate relative to the trivial handler's.

Examples
--------
::

    .venv/bin/python benchmarks/bench_emulator.py --quick
    .venv/bin/python benchmarks/bench_emulator.py --json /tmp/emulator.json
"""

from __future__ import annotations

import dataclasses
import json
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

TARGET_PER_SECOND = 1000.0
TARGET_GOAL = ">= 1.0x"


@dataclasses.dataclass(frozen=True)
class Sizes:
    rounds: int
    requests: int
    pushes: int
    transcript_items: int


FULL = Sizes(rounds=5, requests=3000, pushes=3000, transcript_items=5000)
QUICK = Sizes(rounds=1, requests=200, pushes=200, transcript_items=200)

# A stand-in for "the fastest a Python HTTP server can answer here": aiohttp, one
# handler, a canned body the size of a SendMessage answer, its own process.
_TRIVIAL_SERVER = r"""
import asyncio, json, socket
from aiohttp import web

BODY = json.dumps({"Id": "00000000-0000-4000-8000-000000000000",
                   "AbsoluteTime": "2024-01-01T00:00:00.000Z"}).encode()

async def answer(request):
    await request.read()
    return web.Response(body=BODY, content_type="application/json")

async def main():
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(512)
    await web.SockSite(runner, listener).start()
    port = listener.getsockname()[1]
    print(json.dumps({"endpoint_url": "http://127.0.0.1:%d" % port}), flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


class TrivialServer:
    def __enter__(self) -> TrivialServer:
        self._process = subprocess.Popen(
            [sys.executable, "-c", _TRIVIAL_SERVER], stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        self.endpoint_url = str(json.loads(self._process.stdout.readline())["endpoint_url"])
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()


def connection_token(endpoint_url: str, participant_token: str) -> dict[str, Any]:
    http = urllib3.PoolManager()
    answer = http.request(
        "POST",
        endpoint_url + "/participant/connection",
        body=json.dumps({"Type": ["WEBSOCKET", "CONNECTION_CREDENTIALS"]}),
        headers={"X-Amz-Bearer": participant_token, "Content-Type": "application/json"},
    )
    assert answer.status == 200, answer.data
    document: dict[str, Any] = json.loads(answer.data)
    return document


def blast(endpoint_url: str, path: str, body: bytes, token: str, total: int, clients: int) -> float:
    """Send ``total`` POSTs from ``clients`` keep-alive threads; return requests per second."""
    headers = {"X-Amz-Bearer": token, "Content-Type": "application/json"}
    share = [total // clients + (1 if n < total % clients else 0) for n in range(clients)]
    failures: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def worker(count: int) -> None:
        pool = urllib3.HTTPConnectionPool(
            endpoint_url.split("://")[1].split(":")[0],
            int(endpoint_url.rsplit(":", 1)[1]),
            maxsize=1,
            retries=False,
        )
        barrier.wait()
        for _ in range(count):
            answer = pool.request("POST", path, body=body, headers=headers)
            if answer.status != 200:
                failures.append(f"{answer.status} {answer.data[:200]!r}")
                return
        pool.close()

    threads = [threading.Thread(target=worker, args=(count,)) for count in share]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"requests failed: {failures[0]}")
    return total / elapsed


MESSAGE = json.dumps({"ContentType": "text/plain", "Content": "benchmark message"}).encode()


def push_rate(
    emulator: EmulatorProcess, *, sockets_per_participant: int, participants: int, messages: int
) -> float:
    """Chat frames received per second by every socket while ``messages`` are sent."""
    from websockets.sync.client import connect

    chat = emulator.start_chat(display_name="Customer")
    customer = connection_token(emulator.endpoint_url, chat["ParticipantToken"])
    urls = [customer["Websocket"]["Url"]] * sockets_per_participant
    if participants > 1:
        # A second customer-side connection stands in for the agent's sockets.
        other = connection_token(emulator.endpoint_url, chat["ParticipantToken"])
        urls += [other["Websocket"]["Url"]] * sockets_per_participant
    expected = messages
    received = [0] * len(urls)
    done = threading.Event()
    ready = threading.Barrier(len(urls) + 1)
    finished_at: list[float] = []
    lock = threading.Lock()
    remaining = [len(urls)]

    def reader(index: int, url: str) -> None:
        with connect(url, max_size=None) as websocket:
            websocket.send('{"topic":"aws/subscribe","content":{"topics":["aws/chat"]}}')
            websocket.recv(timeout=30)
            ready.wait()
            while received[index] < expected:
                frame = websocket.recv(timeout=60)
                if '"topic": "aws/chat"' in frame:
                    received[index] += 1
        with lock:
            remaining[0] -= 1
            if remaining[0] == 0:
                finished_at.append(time.perf_counter())
                done.set()

    readers = [threading.Thread(target=reader, args=(n, url)) for n, url in enumerate(urls)]
    for thread in readers:
        thread.start()
    ready.wait()
    token = customer["ConnectionCredentials"]["ConnectionToken"]
    started = time.perf_counter()
    blast(emulator.endpoint_url, "/participant/message", MESSAGE, token, messages, 2)
    done.wait(timeout=120)
    for thread in readers:
        thread.join(timeout=10)
    if not finished_at:
        raise RuntimeError(f"frames missing: received {received} of {expected} each")
    return expected * len(urls) / (finished_at[0] - started)


def main() -> None:
    arguments = parse_args(__doc__.splitlines()[0])
    sizes = QUICK if arguments.quick else FULL
    clients = 2
    rows: list[Row] = []
    target = Sample.of([TARGET_PER_SECOND])
    with EmulatorProcess() as emulator, TrivialServer() as trivial:
        chat = emulator.start_chat(display_name="Customer")
        token = connection_token(emulator.endpoint_url, chat["ParticipantToken"])[
            "ConnectionCredentials"
        ]["ConnectionToken"]
        warm = min(200, sizes.requests)
        blast(emulator.endpoint_url, "/participant/message", MESSAGE, token, warm, clients)
        blast(trivial.endpoint_url, "/participant/message", MESSAGE, token, warm, clients)

        def ours() -> float:
            return blast(
                emulator.endpoint_url,
                "/participant/message",
                MESSAGE,
                token,
                sizes.requests,
                clients,
            )

        def reference() -> float:
            return blast(
                trivial.endpoint_url,
                "/participant/message",
                MESSAGE,
                token,
                sizes.requests,
                clients,
            )

        samples = alternate(sizes.rounds, {"emulator": ours, "trivial": reference})
        rows.append(
            ratio_row(
                target="participant API SendMessage requests/s (1 core)",
                ours=samples["emulator"],
                reference_name="target 1,000/s",
                reference=target,
                unit="requests/s",
                goal=TARGET_GOAL,
            )
        )
        rows.append(
            ratio_row(
                target="context: emulator vs trivial aiohttp handler (same client)",
                ours=samples["emulator"],
                reference_name="trivial aiohttp handler, raw urllib3",
                reference=samples["trivial"],
                unit="requests/s",
                goal="report",
            )
        )

        long_chat = emulator.start_chat(display_name="Customer")
        long_token = connection_token(emulator.endpoint_url, long_chat["ParticipantToken"])[
            "ConnectionCredentials"
        ]["ConnectionToken"]
        blast(
            emulator.endpoint_url,
            "/participant/message",
            MESSAGE,
            long_token,
            sizes.transcript_items,
            clients,
        )
        transcript_body = json.dumps({"MaxResults": 10}).encode()
        transcript = alternate(
            sizes.rounds,
            {
                "emulator": lambda: blast(
                    emulator.endpoint_url,
                    "/participant/transcript",
                    transcript_body,
                    long_token,
                    sizes.requests,
                    clients,
                )
            },
        )
        rows.append(
            ratio_row(
                target=f"participant API GetTranscript requests/s ({sizes.transcript_items} items)",
                ours=transcript["emulator"],
                reference_name="target 1,000/s",
                reference=target,
                unit="requests/s",
                goal=TARGET_GOAL,
            )
        )

        for participants, per_participant in ((1, 1), (2, 2)):
            sockets = participants * per_participant

            def pushes(p: int = participants, s: int = per_participant) -> float:
                return push_rate(
                    emulator, sockets_per_participant=s, participants=p, messages=sizes.pushes
                )

            pushed = alternate(sizes.rounds, {"pushes": pushes})
            rows.append(
                ratio_row(
                    target=f"websocket pushed messages/s ({sockets} socket{'s' * (sockets > 1)})",
                    ours=pushed["pushes"],
                    reference_name="target 1,000/s",
                    reference=target,
                    unit="frames/s",
                    goal=TARGET_GOAL,
                )
            )
    if not arguments.quick:
        from _emulator_scale import scale_rows

        rows.extend(scale_rows())
    report(rows, arguments.json)
    info = machine_info()
    print("machine: " + ", ".join(f"{key}={value}" for key, value in info.items()))


if __name__ == "__main__":
    main()
