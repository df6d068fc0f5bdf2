"""Errors of the emulator's Python API (its HTTP API answers like the service instead).

Examples
--------
>>> from boto3_connectparticipant_ext.errors import ConnectParticipantExtError
>>> issubclass(EmulatorOperationError, ConnectParticipantExtError)
True
"""

from __future__ import annotations

from boto3_connectparticipant_ext.errors import ConnectParticipantExtError


class EmulatorError(ConnectParticipantExtError):
    """Base class of the emulator's errors."""


class EmulatorConfigError(EmulatorError, ValueError):
    """An :class:`EmulatorConfig` value the emulator cannot honour."""


class EmulatorNotRunningError(EmulatorError):
    """The emulator was used before :meth:`Emulator.start` or after :meth:`Emulator.stop`."""


class EmulatorStartError(EmulatorError):
    """The emulator's server could not start (port in use, missing ``aiohttp``...)."""


class EmulatorOperationError(EmulatorError):
    """A control call the service itself would refuse, with the service's error code.

    Examples
    --------
    >>> error = EmulatorOperationError("AccessDeniedException", "chat has ended", 403)
    >>> (error.code, error.status)
    ('AccessDeniedException', 403)
    """

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
