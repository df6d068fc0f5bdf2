"""Benchmarks of the load tester (issue 13): customers per worker, memory per idle customer.

Targets (from the issue)
------------------------
* One worker process carries 2,000 concurrent customers on one core, idle between turns.
* At most 150 KB of memory per idle customer.
* The tool's own part of p99 reply latency under 10 ms at that load.

What is measured here, side by side in the same run (each contender in its own process, the
emulator in another, :class:`_harness.EmulatorProcess`):

* ours: the load tester's customer (``loadtest.GeventDriver.open``: a ``GeventChatSession``
  with its own participant client, under a monkey-patched gevent, as in a Locust worker);
* reference: a bare client doing the same with no library: CreateParticipantConnection over
  urllib3, then an asyncio ``websockets`` connection subscribed to the chat.

Both connect ``N`` customers at once (all subscribed), then idle. Rows: the resident memory
added per idle customer, the time to connect them, and with them all connected the p99 round
trip of a customer's message to its own echo on the websocket (SendMessage, the emulator, the
socket, the parsing): ours minus the bare client's is the tool's overhead.

Examples
--------
::

    .venv/bin/python benchmarks/bench_loadtest.py --quick
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from _harness import EmulatorProcess, Row, Sample, parse_args, ratio_row, report

_RSS = r"""
def rss_kb():
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    import os
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024
"""

_OURS = (
    _RSS
    + r"""
from gevent import monkey; monkey.patch_all()
import gc, json, sys, time
import gevent, gevent.pool
from boto3_connectparticipant_ext.conversation._start import ChatContact
from boto3_connectparticipant_ext.loadtest import GeventDriver
job = json.loads(sys.stdin.readline())
import boto3.session
aws = boto3.session.Session(aws_access_key_id="a", aws_secret_access_key="b",
                            region_name="us-east-1")
driver = GeventDriver(endpoint_url=job["endpoint_url"], region_name="us-east-1", session=aws)
def open_one(answer):
    contact = ChatContact(answer["ContactId"], answer["ParticipantId"], "i", "f")
    return driver.open(answer, contact)
open_one(job["chats"][0]).close()  # warm-up: imports, models, first client
gc.collect(); before = rss_kb(); started = time.perf_counter()
pool = gevent.pool.Pool(200)
sessions = pool.map(open_one, job["chats"][1:])
elapsed = time.perf_counter() - started
gevent.sleep(2.0); gc.collect(); after = rss_kb()
from boto3_connectparticipant_ext.chat.events import MessageEvent
trips = []
for index, session in enumerate(sessions[: job["measured"]]):
    for turn in range(job["turns"]):
        text = f"m{index}-{turn}"
        sent = time.perf_counter()
        session.send_message(text)
        for event in session.events(timeout=10):
            if isinstance(event, MessageEvent) and event.content == text:
                break
        trips.append(time.perf_counter() - sent)
print(json.dumps({"connected": len(sessions), "per_customer_kb": (after - before) / len(sessions),
                  "seconds": elapsed, "trips": trips}), flush=True)
"""
)

_BARE = (
    _RSS
    + r"""
import asyncio, gc, json, sys, time
import urllib3, websockets
job = json.loads(sys.stdin.readline())
http = urllib3.PoolManager(maxsize=10)
def connection(token):
    answer = http.request("POST", job["endpoint_url"] + "/participant/connection",
        body=json.dumps({"Type": ["WEBSOCKET", "CONNECTION_CREDENTIALS"],
                         "ConnectParticipant": True}),
        headers={"X-Amz-Bearer": token, "Content-Type": "application/json"})
    data = json.loads(answer.data)
    return data["Websocket"]["Url"], data["ConnectionCredentials"]["ConnectionToken"]
def send(token, text):
    http.request("POST", job["endpoint_url"] + "/participant/message",
        body=json.dumps({"ContentType": "text/plain", "Content": text}),
        headers={"X-Amz-Bearer": token, "Content-Type": "application/json"})
