"""The ``cpx`` command (minimal first version: ``demo``, ``emulator``, ``data-path``).

Every subcommand imports what it needs lazily so ``cpx data-path`` stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

EXIT_OK = 0
EXIT_USAGE = 2


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cpx", description="Amazon Connect Participant Service tools."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    demo = commands.add_parser("demo", help="play a chat against the built-in emulator")
    demo.add_argument("demo_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)

    emulator = commands.add_parser("emulator", help="run the local emulator until interrupted")
    emulator.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    emulator.add_argument(
        "--port", type=int, default=0, help="port to bind (default: any free port)"
    )

    commands.add_parser("data-path", help="print the directory to put in AWS_DATA_PATH")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cpx`` command and return its exit code.

    Examples
    --------
    >>> main(["data-path"])  # doctest: +SKIP
    /.../boto3_connectparticipant_ext/data
    0
    """
    args = _build_parser().parse_args(argv)
    if args.command == "demo":
        from boto3_connectparticipant_ext import demo

        return int(demo.main(list(args.demo_args)))
    if args.command == "emulator":
        from boto3_connectparticipant_ext import emulator

        emulator.run_foreground(host=args.host, port=args.port)
        return EXIT_OK
    if args.command == "data-path":
        from boto3_connectparticipant_ext import model

        print(model.data_path())
        return EXIT_OK
    return EXIT_USAGE
