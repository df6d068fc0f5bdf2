"""Load testing of chat flows on Locust (extra ``loadtest``; Python >= 3.10).

:class:`ChatUser` is a Locust user whose tasks are a customer's chat written with the
conversation API; every step is a Locust request (statistics, charts, CSV, master/worker).
StartChatContact is paced by a :class:`TokenBucket` and every chat is ended, even when
the run is interrupted. See the README section "Load testing".

Examples
--------
>>> from boto3_connectparticipant_ext.loadtest import ChatUser  # doctest: +SKIP
>>> class Customer(ChatUser):  # doctest: +SKIP
...     def flow(self, talk):
...         talk.expect(text="Welcome", name="greeting")
...         talk.say("Orders")
"""

from __future__ import annotations

import sys

if sys.version_info < (3, 10):  # pragma: no cover - exercised on 3.9 only
    raise ImportError(
        "boto3_connectparticipant_ext.loadtest needs Python 3.10 or newer (Locust does); "
        f"this is Python {sys.version_info[0]}.{sys.version_info[1]}"
    )

from typing import TYPE_CHECKING, Any

from ._driver import ChatDriver, GeventDriver, LoadSession
from ._gc import freeze_long_lived
from ._pacing import DEFAULT_START_BURST, DEFAULT_START_RATE, TokenBucket
from ._report import OPEN_CHATS, OpenChats, Reporter
from .errors import (
    AccessDenied,
    LoadTestArgumentError,
    LoadTestError,
    OtherFailure,
    QuotaExceeded,
    StepFailure,
    StepTimeout,
    Throttled,
    UnexpectedReply,
    classify,
)

if TYPE_CHECKING:
    from .user import ChatUser, LoadConversation

_LOCUST_NAMES = ("ChatUser", "LoadConversation")


def __getattr__(name: str) -> Any:
    # Importing Locust monkey-patches the whole process (gevent): done only when a
    # locustfile asks for the user class, never by importing this package.
    if name in _LOCUST_NAMES:
        import importlib.util

        if importlib.util.find_spec("locust") is None:
            raise ImportError(
                "boto3_connectparticipant_ext.loadtest needs Locust: "
                "pip install 'boto3-connectparticipant-ext[loadtest]'"
            )
        from . import user

        return getattr(user, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_START_BURST",
    "DEFAULT_START_RATE",
    "OPEN_CHATS",
    "AccessDenied",
    "ChatDriver",
    "ChatUser",
    "GeventDriver",
    "LoadConversation",
    "LoadSession",
    "LoadTestArgumentError",
    "LoadTestError",
    "OpenChats",
    "OtherFailure",
    "QuotaExceeded",
    "Reporter",
    "StepFailure",
    "StepTimeout",
    "Throttled",
    "TokenBucket",
    "UnexpectedReply",
    "classify",
    "freeze_long_lived",
]
