"""GeventChatSession's own keyword: ``bind_tokens`` is checked before anything is built."""

from __future__ import annotations

from typing import Any

import pytest

from boto3_connectparticipant_ext.chat.errors import ChatArgumentError

pytest.importorskip("gevent")

from boto3_connectparticipant_ext.chat.gevent_session import GeventChatSession


@pytest.mark.parametrize("value", ["false", 0, 1, None])
def test_bind_tokens_must_be_a_bool(value: Any) -> None:
    with pytest.raises(ChatArgumentError, match="bind_tokens"):
        GeventChatSession("token", region_name="us-east-1", bind_tokens=value)
