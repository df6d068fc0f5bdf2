"""Token stores for bridges: which chat (and which saved session) serves which conversation.

A bridge keys each chat by the other channel's conversation id (a phone number,
a Slack thread...) and finds it again by ``ContactId`` when a streamed item
arrives. :class:`BridgedChat` holds the saved :class:`~..chat.state.SessionState`
JSON, a secret: ``repr()`` never shows it, and stores keep it as given.

:class:`DynamoDBTokenStore` uses one table with a string partition key (default
name ``pk``) through a boto3 DynamoDB client: a chat is kept under ``chat#<key>``
and found by contact through a pointer item ``contact#<ContactId>`` (no index
needed). Items carry an optional ``expires_at`` epoch attribute for DynamoDB TTL.

Examples
--------
>>> store = InMemoryTokenStore()
>>> store.put(BridgedChat(key="+15550100", contact_id="c-1", initial_contact_id="c-1",
...                       participant_id="p-1", session_state='{"secret": 1}'))
>>> store.find_by_contact("c-1").key
'+15550100'
>>> "secret" in repr(store.get("+15550100"))
False
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Optional, Protocol

from .._validation import require_text
from ..redact import mask
from .errors import BridgeArgumentError

__all__ = ["BridgedChat", "DynamoDBTokenStore", "InMemoryTokenStore", "TokenStore"]


@dataclasses.dataclass(frozen=True)
class BridgedChat:
    """One bridged conversation: its key, its chat and the saved session (a secret)."""

    key: str
    contact_id: str
    initial_contact_id: str
    participant_id: str
    session_state: str = dataclasses.field(repr=False)
    role: str = "CUSTOMER"
    expires_at: Optional[int] = None

    def __repr__(self) -> str:
        return (
            f"BridgedChat(key={self.key!r}, contact_id={self.contact_id!r}, "
            f"participant_id={self.participant_id!r}, role={self.role!r}, "
            f"session_state={mask(self.session_state)})"
        )


class TokenStore(Protocol):
    """Where a bridge keeps its chats; implementations must be safe across invocations."""

    def get(self, key: str) -> Optional[BridgedChat]: ...

    def find_by_contact(self, contact_id: str) -> Optional[BridgedChat]: ...

    def put(self, chat: BridgedChat) -> None: ...

    def delete(self, key: str) -> None: ...


class InMemoryTokenStore:
    """A process-local store (tests, single-process bridges)."""

    def __init__(self) -> None:
        self._chats: dict[str, BridgedChat] = {}
        self._contacts: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Optional[BridgedChat]:
        with self._lock:
            return self._chats.get(key)

    def find_by_contact(self, contact_id: str) -> Optional[BridgedChat]:
        with self._lock:
            key = self._contacts.get(contact_id)
            return None if key is None else self._chats.get(key)

    def put(self, chat: BridgedChat) -> None:
        with self._lock:
            self._chats[chat.key] = chat
            self._contacts[chat.contact_id] = chat.key
            self._contacts[chat.initial_contact_id] = chat.key

    def delete(self, key: str) -> None:
        with self._lock:
            chat = self._chats.pop(key, None)
            if chat is not None:
                self._contacts.pop(chat.contact_id, None)
                self._contacts.pop(chat.initial_contact_id, None)


_FIELDS = ("key", "contact_id", "initial_contact_id", "participant_id", "session_state", "role")


class DynamoDBTokenStore:
    """A store in one DynamoDB table, used through a boto3 ``dynamodb`` client."""

    def __init__(self, table_name: str, *, client: Any = None, partition_key: str = "pk") -> None:
        require_text(table_name, "table_name", error=BridgeArgumentError)
        if client is None:
            import boto3

            client = boto3.client("dynamodb")
        self._client = client
        self._table = table_name
        self._pk = partition_key

    def __repr__(self) -> str:
        return f"DynamoDBTokenStore(table_name={self._table!r})"

    def get(self, key: str) -> Optional[BridgedChat]:
        item = self._get(f"chat#{key}")
        if item is None:
            return None
        values = {name: item[name]["S"] for name in _FIELDS if name in item}
        expires = item.get("expires_at", {}).get("N")
        return BridgedChat(expires_at=int(expires) if expires else None, **values)

    def find_by_contact(self, contact_id: str) -> Optional[BridgedChat]:
        pointer = self._get(f"contact#{contact_id}")
        return None if pointer is None else self.get(pointer["key"]["S"])

    def put(self, chat: BridgedChat) -> None:
        item: dict[str, Any] = {name: {"S": getattr(chat, name)} for name in _FIELDS}
        item[self._pk] = {"S": f"chat#{chat.key}"}
        extra: dict[str, Any] = {}
        if chat.expires_at is not None:
            extra = {"expires_at": {"N": str(chat.expires_at)}}
        self._client.put_item(TableName=self._table, Item={**item, **extra})
        for contact_id in {chat.contact_id, chat.initial_contact_id}:
            pointer = {self._pk: {"S": f"contact#{contact_id}"}, "key": {"S": chat.key}}
            self._client.put_item(TableName=self._table, Item={**pointer, **extra})

    def delete(self, key: str) -> None:
        chat = self.get(key)
        self._client.delete_item(TableName=self._table, Key={self._pk: {"S": f"chat#{key}"}})
        if chat is not None:
            for contact_id in {chat.contact_id, chat.initial_contact_id}:
                self._client.delete_item(
                    TableName=self._table, Key={self._pk: {"S": f"contact#{contact_id}"}}
                )

    def _get(self, pk: str) -> Optional[dict[str, Any]]:
        answer = self._client.get_item(
            TableName=self._table, Key={self._pk: {"S": pk}}, ConsistentRead=True
        )
        item = answer.get("Item")
        return item if isinstance(item, dict) else None
