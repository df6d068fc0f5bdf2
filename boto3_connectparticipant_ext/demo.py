"""The one-command demo: a real chat played through the public API against the emulator.

``python -m boto3_connectparticipant_ext demo`` (``make demo``) starts the
embedded emulator on 127.0.0.1, then a customer and an agent connect with
plain ``boto3.client("connectparticipant")`` clients (no AWS credentials: the
plugin makes the calls unsigned), exchange messages, the customer uploads an
attachment with a progress bar, the agent downloads it and checks it byte for
byte, and the whole transcript is printed oldest-first. The exit status is 0
only when every step worked, 1 when one failed, 2 for a bad option value.

Examples
--------
>>> from boto3_connectparticipant_ext import demo
>>> demo.main(["--quiet"])                                        # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from typing import Any, Optional, TextIO

from .errors import ConnectParticipantExtError

EXIT_OK = 0
EXIT_FAILED = 1
ATTACHMENT_NAME = "invoice-2024-0117.pdf"


class DemoError(ConnectParticipantExtError):
    """A step of the demo produced something other than expected."""


def main(argv: Optional[list[str]] = None) -> int:
    """Run the demo; return 0 when every step worked, non-zero otherwise.

    Examples
    --------
    >>> main(["--attachment-size", "200000", "--quiet"])         # doctest: +SKIP
    0
    """
    parser = argparse.ArgumentParser(
        prog="cpx demo",
        description="Play a chat (customer and agent, messages, an attachment, the transcript) "
        "against the built-in emulator.",
    )
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Run the demo with options parsed by a parser given :func:`add_arguments`."""
    out: TextIO = sys.stdout
    try:
        _play(attachment_size=args.attachment_size, quiet=args.quiet, out=out)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # every failure must become a clear message
        print(f"demo FAILED: {_safe(error)}", file=sys.stderr)
        return EXIT_FAILED
    print("demo OK: every step worked", file=out)
    return EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the demo's options on ``parser`` (``cpx demo`` and :func:`main` share them)."""
    parser.add_argument(
        "--attachment-size",
        type=_attachment_size,
        default=3 * 1024 * 1024,
        metavar="BYTES",
        help="size of the attachment the customer sends (default: %(default)s)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar and no transcript, just the verdict"
    )


