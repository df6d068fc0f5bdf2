"""Bridges: message streaming (StartContactStreaming over SNS) as typed chat events.

* :func:`parse_streaming_event` turns an SNS Lambda event, an SNS HTTP body or one
  record into :class:`StreamingRecord` values holding the chat session's event classes;
* :class:`SnsMessageVerifier` and :func:`confirm_subscription` make SNS HTTP
  delivery safe (signature versions 1 and 2, SNS hosts only);
* :class:`Bridge` is a Lambda handler base class that drops its own echoes, hands
  the other side's messages to user code and replies through a stored session.

Importing this package needs no extra; verifying signatures needs ``cryptography``
(the ``streaming`` extra).

Examples
--------
>>> from boto3_connectparticipant_ext.streaming import parse_streaming_event
>>> parse_streaming_event({"Records": []})
[]
"""

from __future__ import annotations

from .errors import (
    AttachmentSourceError,
    BridgeArgumentError,
    BridgeError,
    CertificateFetchError,
    InvalidSignatureError,
    InvalidStreamingRecordError,
    SnsVerificationError,
    StreamingError,
    SubscriptionConfirmationError,
    UnknownChatError,
    UnsignedMessageError,
    UntrustedCertificateUrlError,
)
from .records import VISIBILITIES, StreamingRecord, parse_streaming_event, parse_streaming_record
from .sns import SnsMessageVerifier, confirm_subscription, is_sns_url

__all__ = [
    "VISIBILITIES",
    "AttachmentSourceError",
    "BridgeArgumentError",
    "BridgeError",
    "CertificateFetchError",
    "InvalidSignatureError",
    "InvalidStreamingRecordError",
    "SnsMessageVerifier",
    "SnsVerificationError",
    "StreamingError",
    "StreamingRecord",
    "SubscriptionConfirmationError",
    "UnknownChatError",
    "UnsignedMessageError",
    "UntrustedCertificateUrlError",
    "confirm_subscription",
    "is_sns_url",
    "parse_streaming_event",
    "parse_streaming_record",
]
