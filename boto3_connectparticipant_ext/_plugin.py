"""Process-wide activation: ``install()``, ``uninstall()``, ``is_installed()``.

How it works
------------
One wrapt wrapper on ``botocore.session.Session.create_client`` is the single
point of entry. For ``connectparticipant`` only, and only while installed, it

1. prepares the session (once, tracked in a WeakKeyDictionary): our ``data/``
   goes first in the session loader's search paths (or, when the bundled model
   is newer, just our paginator), and the loader's cached connectparticipant
   model is dropped;
2. forces ``signature_version=UNSIGNED`` into the client config, which is the
   only way botocore skips its credential lookup at client creation;
3. prepares the client it built (:func:`prepare_client`): our handlers go on the
   client's own emitter (never sign, check tokens and messages before a request,
   check and parse answers) and its class gets the helper methods.

Because the wrapper runs for every session, sessions created before
``install()`` (``boto3.DEFAULT_SESSION`` included) are covered exactly like new
ones, without enumerating them. ``uninstall()`` restores the original method
and reverts every prepared session's loader. Every other service goes straight
through.

The session's event emitter is never changed. botocore copies it into every
client it builds, walking its handler tree without a lock, so registering on it
while another thread builds any client from the same session (an S3 client on
``boto3.DEFAULT_SESSION``, say) could make that thread fail with "dictionary
changed size during iteration". A client's emitter is its own copy: registering
there touches nothing another thread reads.

Threads: one lock orders ``install()``, ``uninstall()``, the preparation of a
session and the building of a connectparticipant client through the wrapper
(the ``installed`` check happens under it too). So a client is either built
wholly installed or wholly stock, and ``uninstall()`` waits for clients being
built and reverts their sessions. A loader's search paths are replaced by a new
list in one step (never edited in place: a lookup on another thread walks the
old list to its end), and its cache is scanned over a copy. A stock build that
overlaps ``install()`` on a shared session may leave botocore's model in that
loader's cache; clients built from it are still unsigned with the helpers.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import os
import threading
import weakref
from typing import Any, Callable

import botocore.session
import wrapt

from . import _send_event as send_checks
from ._responses import before_parse_is_emitted, check_and_parse, check_received
from .auth import (
    force_unsigned,
    make_client_unsigned,
    normalize_token_parameters,
)
from .model import SERVICE_NAME, data_path, other_model_is_newer, paginators_only_path
from .redact import secrets_allowed_in_logs, start_redacting_logs, stop_redacting_logs

logger = logging.getLogger(__name__)

# botocore keys unique ids across all event names: one id per registration.
_RESPONSES_ID = "boto3-connectparticipant-ext-responses"
_RECEIVED_ID = "boto3-connectparticipant-ext-received"
_TOKENS_ID = "boto3-connectparticipant-ext-tokens"
# Position of ``config`` in Session.create_client(service_name, region_name,
# api_version, use_ssl, verify, endpoint_url, aws_access_key_id,
# aws_secret_access_key, aws_session_token, config, ...); guarded by a test.
_CONFIG_POSITION = 9

_lock = threading.RLock()
_installed = False
_original_create_client: Any = None
# Each prepared session, with the search path we put in front of its loader and the loader's
# search-path list before that.
_prepared_sessions: weakref.WeakKeyDictionary[Any, tuple[str, list[str]]] = (
    weakref.WeakKeyDictionary()
)


def _nothing() -> None:
    return None


@dataclasses.dataclass(frozen=True)
class ClientFlavour:
    """A kind of botocore-based client class the plugin extends besides botocore's own.

    ``owns(base_classes)`` tells whether a connectparticipant client is of this flavour (the
    bases of the class botocore built for it); ``inject(class_attributes, **kwargs)`` then adds
    its methods instead of the sync helpers. ``activate`` runs on
    :func:`install` (under the plugin's lock; the place to install an import hook) and
    ``deactivate`` on :func:`uninstall`. The aiobotocore support of this package is one
    (``aio._patch.client_flavour``), registered exactly as another package's would be.

    Examples
    --------
    >>> flavour = ClientFlavour("mine", owns=lambda bases: False, inject=lambda attrs, **kw: None)
    >>> register_client_flavour(flavour); unregister_client_flavour("mine")
    """

    name: str
    owns: Callable[[tuple[type, ...]], bool]
    inject: Callable[..., None]
    activate: Callable[[], None] = _nothing
    deactivate: Callable[[], None] = _nothing


_flavours: dict[str, ClientFlavour] = {}
_builtin_flavours_loaded = False


def register_client_flavour(flavour: ClientFlavour) -> None:
    """Add (or replace, by name) a client flavour; activated at once when installed."""
    with _lock:
        _flavours[flavour.name] = flavour
        if _installed:
            _run_hook(flavour, flavour.activate)


def unregister_client_flavour(name: str) -> None:
    """Remove a client flavour (deactivating it first when installed). Unknown names pass."""
    with _lock:
        flavour = _flavours.pop(name, None)
        if flavour is not None and _installed:
            _run_hook(flavour, flavour.deactivate)


def _load_builtin_flavours() -> None:
    """Register the flavours ``_extensions`` names (once, lazily: the core imports none)."""
    global _builtin_flavours_loaded
    if _builtin_flavours_loaded:
        return
    _builtin_flavours_loaded = True
    extensions = importlib.import_module(f"{__package__}._extensions")
    for reference in extensions.BUILTIN_FLAVOURS:
        module_name, _, factory = reference.partition(":")
        try:
            flavour = getattr(importlib.import_module(module_name), factory)()
        except Exception:
            logger.warning("could not load the client flavour %s", reference, exc_info=True)
            continue
        _flavours.setdefault(flavour.name, flavour)


def _run_hook(flavour: ClientFlavour, hook: Callable[[], None]) -> None:
    try:
        hook()
    except Exception:
        # A flavour's failure must not break install() or the user's other clients.
        logger.warning(
            "client flavour %s failed; its clients stay stock", flavour.name, exc_info=True
        )


def install(*, redact_logs: bool = True) -> None:
    """Activate the plugin for every botocore/boto3 session in this process.

    Sessions that already exist (including ``boto3.DEFAULT_SESSION``) and
    future ones build ``connectparticipant`` clients with our model, unsigned,
    without looking up AWS credentials, and with the helper methods attached.
    No other service changes. Idempotent and thread-safe.

    Parameters
    ----------
    redact_logs
        Redact tokens and presigned URLs from every log record (default). The
        environment variable ``BOTO3_CONNECTPARTICIPANT_EXT_LOG_SECRETS=1``
        turns redaction off for debugging.

    Examples
    --------
    >>> import boto3, boto3_connectparticipant_ext
    >>> boto3_connectparticipant_ext.install()
    >>> client = boto3.client("connectparticipant", region_name="us-east-1")
    """
    global _installed, _original_create_client
    with _lock:
        if redact_logs and not secrets_allowed_in_logs():
            start_redacting_logs()
        else:
            stop_redacting_logs()
        if _installed:
            return
        _original_create_client = botocore.session.Session.__dict__["create_client"]
        wrapt.wrap_function_wrapper(
            botocore.session.Session, "create_client", _create_client_wrapper
        )
        _installed = True
        _load_builtin_flavours()
        for flavour in list(_flavours.values()):
            _run_hook(flavour, flavour.activate)


def uninstall() -> None:
    """Revert everything :func:`install` did, for existing and future sessions.

    A ``connectparticipant`` client created afterwards behaves exactly like
    stock boto3 (signed, with credential lookup). Clients built while installed
    keep working as they were built.
    """
    global _installed, _original_create_client
    with _lock:
        if not _installed:
            return
        _installed = False
        botocore.session.Session.create_client = _original_create_client
        _original_create_client = None
        for session, prepared in list(_prepared_sessions.items()):
            _revert_session(session, prepared)
        _prepared_sessions.clear()
        stop_redacting_logs()
        for flavour in list(_flavours.values()):
            _run_hook(flavour, flavour.deactivate)


def is_installed() -> bool:
    """Tell whether :func:`install` is in effect."""
    return _installed


def prepare_session(session: Any) -> None:
    """Point ``session``'s loader at our model (idempotent); its handlers stay as they are.

    ``session`` is a botocore session (or a subclass from another library).
    """
    with _lock:
        if session in _prepared_sessions:
            return
        loader = session.get_component("data_loader")
        current = loader.search_paths
        # Entries the user put there (AWS_DATA_PATH may hold our data path) stay.
        others = [path for path in current if path not in _our_search_paths()]
        front = paginators_only_path() if other_model_is_newer(others) else data_path()
        _set_search_paths(loader, [front, *current])
        _forget_cached_models(loader)
        _prepared_sessions[session] = (front, current)


def prepare_client(client: Any) -> Any:
    """Give a connectparticipant client built on a prepared session our handlers and helpers.

    Registers, on the client's own emitter: ``choose-signer`` (never sign,
    :func:`~boto3_connectparticipant_ext.auth.make_client_unsigned`), the request checks
    (:func:`_register_request_checks`) and ``before-parse`` (``response-received`` on botocore
    before 1.35.16) for the answers; then gives the client a subclass of its class with the
    helper methods. Returns ``client``.
    """
    make_client_unsigned(client)
    events = client.meta.events
    events.register(f"before-parse.{SERVICE_NAME}", check_and_parse, unique_id=_RESPONSES_ID)
    if not before_parse_is_emitted():
        events.register(f"response-received.{SERVICE_NAME}", check_received, unique_id=_RECEIVED_ID)
    _register_request_checks(events)
    _give_helpers(client)
    return client


def initialize_client_plugin(client: Any) -> None:
    """Entry point for ``BOTOCORE_EXPERIMENTAL__PLUGINS`` (botocore >= 1.39.9).

    botocore calls this after building each client. It activates the plugin
    process-wide (so later clients get everything), and makes a just-built
    connectparticipant client unsigned and gives it the helper methods. That
    first client keeps the model and credentials botocore already resolved.
    """
    install()
    if client.meta.service_model.service_name != SERVICE_NAME:
        return
    make_client_unsigned(client)
    _register_request_checks(client.meta.events)
    _give_helpers(client)


def _register_request_checks(events: Any) -> None:
    """What is refused before any request, on a client's emitter: explicit token arguments
    (bound client or not) checked before botocore sees them, and what SendMessage / SendEvent
    would be refused for."""
    events.register(
        f"before-parameter-build.{SERVICE_NAME}", normalize_token_parameters, unique_id=_TOKENS_ID
    )
    send_checks.register(events)


def _give_helpers(client: Any) -> None:
    """Swap ``client``'s class for a subclass with the helper methods (of its flavour).

    botocore builds a new class for every client; the subclass keeps its name and module, and a
    method botocore already defines keeps botocore's (see :func:`_attach_helpers`).
    """
    base = type(client)
    attributes: dict[str, Any] = dict(vars(base))
    before = set(attributes)
    _attach_helpers(attributes, base_classes=base.__bases__)
    added = {name: attributes[name] for name in set(attributes) - before}
    if added:
        added.update(__module__=base.__module__, __qualname__=base.__qualname__)
        client.__class__ = type(base.__name__, (base,), added)


def client_wrapper(
    enabled: Callable[[], bool],
    *,
    config_position: int,
    finish: Callable[[Any], Any] = prepare_client,
) -> Callable[..., Any]:
    """A wrapt wrapper of a session class's ``create_client`` (botocore's, aiobotocore's).

    For ``connectparticipant`` only, and only while ``enabled()``, it prepares the session
    (:func:`prepare_session`), forces ``signature_version=UNSIGNED`` into the call's config
    (the argument at ``config_position``, or ``config=``) and returns ``finish(result)``:
    by default :func:`prepare_client` of the client built (aiobotocore's ``create_client``
    answers a context manager, whose flavour gives its own ``finish``). Any other call passes
    through.
    """

    def wrapper(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        service_name = args[0] if args else kwargs.get("service_name")
        if service_name != SERVICE_NAME:
            return wrapped(*args, **kwargs)
        with _lock:
            # Checked under the lock, and the client is built under it: an uninstall() waits
            # for this client and then reverts its session; a call that waited for an
            # uninstall() builds a stock client and prepares nothing.
            if enabled():
                prepare_session(instance)
                built = wrapped(*_unsigned_arguments(args, kwargs, config_position), **kwargs)
                return finish(built)
        return wrapped(*args, **kwargs)

    return wrapper


_create_client_wrapper = client_wrapper(lambda: _installed, config_position=_CONFIG_POSITION)


def _unsigned_arguments(
    args: tuple[Any, ...], kwargs: dict[str, Any], config_position: int
) -> tuple[Any, ...]:
    """Force ``signature_version=UNSIGNED`` into a create_client call's config, in place."""
    if len(args) > config_position:
        positional = list(args)
        positional[config_position] = force_unsigned(positional[config_position])
        return tuple(positional)
    kwargs["config"] = force_unsigned(kwargs.get("config"))
    return args


