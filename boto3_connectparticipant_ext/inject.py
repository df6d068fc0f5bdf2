"""Attach the helper methods to connectparticipant client classes.

While the plugin is installed, :func:`inject_helper_methods` runs on
``creating-client-class.connectparticipant`` (the mechanism boto3 uses to give S3 clients
``upload_file``). The methods are derived from the one declaration table,
:data:`boto3_connectparticipant_ext._helper_table.HELPERS`: each is a thin delegate to its engine
(:mod:`boto3_connectparticipant_ext.transcript`, :mod:`boto3_connectparticipant_ext.transfer`),
with the engine's signature and the table's docstring. The async delegates of aiobotocore clients
come from the same table and the same :func:`delegates` (``aio.inject``). Where botocore already
defines a name (a future botocore might), botocore's method is kept and one
:class:`HelperNameConflictWarning` is emitted per name, sync or async.

Examples
--------
>>> import boto3, boto3_connectparticipant_ext as cpx                  # doctest: +SKIP
>>> cpx.install()                                                      # doctest: +SKIP
>>> client = boto3.client("connectparticipant", region_name="us-east-1")  # doctest: +SKIP
>>> for item in client.iter_transcript(ConnectionToken=token):         # doctest: +SKIP
...     print(item["Id"])
"""

from __future__ import annotations

import inspect
import threading
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Optional, Protocol, Union

from boto3_connectparticipant_ext._helper_table import HELPERS, method_signature

if TYPE_CHECKING:
    import os

    from boto3_connectparticipant_ext.transcript import TranscriptIterator
    from boto3_connectparticipant_ext.transfer.config import TransferConfig
    from boto3_connectparticipant_ext.transfer.fileobj import ReadableBinary, WritableBinary
    from boto3_connectparticipant_ext.transfer.progress import ProgressCallback

    PathArgument = Union[str, os.PathLike[str]]


class HelperNameConflictWarning(UserWarning):
    """botocore already defines a helper's name; botocore's method was kept."""


def delegates(
    functions: Mapping[str, Callable[..., Any]], *, asynchronous: bool = False
) -> dict[str, Callable[..., Any]]:
    """The client methods of the table's helpers, each delegating to ``functions[name]``.

    ``functions`` maps every helper name to a function taking the client first (the engines,
    or their async counterparts when ``asynchronous``). Each method carries that function's
    signature (client renamed ``self``) and the table's docstring.

    Examples
    --------
    >>> methods = delegates({helper.name: helper.engine for helper in HELPERS})
    >>> "Usage::" in methods["upload_attachment"].__doc__
    True
    """
    methods: dict[str, Callable[..., Any]] = {}
    for helper in HELPERS:
        function = functions[helper.name]
        signature = method_signature(function)
        method = _delegate(function, signature, awaits=asynchronous and not helper.iterates)
        method.__name__ = method.__qualname__ = helper.name
        method.__doc__ = helper.docstring(asynchronous=asynchronous)
        method.__signature__ = signature  # type: ignore[attr-defined]
        methods[helper.name] = method
    return methods


def _delegate(
    function: Callable[..., Any], signature: inspect.Signature, *, awaits: bool
) -> Callable[..., Any]:
    # Binding to the declared signature first: a wrong call fails with Python's own TypeError,
    # and the engine's test seams (lower-case keywords) are not reachable through the client.
    if awaits:

        async def async_method(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            return await function(*bound.args, **bound.kwargs)

        return async_method

    def method(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        return function(*bound.args, **bound.kwargs)

    return method


HELPER_METHODS = delegates({helper.name: helper.engine for helper in HELPERS})
iter_transcript = HELPER_METHODS["iter_transcript"]
upload_attachment = HELPER_METHODS["upload_attachment"]
upload_attachment_fileobj = HELPER_METHODS["upload_attachment_fileobj"]
download_attachment = HELPER_METHODS["download_attachment"]
download_attachment_fileobj = HELPER_METHODS["download_attachment_fileobj"]
get_attachment_url = HELPER_METHODS["get_attachment_url"]

_warned: set[str] = set()
_warned_lock = threading.Lock()


def inject_helper_methods(
    class_attributes: dict[str, Any],
    *,
    methods: Optional[Mapping[str, Callable[..., Any]]] = None,
    **kwargs: Any,
) -> None:
    """Add the helper methods to a connectparticipant client class being created.

    Registered by the plugin on ``creating-client-class.connectparticipant``; ``methods``
    (default: the sync :data:`HELPER_METHODS`) lets the async flavour use the same policy. A
    name botocore already defines keeps botocore's method; a
    :class:`HelperNameConflictWarning` is emitted once per name, under a lock.

    Examples
    --------
    >>> attributes = {"get_attachment_url": "botocore's"}
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     warnings.simplefilter("always")
    ...     inject_helper_methods(attributes)
    >>> attributes["get_attachment_url"], callable(attributes["iter_transcript"])
    ("botocore's", True)
    """
    del kwargs
    for name, method in (HELPER_METHODS if methods is None else methods).items():
        existing = class_attributes.get(name)
        if existing is None or existing is method:
            class_attributes[name] = method
            continue
        with _warned_lock:
            first_time = name not in _warned
            _warned.add(name)
        if first_time:
            warnings.warn(
                f"botocore's connectparticipant client already has a method {name!r}; "
                "boto3-connectparticipant-ext keeps botocore's and does not add its own "
                f"(use boto3_connectparticipant_ext's plain function {name}(client, ...) instead)",
                HelperNameConflictWarning,
                stacklevel=2,
            )


class ConnectParticipantHelpers(Protocol):
    """The methods the plugin adds to connectparticipant clients, for type checkers.

    Combine it with the generated client type, or cast a client to it::

        helpers = typing.cast(ConnectParticipantHelpers, client)
        for item in helpers.iter_transcript(): ...
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
    ) -> TranscriptIterator: ...

    def upload_attachment(
        self,
        Filename: PathArgument,
        *,
        ConnectionToken: Optional[str] = ...,
        AttachmentName: Optional[str] = ...,
        ContentType: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
    ) -> str: ...

    def upload_attachment_fileobj(
        self,
        Fileobj: ReadableBinary,
        AttachmentName: str,
        *,
        ConnectionToken: Optional[str] = ...,
        ContentType: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
    ) -> str: ...

    def download_attachment(
        self,
        AttachmentId: str,
        Filename: PathArgument,
        *,
        ConnectionToken: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
        Overwrite: bool = ...,
    ) -> str: ...

    def download_attachment_fileobj(
        self,
        AttachmentId: str,
        Fileobj: WritableBinary,
        *,
        ConnectionToken: Optional[str] = ...,
        Callback: Optional[ProgressCallback] = ...,
        Config: Optional[TransferConfig] = ...,
    ) -> int: ...

    def get_attachment_url(
        self,
        AttachmentId: str,
        *,
        ConnectionToken: Optional[str] = ...,
        ExpiresIn: Optional[int] = ...,
    ) -> str: ...
