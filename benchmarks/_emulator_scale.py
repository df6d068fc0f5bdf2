"""The emulator under load-test scale (issue 13): many open sockets, messages through a bot.

Target: at least 5,000 concurrent sockets and 1,000 messages per second through its bots.
``EMULATORS`` emulator processes (as ``make loadtest-demo`` runs them) each serve a bot that
answers every customer message; ``LOADERS`` load processes (asyncio, aiohttp, ``websockets``,
no library of ours) share the chats out over the emulators. Each loader starts its chats
(StartChatContact with the bot's flow), connects and subscribes every participant's socket,
then sends customer messages at a fixed rate (open loop, spread over its chats; 10 % above
the target rate in all) for
``seconds`` and counts the bot's answers arriving on the sockets. Figures: sockets open at
the end of the run, bot answers received per second, p99 message-to-answer time.

Used by ``bench_emulator.py`` in full mode only (it needs thousands of file descriptors
and both cores).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _harness import Row, Sample, quantile, ratio_row

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from loadtest_demo import start_emulator

SOCKETS_TARGET = 5000
ANSWERS_TARGET = 1000.0
OFFERED_OVER_TARGET = 1.1

FLOW_ID = "99999999-8888-4777-8666-555555555555"
BOT = {
    "name": "echo-bot",
    "flow_id": FLOW_ID,
    "participant": {"role": "SYSTEM", "display_name": "BOT"},
    "rules": [{"when": {"any": True}, "then": [{"say": "pong"}]}],
}
EMULATORS = 2
LOADERS = 2

LOADER = r"""
import asyncio, json, os, resource, sys, time
import aiohttp, websockets
job = json.loads(sys.stdin.readline())
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
SUBSCRIBE = json.dumps({"topic": "aws/subscribe", "content": {"topics": ["aws/chat"]}})
AUTH = "AWS4-HMAC-SHA256 Credential=a/20240101/us-east-1/connect/aws4_request, " \
       "SignedHeaders=host, Signature=0"
sent_at, latencies, answered, errors = {}, [], [], []
async def open_one(http, target, index):
    url = target["endpoint_url"]
    async with http.put(url + "/contact/chat", headers={"Authorization": AUTH}, json={
            "InstanceId": target["instance_id"], "ContactFlowId": job["flow_id"],
            "ParticipantDetails": {"DisplayName": f"C{index}"}}) as answer:
        chat = await answer.json(content_type=None)
    async with http.post(url + "/participant/connection",
            json={"Type": ["WEBSOCKET", "CONNECTION_CREDENTIALS"], "ConnectParticipant": True},
            headers={"X-Amz-Bearer": chat["ParticipantToken"]}) as answer:
        data = await answer.json(content_type=None)
    socket = await websockets.connect(data["Websocket"]["Url"], max_queue=None,
                                      ping_interval=None, open_timeout=60)
    await socket.send(SUBSCRIBE)
    return url, socket, data["ConnectionCredentials"]["ConnectionToken"]
async def read(index, socket):
    try:
        async for text in socket:
            frame = json.loads(text)
            content = frame.get("content")
            item = json.loads(content) if isinstance(content, str) else {}
            if item.get("Type") == "MESSAGE" and item.get("Content") == "pong":
                started = sent_at.pop(index, None)
                if started is not None:
                    answered.append(time.perf_counter())
                    latencies.append(answered[-1] - started)
    except Exception as error:
        errors.append("socket: " + type(error).__name__)
async def send(http, index, link):
    url, _, token = link
    sent_at[index] = time.perf_counter()
    try:
        async with http.post(url + "/participant/message", headers={"X-Amz-Bearer": token},
                json={"ContentType": "text/plain", "Content": "ping"}) as answer:
            await answer.read()
            if answer.status != 200:
                errors.append(f"send: HTTP {answer.status}")
    except Exception as error:
        errors.append("send: " + type(error).__name__)
async def main():
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200),
                                 timeout=aiohttp.ClientTimeout(total=120))
    limit = asyncio.Semaphore(100)
    targets = job["targets"]
    async def limited(index):
        async with limit:
            try:
                return await open_one(http, targets[index % len(targets)], index)
            except Exception as error:
                errors.append("open: " + type(error).__name__)
                return None
    started = time.perf_counter()
    links = [link for link in await asyncio.gather(*(limited(i) for i in range(job["sockets"])))
             if link is not None]
    opened = time.perf_counter() - started
    readers = [asyncio.ensure_future(read(i, link[1])) for i, link in enumerate(links)]
    await asyncio.sleep(2.0)
    rate, seconds = job["rate"], job["seconds"]
    begin = time.perf_counter()
    sends, count = [], 0
    while True:
        now = time.perf_counter() - begin
        if now >= seconds:
            break
        due = int(now * rate)
        while count < due:
            index = count % len(links)
            sends.append(asyncio.ensure_future(send(http, index, links[index])))
            count += 1
        await asyncio.sleep(0.005)
    await asyncio.gather(*sends)
    await asyncio.sleep(3.0)
    window = time.perf_counter() - begin
    still_open = sum(1 for link in links if link[1].state.name == "OPEN")
    print(json.dumps({"opened": len(links), "still_open": still_open, "open_seconds": opened,
                      "sent": count, "answers": len(latencies), "window": window,
                      "seconds": seconds, "latencies": latencies,
                      "last_answer": max(answered, default=begin) - begin,
                      "errors": errors[:20], "error_count": len(errors)}), flush=True)
    os._exit(0)
