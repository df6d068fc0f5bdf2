"""Quickstart: connect as a participant, send a message, read the transcript, send a file.

Run against the local emulator (``cpx emulator`` prints its endpoint; the participant token comes
from StartChatContact, or from ``Emulator.start_chat`` in tests)::

    CPX_ENDPOINT_URL=http://127.0.0.1:PORT CPX_PARTICIPANT_TOKEN=... python examples/quickstart.py

Without ``CPX_ENDPOINT_URL`` it talks to the real service in ``AWS_REGION``. No AWS credentials
are needed or used.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from boto3_connectparticipant_ext.typed import (
    ConnectParticipantExtClient,
    connectparticipant_client,
)


def main() -> None:
    """Run the quickstart and print what happened."""
    client: ConnectParticipantExtClient = connectparticipant_client(
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        endpoint_url=os.environ.get("CPX_ENDPOINT_URL"),
    )
    connection = client.create_participant_connection(
        ParticipantToken=os.environ["CPX_PARTICIPANT_TOKEN"],
        Type=["CONNECTION_CREDENTIALS"],
        ConnectParticipant=True,
    )
    token = connection["ConnectionCredentials"]["ConnectionToken"]

    sent = client.send_message(
        ConnectionToken=token, Content="Hello from the quickstart", ContentType="text/plain"
    )
    print(f"sent message {sent['Id']}")

    with tempfile.TemporaryDirectory() as scratch:
        note = Path(scratch) / "note.txt"
        note.write_text("an attachment from the quickstart\n")
        attachment_id = client.upload_attachment(str(note), ConnectionToken=token)
    print(f"uploaded attachment {attachment_id}")

    for item in client.iter_transcript(ConnectionToken=token):
        print(item.get("AbsoluteTime"), item.get("DisplayName"), item.get("Content", item["Type"]))


if __name__ == "__main__":
    main()
