"""boto3-connectparticipant-ext: Amazon Connect Participant Service done right from Python.

Importing this package changes nothing. :func:`install` activates it for every
botocore/boto3 session in the process; :func:`uninstall` reverts it.

Examples
--------
>>> import boto3
>>> import boto3_connectparticipant_ext as cpx
>>> cpx.install()
>>> client = boto3.client("connectparticipant", region_name="us-east-1")
>>> # no AWS credentials needed: calls carry only the bearer token
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    ChatEndedError,
    ConnectParticipantExtError,
    IncompleteResponseError,
    MessageContentError,
    RetiredEventError,
    WrongClientError,
)

if TYPE_CHECKING:  # pragma: no cover
    from ._plugin import (
        ClientFlavour,
        initialize_client_plugin,
        install,
        is_installed,
        register_client_flavour,
        uninstall,
        unregister_client_flavour,
    )
    from .auth import BoundTokens, bind_tokens, bound_tokens, unbind_tokens
    from .chat import AsyncChatSession, ChatSession
    from .inject import ConnectParticipantHelpers
    from .model import data_path
    from .transcript import iter_transcript
    from .transfer import TransferConfig

__all__ = [
    "AsyncChatSession",
    "BoundTokens",
    "ChatEndedError",
    "ChatSession",
    "ClientFlavour",
    "ConnectParticipantExtError",
    "ConnectParticipantHelpers",
    "IncompleteResponseError",
    "MessageContentError",
    "RetiredEventError",
    "TransferConfig",
    "WrongClientError",
    "__version__",
    "bind_tokens",
    "bound_tokens",
    "data_path",
    "initialize_client_plugin",
    "install",
    "is_installed",
    "iter_transcript",
    "register_client_flavour",
    "unbind_tokens",
    "uninstall",
    "unregister_client_flavour",
]

# Heavier parts load on first use so that ``import`` stays cheap (Lambda cold starts), and so
# that loading an engine (``transfer``, ``transcript``) does not load the plugin and wrapt.
_LAZY = {
    "ClientFlavour": "boto3_connectparticipant_ext._plugin",
    "register_client_flavour": "boto3_connectparticipant_ext._plugin",
    "unregister_client_flavour": "boto3_connectparticipant_ext._plugin",
    "initialize_client_plugin": "boto3_connectparticipant_ext._plugin",
    "install": "boto3_connectparticipant_ext._plugin",
    "is_installed": "boto3_connectparticipant_ext._plugin",
    "uninstall": "boto3_connectparticipant_ext._plugin",
    "BoundTokens": "boto3_connectparticipant_ext.auth",
    "bind_tokens": "boto3_connectparticipant_ext.auth",
    "bound_tokens": "boto3_connectparticipant_ext.auth",
    "unbind_tokens": "boto3_connectparticipant_ext.auth",
    "data_path": "boto3_connectparticipant_ext.model",
    "ChatSession": "boto3_connectparticipant_ext.chat",
    "AsyncChatSession": "boto3_connectparticipant_ext.chat",
    "TransferConfig": "boto3_connectparticipant_ext.transfer",
    "iter_transcript": "boto3_connectparticipant_ext.transcript",
    "ConnectParticipantHelpers": "boto3_connectparticipant_ext.inject",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
