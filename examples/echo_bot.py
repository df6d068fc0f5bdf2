"""A chat bot with ChatSession: live events over the websocket, replies, read receipts.

Run it as a participant of a chat (for example a bot added with CreateParticipant)::

    CPX_ENDPOINT_URL=http://127.0.0.1:PORT CPX_PARTICIPANT_TOKEN=... python examples/echo_bot.py

It answers every customer message until the chat ends (or ``BOT_IDLE_SECONDS`` pass without an
event), then leaves.
"""

from __future__ import annotations

import os

from boto3_connectparticipant_ext.chat import ChatSession, MessageEvent


def main() -> None:
    """Answer customer messages until the chat ends."""
    idle = float(os.environ.get("BOT_IDLE_SECONDS", "300"))
    with ChatSession(
        os.environ["CPX_PARTICIPANT_TOKEN"],
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        endpoint_url=os.environ.get("CPX_ENDPOINT_URL"),
    ) as chat:
        chat.send_message("Hi! I repeat what customers say.")
        for event in chat.events(timeout=idle):
            if isinstance(event, MessageEvent) and event.participant_role == "CUSTOMER":
                if event.id is not None:
                    chat.send_read_receipt(event.id)
                chat.send_message(f"You said: {event.content}")
                print(f"answered {event.content!r}")


if __name__ == "__main__":
    main()
