"""The one argument-checking layer: the primitives every area's checks call.

Each area keeps only its own rules (``chat/_arguments.py``,
``transfer/_arguments.py``, ``conversation/_shared.py``, the emulator's
config) and calls these primitives with its documented error classes:
``error`` for a value of the right type that cannot be used, ``type_error``
(when the area has one) for a wrong type.

What is checked here, and what is not: botocore validates every request
against the service model before sending it (required members, types, and
the ``min`` of strings, lists and numbers) and raises ``ParamValidationError``,
whose text the package redacts; those checks are left to botocore. botocore
does not check a ``max`` or an enum, so an area checks a maximum it knows
(``AttachmentId``'s 256 characters) and leaves enums to the service. The
primitives cover what botocore cannot: types that would crash before a
request is built (or inside our own engines), NaN and infinity, maximums,
file objects, tokens (which must be sendable in a header) and client objects.

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

import math
import re
from typing import Any, Optional

from .errors import InvalidTokenError, WrongClientError
from .model import SERVICE_NAME

__all__ = [
    "SERVICE_NAME",
    "check_client",
    "optional_token",
    "require_bool",
    "require_client",
    "require_finite_seconds",
    "require_int_range",
    "require_text",
    "service_name",
    "token_argument",
]

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


def type_name(value: object) -> str:
    """The type of ``value`` as messages show it (never the value: it may be a secret)."""
    return type(value).__name__


def require_text(
    value: object,
    name: str,
    *,
    error: type[Exception],
    type_error: Optional[type[Exception]] = None,
    limit: Optional[int] = None,
) -> str:
    """``value`` must be a non-empty ``str`` (of at most ``limit`` characters).

    Examples
    --------
    >>> require_text("hi", "content", error=ValueError)
    'hi'
    >>> require_text(5, "content", error=ValueError)
    Traceback (most recent call last):
    ...
    ValueError: content must be a non-empty string, got int
    """
    if not isinstance(value, str):
        raise (type_error or error)(f"{name} must be a non-empty string, got {type_name(value)}")
    if not value:
        raise error(f"{name} must be a non-empty string")
    if limit is not None and len(value) > limit:
        raise error(f"{name} is longer than {limit} characters")
    return value


def require_bool(value: object, name: str, *, error: type[Exception]) -> bool:
    """``value`` must be ``True`` or ``False`` (a truthy string or ``1`` is not).

    Examples
    --------
    >>> require_bool("yes", "wait", error=TypeError)
    Traceback (most recent call last):
    ...
    TypeError: wait must be True or False, got str
    """
    if not isinstance(value, bool):
        raise error(f"{name} must be True or False, got {type_name(value)}")
    return value


def require_finite_seconds(
    value: object,
    name: str,
    *,
    error: type[Exception],
    type_error: Optional[type[Exception]] = None,
    low: float = 0.0,
    inclusive: bool = True,
    high: Optional[float] = None,
) -> float:
    """``value`` must be a real number of seconds (not a bool), finite, ``>= low``
    (``> low`` when not ``inclusive``) and at most ``high``.

    Examples
    --------
    >>> require_finite_seconds(2, "timeout", error=ValueError)
    2.0
    >>> require_finite_seconds(float("nan"), "timeout", error=ValueError)
    Traceback (most recent call last):
    ...
    ValueError: timeout must be a finite number, got nan
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise (type_error or error)(f"{name} must be a number, got {type_name(value)}")
    if not math.isfinite(value):
        raise error(f"{name} must be a finite number, got {value!r}")
    if value < low or (value == low and not inclusive):
        relation = ">=" if inclusive else ">"
        raise error(f"{name} must be {relation} {low:g}, got {value!r}")
    if high is not None and value > high:
        raise error(f"{name} must be at most {high:g} seconds, got {value!r}")
    return float(value)


def require_int_range(
    value: object,
    name: str,
    *,
    error: type[Exception],
    type_error: Optional[type[Exception]] = None,
    low: Optional[int] = None,
    high: Optional[int] = None,
) -> int:
    """``value`` must be an ``int`` (not a bool) in ``[low, high]`` (either end optional).

    Examples
    --------
    >>> require_int_range(0, "port", error=ValueError, low=0, high=65535)
    0
    >>> require_int_range(True, "port", error=ValueError, low=0, high=65535)
    Traceback (most recent call last):
    ...
    ValueError: port must be an integer, got bool
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise (type_error or error)(f"{name} must be an integer, got {type_name(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = (
            f"from {low} to {high}"
            if low is not None and high is not None
            else (f"at least {low}" if low is not None else f"at most {high}")
        )
        raise error(f"{name} must be {bounds}, got {value}")
    return value


def require_client(
    client: Any,
    *,
    role: str = "client",
    needs: tuple[str, ...] = (),
    error: type[Exception] = WrongClientError,
) -> None:
    """Raise ``error`` unless ``client`` can serve as a connectparticipant client.

    A botocore client of another service is always refused. With ``needs``,
    any other object that has those methods is accepted (test doubles,
    wrappers); without, only a botocore connectparticipant client is.
    ``role`` names the argument in the message, which never shows values.
    """
    service = service_name(client)
    if service == SERVICE_NAME:
        return
    if service is None and needs and all(callable(getattr(client, m, None)) for m in needs):
        return
    got = f"a {service} client" if service else type_name(client)
    raise error(f"{role} must be a botocore {SERVICE_NAME} client, got {got}")


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
    require_client(client, role=role, needs=needs)
