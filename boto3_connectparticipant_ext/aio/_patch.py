"""aiobotocore support: its sessions build connectparticipant clients the way ours do.

aiobotocore's ``AioSession.create_client`` re-implements client creation (async) instead of
calling botocore's ``Session.create_client``, so the core wrapper never sees it. This module puts
one wrapt wrapper on ``AioSession.create_client`` that, for ``connectparticipant`` only and only
while the plugin is installed, prepares the session (our model first, unsigned signer, helper
methods) and forces ``signature_version=UNSIGNED`` into the client config: the only setting that
makes aiobotocore skip its (async) credential lookup.

wrapt wrappers are never removed (someone may have wrapped on top of ours), so
:func:`deactivate` only clears the flag the wrapper checks on every call.
aioboto3 creates its clients through ``AioSession.create_client`` and is covered too.

Examples
--------
>>> import boto3_connectparticipant_ext
>>> boto3_connectparticipant_ext.install()  # activates this module when aiobotocore is imported
"""

from __future__ import annotations

import weakref
from types import ModuleType
from typing import Any

import wrapt

from boto3_connectparticipant_ext._plugin import _lock, _unsigned_arguments, prepare_session
from boto3_connectparticipant_ext.model import SERVICE_NAME

# Position of ``config`` in AioSession.create_client(service_name, region_name, api_version,
# use_ssl, verify, endpoint_url, aws_access_key_id, aws_secret_access_key, aws_session_token,
# config, ...): the same as botocore's; a guard test checks it against the installed aiobotocore.
CONFIG_POSITION = 9

# The switch shares the core plugin's lock: install(), uninstall() and the wrapper's check
# happen in one order for every thread.
_enabled = False
_wrapped_classes: weakref.WeakSet[type] = weakref.WeakSet()


def activate(aiobotocore_session_module: ModuleType) -> None:
    """Make ``aiobotocore.session.AioSession`` build connectparticipant clients our way.

    Called by :func:`boto3_connectparticipant_ext.install` when ``aiobotocore.session`` is (or
    gets) imported. Idempotent.
    """
    global _enabled
    session_class = aiobotocore_session_module.AioSession
    with _lock:
        if session_class not in _wrapped_classes:
            wrapt.wrap_function_wrapper(session_class, "create_client", _create_client_wrapper)
            _wrapped_classes.add(session_class)
        _enabled = True


def deactivate() -> None:
    """Stop changing aiobotocore clients (the wrapper stays, inert). Idempotent."""
    global _enabled
    with _lock:
        _enabled = False


def is_active() -> bool:
    """Tell whether aiobotocore clients are currently built our way."""
    return _enabled


def _create_client_wrapper(
    wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    service_name = args[0] if args else kwargs.get("service_name")
    if service_name != SERVICE_NAME:
        return wrapped(*args, **kwargs)
    with _lock:
        # Checked and prepared under the lock: a session is never prepared after uninstall().
        if _enabled:
            prepare_session(instance)
            return wrapped(*_unsigned_arguments(args, kwargs, CONFIG_POSITION), **kwargs)
    return wrapped(*args, **kwargs)
