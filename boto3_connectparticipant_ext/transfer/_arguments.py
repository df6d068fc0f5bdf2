"""Checks of the helper arguments shared by uploads and downloads."""

from __future__ import annotations

import os
from typing import Any, Optional

from boto3_connectparticipant_ext.transfer.config import TransferConfig
from boto3_connectparticipant_ext.transfer.errors import AttachmentFileError, TransferConfigError


def path_argument(filename: object, *, name: str = "Filename") -> str:
    """``filename`` as a ``str`` path; raise for anything else."""
    if isinstance(filename, bytes) or not isinstance(filename, (str, os.PathLike)):
        raise AttachmentFileError(f"{name} must be a str or os.PathLike, got {filename!r}")
    path = os.fspath(filename)
    if not isinstance(path, str) or not path:
        raise AttachmentFileError(f"{name} must be a non-empty path")
    return path


def config_argument(config: object) -> TransferConfig:
    """``config``, or the default :class:`TransferConfig` for ``None``."""
    if config is None:
        return TransferConfig()
    if not isinstance(config, TransferConfig):
        raise TransferConfigError(f"Config must be a TransferConfig, got {type(config).__name__}")
    return config


def check_callback(callback: object) -> None:
    if callback is not None and not callable(callback):
        raise TransferConfigError("Callback must be callable (it receives a number of bytes)")


def attachment_id_argument(attachment_id: object) -> str:
    if not isinstance(attachment_id, str) or not attachment_id or len(attachment_id) > 256:
        raise TransferConfigError(
            "AttachmentId must be a non-empty string of at most 256 characters"
        )
    return attachment_id


def stream_position(fileobj: Any) -> Optional[int]:
    """The current position of a seekable file object, ``None`` for a stream."""
    try:
        if not fileobj.seekable():
            return None
        position = fileobj.tell()
    except (AttributeError, OSError, ValueError):
        return None
    return position if isinstance(position, int) else None