asyncio.run(main())
"""


def run_scale(*, sockets: int, rate: float, seconds: float) -> list[dict[str, Any]]:
    """Run the emulators and the loaders once; return each loader's JSON result."""
    # Thousands of sockets: lift the soft open-file limit (the emulators inherit it); the
    # sockets a too-low limit refuses show up as open errors in the rows' notes.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    emulators: list[subprocess.Popen[str]] = []
    loaders: list[subprocess.Popen[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        bot_path = Path(tmp) / "echo-bot.json"
        bot_path.write_text(json.dumps(BOT), encoding="utf-8")
        try:
            targets = []
            for _ in range(EMULATORS):
                process, info = start_emulator(bot_path)
                emulators.append(process)
                targets.append(
                    {"endpoint_url": info["endpoint_url"], "instance_id": info["instance_id"]}
                )
            for number in range(LOADERS):
                job = {
                    "targets": targets[number:] + targets[:number],
                    "flow_id": FLOW_ID,
                    "sockets": sockets // LOADERS,
                    "rate": rate / LOADERS,
                    "seconds": seconds,
                }
                loader = subprocess.Popen(
                    [sys.executable, "-c", LOADER], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                )  # fmt: skip
                assert loader.stdin is not None
                loader.stdin.write(json.dumps(job) + "\n")
                loader.stdin.flush()
                loaders.append(loader)
            results = []
            for loader in loaders:
                output, errors = loader.communicate(timeout=900)
                if loader.returncode != 0 or not output.strip():
                    raise RuntimeError(errors[-2000:])
                results.append(json.loads(output.strip().splitlines()[-1]))
            return results
        finally:
            for process in [*loaders, *emulators]:
                if process.poll() is None:
                    process.kill()
                process.wait()


def scale_rows(seconds: float = 20.0) -> list[Row]:
    """One run at the targets (5,000 sockets, 1,000 messages/s); its two rows."""
    # Offered 10 % above the target: an open loop at exactly 1,000/s can only measure up to
    # it (the last answers land after the sending window), never show headroom.
    offered = OFFERED_OVER_TARGET * ANSWERS_TARGET
    results = run_scale(sockets=SOCKETS_TARGET, rate=offered, seconds=seconds)
    still_open = sum(int(result["still_open"]) for result in results)
    opened = sum(int(result["opened"]) for result in results)
    answers = sum(
        result["answers"] / max(float(result["seconds"]), float(result["last_answer"]))
        for result in results
    )
    sent = sum(int(result["sent"]) for result in results)
    received = sum(int(result["answers"]) for result in results)
    errors = sum(int(result["error_count"]) for result in results)
    latencies = [value for result in results for value in result["latencies"]]
    shown = "; ".join(", ".join(result["errors"][:3]) for result in results if result["errors"])
    where = f"{EMULATORS} emulator processes, {LOADERS} load processes"
    return [
        ratio_row(
            target=f"emulator: concurrent sockets held ({where})",
            ours=Sample.of([float(still_open)]),
            reference_name=f"target {SOCKETS_TARGET:,}",
            reference=Sample.of([float(SOCKETS_TARGET)]),
            unit="sockets",
            goal=">= 1.0x",
            note=f"opened {opened}, still open after the message phase {still_open}; "
            f"errors {errors}{' (' + shown + ')' if shown else ''}",
        ),
        ratio_row(
            target=f"emulator: bot answers/s with {SOCKETS_TARGET:,} sockets open",
            ours=Sample.of([answers]),
            reference_name=f"target {ANSWERS_TARGET:,.0f}/s",
            reference=Sample.of([ANSWERS_TARGET]),
            unit="messages/s",
            goal=">= 1.0x",
            note=f"offered {offered:,.0f}/s: sent {sent} customer messages in {seconds:g} s, "
            f"{received} bot answers "
            f"received; p99 message-to-answer {1000 * quantile(latencies, 0.99):.0f} ms",
        ),
    ]
