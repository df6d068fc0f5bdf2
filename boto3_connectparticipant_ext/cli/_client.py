"""The connectparticipant client ``cpx`` commands use, and turning tokens into a connection."""

from __future__ import annotations

import argparse
import os
from typing import Any

from boto3_connectparticipant_ext.cli import _types
from boto3_connectparticipant_ext.cli._errors import UsageError
from boto3_connectparticipant_ext.cli._tokens import (
    CONNECTION_TOKEN_ENV,
    PARTICIPANT_TOKEN_ENV,
    Tokens,
)

ENDPOINT_ENV = "CPX_ENDPOINT_URL"
REGION_ENV = "CPX_REGION"
# With an explicit endpoint (the emulator) the region only names the signing scope, which
# unsigned calls never use; without one it picks the real service endpoint and must be given.
_REGION_FOR_CUSTOM_ENDPOINT = "us-east-1"


def make_client(*, endpoint_url: str | None, region: str | None, timeout: float) -> Any:
    """Return a connectparticipant client with the plugin installed (unsigned, our model).

    Examples
    --------
    >>> client = make_client(endpoint_url="http://127.0.0.1:8080", region=None, timeout=10)
    >>> client.meta.region_name
    'us-east-1'
    """
    import boto3
    from botocore.config import Config

    from boto3_connectparticipant_ext import install

    install()
    if not endpoint_url and os.environ.get(ENDPOINT_ENV):
        try:
            endpoint_url = _types.endpoint_url(os.environ[ENDPOINT_ENV])
        except argparse.ArgumentTypeError as error:
            raise UsageError(f"{ENDPOINT_ENV}: {error}") from None
    endpoint_url = endpoint_url or None
    session = boto3.session.Session()
    region = region or os.environ.get(REGION_ENV) or session.region_name
    if region is None:
        if endpoint_url is None:
            raise UsageError(
                "no region: pass --region, or set CPX_REGION or AWS_REGION "
                "(or --endpoint-url for the emulator)"
            )
        region = _REGION_FOR_CUSTOM_ENDPOINT
    config = Config(
        connect_timeout=timeout,
        read_timeout=timeout,
        retries={"mode": "standard", "max_attempts": 3},
        user_agent_extra="cpx",
    )
    return session.client(
        "connectparticipant", region_name=region, endpoint_url=endpoint_url, config=config
    )


def create_connection(
    client: Any, *, participant_token: str, websocket: bool, connect_participant: bool
) -> dict[str, Any]:
    """Call CreateParticipantConnection with a participant token; return the response."""
    kinds = ["CONNECTION_CREDENTIALS"] + (["WEBSOCKET"] if websocket else [])
    parameters: dict[str, Any] = {"ParticipantToken": participant_token, "Type": kinds}
    if connect_participant:
        parameters["ConnectParticipant"] = True
    response: dict[str, Any] = client.create_participant_connection(**parameters)
    response.pop("ResponseMetadata", None)
    return response


def connection_token_for(client: Any, tokens: Tokens) -> str:
    """Return the connection token to use, connecting with the participant token if needed.

    Calls needing a ConnectionToken accept a participant token too: ``cpx`` then opens a
    connection first (one CreateParticipantConnection call).
    """
    if tokens.connection_token is not None:
        return tokens.connection_token
    if tokens.participant_token is not None:
        response = create_connection(
            client,
            participant_token=tokens.participant_token,
            websocket=False,
            connect_participant=False,
        )
        token: str = response["ConnectionCredentials"]["ConnectionToken"]
        return token
    raise UsageError(
        "this command needs a token: --connection-token (or "
        f"{CONNECTION_TOKEN_ENV}), or --participant-token (or {PARTICIPANT_TOKEN_ENV}) "
        "to connect with; the value - reads it from stdin"
    )


def require_participant_token(tokens: Tokens, *, command: str) -> str:
    """Return the participant token, or explain that ``command`` needs one."""
    if tokens.participant_token is None:
        raise UsageError(
            f"{command} needs a participant token: --participant-token (or "
            f"{PARTICIPANT_TOKEN_ENV}); the value - reads it from stdin"
        )
    return tokens.participant_token
