"""aiobotocore support: its sessions build connectparticipant clients the way ours do.

aiobotocore's ``AioSession.create_client`` re-implements client creation (async) instead of
calling botocore's ``Session.create_client``, so the core wrapper never sees it. This module puts
one wrapt wrapper on ``AioSession.create_client`` that, for ``connectparticipant`` only and only
while the plugin is installed, prepares the session (our model first) and forces
``signature_version=UNSIGNED`` into the client config: the only setting that makes aiobotocore
skip its (async) credential lookup. aiobotocore's ``create_client`` answers a context manager
that builds the client when entered; the client gets our handlers and the async helper methods
(``_plugin.prepare_client``) as it is built.

It plugs into the core like any other package would: :func:`client_flavour` is named in
``_extensions.BUILTIN_FLAVOURS``, and the core calls the flavour's ``activate`` on ``install()``,
which installs a wrapt post-import hook on ``aiobotocore.session`` (or acts at once when it is
already imported). The core names no aiobotocore module; this one never imports aiobotocore.

wrapt wrappers and import hooks are never removed (someone may have wrapped on top of ours), so
:func:`deactivate` only clears the flag the wrapper and the hook check on every call.
aioboto3 creates its clients through ``AioSession.create_client`` and is covered too.

Examples
--------
>>> import boto3_connectparticipant_ext
>>> boto3_connectparticipant_ext.install()  # activates this module when aiobotocore is imported
"""

from __future__ import annotations

import inspect
import logging
import sys
import weakref
from types import ModuleType
from typing import Any

import wrapt

from boto3_connectparticipant_ext import _plugin
from boto3_connectparticipant_ext._plugin import ClientFlavour, _lock, client_wrapper

logger = logging.getLogger(__name__)
_SESSION_MODULE = "aiobotocore.session"
_hook_registered = False

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


def client_flavour() -> ClientFlavour:
    """The aiobotocore flavour the core registers (see ``_extensions``).

    Examples
    --------
    >>> client_flavour().name
    'aiobotocore'
    """
    return ClientFlavour(
        "aiobotocore", owns=_owns, inject=_inject, activate=_on_install, deactivate=deactivate
    )


def _owns(base_classes: tuple[type, ...]) -> bool:
    return any(base.__module__.startswith("aiobotocore") for base in base_classes)


def _inject(class_attributes: dict[str, Any], **kwargs: Any) -> None:
    from boto3_connectparticipant_ext.aio.inject import inject_async_helper_methods

    inject_async_helper_methods(class_attributes, **kwargs)


def _on_install() -> None:
    global _hook_registered
    module = sys.modules.get(_SESSION_MODULE)
    if module is not None:
        _on_aiobotocore_imported(module)
    elif not _hook_registered:
        # wrapt hooks cannot be unregistered: the hook checks is_installed() itself.
        wrapt.register_post_import_hook(_on_aiobotocore_imported, _SESSION_MODULE)
        _hook_registered = True


def _on_aiobotocore_imported(module: Any) -> None:
    try:
        with _lock:  # an uninstall() racing this hook either runs before or reverts it
            if _plugin.is_installed():
                activate(module)
    except Exception:
        # An import hook that raises would break the user's import of aiobotocore.
        logger.warning("could not extend aiobotocore; its clients stay stock", exc_info=True)


def deactivate() -> None:
    """Stop changing aiobotocore clients (the wrapper stays, inert). Idempotent."""
    global _enabled
    with _lock:
        _enabled = False


def is_active() -> bool:
    """Tell whether aiobotocore clients are currently built our way."""
    return _enabled


def _prepare_when_built(context: Any) -> Any:
    """Make aiobotocore's ``ClientCreatorContext`` prepare the client it builds.

    The context awaits its ``_coro`` (the ``AioSession._create_client`` coroutine) on entry; that
    coroutine is replaced by one that prepares the client it returns.
    """
    building = getattr(context, "_coro", None)
    if not inspect.iscoroutine(building):
        logger.warning(
            "aiobotocore's create_client answered %s, not a context holding the coroutine that"
            " builds the client: its connectparticipant clients get no helper methods",
            type(context).__name__,
        )
        return context

    async def build_and_prepare() -> Any:
        return _plugin.prepare_client(await building)

    context._coro = build_and_prepare()
    return context


# The core's wrapper, switched by this module's flag: a session is never prepared after
# uninstall() (the flag is checked under the core's lock).
_create_client_wrapper = client_wrapper(
    lambda: _enabled, config_position=CONFIG_POSITION, finish=_prepare_when_built
)
