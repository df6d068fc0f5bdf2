"""The error families: one class per meaning, every public error a ConnectParticipantExtError."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections import defaultdict

import boto3_connectparticipant_ext as package
from boto3_connectparticipant_ext import chat, errors, transfer, typed
from boto3_connectparticipant_ext.errors import ConnectParticipantExtError

# Control-flow signals caught inside the package (or turned into HTTP answers by the emulator);
# none reaches user code as such.
INTERNAL = {
    "ChatGone",
    "SocketClosed",
    "Reset",
    "ServiceError",
    "S3Error",
    "WriteFailure",
}


def _error_classes() -> dict[str, set[type[BaseException]]]:
    found: dict[str, set[type[BaseException]]] = defaultdict(set)
    names = [package.__name__] + [
        info.name for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
    ]
    for name in names:
        if name.startswith(f"{package.__name__}.loadtest") and (
            name.endswith(".user") or sys.version_info < (3, 10)
        ):
            # Importing Locust monkey-patches this process (gevent), and the load tester needs
            # Python 3.10+; its failure types live in loadtest/errors.py, checked here.
            continue
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and not issubclass(value, Warning)
                and value.__module__.startswith(package.__name__)
            ):
                found[value.__name__].add(value)
    return found


def test_one_class_per_name_and_every_public_error_in_the_family() -> None:
    found = _error_classes()
    assert "ChatEndedError" in found
    for name, classes in found.items():
        assert len(classes) == 1, f"{name} is defined {len(classes)} times"
        (cls,) = classes
        if name.startswith("_") or name in INTERNAL:
            continue
        assert issubclass(cls, ConnectParticipantExtError), name


def test_chat_ended_is_one_class_caught_by_every_family() -> None:
    assert chat.ChatEndedError is transfer.ChatEndedError is errors.ChatEndedError
    assert package.ChatEndedError is errors.ChatEndedError
    ended = chat.ChatEndedError("the chat has ended")
    for family in (chat.ChatError, transfer.TransferError, RuntimeError):
        assert isinstance(ended, family)


def test_the_identical_client_errors_are_one_class() -> None:
    assert typed.NotAnExtendedClientError is errors.WrongClientError
