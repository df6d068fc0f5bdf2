"""asyncio: export a transcript and download its attachments with aiobotocore.

Needs ``pip install aiobotocore`` (or aioboto3). ``install()`` covers aiobotocore sessions:
the client is unsigned, looks up no AWS credentials and has async helper methods::

    export CPX_ENDPOINT_URL=http://127.0.0.1:PORT CPX_CONNECTION_TOKEN=...
    python examples/async_transcript.py downloads/
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import cast

import aiobotocore.session

import boto3_connectparticipant_ext
from boto3_connectparticipant_ext.typed import AsyncConnectParticipantHelpers


async def export(target: Path) -> int:
    """Print the transcript oldest first and save every attachment into ``target``."""
    boto3_connectparticipant_ext.install()
    token = os.environ["CPX_CONNECTION_TOKEN"]
    session = aiobotocore.session.get_session()
    async with session.create_client(
        "connectparticipant",
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        endpoint_url=os.environ.get("CPX_ENDPOINT_URL"),
    ) as raw_client:
        client = cast(AsyncConnectParticipantHelpers, raw_client)
        saved = 0
        async for item in client.iter_transcript(ConnectionToken=token):
            print(item.get("AbsoluteTime"), item.get("DisplayName"), item.get("Content", ""))
            for attachment in item.get("Attachments") or ():
                if attachment.get("Status") == "APPROVED":
                    path = await client.download_attachment(
                        attachment["AttachmentId"], str(target), ConnectionToken=token
                    )
                    print(f"saved {path}")
                    saved += 1
        return saved


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    asyncio.run(export(folder))
