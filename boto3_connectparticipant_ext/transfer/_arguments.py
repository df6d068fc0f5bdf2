"""Checks of the helper arguments shared by uploads and downloads.

The argument layer of the transfer entry points: the client (through
:func:`~boto3_connectparticipant_ext._validation.check_client`), tokens,
paths, config, callbacks, file objects (open, right mode), and the download
target's filesystem errors, wrapped in :class:`TargetPathError`.

botocore enforces the model's required members, types and minimums before
any request; it does not enforce maximums, so ``AttachmentId``'s 256
characters (``ArtifactId``'s ``max``) is checked here.
"""

from __future__ import annotations

import os
from typing import Any, Optional

from boto3_connectparticipant_ext._validation import check_client, require_text
from boto3_connectparticipant_ext.transfer.config import TransferConfig
from boto3_connectparticipant_ext.transfer.errors import (
    AttachmentFileError,
    StreamNotSupportedError,
    TargetPathError,
    TransferConfigError,
)
from boto3_connectparticipant_ext.transfer.osutils import OSUtils

#: The client methods each kind of transfer calls.
UPLOAD_METHODS = ("start_attachment_upload", "complete_attachment_upload")
DOWNLOAD_METHODS = ("get_attachment",)


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
    return require_text(attachment_id, "AttachmentId", error=TransferConfigError, limit=256)


def stream_position(fileobj: Any) -> Optional[int]:
    """The current position of a seekable file object, ``None`` for a stream."""
    try:
        if not fileobj.seekable():
            return None
        position = fileobj.tell()
    except (AttributeError, OSError, ValueError):
        return None
    return position if isinstance(position, int) else None


def client_argument(client: Any, *, needs: tuple[str, ...]) -> None:
    """Raise ``WrongClientError`` unless ``client`` is a connectparticipant client."""
    check_client(client, needs=needs)


def check_open(fileobj: object) -> None:
    """Refuse a closed file object before any request (its methods would raise ValueError)."""
    if getattr(fileobj, "closed", False) is True:
        raise StreamNotSupportedError("the file object is closed; nothing was transferred")


def staging_file(osutil: OSUtils, *, directory: str, hint: str) -> tuple[Any, str]:
    """A temporary file in ``directory``; filesystem errors become :class:`TargetPathError`."""
    try:
        return osutil.create_temp_file(directory=directory, hint=hint)
    except OSError as error:
        raise TargetPathError(
            f"cannot write in {directory!r}: {error.strerror or type(error).__name__}"
        ) from error


def commit_target(osutil: OSUtils, temporary: str, target: str, *, overwrite: bool) -> None:
    """Move the finished download into place; a vanished or locked directory is typed."""
    try:
        osutil.commit(temporary, target, overwrite=overwrite)
    except TargetPathError:
        raise
    except OSError as error:
        raise TargetPathError(
            f"cannot move the download into {target!r}: {error.strerror or type(error).__name__}"
        ) from error
