"""GetTranscript paging: start positions, scan direction, sort order, NextToken.

The rules (from the GetTranscript API reference, and where it is silent, what
the published chat clients rely on):

* ``MaxResults`` 0..100, default 10. ``MaxResults=0`` returns no items and no
  ``NextToken`` (a token that never moves would make a client loop forever).
* ``ScanDirection`` defaults to ``BACKWARD`` without a ``StartPosition`` and to
  ``FORWARD`` with one. ``FORWARD`` without a ``StartPosition`` is a
  ValidationException. ``SortOrder`` (default ``DESCENDING``) only orders the
  items inside one page; the scan direction decides which items a page holds.
* Without a ``StartPosition`` a scan starts at the most recent item.
* **Every StartPosition is inclusive.** ``Id`` starts at that very item (so a
  FORWARD fill after a reconnect returns the last item seen again; clients
  deduplicate by ``Id``, which the published chat clients do). ``AbsoluteTime``
  starts at the first item at or after that time (FORWARD) or the last item at
  or before it (BACKWARD). ``MostRecent: n`` starts at the n-th item counted back
  from the newest (0 is the newest). A StartPosition naming more than one of the
  three is a ValidationException.
* An unknown ``Id`` gives an empty page (no items, no ``NextToken``), not an
  error. That is inferred: both AWS mobile chat SDKs handle it as an empty
  transcript and the API reference lists no error for it.
  ``unknown_id_is_error=True`` (``EmulatorConfig.unknown_start_id_is_error``)
  makes it a ValidationException, the emulator's earlier answer.
* ``NextToken`` is opaque (base64 of a signed cursor), bound to the contact; it
  is returned only while more items exist in the scan direction *now*; a
  FORWARD scan that reached the newest item ends without one.
* Typing events are not kept; receipts appear as ``MessageMetadata`` on the
  message they acknowledge.

Examples
--------
>>> from types import SimpleNamespace
>>> entries = [SimpleNamespace(data={"Id": str(n)}, time=float(n)) for n in range(5)]
>>> page = transcript_page(entries, index_of=lambda _: None, contact_id="c",
...                        secret=b"k", params={"MaxResults": 2})
>>> [item["Id"] for item in page.items], page.next_token is not None
(['4', '3'], True)
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Any, Optional, Protocol

from boto3_connectparticipant_ext.emulator._ids import parse_iso_timestamp
from boto3_connectparticipant_ext.emulator._service_errors import validation

DEFAULT_MAX_RESULTS = 10


class Entry(Protocol):
    """A kept transcript item: its document and its time (epoch seconds, increasing)."""

    @property
    def data(self) -> dict[str, Any]: ...

    @property
    def time(self) -> float: ...


@dataclasses.dataclass
class Page:
    items: list[dict[str, Any]]
    next_token: Optional[str]


def transcript_page(
    entries: Sequence[Entry],
    *,
    index_of: Callable[[str], Optional[int]],
    contact_id: str,
    secret: bytes,
    params: dict[str, Any],
    unknown_id_is_error: bool = False,
) -> Page:
    """One GetTranscript page over ``entries`` (oldest first) for validated ``params``.

    Costs O(page size + log n): the emulator answers as fast for a long chat as a short one.
    """
    max_results = params.get("MaxResults")
    limit = DEFAULT_MAX_RESULTS if max_results is None else int(max_results)
    sort_order = params.get("SortOrder") or "DESCENDING"
    token = params.get("NextToken")
    start: Optional[int]
    if token:
        start, direction = _read_token(token, contact_id=contact_id, secret=secret)
    else:
        start, direction = _start(entries, index_of, params, unknown_id_is_error)
    if limit == 0 or start is None:
        return Page([], None)
    step = 1 if direction == "FORWARD" else -1
    picked: list[int] = []
    position = start
    while 0 <= position < len(entries) and len(picked) < limit:
        picked.append(position)
        position += step
    more = 0 <= position < len(entries)
    picked.sort(reverse=sort_order == "DESCENDING")
    next_token = (
        _write_token(position, direction, contact_id=contact_id, secret=secret) if more else None
    )
    return Page([entries[index].data for index in picked], next_token)


def _start(
    entries: Sequence[Entry],
    index_of: Callable[[str], Optional[int]],
    params: dict[str, Any],
    unknown_id_is_error: bool,
) -> tuple[Optional[int], str]:
    start_position = {
        key: value
        for key, value in (params.get("StartPosition") or {}).items()
        if value is not None
    }
    direction = params.get("ScanDirection")
    newest = len(entries) - 1
    if not start_position:
        if direction == "FORWARD":
            raise validation("A StartPosition is required when ScanDirection is FORWARD")
        return (newest if entries else None), "BACKWARD"
    if len(start_position) > 1:
        raise validation("StartPosition must have exactly one of Id, AbsoluteTime, MostRecent")
    direction = direction or "FORWARD"
    forward = direction == "FORWARD"
    if "Id" in start_position:
        wanted = str(start_position["Id"])
        found = index_of(wanted)
        if found is None and unknown_id_is_error:
            raise validation(f"No transcript item has the Id given in StartPosition: {wanted}")
        return found, direction
    if "AbsoluteTime" in start_position:
        try:
            moment = parse_iso_timestamp(str(start_position["AbsoluteTime"]))
        except ValueError:
            raise validation("StartPosition.AbsoluteTime must be an ISO 8601 timestamp") from None
        # Items carry millisecond timestamps; compare at that resolution.
        moment_ms = round(moment * 1000)
        first_not_before = _first_at_or_after(entries, moment_ms)
        if forward:
            return (first_not_before if first_not_before <= newest else None), direction
        first_after = _first_at_or_after(entries, moment_ms + 1)
        return (first_after - 1 if first_after > 0 else None), direction
    index = newest - int(start_position["MostRecent"])
    if forward:
        return (max(index, 0) if entries else None), direction
    return (index if index >= 0 else None), direction


def _first_at_or_after(entries: Sequence[Entry], moment_ms: int) -> int:
    low, high = 0, len(entries)
    while low < high:
        middle = (low + high) // 2
        if round(entries[middle].time * 1000) < moment_ms:
            low = middle + 1
        else:
            high = middle
    return low


def _signature(payload: bytes, secret: bytes) -> str:
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()[:32]


def _write_token(position: int, direction: str, *, contact_id: str, secret: bytes) -> str:
    payload = json.dumps({"c": contact_id, "p": position, "d": direction}).encode()
    signed = {"v": payload.decode(), "s": _signature(payload, secret)}
    return base64.urlsafe_b64encode(json.dumps(signed).encode()).decode("ascii")


def _read_token(token: str, *, contact_id: str, secret: bytes) -> tuple[int, str]:
    try:
        signed = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        payload = str(signed["v"]).encode()
        good = hmac.compare_digest(str(signed["s"]), _signature(payload, secret))
        cursor = json.loads(payload)
        if not good or cursor["c"] != contact_id or cursor["d"] not in ("FORWARD", "BACKWARD"):
            raise ValueError("foreign token")
        return int(cursor["p"]), str(cursor["d"])
    except (ValueError, KeyError, TypeError, UnicodeError):
        raise validation("The NextToken is invalid") from None
