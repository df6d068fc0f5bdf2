"""Run under a monkey-patched gevent in a subprocess (see test_gevent_session.py).

stdin: {"endpoint_url", "tokens": [...], "messages": N}. Each session connects,
sends N messages and reads events until it has seen N messages. stdout: JSON
with each session's message ids and the real OS thread count at the peak.
With ``"drop": true`` one session connects, the emulator drops its socket twice
while messages are sent, and stdout lists the event kinds and message ids seen,
the ids sent, the items the gap fills delivered and the error that ended ``events()``.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

import botocore.session  # noqa: E402
import gevent  # noqa: E402

from boto3_connectparticipant_ext.chat import ChatConfig, MessageEvent  # noqa: E402
from boto3_connectparticipant_ext.chat.gevent_session import GeventChatSession  # noqa: E402

real_active_count = monkey.get_original("threading", "active_count")


def dropped(task: dict[str, Any]) -> None:
    """Messages before, during and after two dropped sockets (and socket refreshes)."""
    import urllib3

    from boto3_connectparticipant_ext.chat import ConnectionReestablishedEvent

    http = urllib3.PoolManager()
    kinds: list[str] = []
    seen: list[str] = []
    sent: list[str] = []
    filled = 0
    error = None
    config = ChatConfig(socket_max_age=task.get("max_age", 3540.0), socket_overlap=0.2)
    with GeventChatSession(
        task["tokens"][0],
        endpoint_url=task["endpoint_url"],
        chat_config=config,
        leave_on_exit=False,
    ) as chat:
        events = chat.events(timeout=30)

        def read_until_all_seen() -> None:
            nonlocal filled
            while sorted(set(seen)) != sorted(sent):
                event = next(events)
                kinds.append(event.kind)
                if isinstance(event, MessageEvent):
                    seen.append(str(event.id))
                if isinstance(event, ConnectionReestablishedEvent):
                    filled += event.gap_filled

        try:
            sent.extend(str(chat.send_message(f"before {n}").id) for n in range(2))
            read_until_all_seen()
            for drop in range(2):
                http.request(
                    "POST",
                    task["endpoint_url"] + "/_emulator/faults",
                    body=json.dumps({"kind": "DROP_WEBSOCKET"}),
                    headers={"Content-Type": "application/json"},
                )
                # Sent while the socket is down: only the transcript has them.
                sent.extend(str(chat.send_message(f"gap {drop}.{n}").id) for n in range(3))
                read_until_all_seen()
            gevent.sleep(task.get("linger", 0.0))
            sent.extend(str(chat.send_message(f"after {n}").id) for n in range(2))
            read_until_all_seen()
        except Exception as failure:
            error = type(failure).__name__
        stream = chat._stream
        refreshes = stream.engine.refreshes if stream is not None else 0
    report = {"kinds": kinds, "seen": seen, "sent": sent, "filled": filled, "error": error}
    json.dump({**report, "refreshes": refreshes}, sys.stdout)


def main() -> None:
    task = json.load(sys.stdin)
    if task.get("drop"):
        dropped(task)
        return
    shared = botocore.session.get_session()
    config = ChatConfig(heartbeat_interval=2.0, ping_interval=5.0)
    peak = {"threads": real_active_count(), "connected": 0}
    all_connected = gevent.event.Event()

    def user(token: str) -> list[str]:
        chat = GeventChatSession(
            token, endpoint_url=task["endpoint_url"], session=shared, chat_config=config
        )
        with chat:
            peak["connected"] += 1
            if peak["connected"] == len(task["tokens"]):
                peak["threads"] = max(peak["threads"], real_active_count())
                all_connected.set()
            all_connected.wait(timeout=120)
            sent = [chat.send_message(f"m{n}") for n in range(task["messages"])]
            seen: list[str] = []
            for event in chat.events(timeout=60):
                if isinstance(event, MessageEvent):
                    seen.append(str(event.id))
                    if len(seen) == len(sent):
                        break
            peak["threads"] = max(peak["threads"], real_active_count())
            return seen if sorted(seen) == sorted(sent) else [*seen, "MISMATCH"]

    users = [gevent.spawn(user, token) for token in task["tokens"]]
    gevent.joinall(users, timeout=300)
    results = [u.value if u.successful() else repr(u.exception) for u in users]
    json.dump({"results": results, "threads": peak["threads"]}, sys.stdout)


main()
