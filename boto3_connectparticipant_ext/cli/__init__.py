"""The ``cpx`` command (also ``python -m boto3_connectparticipant_ext``).

Commands
--------
``emulator``   run the local emulator until Ctrl-C (prints ``endpoint_url=...``)
``demo``       play a whole chat against the built-in emulator
``data-path``  print the directory for ``AWS_DATA_PATH``
``doctor``     versions, active model and why, activation routes, credential lookup, operations
``connect``    trade a participant token for a connection token
``send``       send a message
``transcript`` export the transcript as json, jsonl, text, markdown or html
``upload``     send a file as an attachment
``download``   fetch an attachment (or ``--all``) to a file or directory
``watch``      print the chat's live events until it ends
``chat``       chat as a customer in the terminal (needs the ``cli`` extra)

Tokens come from ``--connection-token``/``--participant-token`` (``-`` reads stdin), else from
``CPX_CONNECTION_TOKEN``/``CPX_PARTICIPANT_TOKEN``; they are never printed unless
``--show-secrets`` is given. ``CPX_ENDPOINT_URL`` and ``CPX_REGION`` (or ``AWS_REGION``) choose
the endpoint. Errors are one line on stderr (``--debug`` adds the traceback); the exit codes are
documented in :mod:`boto3_connectparticipant_ext.cli._errors` and in ``cpx --help``.

Every command imports what it needs when it runs, so ``cpx data-path`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from typing import Callable, TextIO

from boto3_connectparticipant_ext.cli import _types
from boto3_connectparticipant_ext.cli._errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    describe_failure,
)

__all__ = ["main"]

_EPILOG = """\
tokens: --connection-token/--participant-token (the value - reads stdin), else the environment
variables CPX_CONNECTION_TOKEN/CPX_PARTICIPANT_TOKEN. Tokens are never printed unless
--show-secrets is given. A participant token also works where a connection token is needed
(cpx connects first).

endpoint: --endpoint-url or CPX_ENDPOINT_URL (the emulator prints its own); region: --region,
CPX_REGION or AWS_REGION.

