"""A chat load test: customers through the support flow (examples/support-flow.yaml).

Offline (a dry run against the emulator and its bot)::

    make loadtest-demo

Against a real instance (AWS credentials with connect:StartChatContact and
connect:StopContact; keep --chat-start-rate under your StartChatContact quota)::

    locust -f examples/locustfile.py --headless -u 50 -r 1 -t 5m \\
        --connect-instance-id INSTANCE_ID --connect-flow-id FLOW_ID --chat-region us-east-1
"""

from __future__ import annotations

import os
import tempfile

from locust import between

from boto3_connectparticipant_ext.loadtest import ChatUser, LoadConversation

# A small receipt the customer attaches (one file per process, removed at exit by the OS's
# temporary directory cleanup; it holds nothing sensitive).
RECEIPT = os.path.join(tempfile.mkdtemp(prefix="cpx-loadtest-"), "receipt.txt")
with open(RECEIPT, "w", encoding="utf-8") as handle:
    handle.write("order 1234\n")


class SupportCustomer(ChatUser):
    """Greeting, the menu, "Orders", the answer, a receipt attached, then leave."""

    wait_time = between(0.5, 2.0)
    timeout = 15.0

    def flow(self, talk: LoadConversation) -> None:
        talk.expect(text="Welcome", name="greeting")
        talk.expect(template="ListPicker", name="menu")
        talk.choose("Orders")
        talk.expect(text="Orders are in the app", name="orders answer")
        talk.expect(template="QuickReply", name="anything else")
        talk.send_attachment(RECEIPT, name="UploadAttachment")
