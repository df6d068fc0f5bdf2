"""Limits the Amazon Connect Participant Service documents, in one place.

The attachment helpers enforce them client-side (configurable, because an
instance can raise the size or change the types) and the emulator enforces
them server-side. The sources are the service's API reference and model (the
member documentation of SendMessage, StartAttachmentUpload and GetAttachment in
``data/connectparticipant``) and the Amazon Connect administrator guide's
"Feature specifications" page (attachment types and sizes).

Examples
--------
>>> "pdf" in DEFAULT_ATTACHMENT_EXTENSIONS
True
>>> DEFAULT_ATTACHMENT_MAX_BYTES // (1024 * 1024)
20
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Optional

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

#: Longest ``SendMessage`` ``Content``, in UTF-8 bytes, for every content type. The newest
#: model says "Maximum of 16,384 bytes for all content types"; older references printed 1,024
#: for text/plain. The service moved to the larger bound, so this is the only length a client
#: enforces: a channel or an instance with a lower limit of its own is left to the service.
MAX_MESSAGE_CONTENT_BYTES = 16384

#: ``ContentType`` values SendMessage documents. The interactive message itself
#: (``application/vnd.amazonaws.connect.message.interactive``) is sent by flows and bots,
#: not through SendMessage; a participant answers one with the ``.response`` type.
INTERACTIVE_CONTENT_TYPE = "application/vnd.amazonaws.connect.message.interactive"
INTERACTIVE_RESPONSE_CONTENT_TYPE = INTERACTIVE_CONTENT_TYPE + ".response"
SEND_MESSAGE_CONTENT_TYPES: frozenset[str] = frozenset(
    {"text/plain", "text/markdown", "application/json", INTERACTIVE_RESPONSE_CONTENT_TYPE}
)

#: What StartChatContact's ``SupportedMessagingContentTypes`` may list; it must hold text/plain.
SUPPORTED_MESSAGING_CONTENT_TYPES: frozenset[str] = SEND_MESSAGE_CONTENT_TYPES | {
    INTERACTIVE_CONTENT_TYPE
}
REQUIRED_MESSAGING_CONTENT_TYPE = "text/plain"


def message_content_problem(
    content_type: str, content: str, *, supported: Optional[Collection[str]] = None
) -> Optional[str]:
    """Why SendMessage would refuse ``content`` of ``content_type``, or ``None``.

    One rule set for the client (checked before any call) and the emulator (which answers
    with the service's ValidationException). ``supported`` is the contact's
    ``SupportedMessagingContentTypes`` when it is known.

    Examples
    --------
    >>> message_content_problem("text/plain", "x" * 2000) is None
    True
    >>> message_content_problem("text/plain", "é" * 8193)
    'Content is 16386 bytes in UTF-8; SendMessage takes at most 16384 bytes'
    >>> message_content_problem("text/markdown", "**hi**", supported=["text/plain"])
    'ContentType text/markdown is not supported by this contact (it supports: text/plain)'
    """
    if content_type not in SEND_MESSAGE_CONTENT_TYPES:
        allowed = ", ".join(sorted(SEND_MESSAGE_CONTENT_TYPES))
        return f"ContentType {content_type} is not one SendMessage takes ({allowed})"
    if supported is not None and content_type not in supported:
        listed = ", ".join(supported)
        return (
            f"ContentType {content_type} is not supported by this contact (it supports: {listed})"
        )
    size = len(content.encode("utf-8", "surrogatepass"))
    if size > MAX_MESSAGE_CONTENT_BYTES:
        return (
            f"Content is {size} bytes in UTF-8; SendMessage takes at most "
            f"{MAX_MESSAGE_CONTENT_BYTES} bytes"
        )
    return None
