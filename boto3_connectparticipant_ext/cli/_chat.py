"""``cpx chat``: chat as a customer in the terminal (rich prints, prompt_toolkit reads).

Starts a chat with :func:`~boto3_connectparticipant_ext.conversation.start_chat` (the signed
StartChatContact with your AWS credentials; ``--endpoint-url`` for the emulator, whose
instance and flow are the defaults there and which takes any credentials), or joins one with
``--participant-token``. Incoming items print above the prompt as they arrive; the bottom
toolbar shows who is typing and the last receipt. A number answers the last interactive
message; ``/attach PATH``, ``/download [N] [DIR]``, ``/history``, ``/end``, ``/help``.
Input history is kept in memory, or in ``--history-file``. Ending (``/end``, Ctrl-D, Ctrl-C)
leaves the chat and stops the contact this command started.

Needs the ``cli`` extra (``pip install 'boto3-connectparticipant-ext[cli]'``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import logging
import os
import sys
import threading
from typing import Any, Callable, Optional, TextIO

from boto3_connectparticipant_ext.cli._errors import EXIT_OK, CliError, UsageError

# The parser is built for every cpx command: what the chat needs is imported when it runs.

logger = logging.getLogger("boto3_connectparticipant_ext.cli")
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint-url", metavar="URL", help="service or emulator endpoint")
    parser.add_argument("--region", help="AWS region of the Amazon Connect instance")
    parser.add_argument("--instance-id", help="Connect instance (CONNECT_INSTANCE_ID)")
    parser.add_argument("--contact-flow-id", help="contact flow (CONNECT_CONTACT_FLOW_ID)")
    parser.add_argument("--display-name", default="Customer", help="your name in the chat")
    parser.add_argument(
        "--attribute", action="append", default=[], metavar="KEY=VALUE", help="contact attribute"
    )
    parser.add_argument("--participant-token", metavar="TOKEN", help="join this chat instead")
    parser.add_argument("--history-file", metavar="FILE", help="keep input history in FILE")


def _attributes(pairs: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--attribute takes KEY=VALUE, got {pair!r}")
        found[key] = value
    return found


def _is_local(endpoint_url: Optional[str]) -> bool:
    return bool(endpoint_url) and any(f"//{host}" in str(endpoint_url) for host in _LOCAL_HOSTS)


def open_chat(args: argparse.Namespace) -> Any:
    """The connected session: a new chat (start_chat), or the one of --participant-token."""
    import boto3.session

    endpoint = args.endpoint_url or os.environ.get("CPX_ENDPOINT_URL") or None
    region = args.region or os.environ.get("CPX_REGION") or None
    if args.participant_token:
        from boto3_connectparticipant_ext.chat import ChatSession

        return ChatSession(
            args.participant_token, endpoint_url=endpoint, region_name=region, leave_on_exit=True
        ).__enter__()
    from boto3_connectparticipant_ext.conversation import start_chat

    instance = args.instance_id or os.environ.get("CONNECT_INSTANCE_ID")
    flow = args.contact_flow_id or os.environ.get("CONNECT_CONTACT_FLOW_ID")
    session = boto3.session.Session(region_name=region)
    if _is_local(endpoint):
        from boto3_connectparticipant_ext.emulator.config import EmulatorConfig

        defaults = EmulatorConfig()
        instance, flow = instance or defaults.instance_id, flow or defaults.contact_flow_id
        region = region or session.region_name or defaults.region
        if session.get_credentials() is None:
            # The emulator wants a SigV4 signature and accepts any key.
            session = boto3.session.Session(
                aws_access_key_id="cpx-emulator", aws_secret_access_key="cpx-emulator",
                region_name=region,
            )  # fmt: skip
    if not instance or not flow:
        raise UsageError(
            "give --instance-id and --contact-flow-id (or CONNECT_INSTANCE_ID and "
            "CONNECT_CONTACT_FLOW_ID), or --participant-token, or --endpoint-url of an emulator"
        )
    return start_chat(
        instance_id=instance,
        contact_flow_id=flow,
        display_name=args.display_name,
        attributes=_attributes(args.attribute) or None,
        session=session,
        region_name=region,
        endpoint_url=endpoint,
    )


class ChatPrompt:
    """The running chat: events print above the prompt; lines typed become actions."""

    def __init__(self, chat: Any, *, console: Any, prompt: Any) -> None:
        from boto3_connectparticipant_ext.cli._chat_view import ChatView

        self.chat = chat
        self.console = console
        self.prompt = prompt
        self.view = ChatView(me=chat.participant_id)
        self._lock = threading.Lock()
        self._typing = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="cpx-typing")

    def show(self, event: Any) -> None:
        with self._lock:
            line = self.view.render(event)
            if line is not None:
                self.console.print(line)
            ended = self.view.ended
        app = self.prompt.app
        if app.is_running:
            app.invalidate()
            if ended:
                app.loop.call_soon_threadsafe(lambda: app.exit(exception=EOFError()))

    def _leave_if_ended(self) -> None:
        # The end may arrive between the loop's check and the prompt starting, when show()
        # finds no running prompt to stop: the prompt checks again once it runs.
        if self.view.ended:
            self.prompt.app.exit(exception=EOFError())

    def typed(self, _buffer: Any) -> None:
        if not self.view.ended:
            self._typing.submit(self._send_typing)

    def _send_typing(self) -> None:
        try:
            self.chat.send_typing()
        except Exception as error:
            # Typing is a courtesy: a failure to send it must not stop the chat.
            from boto3_connectparticipant_ext.redact import describe_error

            logger.debug("cpx chat: typing not sent: %s", describe_error(error))

    def run(self) -> None:
        contact = getattr(self.chat, "contact", None)
        if contact is not None:
            self.console.print(f"* chat started, contact {contact.contact_id}", style="dim")
        # History first: live events wait in the session's buffer meanwhile (a repeat of a
        # history item is skipped by the view).
        self._show_history()
        self.chat.on(None, self.show)
        self.prompt.default_buffer.on_text_changed += self.typed
        try:
            while not self.view.ended:
                try:
                    line = self.prompt.prompt("you> ", pre_run=self._leave_if_ended)
                except EOFError:
                    break
                except KeyboardInterrupt:
                    break
                if not self.handle(line.strip()):
                    break
        finally:
            self._typing.shutdown(wait=True)
            self.console.print("* leaving the chat", style="dim")
            self.chat.disconnect()

    def _show_history(self) -> None:
        """What the chat said before the socket opened (a flow's greeting, a rehydrated chat)."""
        from boto3_connectparticipant_ext.chat.events import event_from_item

        for item in self.chat.transcript():
            self.show(event_from_item(item))

    def handle(self, line: str) -> bool:
        """Act on one input line; ``False`` ends the chat."""
        from boto3_connectparticipant_ext.cli._chat_view import HELP, clean
        from boto3_connectparticipant_ext.cli._render import text_line

        if not line:
            return True
        command, _, rest = line.partition(" ")
        try:
            if command in ("/end", "/quit", "/exit"):
                return False
            if command == "/help":
                self.console.print(HELP, style="dim")
            elif command == "/attach":
                self._attach(rest.strip())
            elif command == "/download":
                self._download(rest.split())
            elif command == "/history":
                for item in self.chat.transcript():
                    self.console.print(clean(text_line(item)), style="dim")
            elif line.isdigit() and self.view.pending is not None:
                self._choose(int(line))
            else:
                self.view.note_own(self.chat.send_message(line))
        except CliError as error:
            self.console.print(f"! {error}", style="red")
        except Exception as error:
            from boto3_connectparticipant_ext.redact import describe_error

            self.console.print(f"! {describe_error(error)}", style="red")
        return True

    def _choose(self, number: int) -> None:
        from boto3_connectparticipant_ext.interactive import response_for
        from boto3_connectparticipant_ext.service_limits import INTERACTIVE_RESPONSE_CONTENT_TYPE

        pending = self.view.pending
        assert pending is not None
        if not 1 <= number <= len(pending.message.choices):
            raise UsageError(f"choose 1 to {len(pending.message.choices)}")
        content = response_for(pending.message, number - 1)
        with self._lock:
            # Cleared before sending: the next interactive message may arrive before the
            # send returns, and it is the one the next number answers.
            if self.view.pending is pending:
                self.view.pending = None
        self.chat.send_message(content, content_type=INTERACTIVE_RESPONSE_CONTENT_TYPE)

    def _attach(self, path: str) -> None:
        if not path:
            raise UsageError("/attach PATH")
        path = os.path.expanduser(path)
        if not os.path.isfile(path):
            raise UsageError(f"no such file: {path}")
        self.chat.upload_attachment(path)

    def _download(self, words: list[str]) -> None:
        if not self.view.attachments:
            raise UsageError("no attachment to download yet")
        number = int(words[0]) if words and words[0].isdigit() else len(self.view.attachments)
        if not 1 <= number <= len(self.view.attachments):
            raise UsageError(f"choose an attachment from 1 to {len(self.view.attachments)}")
        directory = words[-1] if words and not words[-1].isdigit() else "."
        attachment = self.view.attachments[number - 1].attachments[0]
        name = os.path.basename(attachment.name or str(attachment.attachment_id))
        target = os.path.join(directory, name)
        written = self.chat.download_attachment(attachment.attachment_id, target)
        self.console.print(f"* saved {written}", style="dim", markup=False)


def make_prompt(
    *,
    history_file: Optional[str],
    input: Any = None,
    output: Any = None,
    toolbar: Callable[[], str],
) -> Any:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    history = FileHistory(history_file) if history_file else InMemoryHistory()
    return PromptSession(history=history, input=input, output=output, bottom_toolbar=toolbar)


def run_chat(
    args: argparse.Namespace, stdout: TextIO, *, input: Any = None, output: Any = None
) -> int:
    """``cpx chat``. ``input``/``output`` are prompt_toolkit's (tests pass a pipe input)."""
    try:
        from prompt_toolkit.patch_stdout import patch_stdout
        from rich.console import Console
    except ImportError:
        raise UsageError(
            "cpx chat needs the cli extra: pip install 'boto3-connectparticipant-ext[cli]'"
        ) from None
    chat = open_chat(args)
    holder: list[ChatPrompt] = []

    def toolbar() -> str:
        return holder[0].view.status() if holder else ""

    prompt = make_prompt(
        history_file=args.history_file, input=input, output=output, toolbar=toolbar
    )
    if input is not None:  # driven by a test: print straight to stdout
        console = Console(file=stdout, highlight=False, soft_wrap=True)
        holder.append(ChatPrompt(chat, console=console, prompt=prompt))
        holder[0].run()
        return EXIT_OK
    terminal = sys.stdout.isatty()
    with patch_stdout(raw=True):
        console = Console(highlight=False, soft_wrap=True, force_terminal=terminal)
        holder.append(ChatPrompt(chat, console=console, prompt=prompt))
        holder[0].run()
    return EXIT_OK
