"""StartChatContact's options for a contact: content types, lifetime, exits, streaming.

From the StartChatContact API reference:

* ``SupportedMessagingContentTypes`` lists only the known types
  (``service_limits.SUPPORTED_MESSAGING_CONTENT_TYPES``) and must contain
  ``text/plain``. Left out, a contact supports ``text/plain`` only (the
  administrator guide asks for ``text/markdown`` to be added to the list to get
  rich text, so it is not there by default). SendMessage of a type the contact
  does not list is a ValidationException
  (``service_limits.message_content_problem``).
* ``ChatDurationInMinutes`` 60..10080 (the model's bounds, checked on the wire),
  default 25 hours (``EmulatorConfig.chat_duration_minutes``): the contact ends
  when its time is up, exactly as StopContact ends it.
* ``DisconnectOnCustomerExit`` (only ``AGENT`` in the model): when the customer
  leaves, participants of the listed types are disconnected too
  (``participant.left`` for each) before ``chat.ended``; others only see
  ``chat.ended``.
* ``ChatStreamingConfiguration.StreamingEndpointArn`` (StartContactStreaming's:
  StartChatContact has no such member) is kept on the contact as
  ``streaming_endpoint_arn``; StartContactStreaming's topics are what
  ``Emulator.contact_streaming`` publishes to (``_contact_streaming``).

Inferred (the reference does not say which error): a bad content-type list is
``InvalidParameterException``, as the model validation of Connect answers.

Examples
--------
>>> supported_content_types(["text/markdown", "text/plain"])
('text/markdown', 'text/plain')
>>> supported_content_types(None)
('text/plain',)
"""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

from boto3_connectparticipant_ext.emulator._service_errors import ServiceError
from boto3_connectparticipant_ext.service_limits import (
    REQUIRED_MESSAGING_CONTENT_TYPE,
    SUPPORTED_MESSAGING_CONTENT_TYPES,
    message_content_problem,
)

DEFAULT_SUPPORTED_CONTENT_TYPES: tuple[str, ...] = (REQUIRED_MESSAGING_CONTENT_TYPE,)
#: What the control API's ``start_chat`` gives a contact unless told otherwise.
EVERY_CONTENT_TYPE: tuple[str, ...] = (
    REQUIRED_MESSAGING_CONTENT_TYPE,
    *sorted(SUPPORTED_MESSAGING_CONTENT_TYPES - {REQUIRED_MESSAGING_CONTENT_TYPE}),
)


def _invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterException", message)


def supported_content_types(listed: Optional[Any]) -> tuple[str, ...]:
    """The contact's content types from ``SupportedMessagingContentTypes`` (checked)."""
    if listed is None:
        return DEFAULT_SUPPORTED_CONTENT_TYPES
    types = tuple(dict.fromkeys(str(value) for value in listed))
    unknown = [value for value in types if value not in SUPPORTED_MESSAGING_CONTENT_TYPES]
    if unknown:
        known = ", ".join(sorted(SUPPORTED_MESSAGING_CONTENT_TYPES))
        raise _invalid(
            f"SupportedMessagingContentTypes has unsupported types: {', '.join(unknown)} "
            f"(supported: {known})"
        )
    if REQUIRED_MESSAGING_CONTENT_TYPE not in types:
        raise _invalid(
            f"SupportedMessagingContentTypes must contain {REQUIRED_MESSAGING_CONTENT_TYPE}"
        )
    return types


@dataclasses.dataclass(frozen=True)
class ChatOptions:
    """What StartChatContact sets on a new contact besides its participants."""

    supported_content_types: tuple[str, ...] = DEFAULT_SUPPORTED_CONTENT_TYPES
    duration_minutes: Optional[int] = None
    """``None``: the emulator's default (``EmulatorConfig.chat_duration_minutes``)."""
    disconnect_on_customer_exit: tuple[str, ...] = ()
    rehydration_type: Optional[str] = None

    @classmethod
    def from_request(cls, params: dict[str, Any]) -> ChatOptions:
        """The options of a validated StartChatContact request."""
        persistent = params.get("PersistentChat") or {}
        duration = params.get("ChatDurationInMinutes")
        return cls(
            supported_content_types=supported_content_types(
                params.get("SupportedMessagingContentTypes")
            ),
            duration_minutes=None if duration is None else int(duration),
            disconnect_on_customer_exit=tuple(params.get("DisconnectOnCustomerExit") or ()),
            rehydration_type=persistent.get("RehydrationType"),
        )

    def check_initial_message(self, message: Optional[dict[str, str]]) -> None:
        """An InitialMessage must be a message the contact could be sent."""
        if message is None:
            return
        problem = message_content_problem(
            message["ContentType"], message["Content"], supported=self.supported_content_types
        )
        if problem is not None:
            raise _invalid(f"InitialMessage: {problem}")
