"""Where a gap fill reads the transcript from (sans-I/O rules shared by the chat drivers).

Gap fill after an anchor: GetTranscript FORWARD from ``StartPosition.Id`` = the
anchor. The service answers an Id it does not know with a ValidationException
or (as the mobile SDKs expect) an empty page; a known Id starts the page at that
very item. So an empty answer, or a validation error, means "anchor unknown":
the fill goes by the anchor's time (inclusive: repeats, deduplicated, rather
than losses), or by the whole transcript. An empty page can also mean "nothing
new" from a service whose start were exclusive; the fallback then only re-reads
items already seen.

Examples
--------
>>> by_id("item-1")["StartPosition"]
{'Id': 'item-1'}
>>> without_id("2024-01-01T00:00:00Z", "no item at the anchor")["StartPosition"]
{'AbsoluteTime': '2024-01-01T00:00:00Z'}
>>> after_anchor([{"Id": "item-1"}, {"Id": "item-2"}], "item-1")
[{'Id': 'item-2'}]
>>> newest_item({"Transcript": [{"Id": "item-9"}]}), newest_item({"Transcript": []})
({'Id': 'item-9'}, None)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Optional, TypeVar

logger = logging.getLogger("boto3_connectparticipant_ext.chat")

#: The item at the start when the service does not know the anchor.
NO_ITEM_AT_ANCHOR = "no item at the anchor"

ItemT = TypeVar("ItemT", bound=Mapping[str, Any])


#: GetTranscript arguments for the newest item alone: the first anchor of a new connection.
NEWEST_ITEM: dict[str, Any] = {
    "MaxResults": 1,
    "ScanDirection": "BACKWARD",
    "SortOrder": "DESCENDING",
}


def newest_item(response: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
    """The item of a :data:`NEWEST_ITEM` answer, or ``None`` for an empty transcript."""
    items = response.get("Transcript") or []
    return items[0] if items else None


def by_id(anchor_id: str) -> dict[str, Any]:
    """GetTranscript arguments starting at the anchor's item (inclusive)."""
    return {
        "StartPosition": {"Id": anchor_id},
        "ScanDirection": "FORWARD",
        "SortOrder": "ASCENDING",
    }


def without_id(anchor_time: Optional[str], reason: str) -> dict[str, Any]:
    """GetTranscript arguments when the service does not know the anchor's id
    (``reason``): by its time, or (a hand-made state without one) all of it."""
    if anchor_time is not None:
        logger.info("gap fill by item id failed (%s); filling by time", reason)
        position = {"AbsoluteTime": anchor_time}
        return {"StartPosition": position, "ScanDirection": "FORWARD", "SortOrder": "ASCENDING"}
    logger.warning(
        "gap fill: the last item seen is unknown to the service and has no time (%s); "
        "delivering the whole transcript again",
        reason,
    )
    return {}


def after_anchor(first_page: list[ItemT], anchor_id: str) -> list[ItemT]:
    """The first page by id without the anchor itself (already seen)."""
    if first_page and first_page[0].get("Id") == anchor_id:
        return first_page[1:]
    return first_page


__all__ = [
    "NEWEST_ITEM",
    "NO_ITEM_AT_ANCHOR",
    "after_anchor",
    "by_id",
    "newest_item",
    "without_id",
]
