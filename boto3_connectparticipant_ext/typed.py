"""Static types for extended connectparticipant clients, and a typed way to get one.

The generated stubs (``types-boto3-connectparticipant``) type botocore's operations as
``ConnectParticipantClient``, but not the methods this package adds. Here:

``ConnectParticipantExtClient``
    for type checkers, the stub client type *and* the helper methods
    (:class:`~boto3_connectparticipant_ext.inject.ConnectParticipantHelpers`). It is a class
    combining both rather than a ``Protocol``, because a Protocol may only extend Protocols and the
    stub client type is a class. The stubs are imported only while type checking; at run time the
    name exists for annotations and no stub package is needed.
``AsyncConnectParticipantHelpers``
    the async helper methods of aiobotocore/aioboto3 clients (a Protocol).
:func:`connectparticipant_client`
    installs the plugin and returns a new client typed as ``ConnectParticipantExtClient``.
:func:`as_extended`
    checks an existing client and returns it typed as ``ConnectParticipantExtClient``.

Examples
--------
>>> from boto3_connectparticipant_ext.typed import connectparticipant_client
>>> client = connectparticipant_client(region_name="us-east-1")
>>> hasattr(client, "iter_transcript") and hasattr(client, "send_message")
True
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Optional, Protocol, Union, cast

from boto3_connectparticipant_ext._helper_table import HELPER_NAMES
from boto3_connectparticipant_ext.auth import require_connectparticipant
from boto3_connectparticipant_ext.errors import WrongClientError as NotAnExtendedClientError
from boto3_connectparticipant_ext.inject import ConnectParticipantHelpers
from boto3_connectparticipant_ext.model import SERVICE_NAME

if TYPE_CHECKING:
    import os

    from types_boto3_connectparticipant.client import ConnectParticipantClient

    from boto3_connectparticipant_ext.transfer.config import TransferConfig
    from boto3_connectparticipant_ext.transfer.fileobj import ReadableBinary, WritableBinary
    from boto3_connectparticipant_ext.transfer.progress import ProgressCallback

    class ConnectParticipantExtClient(ConnectParticipantClient, ConnectParticipantHelpers):
        """A connectparticipant client with this package's helper methods (static type)."""

else:
    # At run time the name only serves annotations; the stub package need not be installed.
    ConnectParticipantExtClient = ConnectParticipantHelpers

__all__ = [
    "AsyncConnectParticipantHelpers",
    "ConnectParticipantExtClient",
    "ConnectParticipantHelpers",
    "NotAnExtendedClientError",
    "as_extended",
    "connectparticipant_client",
]


class AsyncConnectParticipantHelpers(Protocol):
    """The async helper methods of aiobotocore/aioboto3 connectparticipant clients.

    Examples
    --------
    >>> async def export(client: AsyncConnectParticipantHelpers, token: str) -> list[str]:
    ...     return [item["Id"] async for item in client.iter_transcript(ConnectionToken=token)]
    """

    def iter_transcript(
        self,
        *,
        ConnectionToken: Optional[str] = ...,
        Order: Optional[str] = ...,
        AfterId: Optional[str] = ...,
        BeforeId: Optional[str] = ...,
        ContactId: Optional[str] = ...,
        MaxResults: int = ...,
        StartPosition: Optional[dict[str, Any]] = ...,
        ScanDirection: Optional[str] = ...,
        SortOrder: Optional[str] = ...,
        NextToken: Optional[str] = ...,
    ) -> AsyncIterator[dict[str, Any]]: ...

    async def upload_attachment(
        self,
        Filename: Union[str, os.PathLike[str]],
        *,
        ConnectionToken: Optional[str] = ...,
        AttachmentName: Optional[str] = ...,
        ContentType: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
    ) -> str: ...

    async def upload_attachment_fileobj(
        self,
        Fileobj: ReadableBinary,
        AttachmentName: str,
        *,
        ConnectionToken: Optional[str] = ...,
        ContentType: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
    ) -> str: ...

    async def download_attachment(
        self,
        AttachmentId: str,
        Filename: Union[str, os.PathLike[str]],
        *,
        ConnectionToken: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
        Overwrite: bool = ...,
    ) -> str: ...

    async def download_attachment_fileobj(
        self,
        AttachmentId: str,
        Fileobj: WritableBinary,
        *,
        ConnectionToken: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
    ) -> int: ...

    async def get_attachment_url(
        self,
        AttachmentId: str,
        *,
        ConnectionToken: Optional[str] = ...,
        ExpiresIn: Optional[int] = ...,
    ) -> str: ...


def as_extended(client: Any) -> ConnectParticipantExtClient:
    """Return ``client`` typed as :data:`ConnectParticipantExtClient`, after checking it.

    Raises :class:`NotAnExtendedClientError` when ``client`` is not a connectparticipant client or
    was created without the helper methods (before :func:`~boto3_connectparticipant_ext.install`).

    Examples
    --------
    >>> import boto3, boto3_connectparticipant_ext
    >>> boto3_connectparticipant_ext.install()
    >>> client = as_extended(boto3.client("connectparticipant", region_name="us-east-1"))
    """
    require_connectparticipant(client, role="the client", error=NotAnExtendedClientError)
    missing = sorted(name for name in HELPER_NAMES if not callable(getattr(client, name, None)))
    if missing:
        raise NotAnExtendedClientError(
            f"this connectparticipant client lacks {', '.join(missing)}: create it after "
            "boto3_connectparticipant_ext.install()"
        )
    return cast("ConnectParticipantExtClient", client)


def connectparticipant_client(
    *,
    session: Any = None,
    region_name: Optional[str] = None,
    endpoint_url: Optional[str] = None,
    config: Any = None,
) -> ConnectParticipantExtClient:
    """Install the plugin and return a new connectparticipant client, fully typed.

    Parameters
    ----------
    session
        A ``boto3.session.Session`` (default: a new one).
    region_name, endpoint_url, config
        As for ``session.client(...)``; the client is unsigned whatever ``config`` says.

    The stub types declare the token arguments required, so typed code passes
    ``ConnectionToken=`` explicitly (``bind_tokens`` still works at run time, but the type
    checker does not know about it).

    Examples
    --------
    >>> client = connectparticipant_client(region_name="us-east-1")
    >>> # client.send_message(ConnectionToken=token, Content="hi", ContentType="text/plain")
    """
    import boto3

    from boto3_connectparticipant_ext import install

    install()
    factory = session if session is not None else boto3.session.Session()
    client = factory.client(
        SERVICE_NAME, region_name=region_name, endpoint_url=endpoint_url, config=config
    )
    return as_extended(client)
