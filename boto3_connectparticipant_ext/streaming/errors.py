"""Errors of the message-streaming helpers (records, SNS delivery, bridges).

No message ever holds a token, a ConnectionToken or a full signed URL: records
are named by their index and SNS ``MessageId``, URLs by their host only.

Examples
--------
>>> error = InvalidStreamingRecordError("no Message", index=2, message_id="m-1")
>>> str(error)
'record 2 (MessageId m-1): no Message'
>>> isinstance(error, StreamingError)
True
"""

from __future__ import annotations

from typing import Optional

from ..errors import ConnectParticipantExtError


class StreamingError(ConnectParticipantExtError):
    """Base of every error of :mod:`boto3_connectparticipant_ext.streaming`."""


class InvalidStreamingRecordError(StreamingError, ValueError):
    """A streaming record (or the event holding it) is not what the service publishes."""

    def __init__(
        self, reason: str, *, index: Optional[int] = None, message_id: Optional[str] = None
    ) -> None:
        where = []
        if index is not None:
            where.append(f"record {index}")
        if message_id:
            where.append(f"(MessageId {message_id})")
        prefix = " ".join(where)
        super().__init__(f"{prefix}: {reason}" if prefix else reason)
        self.reason = reason
        self.index = index
        self.message_id = message_id


class SnsVerificationError(StreamingError):
    """An SNS message failed verification; it must not be trusted or acted upon."""


class UnsignedMessageError(SnsVerificationError):
    """The SNS message carries no signature (or no signing certificate URL)."""


class UntrustedCertificateUrlError(SnsVerificationError):
    """``SigningCertURL`` (or ``SubscribeURL``) is not an https URL of an SNS host."""


class InvalidSignatureError(SnsVerificationError):
    """The signature does not match the message (forged or tampered)."""


class CertificateFetchError(SnsVerificationError):
    """The signing certificate could not be fetched or read."""


class SubscriptionConfirmationError(StreamingError):
    """Visiting ``SubscribeURL`` failed."""


class BridgeError(StreamingError):
    """A bridge could not deliver a reply or find its chat."""


class BridgeArgumentError(BridgeError, ValueError):
    """An argument of a bridge or a token store is invalid (raised before any call)."""


class UnknownChatError(BridgeError, LookupError):
    """The token store holds no chat for this key or contact."""


class AttachmentSourceError(BridgeError, ValueError):
    """An attachment source (bytes, file object or URL) cannot be sized or read."""
