"""Many customers in one gevent process share one participant client (issue 13's memory target).

The customers run in a monkey-patched subprocess (as in a Locust worker) against the
in-process emulator: every session uses the driver's one client, no token is bound to it,
each customer's calls still reach its own chat, and an idle customer stays under 150 KB of
resident memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from boto3_connectparticipant_ext.emulator import Emulator

pytestmark = pytest.mark.slow

CUSTOMERS = 200

_SCRIPT = r"""
from gevent import monkey; monkey.patch_all()
import gc, json, os, sys
import boto3.session, gevent, gevent.pool
from boto3_connectparticipant_ext.auth import bound_tokens
from boto3_connectparticipant_ext.conversation._start import ChatContact
from boto3_connectparticipant_ext.loadtest import GeventDriver, LoadSession
job = json.loads(sys.stdin.readline())
def rss_kb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024
aws = boto3.session.Session(aws_access_key_id="a", aws_secret_access_key="b",
                            region_name="us-east-1")
driver = GeventDriver(endpoint_url=job["endpoint_url"], region_name="us-east-1", session=aws)
def open_one(answer):
    contact = ChatContact(answer["ContactId"], answer["ParticipantId"], "i", "f")
    return LoadSession(driver.open(answer, contact), contact, driver.connect_client)
open_one(job["chats"][0]).close()
gc.collect(); before = rss_kb()
sessions = gevent.pool.Pool(100).map(open_one, job["chats"][1:])
gevent.sleep(1.0); gc.collect(); after = rss_kb()
first, second = sessions[0], sessions[1]
first.send_message("from the first")
second.send_message("from the second")
texts = [[item.get("Content") for item in s.transcript() if item.get("Type") == "MESSAGE"]
         for s in (first, second)]
clients = {id(s.chat.client) for s in sessions}
print(json.dumps({
    "per_customer_kb": (after - before) / len(sessions),
    "clients": len(clients),
    "shared": id(driver.participant_client) in clients,
    "bound": bound_tokens(driver.participant_client) is not None,
    "texts": texts,
}), flush=True)
for s in sessions:
    s.disconnect()
"""


def test_customers_share_one_unbound_client_and_stay_under_150_kb(
    connect_chat_emulator: Emulator,
) -> None:
    chats = [connect_chat_emulator.start_chat(display_name=f"C{n}") for n in range(CUSTOMERS + 1)]
    job = {"endpoint_url": connect_chat_emulator.endpoint_url, "chats": chats}
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], input=json.dumps(job) + "\n", capture_output=True,
        text=True, timeout=240, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["clients"] == 1 and result["shared"] is True
    assert result["bound"] is False
    assert result["texts"] == [["from the first"], ["from the second"]]
    assert result["per_customer_kb"] <= 150, result["per_customer_kb"]
