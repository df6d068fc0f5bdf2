"""Real S3 semantics for presigned PUT and GET: the emulator hands out moto's presigned URLs.

moto runs in server mode on 127.0.0.1; the attachment bytes travel through
moto's S3 implementation, and the object's stored headers are read back with
a plain S3 client to prove every ``HeadersToInclude`` header reached S3.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig
from boto3_connectparticipant_ext.transfer import (
    DownloadRefusedError,
    UploadRefusedError,
)

from .conftest import Chat, open_chat, operations

pytestmark = pytest.mark.moto


@pytest.fixture
def bucket() -> str:
    # moto keeps its state per process, shared by every server: one bucket per test.
    return f"connect-attachments-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def moto_url() -> Iterator[str]:
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(moto_url: str) -> Any:
    return boto3.session.Session().client(
        "s3",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(s3={"addressing_style": "path"}),
    )


@pytest.fixture
def moto_chat(moto_url: str, bucket: str) -> Iterator[Chat]:
    config = EmulatorConfig(s3_endpoint_url=moto_url, s3_bucket=bucket)
    with Emulator(config=config) as emulator:
        yield open_chat(emulator)


def moto_keeps_underscored_headers() -> bool:
    """Older moto servers lose ``x-amz-meta-*`` headers whose names hold ``_`` (werkzeug drops
    them); the emulator's own store checks those headers in its signature instead."""
    from moto.moto_server import werkzeug_app

    return hasattr(werkzeug_app, "MotoRequestHandler")


def only_object(s3: Any, bucket: str) -> dict[str, Any]:
    (entry,) = s3.list_objects_v2(Bucket=bucket)["Contents"]
    return dict(s3.head_object(Bucket=bucket, Key=entry["Key"]))


def test_presigned_put_and_get_through_moto(
    moto_chat: Chat, s3: Any, bucket: str, tmp_path: Path
) -> None:
    data = b"%PDF-1.5\n" + os.urandom(1_500_000)
    path = tmp_path / "statement March.pdf"
    path.write_bytes(data)

    attachment_id = moto_chat.customer.upload_attachment(str(path))

    stored = only_object(s3, bucket)
    assert stored["ContentLength"] == len(data)
    assert stored["ContentType"] == "application/pdf"
    assert "statement March.pdf" in stored["ContentDisposition"]
    if moto_keeps_underscored_headers():
        assert stored["Metadata"]["contact_id"] == moto_chat.contact_id
        assert stored["Metadata"]["participant_id"] == moto_chat.customer_id

    target = tmp_path / "copy.pdf"
    moto_chat.agent.download_attachment(attachment_id, str(target))
    assert target.read_bytes() == data


def test_put_refused_by_s3_never_completes(
    moto_chat: Chat, s3: Any, bucket: str, tmp_path: Path
) -> None:
    s3.delete_bucket(Bucket=bucket)
    path = tmp_path / "a.txt"
    path.write_bytes(b"some text\n")
    with pytest.raises(UploadRefusedError) as caught:
        moto_chat.customer.upload_attachment(str(path))
    assert (caught.value.status, caught.value.error_code) == (404, "NoSuchBucket")
    assert "CompleteAttachmentUpload" not in operations(moto_chat.emulator)


def test_get_refused_by_s3_leaves_nothing(
    moto_chat: Chat, s3: Any, bucket: str, tmp_path: Path
) -> None:
    attachment_id = moto_chat.customer.upload_attachment_fileobj(io.BytesIO(b"a,b\n1,2\n"), "t.csv")
    (entry,) = s3.list_objects_v2(Bucket=bucket)["Contents"]
    s3.delete_object(Bucket=bucket, Key=entry["Key"])
    with pytest.raises(DownloadRefusedError) as caught:
        moto_chat.agent.download_attachment(attachment_id, str(tmp_path))
    assert (caught.value.status, caught.value.error_code) == (404, "NoSuchKey")
    assert os.listdir(tmp_path) == []
