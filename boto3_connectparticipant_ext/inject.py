"""Attach the helper methods to connectparticipant client classes.

While the plugin is installed, each connectparticipant client gets a class with the helper
methods (``_plugin.prepare_client``, through :func:`inject_helper_methods`, as
:class:`LazyHelper` entries: a client is built without importing the transfer code, which loads
on the first helper looked up). The methods are derived from the one declaration table,
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


class LazyHelper:
    """A helper method that imports its engine on first use.

    The plugin gives every connectparticipant client class these (:data:`LAZY_HELPER_METHODS`):
    building a client then imports no transfer or transcript code; looking the method up (a
    call, ``help()``, ``inspect.signature``) answers the real method of :data:`HELPER_METHODS`.

    Examples
    --------
    >>> class Client:
    ...     iter_transcript = LazyHelper("iter_transcript")
    >>> Client.iter_transcript is helper_methods()["iter_transcript"]
    True
    """

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __get__(self, instance: Any, owner: Optional[type] = None) -> Any:
        return helper_methods()[self._name].__get__(instance, owner)


_helper_methods: Optional[dict[str, Callable[..., Any]]] = None
_helper_methods_lock = threading.Lock()


def helper_methods() -> dict[str, Callable[..., Any]]:
    """The sync helper methods (:data:`HELPER_METHODS`), built once, on first use."""
    global _helper_methods
    if _helper_methods is None:
        with _helper_methods_lock:
            if _helper_methods is None:
                _helper_methods = delegates({helper.name: helper.engine for helper in HELPERS})
    return _helper_methods


LAZY_HELPER_METHODS = {helper.name: LazyHelper(helper.name) for helper in HELPERS}


def __getattr__(name: str) -> Any:
    """``HELPER_METHODS`` and each helper by name (``inject.iter_transcript``), built on first
    use (PEP 562): importing this module imports no engine."""
    if name == "HELPER_METHODS":
        return helper_methods()
    if name in LAZY_HELPER_METHODS:
        return helper_methods()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_warned: set[str] = set()
_warned_lock = threading.Lock()


def inject_helper_methods(
    class_attributes: dict[str, Any],
    *,
    methods: Optional[Mapping[str, Any]] = None,
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
    for name, method in (helper_methods() if methods is None else methods).items():
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
