"""Limits the Amazon Connect Participant Service documents, in one place.

The attachment helpers enforce them client-side (configurable, because an
instance can raise the size or change the types) and the emulator enforces
them server-side. See ``shared/design/service-facts.md`` for the sources.

Examples
--------
>>> "pdf" in DEFAULT_ATTACHMENT_EXTENSIONS
True
>>> DEFAULT_ATTACHMENT_MAX_BYTES // (1024 * 1024)
20
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: Attachment types an instance accepts unless its administrator changed them.
DEFAULT_ATTACHMENT_EXTENSIONS: frozenset[str] = frozenset(
    {
        "csv",
        "doc",
        "docx",
        "heic",
        "jfif",
        "jpeg",
        "jpg",
        "mov",
        "mp4",
        "pdf",
        "png",
        "ppt",
        "pptx",
        "rtf",
        "txt",
        "wav",
        "xls",
        "xlsx",
    }
)

#: Default attachment size limit (an instance can raise it to 100 MB).
DEFAULT_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024

#: ``GetAttachment.UrlExpiryInSeconds`` bounds.
ATTACHMENT_URL_EXPIRY_MIN_SECONDS = 5
ATTACHMENT_URL_EXPIRY_MAX_SECONDS = 300

#: Longest ``SendMessage`` ``Content`` per content type (SendMessage API reference).
MESSAGE_CONTENT_LIMITS: Mapping[str, int] = MappingProxyType(
    {
        "text/plain": 1024,
        "text/markdown": 1024,
        "application/json": 12000,
        "application/vnd.amazonaws.connect.message.interactive": 12288,
        "application/vnd.amazonaws.connect.message.interactive.response": 12288,
    }
)

#: Longest ``Content`` of any other content type (the model's bound).
MAX_MESSAGE_CONTENT_LENGTH = 16384