exit codes: 0 ok, 1 internal error, 2 usage error, 3 service error, 4 access denied (token),
5 network error, 6 local file error, 7 chat ended, 130 interrupted.
"""

Handler = Callable[[argparse.Namespace, TextIO], int]


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection")
    group.add_argument(
        "--connection-token", metavar="TOKEN", help="connection token (- reads stdin)"
    )
    group.add_argument(
        "--participant-token", metavar="TOKEN", help="participant token (- reads stdin)"
    )
    group.add_argument(
        "--endpoint-url",
        type=_types.endpoint_url,
        metavar="URL",
        help="service or emulator endpoint",
    )
    group.add_argument("--region", help="AWS region of the Amazon Connect instance")
    group.add_argument(
        "--timeout",
        type=_types.positive_number(_types.MAX_TIMEOUT),
        default=30.0,
        metavar="SECONDS",
        help="network timeout (30)",
    )


def _add_transfer_limits(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-size-mb",
        type=_types.positive_number(_types.MAX_SIZE_MB),
        metavar="MB",
        help="largest attachment accepted locally (default 20, the service's default)",
    )
    parser.add_argument(
        "--wait-for-scan", action="store_true", help="wait until the attachment is APPROVED"
    )


def _build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's default must not undo "cpx --debug COMMAND".
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks on errors"
    )
    parser = argparse.ArgumentParser(
        prog="cpx",
        description="Amazon Connect Participant Service from the command line.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=text,
            description=text,
            parents=[common],
            epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    emulator = command("emulator", "run the local emulator until interrupted")
    emulator.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    emulator.add_argument(
        "--port", type=_types.port, default=0, help="port to bind (default: any free)"
    )
    emulator.add_argument(
        "--bot",
        action="append",
        default=[],
        metavar="SCRIPT",
        help="a bot script (YAML or JSON) that plays the contacts of its flow_id; repeatable",
    )

    from boto3_connectparticipant_ext import demo  # light: argparse and the stdlib only

    demo.add_arguments(command("demo", "play a whole chat against the built-in emulator"))

    command("data-path", "print the directory to put in AWS_DATA_PATH")

    doctor = command("doctor", "show versions, the active model, activation and credentials")
    doctor.add_argument("--output", choices=("text", "json"), default="text")

    connect = command("connect", "trade a participant token for a connection token")
    _add_connection_options(connect)
    connect.add_argument("--websocket", action="store_true", help="also ask for a websocket URL")
    connect.add_argument(
        "--connect-participant",
        action="store_true",
        help="mark the participant as connected (ConnectParticipant=true)",
    )
    connect.add_argument(
        "--output",
        choices=("text", "json", "env"),
        default="text",
        help="env prints an export line for CPX_CONNECTION_TOKEN (needs --show-secrets)",
    )
    connect.add_argument("--show-secrets", action="store_true", help="print tokens and URLs")

    send = command("send", "send a message")
    _add_connection_options(send)
    send.add_argument("text", help="the message (- reads stdin)")
    send.add_argument(
        "--content-type",
        default="text/plain",
        help="text/plain (default), text/markdown, application/json, ...",
    )
    send.add_argument("--output", choices=("text", "json"), default="text")

    transcript = command("transcript", "export the transcript")
    _add_connection_options(transcript)
    transcript.add_argument(
        "--format", choices=("json", "jsonl", "text", "markdown", "html"), default="text"
    )
    transcript.add_argument(
        "--order", choices=("oldest-first", "newest-first"), default="oldest-first"
    )
    transcript.add_argument(
        "--out",
        type=_types.path,
        metavar="FILE",
        help="write to FILE, all at once (default: stdout)",
    )
    transcript.add_argument("--contact-id", help="another contact of a persistent chat")

    upload = command("upload", "send a file as an attachment (prints its AttachmentId)")
    _add_connection_options(upload)
    upload.add_argument("file", type=_types.path, help="the file to send")
    upload.add_argument("--name", help="name shown in the chat (default: the file's name)")
    upload.add_argument("--content-type", help="MIME type (default: from the name or content)")
    upload.add_argument("--any-type", action="store_true", help="skip the local file-type check")
    _add_transfer_limits(upload)

    download = command("download", "fetch attachments (prints the paths written)")
    _add_connection_options(download)
    download.add_argument("attachment_id", nargs="?", help="the AttachmentId to fetch")
    download.add_argument(
        "--all", action="store_true", help="fetch every approved attachment of the chat"
    )
    download.add_argument(
        "--out", type=_types.path, metavar="FILE", help="file to write (one attachment)"
    )
    download.add_argument(
        "--out-dir",
        type=_types.path,
        metavar="DIR",
        help="directory for files named after their (sanitized) remote names; default: .",
    )
    download.add_argument("--overwrite", action="store_true", help="replace existing files")
    _add_transfer_limits(download)

    watch = command("watch", "print live chat events until the chat ends or Ctrl-C")
    _add_connection_options(watch)
    watch.add_argument("--output", choices=("text", "jsonl"), default="text")
    watch.add_argument(
        "--history", action="store_true", help="print the transcript so far before live events"
    )

    from boto3_connectparticipant_ext.cli import _chat

    _chat.add_arguments(command("chat", "chat as a customer in the terminal (cli extra)"))
    return parser


def _run_emulator(args: argparse.Namespace, stdout: TextIO) -> int:
    from boto3_connectparticipant_ext import emulator
    from boto3_connectparticipant_ext.emulator.bots import BotScriptError, load_bot

    try:
        bots = [load_bot(path) for path in args.bot]
    except BotScriptError as error:
        raise UsageError(str(error)) from None
    emulator.run_foreground(host=args.host, port=args.port, bots=bots)
    return EXIT_OK


def _run_demo(args: argparse.Namespace, stdout: TextIO) -> int:
    from boto3_connectparticipant_ext import demo

    return demo.run(args)


def _run_data_path(args: argparse.Namespace, stdout: TextIO) -> int:
    from boto3_connectparticipant_ext import model

    stdout.write(model.data_path() + "\n")
    return EXIT_OK


def _run_doctor(args: argparse.Namespace, stdout: TextIO) -> int:
    import json

    from boto3_connectparticipant_ext.cli import _doctor

    report = _doctor.collect()
    if args.output == "json":
        stdout.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
    else:
        _doctor.render_text(report, stdout)
    return EXIT_OK


def _command_handler(name: str) -> Handler:
    if name == "emulator":
        return _run_emulator
    if name == "demo":
        return _run_demo
    if name == "data-path":
        return _run_data_path
    if name == "doctor":
        return _run_doctor
    if name == "chat":
        from boto3_connectparticipant_ext.cli._chat import run_chat

        return run_chat
    if name == "watch":
        from boto3_connectparticipant_ext.cli._watch import run_watch

        return run_watch
    from boto3_connectparticipant_ext.cli import _commands

    handlers: dict[str, Handler] = {
        "connect": _commands.run_connect,
        "send": _commands.run_send,
        "transcript": _commands.run_transcript,
        "upload": _commands.run_upload,
        "download": _commands.run_download,
    }
    return handlers[name]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cpx`` command and return its exit code.

    Examples
    --------
    >>> main(["data-path"])  # doctest: +SKIP
    /.../boto3_connectparticipant_ext/data
    0
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_request:  # --help, or a usage error argparse already printed
        return int(exit_request.code or 0) if exit_request.code != 2 else EXIT_USAGE
    try:
        return _command_handler(args.command)(args, sys.stdout)
    except KeyboardInterrupt:
        sys.stderr.write("cpx: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``cpx transcript | head``): not an error worth a message.
        _silence_stdout()
        return EXIT_OK
    except Exception as error:
        code, message = describe_failure(error)
        if getattr(args, "debug", False):
            from boto3_connectparticipant_ext.redact import redact_text

            sys.stderr.write(redact_text(traceback.format_exc()))
        sys.stderr.write(f"cpx {args.command}: {message}\n")
        return code


def _silence_stdout() -> None:
    import os

    # Python flushes stdout at exit and would report the broken pipe again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
