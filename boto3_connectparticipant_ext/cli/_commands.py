"""The ``cpx`` commands that talk to the service: connect, send, transcript, upload, download.

Each command takes the parsed arguments and the output streams and returns an exit code; errors
are raised and turned into one line by :func:`boto3_connectparticipant_ext.cli.main`.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import IO, Any, TextIO

from boto3_connectparticipant_ext.cli._client import (
    connection_token_for,
    create_connection,
    make_client,
    require_participant_token,
)
from boto3_connectparticipant_ext.cli._errors import (
    EXIT_OK,
    LocalFileError,
    UsageError,
)
from boto3_connectparticipant_ext.cli._files import atomic_output, unique_path
from boto3_connectparticipant_ext.cli._progress import ProgressBar
from boto3_connectparticipant_ext.cli._render import make_writer
from boto3_connectparticipant_ext.cli._tokens import (
    CONNECTION_TOKEN_ENV,
    Tokens,
    resolve_tokens,
)
from boto3_connectparticipant_ext.redact import mask
from boto3_connectparticipant_ext.service_limits import message_content_problem

# A transcript export shows its progress only when it lasts longer than this (seconds).
_TRANSCRIPT_PROGRESS_DELAY = 0.5


def _tokens(args: argparse.Namespace) -> Tokens:
    return resolve_tokens(
        connection_flag=args.connection_token, participant_flag=args.participant_token
    )


def _client(args: argparse.Namespace) -> Any:
    return make_client(endpoint_url=args.endpoint_url, region=args.region, timeout=args.timeout)


def _print_json(data: Any, stream: TextIO) -> None:
    stream.write(json.dumps(data, indent=2, sort_keys=True, default=str, ensure_ascii=False) + "\n")


def run_connect(args: argparse.Namespace, stdout: TextIO) -> int:
    """``cpx connect``: trade a participant token for a connection token."""
    tokens = _tokens(args)
    participant_token = require_participant_token(tokens, command="connect")
    if args.output == "env" and not args.show_secrets:
        raise UsageError("--output env prints the connection token: add --show-secrets")
    client = _client(args)
    response = create_connection(
        client,
        participant_token=participant_token,
        websocket=args.websocket,
        connect_participant=args.connect_participant,
    )
    credentials = response.get("ConnectionCredentials") or {}
    websocket = response.get("Websocket") or {}
    if args.output == "env":
        stdout.write(
            f"export {CONNECTION_TOKEN_ENV}={shlex.quote(str(credentials['ConnectionToken']))}\n"
        )
        return EXIT_OK
    if not args.show_secrets:
        if "ConnectionToken" in credentials:
            credentials["ConnectionToken"] = mask(credentials["ConnectionToken"])
        if "Url" in websocket:
            websocket["Url"] = mask(websocket["Url"])
    if args.output == "json":
        _print_json(response, stdout)
        return EXIT_OK
    stdout.write(f"connection token: {credentials.get('ConnectionToken')}\n")
    stdout.write(f"expires:          {credentials.get('Expiry')}\n")
    if websocket:
        stdout.write(f"websocket url:    {websocket.get('Url')}\n")
        stdout.write(f"open it before:   {websocket.get('ConnectionExpiry')}\n")
    if not args.show_secrets:
        stdout.write("(secrets hidden: add --show-secrets to print them)\n")
    return EXIT_OK


def _message_content(args: argparse.Namespace) -> str:
    if args.text == "-":
        content = sys.stdin.read()
        if content.endswith("\n"):
            content = content[:-1]
    else:
        content = args.text
    if not content:
        raise UsageError("the message is empty")
    problem = message_content_problem(args.content_type, content)
    if problem is not None:
        raise UsageError(problem)
    return str(content)


def run_send(args: argparse.Namespace, stdout: TextIO) -> int:
    """``cpx send``: send one message (text from the argument, or ``-`` for stdin)."""
    content = _message_content(args)
    tokens = _tokens(args)
    client = _client(args)
    connection_token = connection_token_for(client, tokens)
    response = client.send_message(
        ConnectionToken=connection_token, Content=content, ContentType=args.content_type
    )
    response.pop("ResponseMetadata", None)
    if args.output == "json":
        _print_json(response, stdout)
    else:
        stdout.write(f"sent message {response.get('Id')} at {response.get('AbsoluteTime')}\n")
    return EXIT_OK


def run_transcript(args: argparse.Namespace, stdout: TextIO) -> int:
    """``cpx transcript``: export the whole transcript in one format, to stdout or a file."""
    from boto3_connectparticipant_ext.transcript import iter_transcript

    tokens = _tokens(args)
    target = Path(args.out) if args.out and args.out != "-" else None
    if target is not None and target.is_dir():
        raise LocalFileError(f"--out {str(target)!r} is a directory; give a file name")
    if target is not None and not target.parent.is_dir():
        raise LocalFileError(f"the directory of --out {str(target)!r} does not exist")
    client = _client(args)
    connection_token = connection_token_for(client, tokens)
    walk = iter_transcript(
        client,
        ConnectionToken=connection_token,
        Order=args.order,
        ContactId=args.contact_id,
    )
    progress = ProgressBar(
        label="transcript", total=None, unit="items", delay=_TRANSCRIPT_PROGRESS_DELAY
    )

    def export(stream: IO[str]) -> int:
        writer = make_writer(args.format, stream)
        writer.begin()
        with progress:
            for item in walk:
                writer.write(item)
                progress.update(1)
        writer.end()
        return writer.count

    if target is None:
        count = export(stdout)
    else:
        try:
            with atomic_output(target) as handle:
                count = export(handle)
        except PermissionError as error:
            raise LocalFileError(f"cannot write {str(target)!r}: {error.strerror}") from None
        sys.stderr.write(f"wrote {count} items ({walk.pages} pages) to {target}\n")
    return EXIT_OK


def _transfer_config(args: argparse.Namespace) -> Any:
    from boto3_connectparticipant_ext.transfer import TransferConfig

    changes: dict[str, Any] = {}
    if getattr(args, "max_size_mb", None) is not None:
        changes["max_size_bytes"] = int(args.max_size_mb * 1024 * 1024)
    if getattr(args, "any_type", False):
        changes["allowed_extensions"] = None
    if getattr(args, "wait_for_scan", False):
        changes["wait_for_scan"] = True
    return TransferConfig(**changes)


def run_upload(args: argparse.Namespace, stdout: TextIO) -> int:
    """``cpx upload``: send a file as an attachment, with a progress bar on a terminal."""
    from boto3_connectparticipant_ext.transfer import upload_attachment

    path = Path(args.file)
    if not path.is_file():
        raise LocalFileError(f"{args.file!r} is not a readable file")
    config = _transfer_config(args)
    tokens = _tokens(args)
    client = _client(args)
    connection_token = connection_token_for(client, tokens)
    name = args.name or path.name
    with ProgressBar(label=f"upload {name}", total=path.stat().st_size) as progress:
        attachment_id = upload_attachment(
            client,
            str(path),
            ConnectionToken=connection_token,
            AttachmentName=args.name,
            ContentType=args.content_type,
            Callback=progress.update,
            Config=config,
        )
    stdout.write(f"{attachment_id}\n")
    return EXIT_OK


def _attachments_in_transcript(client: Any, connection_token: str) -> list[dict[str, Any]]:
    from boto3_connectparticipant_ext.transcript import iter_transcript

    found = []
    for item in iter_transcript(client, ConnectionToken=connection_token):
        for attachment in item.get("Attachments") or ():
            found.append(dict(attachment))
    return found


def run_download(args: argparse.Namespace, stdout: TextIO) -> int:
    """``cpx download``: fetch one attachment (or ``--all``) to a file or a directory."""
    from boto3_connectparticipant_ext.transfer import download_attachment
    from boto3_connectparticipant_ext.transfer.naming import safe_file_name

    if args.all == bool(args.attachment_id):
        raise UsageError("give an attachment id, or --all (not both)")
    if args.out and args.out_dir:
        raise UsageError("give --out or --out-dir, not both")
    if args.all and args.out:
        raise UsageError("--all writes several files: use --out-dir")
    directory = Path(args.out_dir or ".")
    if (args.out_dir or not args.out) and not directory.is_dir():
        raise LocalFileError(f"--out-dir {str(directory)!r} is not a directory")
    config = _transfer_config(args)
    tokens = _tokens(args)
    client = _client(args)
    connection_token = connection_token_for(client, tokens)

    def fetch(attachment_id: str, target: Path, label: str) -> str:
        with ProgressBar(label=f"download {label}", total=None) as progress:
            written: str = download_attachment(
                client,
                attachment_id,
                str(target),
                ConnectionToken=connection_token,
                Callback=progress.update,
                Config=config,
                Overwrite=args.overwrite,
            )
        return written

    if not args.all:
        if args.out and Path(args.out).exists() and not args.overwrite:
            raise LocalFileError(f"{args.out!r} already exists; add --overwrite to replace it")
        target = Path(args.out) if args.out else directory
        written = fetch(args.attachment_id, target, args.attachment_id)
        stdout.write(f"{written}\n")
        return EXIT_OK

    taken: set[str] = set()
    found = _attachments_in_transcript(client, connection_token)
    attachments = [item for item in found if item.get("Status", "APPROVED") == "APPROVED"]
    if len(attachments) < len(found):
        # Scans still running or files the service rejected cannot be downloaded.
        sys.stderr.write(f"skipped {len(found) - len(attachments)} attachment(s) not APPROVED\n")
    for attachment in attachments:
        name = safe_file_name(str(attachment.get("AttachmentName") or ""))
        # Two attachments often share a name (image.png): number them instead of overwriting.
        target = unique_path(directory, name, taken=taken, avoid_existing=not args.overwrite)
        written = fetch(str(attachment["AttachmentId"]), target, name)
        stdout.write(f"{written}\n")
    if not attachments:
        sys.stderr.write("no approved attachments in this chat\n")
    return EXIT_OK