def _attachment_size(text: str) -> int:
    """argparse type: 16 bytes to 20 MiB (a bad value is a usage error, exit code 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text[:40]!r}") from None
    if not 16 <= value <= 20 * 1024 * 1024:
        raise argparse.ArgumentTypeError("must be between 16 bytes and 20 MiB")
    return value


def _play(*, attachment_size: int, quiet: bool, out: TextIO) -> None:
    if not 16 <= attachment_size <= 20 * 1024 * 1024:
        raise DemoError("--attachment-size must be between 16 bytes and 20 MiB")
    try:
        from boto3_connectparticipant_ext.emulator import Emulator
    except ImportError as error:  # pragma: no cover - depends on the installed extras
        raise DemoError(
            "the demo needs the emulator: pip install 'boto3-connectparticipant-ext[emulator]' "
            f"({error})"
        ) from None
    import boto3_connectparticipant_ext as cpx

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    cpx.install()
    with Emulator() as emulator, tempfile.TemporaryDirectory(prefix="cpx-demo-") as workdir:
        say(f"emulator listening on {emulator.endpoint_url}")
        chat = emulator.start_chat(display_name="Dana (customer)")
        contact_id = chat["ContactId"]
        agent = emulator.add_participant(contact_id, role="AGENT", display_name="Sam (agent)")
        customer_client = _client(emulator.endpoint_url)
        agent_client = _client(emulator.endpoint_url)
        _connect(cpx, customer_client, chat["ParticipantToken"])
        _connect(cpx, agent_client, agent["ParticipantToken"])
        say("customer and agent connected (bearer tokens bound, no AWS credentials)")

        _send(customer_client, "Hi! I was charged twice for my last order.")
        _send(agent_client, "Sorry about that. Could you send me the invoice?")
        _send(customer_client, "Sure, here it is.")

        original = _write_invoice(workdir, attachment_size)
        attachment_id = _upload(customer_client, original, quiet=quiet, out=out)
        say(f"customer uploaded {ATTACHMENT_NAME} ({attachment_size} bytes)")

        found = _find_attachment(agent_client)
        if found != attachment_id:
            raise DemoError("the agent does not see the customer's attachment in the transcript")
        downloads = os.path.join(workdir, "agent-downloads")
        os.mkdir(downloads)
        written = agent_client.download_attachment(attachment_id, downloads)
        if _sha256(written) != _sha256(original):
            raise DemoError("the downloaded attachment differs from the uploaded one")
        say(f"agent downloaded {os.path.basename(written)}: identical, byte for byte")

        _send(agent_client, "Thanks, I found the duplicate charge and refunded it.")
        _send(customer_client, "Great, thank you!")
        # Read before the customer leaves: the end of the chat stops the ConnectionTokens.
        items = list(agent_client.iter_transcript(Order="oldest-first"))
        customer_client.disconnect_participant()

        _check_transcript(items, attachment_id=attachment_id)
        if not quiet:
            say(f"\ntranscript, oldest first ({len(items)} items):")
            for item in items:
                say("  " + _render(item))
            say("")


def _client(endpoint_url: str) -> Any:
    import boto3

    return boto3.session.Session().client(
        "connectparticipant", endpoint_url=endpoint_url, region_name="us-east-1"
    )


def _connect(cpx: Any, client: Any, participant_token: str) -> None:
    answer = client.create_participant_connection(
        ParticipantToken=participant_token, Type=["CONNECTION_CREDENTIALS"], ConnectParticipant=True
    )
    cpx.bind_tokens(client, connection_token=answer["ConnectionCredentials"]["ConnectionToken"])


def _send(client: Any, text: str) -> None:
    client.send_message(ContentType="text/plain", Content=text)


def _write_invoice(directory: str, size: int) -> str:
    header = b"%PDF-1.7\n% boto3-connectparticipant-ext demo invoice\n"
    body = (os.urandom(1024) * (size // 1024 + 1))[: max(size - len(header), 0)]
    path = os.path.join(directory, ATTACHMENT_NAME)
    with open(path, "wb") as handle:
        handle.write((header + body)[:size])
    return path


def _upload(client: Any, path: str, *, quiet: bool, out: TextIO) -> str:
    from boto3_connectparticipant_ext.transfer import ProgressBar, TransferConfig

    config = TransferConfig(wait_for_scan=True, scan_timeout=30.0, scan_poll_interval=0.2)
    bar = None if quiet else ProgressBar(total=os.path.getsize(path), label="  upload", stream=out)
    try:
        return str(client.upload_attachment(path, Callback=bar, Config=config))
    finally:
        if bar is not None:
            bar.close()


def _find_attachment(client: Any) -> Optional[str]:
    for item in client.iter_transcript(Order="newest-first"):
        for attachment in item.get("Attachments") or ():
            if attachment.get("AttachmentName") == ATTACHMENT_NAME:
                return str(attachment["AttachmentId"])
    return None


def _check_transcript(items: list[dict[str, Any]], *, attachment_id: str) -> None:
    identifiers = [item.get("Id") for item in items]
    if len(identifiers) != len(set(identifiers)):
        raise DemoError("the transcript repeats an item")
    messages = [item.get("Content") for item in items if item.get("Type") == "MESSAGE"]
    if len(messages) < 5 or messages[0] != "Hi! I was charged twice for my last order.":
        raise DemoError("the transcript does not hold the conversation in order")
    attachments = [
        attachment.get("AttachmentId")
        for item in items
        for attachment in item.get("Attachments") or ()
    ]
    if attachment_id not in attachments:
        raise DemoError("the transcript does not show the attachment")


def _render(item: dict[str, Any]) -> str:
    when = str(item.get("AbsoluteTime", ""))[11:19]
    who = item.get("DisplayName") or item.get("ParticipantRole") or "SYSTEM"
    kind = item.get("Type")
    if kind == "MESSAGE":
        return f"{when}  {who}: {item.get('Content')}"
    if kind == "ATTACHMENT":
        names = ", ".join(
            f"{entry.get('AttachmentName')} [{entry.get('Status')}]"
            for entry in item.get("Attachments") or ()
        )
        return f"{when}  {who} sent an attachment: {names}"
    event = str(item.get("ContentType", "")).rsplit(".", 1)[-1] or str(kind)
    return f"{when}  {who} ({event})"


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _safe(error: BaseException) -> str:
    from boto3_connectparticipant_ext.redact import describe_error

    return describe_error(error, limit=2000)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
