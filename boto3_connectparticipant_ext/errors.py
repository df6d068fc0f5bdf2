"""The root of every error this package raises."""

from __future__ import annotations


class ConnectParticipantExtError(Exception):
    """Base class of every error raised by boto3-connectparticipant-ext.

    Messages never contain a bearer token, a ConnectionToken or a presigned URL.

    Examples
    --------
    >>> try:
    ...     raise ConnectParticipantExtError("something went wrong")
    ... except ConnectParticipantExtError as error:
    ...     print(error)
    something went wrong
    """


class WrongClientError(ConnectParticipantExtError, TypeError):
    """A function that needs a ``connectparticipant`` client was given something else."""
