"""One argument-checking layer for the public entry points: client objects and tokens.

Every token the package accepts (``ConnectionToken``, ``ParticipantToken``) goes
through :func:`token_argument` before any botocore call, and every helper
checks its client with :func:`check_client`. Messages name the argument and
the type given, never the value (it may be the token itself).

Token rules, and why they are not stricter than the service: a token travels
in the ``X-Amz-Bearer`` header, whose leading and trailing whitespace is not
part of the value (RFC 9110, section 5.5), so the whitespace a file or a paste
adds (``"token\\n"``) is stripped. A control character or a character beyond
Latin-1 cannot be sent in a header at all (``http.client`` refuses it, echoing
the whole value in its message), so it is refused. Anything else is left to
the service.

Examples
--------
>>> token_argument("abc\\n", name="ConnectionToken")
'abc'
>>> token_argument(b"abc", name="ConnectionToken")
Traceback (most recent call last):
...
boto3_connectparticipant_ext.errors.InvalidTokenError: ConnectionToken must be a string, got bytes
"""

from __future__ import annotations

import re
from typing import Any, Optional

from .errors import InvalidTokenError, WrongClientError
from .model import SERVICE_NAME

__all__ = ["SERVICE_NAME", "check_client", "optional_token", "service_name", "token_argument"]

# C0 and C1 control characters, DEL, and anything an HTTP header cannot carry.
_UNSENDABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]|[^\x00-\xff]")


def token_argument(value: object, *, name: str, error: type[Exception] = InvalidTokenError) -> str:
    """``value`` as a token ready for botocore: a ``str``, stripped, with no control character.

    ``error`` is the argument error of the calling area (each area documents
    its own); the message never shows the value.
    """
    if not isinstance(value, str):
        raise error(f"{name} must be a string, got {type(value).__name__}")
    token = value.strip()
    if not token:
        raise error(f"{name} must be a non-empty string" + (" (only whitespace)" if value else ""))
    if token.isascii() and token.isprintable():  # the usual token: no regular expression
        return token
    found = _UNSENDABLE.search(token)
    if found is not None:
        raise error(
            f"{name} holds a control character or a character an HTTP header cannot carry "
            f"(at position {found.start()}); is it the right value?"
        )
    return token


def optional_token(
    value: object, *, name: str, error: type[Exception] = InvalidTokenError
) -> Optional[str]:
    """:func:`token_argument`, with ``None`` passed through (a bound token is then used)."""
    return None if value is None else token_argument(value, name=name, error=error)


def service_name(client: object) -> Optional[str]:
    """The botocore service name of ``client``; ``None`` when it is no botocore client."""
    try:
        name = client.meta.service_model.service_name  # type: ignore[attr-defined]
    except AttributeError:
        return None
    return name if isinstance(name, str) else None


def check_client(client: Any, *, needs: tuple[str, ...], role: str = "client") -> None:
    """Raise :class:`WrongClientError` unless ``client`` can serve as a connectparticipant client.

    A botocore client of another service is refused; any other object needs
    the methods ``needs`` (test doubles and wrappers are welcome).

    Examples
    --------
    >>> check_client(None, needs=("get_transcript",))
    Traceback (most recent call last):
    ...
    boto3_connectparticipant_ext.errors.WrongClientError: client must be a botocore \
connectparticipant client, got NoneType
    """
    service = service_name(client)
    if service == SERVICE_NAME:
        return
    if service is None and all(callable(getattr(client, method, None)) for method in needs):
        return
    got = f"a {service} client" if service else type(client).__name__
    raise WrongClientError(f"{role} must be a botocore {SERVICE_NAME} client, got {got}")
