"""Conversation testing: start a chat in one call, script the customer, check the replies.

:func:`start_chat` / :func:`start_async_chat` make the signed StartChatContact and return a
connected session; :class:`Conversation` / :class:`AsyncConversation` turn it into test
steps (``say``, ``expect``, ``choose``, attachments, ``expect_silence``, ``expect_end``);
:func:`record_chat` saves a chat for offline replay. A failed step raises
:class:`ExpectationFailed`, an ``AssertionError`` that shows the conversation.

Examples
--------
>>> from boto3_connectparticipant_ext.conversation import Conversation, start_chat
>>> def test_flow() -> None:
...     with Conversation(start_chat(instance_id="...", contact_flow_id="...")) as talk:
...         talk.expect(text="Welcome")
...         talk.say("billing")
...         talk.expect(template="ListPicker")
"""

from __future__ import annotations

from ._start import (
    AsyncContactChatSession,
    ChatContact,
    ContactChatSession,
    start_async_chat,
    start_chat,
)
from ._start_args import DEFAULT_CONTENT_TYPES
from .async_conversation import AsyncConversation
from .conversation import Conversation
from .errors import (
    ChatAccessDeniedError,
    ChatQuotaExceededError,
    ChatResourceNotFoundError,
    ChatThrottledError,
    ConversationArgumentError,
    ConversationError,
    ExpectationFailed,
    StartChatError,
)
from .latency import LatencySample, LatencyStats
from .recording import async_record_chat, record_chat, recording_of

__all__ = [
    "DEFAULT_CONTENT_TYPES",
    "AsyncContactChatSession",
    "AsyncConversation",
    "ChatAccessDeniedError",
    "ChatContact",
    "ChatQuotaExceededError",
    "ChatResourceNotFoundError",
    "ChatThrottledError",
    "ContactChatSession",
    "Conversation",
    "ConversationArgumentError",
    "ConversationError",
    "ExpectationFailed",
    "LatencySample",
    "LatencyStats",
    "StartChatError",
    "async_record_chat",
    "record_chat",
    "recording_of",
    "start_async_chat",
    "start_chat",
]
