"""Fuzz the public entry points against the emulator: every failure is a documented error.

Each argument is drawn from good values and junk (``None``, bytes, numbers
including NaN and 1e300, booleans, containers, closed or text-mode files,
wrong clients). A failure must be a ``ConnectParticipantExtError`` (or
botocore's ``ParamValidationError`` where the README leaves validation to
botocore: a call without any token), and a failure that is a local refusal
must not have sent a single request to the emulator (it records them all).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import boto3
import pytest
from botocore.exceptions import ClientError, ParamValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig
from boto3_connectparticipant_ext.errors import (
    ConnectParticipantExtError,
    InvalidTokenError,
    WrongClientError,
)
from boto3_connectparticipant_ext.transcript import TranscriptArgumentError, iter_transcript
from boto3_connectparticipant_ext.transfer import (
    AttachmentFileError,
    AttachmentTooLargeError,
    AttachmentTypeNotAllowedError,
    ContentTypeUnknownError,
    InvalidAttachmentNameError,
    StreamNotSupportedError,
    TransferConfig,
    TransferConfigError,
    download_attachment,
    download_attachment_fileobj,
    get_attachment_url,
    upload_attachment,
    upload_attachment_fileobj,
)

from .conftest import Chat, open_chat

#: Refusals that can be known locally: none of them may cost a request.
LOCAL = (
    WrongClientError,
    InvalidTokenError,
    TranscriptArgumentError,
    TransferConfigError,
    AttachmentFileError,
    StreamNotSupportedError,
    InvalidAttachmentNameError,
    AttachmentTooLargeError,
    AttachmentTypeNotAllowedError,
    ContentTypeUnknownError,
    ParamValidationError,
)
FAST = TransferConfig(max_attempts=1, backoff_base=0, backoff_max=0)
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def fuzz_chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Chat, Path]]:
    with Emulator(config=EmulatorConfig()) as emulator:
        chat = open_chat(emulator, bind=False)
        cpx.uninstall()
        folder = tmp_path_factory.mktemp("fuzz")
        (folder / "small.pdf").write_bytes(b"%PDF-1.7\n" + bytes(32))
        yield chat, folder


def _closed() -> io.BytesIO:
    closed = io.BytesIO(b"%PDF-1.7\n")
    closed.close()
    return closed


junk = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.binary(max_size=8),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e300, -1, 0, True, False, [], {}, ["a"], object()]),
)
wrong_clients = st.sampled_from(
    [
        None,
        "connectparticipant",
        object(),
        boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        ),
    ]
)


def _client(chat: Chat) -> Any:
    return st.one_of(st.just(chat.customer), wrong_clients)


def _token(chat: Chat) -> Any:
    return st.one_of(
        st.just(chat.customer_token), st.just(chat.customer_token + "\n"), st.none(), junk
    )


def _check(chat: Chat, call: Callable[[], Any]) -> None:
    before = len(chat.emulator.requests)
    try:
        result = call()
        if hasattr(result, "__next__"):
            list(result)
    except LOCAL as error:
        assert len(chat.emulator.requests) == before, f"a request was sent before {error!r}"
        assert chat.customer_token not in str(error)
    except (ConnectParticipantExtError, ClientError) as error:
        assert chat.customer_token not in str(error)


@FUZZ
@given(data=st.data())
def test_fuzz_uploads(fuzz_chat: tuple[Chat, Path], data: st.DataObject) -> None:
    chat, folder = fuzz_chat
    client = data.draw(_client(chat))
    token = data.draw(_token(chat))
    config = data.draw(st.one_of(st.just(FAST), junk))
    callback = data.draw(st.one_of(st.none(), st.just(lambda amount: None), junk))
    name: Any = data.draw(st.one_of(st.just("a.pdf"), st.none(), junk))
    content_type = data.draw(st.one_of(st.none(), st.just("application/pdf"), junk))
    if data.draw(st.booleans()):
        filename = data.draw(st.one_of(st.just(str(folder / "small.pdf")), st.just(folder), junk))
        _check(chat, lambda: upload_attachment(
            client, filename, ConnectionToken=token, AttachmentName=name,
            ContentType=content_type, Callback=callback, Config=config,
        ))  # fmt: skip
    else:
        fileobj: Any = data.draw(
            st.one_of(
                st.builds(lambda: io.BytesIO(b"%PDF-1.7\n" + bytes(16))),
                st.builds(_closed),
                st.builds(io.StringIO),
                junk,
            )
        )
        _check(chat, lambda: upload_attachment_fileobj(
            client, fileobj, name, ConnectionToken=token, ContentType=content_type,
            Callback=callback, Config=config,
        ))  # fmt: skip


@FUZZ
@given(data=st.data())
def test_fuzz_downloads(fuzz_chat: tuple[Chat, Path], data: st.DataObject) -> None:
    chat, folder = fuzz_chat
    client = data.draw(_client(chat))
    token = data.draw(_token(chat))
    attachment_id = data.draw(st.one_of(st.just("no-such-attachment"), junk))
    config = data.draw(st.one_of(st.just(FAST), junk))
    choice = data.draw(st.sampled_from(["file", "fileobj", "url"]))
    if choice == "file":
        target = data.draw(st.one_of(st.just(str(folder / "out.pdf")), st.just(folder), junk))
        overwrite = data.draw(st.one_of(st.booleans(), junk))
        _check(chat, lambda: download_attachment(
            client, attachment_id, target, ConnectionToken=token, Config=config,
            Overwrite=overwrite,
        ))  # fmt: skip
    elif choice == "fileobj":
        sink = data.draw(st.one_of(st.builds(io.BytesIO), st.builds(_closed), junk))
        _check(chat, lambda: download_attachment_fileobj(
            client, attachment_id, sink, ConnectionToken=token, Config=config
        ))  # fmt: skip
    else:
        expires = data.draw(st.one_of(st.none(), st.integers(0, 400), junk))
        _check(chat, lambda: get_attachment_url(
            client, attachment_id, ConnectionToken=token, ExpiresIn=expires
        ))  # fmt: skip


@FUZZ
@given(data=st.data())
def test_fuzz_transcript_and_binding(fuzz_chat: tuple[Chat, Path], data: st.DataObject) -> None:
    chat, _ = fuzz_chat
    client = data.draw(_client(chat))
    token = data.draw(_token(chat))
    if data.draw(st.booleans()):
        arguments = {
            name: data.draw(st.one_of(st.none(), junk, *extra))
            for name, extra in (
                ("Order", [st.sampled_from(["oldest-first", "newest-first"])]),
                ("AfterId", []),
                ("BeforeId", []),
                ("ContactId", []),
                ("ScanDirection", [st.just("FORWARD")]),
                ("SortOrder", [st.just("ASCENDING")]),
                ("NextToken", []),
                ("StartPosition", [st.just({"Id": "x"})]),
            )
        }
        max_results = data.draw(st.one_of(st.integers(0, 101), junk))
        _check(chat, lambda: iter_transcript(
            client, ConnectionToken=token, MaxResults=max_results, **arguments
        ))  # fmt: skip
    else:
        other = data.draw(_token(chat))
        fresh = (
            client
            if client is not chat.customer
            else boto3.client(
                "connectparticipant",
                region_name="us-east-1",
                endpoint_url=chat.emulator.endpoint_url,
            )
        )
        _check(chat, lambda: cpx.bind_tokens(
            fresh, connection_token=token, participant_token=other
        ))  # fmt: skip


@FUZZ
@given(
    values=st.dictionaries(
        st.sampled_from(
            [
                "chunk_size",
                "max_attempts",
                "connect_timeout",
                "read_timeout",
                "max_size_bytes",
                "allowed_extensions",
                "wait_for_scan",
                "scan_timeout",
                "scan_poll_interval",
                "backoff_base",
                "backoff_max",
                "url_expiry_seconds",
                "fsync",
            ]
        ),
        junk,
        max_size=4,
    )
)
def test_fuzz_transfer_config(values: dict[str, Any]) -> None:
    with contextlib.suppress(TransferConfigError):
        TransferConfig(**values)