SUBSCRIBE = json.dumps({"topic": "aws/subscribe", "content": {"topics": ["aws/chat"]}})
async def open_one(url):
    socket = await websockets.connect(url, max_queue=16)
    await socket.send(SUBSCRIBE)
    await socket.recv()
    return socket
async def main():
    links = [connection(chat["ParticipantToken"]) for chat in job["chats"]]
    urls = [url for url, _ in links]
    (await open_one(urls[0])).transport.abort()
    gc.collect(); before = rss_kb(); started = time.perf_counter()
    limit = asyncio.Semaphore(200)
    async def limited(url):
        async with limit:
            return await open_one(url)
    sockets = await asyncio.gather(*(limited(url) for url in urls[1:]))
    elapsed = time.perf_counter() - started
    await asyncio.sleep(2.0); gc.collect(); after = rss_kb()
    trips = []
    for index, socket in enumerate(sockets[: job["measured"]]):
        token = links[index + 1][1]
        for turn in range(job["turns"]):
            text = f"m{index}-{turn}"
            sent = time.perf_counter()
            send(token, text)
            while True:
                frame = json.loads(await socket.recv())
                content = frame.get("content")
                item = json.loads(content) if isinstance(content, str) else {}
                if item.get("Type") == "MESSAGE" and item.get("Content") == text:
                    break
            trips.append(time.perf_counter() - sent)
    print(json.dumps({"connected": len(sockets), "per_customer_kb": (after - before) / len(sockets),
                      "seconds": elapsed, "trips": trips}), flush=True)
asyncio.run(main())
"""
)


def _run(code: str, emulator: EmulatorProcess, customers: int) -> dict[str, Any]:
    chats = [emulator.start_chat(display_name=f"C{i}") for i in range(customers + 1)]
    job = json.dumps(
        {"endpoint_url": emulator.endpoint_url, "chats": chats, "measured": 20, "turns": 10}
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=job + "\n", capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _sample(values: list[float]) -> Sample:
    ordered = sorted(values)
    return Sample(ordered[len(ordered) // 2], ordered[0], ordered[-1], ordered)


def main() -> None:
    args = parse_args(__doc__ or "")
    customers = 50 if args.quick else 1000
    rounds = 1 if args.quick else 2
    ours: list[dict[str, Any]] = []
    bare: list[dict[str, Any]] = []
    with EmulatorProcess() as emulator:
        for _ in range(rounds):
            ours.append(_run(_OURS, emulator, customers))
            bare.append(_run(_BARE, emulator, customers))
    memory_ours = _sample([run["per_customer_kb"] for run in ours])
    memory_bare = _sample([run["per_customer_kb"] for run in bare])
    rows: list[Row] = [
        ratio_row(
            target=f"memory per idle customer ({customers} connected)",
            ours=memory_ours,
            reference_name="bare websockets client",
            reference=memory_bare,
            unit="KB",
            goal="report",
            note=f"issue target <= 150 KB: ours {memory_ours.median:.0f} KB "
            f"({'met' if memory_ours.median <= 150 else 'NOT met'})",
        ),
        ratio_row(
            target=f"seconds to connect {customers} customers",
            ours=_sample([run["seconds"] for run in ours]),
            reference_name="bare websockets client",
            reference=_sample([run["seconds"] for run in bare]),
            unit="s",
            goal="report",
            note=f"connected: ours {min(r['connected'] for r in ours)}, "
            f"bare {min(r['connected'] for r in bare)}",
        ),
    ]
    trips_ours = [trip for run in ours for trip in run["trips"]]
    trips_bare = [trip for run in bare for trip in run["trips"]]
    p99_ours, p99_bare = _p99(trips_ours), _p99(trips_bare)
    rows.append(
        ratio_row(
            target=f"p99 send-to-echo round trip, {customers} idle customers connected",
            ours=_sample([p99_ours]),
            reference_name="bare websockets client",
            reference=_sample([p99_bare]),
            unit="s",
            goal="report",
            note=f"tool overhead at p99: {1000 * (p99_ours - p99_bare):.1f} ms "
            f"(issue target < 10 ms at 2,000 customers)",
        )
    )
    report(rows, args.json)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]


if __name__ == "__main__":
    main()
