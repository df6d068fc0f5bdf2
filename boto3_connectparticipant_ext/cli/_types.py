"""argparse types for ``cpx``'s numeric, URL and path flags: a bad value is a usage error.

argparse turns an :class:`argparse.ArgumentTypeError` into one line on stderr and exit code 2,
before anything runs. Limits, where the service has none, are what the tools below can honour:

* ``--timeout`` at most a day (larger values overflow the socket layer's ``time_t``);
* ``--max-size-mb`` at most 1,048,576 (1 TiB; the number of bytes must be a machine integer);
* ``--endpoint-url`` (and ``CPX_ENDPOINT_URL``) an ``http``/``https`` URL whose host botocore
  accepts, with a port from 0 to 65535 (anything else failed late with an internal error);
* paths without a NUL character (the operating system refuses them).

Examples
--------
>>> positive_number(86400)("1.5")
1.5
>>> port("8080")
8080
>>> endpoint_url("http://127.0.0.1:8080")
'http://127.0.0.1:8080'
"""

from __future__ import annotations

import argparse
import math
import urllib.parse
from typing import Callable

#: The largest ``--timeout`` (seconds).
MAX_TIMEOUT = 86400.0
#: The largest ``--max-size-mb``.
MAX_SIZE_MB = 1024.0 * 1024.0


def positive_number(maximum: float) -> Callable[[str], float]:
    """An argparse type: a finite number > 0 and at most ``maximum``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text[:40]!r}") from None
        if not math.isfinite(value) or not 0 < value <= maximum:
            raise argparse.ArgumentTypeError(
                f"must be a number greater than 0 and at most {maximum:g}, got {text[:40]!r}"
            )
        return value

    return parse


def port(text: str) -> int:
    """argparse type: a TCP port, 0 (any free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text[:40]!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 0 to 65535, got {value}")
    return value


def endpoint_url(text: str) -> str:
    """argparse type: an ``http://``/``https://`` URL botocore accepts, with a valid port."""
    from botocore import utils

    shown = text[:60] + ("..." if len(text) > 60 else "")
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError when out of range or not a number
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a usable URL: {shown!r}") from None
    # botocore's own checks (the host name's syntax, IPv6 literals), so we are never stricter.
    valid_ipv6 = getattr(utils, "is_valid_ipv6_endpoint_url", lambda url: False)
    if parts.scheme not in ("http", "https") or not (
        utils.is_valid_endpoint_url(text) or valid_ipv6(text)
    ):
        raise argparse.ArgumentTypeError(
            f"must be an http:// or https:// URL with a valid host, got {shown!r}"
        )
    return text


def path(text: str) -> str:
    """argparse type: a file or directory path (the operating system refuses NUL in one)."""
    if "\0" in text:
        raise argparse.ArgumentTypeError("a path cannot contain a NUL character")
    return text
