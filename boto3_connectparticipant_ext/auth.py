"""Bearer-token authentication: no SigV4, no credential lookup, bound tokens.

The participant service reads only the bearer token in ``X-Amz-Bearer`` (the
model already maps ``ParticipantToken``/``ConnectionToken`` to that header).
This module makes requests unsigned and lets a client remember its tokens.

Examples
--------
>>> import boto3
>>> from boto3_connectparticipant_ext import bind_tokens
>>> client = boto3.client(
...     "connectparticipant", region_name="us-east-1", config=force_unsigned(None)
... )
>>> bind_tokens(client, connection_token="...")
>>> # client.send_message(Content="hi", ContentType="text/plain")  # no token argument
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import botocore
from botocore.config import Config

from ._validation import SERVICE_NAME, optional_token, require_client, token_argument
from .errors import WrongClientError
from .redact import mask

_BIND_HANDLER_ID = "boto3-connectparticipant-ext-bound-tokens"
_SIGNER_HANDLER_ID = "boto3-connectparticipant-ext-unsigned"


def force_unsigned(config: Config | None) -> Config:
    """Return ``config`` with ``signature_version=UNSIGNED`` taking precedence.

    botocore skips the credential lookup (and with it the instance-metadata
    probe) when a client's config says UNSIGNED, so this is what makes client
    creation instant on a machine without credentials.
    """
    unsigned = Config(signature_version=botocore.UNSIGNED)
    return unsigned if config is None else config.merge(unsigned)


def choose_unsigned_signer(**_: Any) -> Any:
    """``choose-signer.connectparticipant`` handler: never sign this service."""
    return botocore.UNSIGNED


def make_client_unsigned(client: Any) -> None:
    """Stop an already-built connectparticipant client from signing (idempotent)."""
    client.meta.events.register(
        f"choose-signer.{SERVICE_NAME}", choose_unsigned_signer, unique_id=_SIGNER_HANDLER_ID
    )


@dataclasses.dataclass(frozen=True)
class BoundTokens:
    """The tokens a client uses when a call omits them. Its repr hides them."""

    connection_token: str | None = None
    participant_token: str | None = None

    def __repr__(self) -> str:
        return (
            f"BoundTokens(connection_token={mask(self.connection_token)}, "
            f"participant_token={mask(self.participant_token)})"
        )


TOKEN_PARAMETERS = ("ConnectionToken", "ParticipantToken")


def normalize_token_parameters(params: dict[str, Any], **_: Any) -> None:
    """``before-parameter-build`` handler: the token arguments of a call, checked and stripped.

    Runs before botocore's own validation, whose message would echo a bad
    token (``value: b'...'``); raises :class:`~.errors.InvalidTokenError`.
    """
    for name in TOKEN_PARAMETERS:
        if name in params:
            params[name] = token_argument(params[name], name=name)


class _TokenFiller:
    """``before-parameter-build`` handler that fills omitted tokens for one client."""

    def __init__(self, tokens: BoundTokens) -> None:
        # Replaced atomically by rebinding, read once per call: no lock needed.
        self.tokens = tokens

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        tokens = self.tokens
        # The caller's own token arguments are checked; bound ones were checked when bound.
        normalize_token_parameters(params)
        members = model.input_shape.members if model.input_shape is not None else {}
        for name, value in (
            ("ConnectionToken", tokens.connection_token),
            ("ParticipantToken", tokens.participant_token),
        ):
            if value is not None and name in members and name not in params:
                params[name] = value

    def __repr__(self) -> str:
        return f"_TokenFiller({self.tokens!r})"


_bind_lock = threading.Lock()


def bind_tokens(
    client: Any,
    *,
    connection_token: str | None = None,
    participant_token: str | None = None,
) -> None:
    """Let calls on ``client`` omit ``ConnectionToken`` / ``ParticipantToken``.

    An explicit argument in a call still wins. Binding again replaces both
    tokens (``None`` unbinds that one). Only this client is affected; it is safe
    to call while other threads use the client.

    Examples
    --------
    >>> import boto3
    >>> client = boto3.client("connectparticipant", region_name="us-east-1")
    >>> bind_tokens(client, connection_token="the ConnectionToken of CreateParticipantConnection")
    >>> client.get_transcript(MaxResults=100)  # doctest: +SKIP
    """
    require_connectparticipant(client, role="the client given to bind_tokens")
    connection_token = optional_token(connection_token, name="connection_token")
    participant_token = optional_token(participant_token, name="participant_token")
    tokens = BoundTokens(connection_token=connection_token, participant_token=participant_token)
    with _bind_lock:
        filler = getattr(client, "_cpx_token_filler", None)
        if isinstance(filler, _TokenFiller):
            filler.tokens = tokens
            return
        filler = _TokenFiller(tokens)
        client.meta.events.register(
            f"before-parameter-build.{SERVICE_NAME}", filler, unique_id=_BIND_HANDLER_ID
        )
        client._cpx_token_filler = filler


def bound_tokens(client: Any) -> BoundTokens | None:
    """Return the tokens bound to ``client`` with :func:`bind_tokens`, if any."""
    filler = getattr(client, "_cpx_token_filler", None)
    return filler.tokens if isinstance(filler, _TokenFiller) else None


def unbind_tokens(client: Any) -> None:
    """Forget the tokens bound to ``client``."""
    with _bind_lock:
        if isinstance(getattr(client, "_cpx_token_filler", None), _TokenFiller):
            client.meta.events.unregister(
                f"before-parameter-build.{SERVICE_NAME}", unique_id=_BIND_HANDLER_ID
            )
            del client._cpx_token_filler


def require_connectparticipant(
    client: Any, *, role: str, error: type[Exception] = WrongClientError
) -> None:
    """Raise ``error`` unless ``client`` is a botocore ``connectparticipant`` client.

    ``role`` names the argument in the message (the message never shows values);
    :func:`._validation.require_client` is the one check.
    """
    require_client(client, role=role, error=error)
