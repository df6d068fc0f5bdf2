"""The session's botocore client: built unsigned, or the caller's own made unsigned."""

from __future__ import annotations

from typing import Any, Optional

from .._send_event import register as refuse_retired_events
from ..auth import force_unsigned, make_client_unsigned
from ..model import SERVICE_NAME
from .errors import ChatConfigError

# Any region works for an explicit endpoint: the service reads only the bearer token.
_PLACEHOLDER_REGION = "us-east-1"


def build_client(
    *,
    client: Any = None,
    session: Any = None,
    region_name: Optional[str] = None,
    endpoint_url: Optional[str] = None,
    config: Any = None,
) -> Any:
    """Return an unsigned connectparticipant client.

    With ``client``, that client is used (and told never to sign); the other
    options must then be left out. Otherwise a client is created from
    ``session`` (a boto3 or botocore session; a new boto3 session by default)
    with ``Config(signature_version=UNSIGNED)`` merged into ``config``, so no
    credential lookup happens even when ``install()`` was never called.
    """
    if client is not None:
        given = [
            name
            for name, value in (
                ("session", session),
                ("region_name", region_name),
                ("endpoint_url", endpoint_url),
                ("config", config),
            )
            if value is not None
        ]
        if given:
            raise ChatConfigError(
                f"pass either client or {', '.join(given)} (they configure a client), not both"
            )
        make_client_unsigned(client)  # the constructor has checked it is ours
        refuse_retired_events(client.meta.events)
        return client
    for name, value in (("region_name", region_name), ("endpoint_url", endpoint_url)):
        if value is not None and (not isinstance(value, str) or not value):
            raise ChatConfigError(f"{name} must be a non-empty string")
    if session is None:
        import boto3.session

        session = boto3.session.Session()
    region = region_name or _session_region(session)
    if region is None:
        if endpoint_url is None:
            raise ChatConfigError(
                "no region: pass region_name=... (or endpoint_url=... for an emulator), "
                "or configure a default region"
            )
        region = _PLACEHOLDER_REGION
    unsigned = force_unsigned(config)
    create = getattr(session, "client", None) or getattr(session, "create_client", None)
    if create is None:
        raise ChatConfigError(
            f"session must be a boto3 or botocore session, got {type(session).__name__}"
        )
    built = create(SERVICE_NAME, region_name=region, endpoint_url=endpoint_url, config=unsigned)
    refuse_retired_events(built.meta.events)
    return built


def _session_region(session: Any) -> Optional[str]:
    region = getattr(session, "region_name", None)
    if region:
        return str(region)
    get_config_variable = getattr(session, "get_config_variable", None)
    if get_config_variable is not None:
        value = get_config_variable("region")
        return str(value) if value else None
    return None
