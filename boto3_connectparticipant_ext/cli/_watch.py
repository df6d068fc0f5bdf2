"""``cpx watch``: print a chat's live events, one readable line each, until the chat ends.

Uses :class:`boto3_connectparticipant_ext.chat.AsyncChatSession` (websocket, heartbeats,
reconnects with gap filling) and never leaves the chat: stopping ``watch`` only closes its socket.

``--history`` reads the transcript after the socket is open. The service stops the
ConnectionToken when the chat ends, so an AccessDenied answer there means the chat ended
meanwhile: the live items already received are still printed, then ``watch`` reports the end
with the chat-ended exit code (7), as for a chat that ended before ``watch`` started.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from boto3_connectparticipant_ext.cli._client import require_participant_token
from boto3_connectparticipant_ext.cli._errors import EXIT_CHAT_ENDED, EXIT_OK, CliError
from boto3_connectparticipant_ext.cli._render import terminal_safe, text_line
from boto3_connectparticipant_ext.cli._tokens import resolve_tokens

_CONNECTION_TEXT = {
    "connection.established": "connected, watching (Ctrl-C to stop)",
    "connection.lost": "connection lost, reconnecting...",
    "connection.reestablished": "reconnected (missed items are filled in)",
    "deep_heartbeat.failed": "the service did not answer a ping",
}


def event_item(event: Any) -> dict[str, Any]:
    """Return the chat item behind ``event`` (a bot's streamed chunks as one ``Content``,
    stitched by the session exactly as for ``events()``: see ``chat._stitch``).

    Examples
    --------
    >>> from boto3_connectparticipant_ext.chat.events import event_from_item
    >>> event_item(event_from_item({"Id": "1", "Type": "MESSAGE", "Content": "hi"}))["Content"]
    'hi'
    """
    item: dict[str, Any] = dict(event.raw or {})
    content = getattr(event, "content", None)
    if isinstance(content, str):
        item["Content"] = content
    return item


def event_line(event: Any) -> str:
    """Return one readable line for any session event.

    Examples
    --------
    >>> from boto3_connectparticipant_ext.chat.events import event_from_item
    >>> event_line(event_from_item({"Id": "1", "Type": "MESSAGE", "Content": "hi",
    ...     "DisplayName": "Ann", "ParticipantRole": "AGENT",
    ...     "AbsoluteTime": "2024-05-01T10:00:00.000Z"}))
    '2024-05-01 10:00:00  Ann (AGENT): hi'
    """
    if event.raw is None:
        text = _CONNECTION_TEXT.get(event.kind, event.kind)
        return terminal_safe(f"{'*':>19}  {text}")
    line = text_line(event_item(event))
    if getattr(event, "complete", True) is False:
        line += "  [incomplete: a streamed chunk never arrived]"
    return line


def _write(stream: TextIO, output: str, item: Mapping[str, Any], line: str) -> None:
    if output == "jsonl":
        stream.write(json.dumps(item, ensure_ascii=False, sort_keys=True, default=str) + "\n")
    else:
        stream.write(line + "\n")
    stream.flush()


async def _watch(args: argparse.Namespace, participant_token: str, stdout: TextIO) -> None:
    from boto3_connectparticipant_ext.chat.async_session import AsyncChatSession
    from boto3_connectparticipant_ext.cli._client import make_client

    client = make_client(endpoint_url=args.endpoint_url, region=args.region, timeout=args.timeout)
    shown: set[str] = set()
    async with AsyncChatSession(participant_token, client=client, leave_on_exit=False) as chat:
        history_refused = args.history and not await _print_history(chat, args, shown, stdout)
        async for event in chat.events():
            item_id = getattr(event, "id", None)
            if item_id is not None and item_id in shown:
                continue
            if args.output == "jsonl" and event.raw is None:
                _write(stdout, args.output, {"kind": event.kind}, "")
                continue
            _write(stdout, args.output, event_item(event), event_line(event))
        if history_refused:
            raise CliError(
                "the chat ended before its history could be read", exit_code=EXIT_CHAT_ENDED
            )
        if chat.chat_ended:
            sys.stderr.write("the chat ended\n")


async def _print_history(
    chat: Any, args: argparse.Namespace, shown: set[str], stdout: TextIO
) -> bool:
    """Print the transcript; ``False`` when it was refused because the chat ended."""
    from botocore.exceptions import ClientError

    from boto3_connectparticipant_ext.errors import ChatEndedError

    try:
        async for item in chat.transcript():
            shown.add(str(item.get("Id")))
            _write(stdout, args.output, item, text_line(item))
    except ChatEndedError:
        return False
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "AccessDeniedException":
            raise
        # The socket was just opened with this token: a refusal now means the chat ended.
        return False
    return True


def run_watch(args: argparse.Namespace, stdout: TextIO) -> int:
    """``cpx watch``: stream events until the chat ends (exit 0) or Ctrl-C (exit 130)."""
    tokens = resolve_tokens(
        connection_flag=args.connection_token, participant_flag=args.participant_token
    )
    participant_token = require_participant_token(tokens, command="watch")
    asyncio.run(_watch(args, participant_token, stdout))
    return EXIT_OK
