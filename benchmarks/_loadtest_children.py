"""The two contenders of ``bench_loadtest.py``, each run as ``python -c`` in its own process.

Both read one JSON job line on stdin (``endpoint_url``, ``chats``, ``idle``, ``seconds``,
``cpu``), pin themselves to the one core ``cpu``, connect every chat (all subscribed), measure
the resident memory the idle customers added, then run the steady phase: every customer
waits a random part of ``idle``, then sends a message, waits for its echo on its socket and
idles ``idle`` seconds again, until ``seconds`` have passed. They print one JSON line:
``connected``, ``per_customer_kb``, ``connect_seconds``, ``cpu_fraction`` (CPU seconds of
the process over wall seconds of the steady phase), ``trips`` (seconds) and ``errors``.

* ``OURS``: the load tester's customer (``loadtest.GeventDriver`` and ``LoadSession``, the
  shared participant client) under a monkey-patched gevent, as in a Locust worker.
* ``BARE``: asyncio, aiohttp for the two HTTP calls and a ``websockets`` connection, no
  library of ours. Like every chat client (and ours) it sends the heartbeat and the deep
  ping every 10 s (service-facts: the protocol); their echoes are read with the turns.
* ``OURS`` calls ``loadtest.freeze_long_lived()`` once the customers are connected and
  measured: what ``ChatUser`` does in a Locust worker once the ramp-up is complete.
"""

from __future__ import annotations

_COMMON = r"""
import gc, json, os, random, resource, sys, time
job = json.loads(sys.stdin.readline())
os.sched_setaffinity(0, {job["cpu"]})
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
def rss_kb():
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024
def cpu_seconds():
    times = os.times()
    return times.user + times.system
IDLE, SECONDS = job["idle"], job["seconds"]
trips, errors = [], []
def result(connected, per_customer_kb, connect_seconds, cpu_fraction):
    print(json.dumps({"connected": connected, "per_customer_kb": per_customer_kb,
                      "connect_seconds": connect_seconds, "cpu_fraction": cpu_fraction,
                      "trips": trips, "errors": errors[:20], "error_count": len(errors)}),
          flush=True)
"""

OURS = (
    r"""
from gevent import monkey; monkey.patch_all()
"""
    + _COMMON
    + r"""
import boto3.session, gevent, gevent.pool
from boto3_connectparticipant_ext.chat.events import MessageEvent
from boto3_connectparticipant_ext.conversation._start import ChatContact
from boto3_connectparticipant_ext.loadtest import GeventDriver, LoadSession, freeze_long_lived
aws = boto3.session.Session(aws_access_key_id="a", aws_secret_access_key="b",
                            region_name="us-east-1")
driver = GeventDriver(endpoint_url=job["endpoint_url"], region_name="us-east-1", session=aws)
def open_one(answer):
    contact = ChatContact(answer["ContactId"], answer["ParticipantId"], "i", "f")
    return LoadSession(driver.open(answer, contact), contact, driver.connect_client)
open_one(job["chats"][0]).close()  # warm-up: imports, models, the shared client
gc.collect(); before = rss_kb(); started = time.perf_counter()
sessions = gevent.pool.Pool(200).map(open_one, job["chats"][1:])
connect_seconds = time.perf_counter() - started
gevent.sleep(2.0); gc.collect(); after = rss_kb()
freeze_long_lived()  # what ChatUser does once Locust's ramp-up is complete
def customer(index, session, deadline):
    gevent.sleep(random.Random(index).uniform(0, IDLE))
    turn = 0
    while time.monotonic() < deadline:
        text = f"m{index}-{turn}"
        turn += 1
        sent = time.perf_counter()
        try:
            session.send_message(text)
            for event in session.events(timeout=30):
                if isinstance(event, MessageEvent) and event.content == text:
                    trips.append(time.perf_counter() - sent)
                    break
            else:
                errors.append("no echo within 30 s")
        except Exception as error:
            errors.append(type(error).__name__)
        gevent.sleep(IDLE)
cpu, wall = cpu_seconds(), time.monotonic()
deadline = wall + SECONDS
gevent.joinall([gevent.spawn(customer, i, s, deadline) for i, s in enumerate(sessions)])
fraction = (cpu_seconds() - cpu) / (time.monotonic() - wall)
result(len(sessions), (after - before) / len(sessions), connect_seconds, fraction)
os._exit(0)
"""
)

BARE = (
    _COMMON
    + r"""
import asyncio
import aiohttp, websockets
SUBSCRIBE = json.dumps({"topic": "aws/subscribe", "content": {"topics": ["aws/chat"]}})
HEARTBEAT, PING = json.dumps({"topic": "aws/heartbeat"}), json.dumps({"topic": "aws/ping"})
async def keepalive(socket):
    while True:  # what every chat client sends (ours too): heartbeat and deep ping, 10 s
        await asyncio.sleep(10.0)
        try:
            await socket.send(HEARTBEAT)
            await socket.send(PING)
        except websockets.ConnectionClosed:
            return
async def open_one(http, chat):
    async with http.post(job["endpoint_url"] + "/participant/connection",
            json={"Type": ["WEBSOCKET", "CONNECTION_CREDENTIALS"], "ConnectParticipant": True},
            headers={"X-Amz-Bearer": chat["ParticipantToken"]}) as answer:
        data = await answer.json(content_type=None)
    # The same wire as ours (the gevent driver offers no permessage-deflate): a compressed
    # socket would carry a zlib context per customer, memory and CPU ours does not spend.
    socket = await websockets.connect(data["Websocket"]["Url"], max_queue=16, compression=None)
    await socket.send(SUBSCRIBE)
    await socket.recv()
    keepalives.append(asyncio.ensure_future(keepalive(socket)))
    return socket, data["ConnectionCredentials"]["ConnectionToken"]
async def echo(socket, text):
    while True:
        frame = json.loads(await socket.recv())
        content = frame.get("content")
        item = json.loads(content) if isinstance(content, str) else {}
        if item.get("Type") == "MESSAGE" and item.get("Content") == text:
            return
async def customer(http, index, socket, token, deadline):
    await asyncio.sleep(random.Random(index).uniform(0, IDLE))
    turn = 0
    while time.monotonic() < deadline:
        text = f"m{index}-{turn}"
        turn += 1
        sent = time.perf_counter()
        try:
            async with http.post(job["endpoint_url"] + "/participant/message",
                    json={"ContentType": "text/plain", "Content": text},
                    headers={"X-Amz-Bearer": token}) as answer:
                await answer.read()
            await asyncio.wait_for(echo(socket, text), 30)
            trips.append(time.perf_counter() - sent)
        except Exception as error:
            errors.append(type(error).__name__)
        await asyncio.sleep(IDLE)
keepalives = []
async def main():
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
    (await open_one(http, job["chats"][0]))[0].transport.abort()  # warm-up
    gc.collect(); before = rss_kb(); started = time.perf_counter()
    limit = asyncio.Semaphore(200)
    async def limited(chat):
        async with limit:
            return await open_one(http, chat)
    links = await asyncio.gather(*(limited(chat) for chat in job["chats"][1:]))
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(2.0); gc.collect(); after = rss_kb()
    cpu, wall = cpu_seconds(), time.monotonic()
    deadline = wall + SECONDS
    await asyncio.gather(*(customer(http, i, socket, token, deadline)
                           for i, (socket, token) in enumerate(links)))
    fraction = (cpu_seconds() - cpu) / (time.monotonic() - wall)
    result(len(links), (after - before) / len(links), connect_seconds, fraction)
    os._exit(0)
asyncio.run(main())
"""
)
