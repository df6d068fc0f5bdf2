"""A session's saved state: what :class:`~.state.SessionState` takes from the components and
gives back to them (``save_state`` and ``resume``), in one place.

Only the last ``MAX_SAVED_IDS`` own message ids and sent receipts are saved: enough to
recognise the recent past of a chat, bounded so that a state stays small.
"""

from __future__ import annotations

from typing import Any, Optional

from ._arguments import require_optional_text
from ._consumer import EventConsumer
from ._credentials import Credentials
from ._receipts import OwnMessages
from ._sequencer import Sequencer
from ._throttle import ReceiptBook, TypingThrottle
from .config import ChatConfig
from .errors import ChatArgumentError, ChatNotConnectedError
from .state import MAX_SAVED_IDS, SessionState


def resume_target(
    state: Any, *, region_name: Any, endpoint_url: Any, client: Any
) -> tuple[Optional[str], Optional[str]]:
    """Where a resumed session connects: the given region and endpoint, else the saved
    ones (when no client is given; an empty saved value counts as not saved)."""
    if not isinstance(state, SessionState):
        raise ChatArgumentError(f"state must be a SessionState, got {type(state).__name__}")
    # Checked here too: the saved region and endpoint fill in only for None.
    require_optional_text(region_name, "region_name")
    require_optional_text(endpoint_url, "endpoint_url")
    if client is None:
        region_name = (state.region_name or None) if region_name is None else region_name
        endpoint_url = (state.endpoint_url or None) if endpoint_url is None else endpoint_url
    return region_name, endpoint_url


def restore(
    state: SessionState,
    *,
    config: ChatConfig,
    credentials: Credentials,
    events: EventConsumer,
    book: ReceiptBook,
    typing: TypingThrottle,
) -> Sequencer:
    """Give the components what ``state`` saved; return the sequencer anchored where it was."""
    credentials.set(state.connection_token, state.connection_expiry)
    events.consumed_anchor = (state.last_item_id, state.last_item_time)
    for message_id in state.own_message_ids:
        book.mark_own(message_id)
    book.restore_sent(list(state.receipts_sent))
    if state.typing_sent_at is not None:
        typing.restore(state.typing_sent_at)
    if state.chat_ended:
        book.mark_ended()
    return Sequencer(
        anchor_id=state.last_item_id,
        anchor_time=state.last_item_time,
        chunk_wait=config.chunk_wait,
    )


def capture(
    *,
    credentials: Credentials,
    events: EventConsumer,
    own: OwnMessages,
    book: ReceiptBook,
    typing: TypingThrottle,
    region_name: Optional[str],
    endpoint_url: Optional[str],
    chat_ended: bool,
) -> SessionState:
    """The components' state; ``ChatNotConnectedError`` before the first ConnectionToken."""
    if credentials.connection_token is None:
        raise ChatNotConnectedError("nothing to save before the first connect()")
    last_id, last_time = events.consumed_anchor
    return SessionState(
        connection_token=credentials.connection_token,
        connection_expiry=credentials.expiry,
        participant_token=credentials.participant_token,
        region_name=region_name,
        endpoint_url=endpoint_url,
        participant_id=own.participant_id,
        last_item_id=last_id,
        last_item_time=last_time,
        own_message_ids=tuple(book.own_ids()[-MAX_SAVED_IDS:]),
        receipts_sent=tuple(book.sent_items()[-MAX_SAVED_IDS:]),
        typing_sent_at=typing.last_sent,
        chat_ended=chat_ended,
    )


__all__ = ["capture", "restore", "resume_target"]
