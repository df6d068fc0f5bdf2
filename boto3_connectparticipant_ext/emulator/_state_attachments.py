"""Attachment items and their scan, for :class:`~._state.ChatState`.

Examples
--------
>>> AttachmentsState.add_attachment_item.__name__
'add_attachment_item'
"""

from __future__ import annotations

import logging
from typing import Any

from boto3_connectparticipant_ext.emulator._state_core import StateCore
from boto3_connectparticipant_ext.emulator._state_model import Attachment

_LOG = logging.getLogger("boto3_connectparticipant_ext.emulator")


class AttachmentsState(StateCore):
    """The ATTACHMENT item of a completed upload, pushed again when its scan ends."""

    def add_attachment_item(self, attachment: Attachment) -> None:
        """Write the ATTACHMENT item once the upload is complete; schedule its scan.

        With ``config.scan_delay`` the item is pushed and kept ``IN_PROGRESS``; when
        the scan ends the kept item takes the verdict and is pushed again, the same
        item (same ``Id``, ``AbsoluteTime`` and attachment id) with ``Status``
        APPROVED or REJECTED, as chatjs' docs/attachment-scanner-feature.md shows the
        result arriving on the socket. That it is the same item rather than one with
        a new ``Id`` is an inference (the transcript holds one item per attachment).
        Without a delay the item is written once, already scanned.
        """
        participant = attachment.participant
        item = self.participant_item(participant, "ATTACHMENT", attachment.content_type)
        item["Attachments"] = [
            {
                "ContentType": attachment.content_type,
                "AttachmentId": attachment.attachment_id,
                "AttachmentName": attachment.name,
                "Status": "IN_PROGRESS",
            }
        ]
        attachment.item_id = item["Id"]
        delay = self.config.scan_delay
        if delay <= 0 or self._schedule is None:
            self._finish_scan(attachment, item, push=False)
            self.append(attachment.contact, item)
            return
        attachment.status = "IN_PROGRESS"
        self.append(attachment.contact, item)
        self._schedule(delay, lambda: self._finish_scan(attachment, item, push=True))

    def _finish_scan(self, attachment: Attachment, item: dict[str, Any], *, push: bool) -> None:
        try:
            verdict = self.config.scan_rule(attachment.name, attachment.size)
        except Exception as error:
            _LOG.error("scan_rule failed (%s); the attachment is REJECTED", type(error).__name__)
            verdict = "REJECTED"
        # Anything but an explicit approval is a rejection, as a scanner would fail closed.
        status = verdict if verdict in ("APPROVED", "REJECTED") else "REJECTED"
        attachment.status = status
        item["Attachments"][0]["Status"] = status
        if push and attachment.contact.active:
            # A copy: what went on the wire must not change with the kept item.
            pushed = dict(item, Attachments=[dict(entry) for entry in item["Attachments"]])
            self._notify(attachment.contact, pushed)