def _attach_helpers(class_attributes: dict[str, Any], **kwargs: Any) -> None:
    base_classes = tuple(kwargs.get("base_classes", ()))
    for flavour in list(_flavours.values()):
        if flavour.owns(base_classes):
            flavour.inject(class_attributes, **kwargs)
            return
    from .inject import LAZY_HELPER_METHODS, inject_helper_methods

    inject_helper_methods(class_attributes, methods=LAZY_HELPER_METHODS, **kwargs)


def _our_search_paths() -> set[str]:
    return {data_path(), paginators_only_path()}


def _forget_cached_models(loader: Any) -> None:
    # botocore's Loader memoises its methods in ``_cache`` with keys such as
    # ("load_service_model", "connectparticipant", "service-2") and
    # ("load_data_with_path", "connectparticipant/2018-09-07/service-2").
    # Other threads add entries while we look: iterate over a copy (one C call).
    cache = getattr(loader, "_cache", None)
    if isinstance(cache, dict):
        for key in [key for key in cache.copy() if _mentions_our_service(key)]:
            cache.pop(key, None)


def _set_search_paths(loader: Any, paths: list[str]) -> None:
    """Give ``loader`` a new search-path list in one step.

    Another thread may be walking the old list (a model lookup): editing it in place could make
    that walk skip botocore's own data directory (DataNotFoundError). Swapping the list object
    is atomic; the walk finishes on the old list.
    """
    if isinstance(getattr(loader, "_search_paths", None), list):
        loader._search_paths = paths
    else:  # pragma: no cover - a loader without botocore's attribute: best effort
        loader.search_paths[:] = paths


def _mentions_our_service(cache_key: Any) -> bool:
    if not isinstance(cache_key, tuple):
        return False
    prefixes = (f"{SERVICE_NAME}/", f"{SERVICE_NAME}{os.sep}")
    return any(
        isinstance(part, str) and (part == SERVICE_NAME or part.startswith(prefixes))
        for part in cache_key
    )


def _revert_session(session: Any, prepared: tuple[str, list[str]]) -> None:
    front, before = prepared
    loader = session.get_component("data_loader")
    paths = list(loader.search_paths)
    if front in paths:
        paths.remove(front)  # the one we inserted: the first occurrence
        # Unchanged since we prepared it: the user's own list object comes back.
        _set_search_paths(loader, before if paths == before else paths)
    _forget_cached_models(loader)
