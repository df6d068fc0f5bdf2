"""``make loadtest-demo``: the example locustfile against emulators, a master and two workers.

Starts ``--emulators`` emulator processes (each serving the support-flow bot; the workers
are shared out over them so the emulator is not the bottleneck), a headless Locust master
and two workers for a bounded run, prints Locust's statistics and writes its HTML report.
Everything listens on 127.0.0.1 and is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOW_ID = "11111111-2222-4333-8444-555555555555"


def start_emulator(
    bot: Path = ROOT / "examples" / "support-flow.yaml",
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """An emulator process serving ``bot``, and what it printed (endpoint_url=, instance_id=...)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "boto3_connectparticipant_ext", "emulator", "--port", "0",
         "--bot", str(bot)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    info: dict[str, str] = {}
    while "contact_flow_id" not in info:
        line = process.stdout.readline()
        if not line:
            raise SystemExit("the emulator did not start")
        key, _, value = line.strip().partition("=")
        info[key] = value
    return process, info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10.0)
    parser.add_argument("--run-time", default="20s")
    parser.add_argument("--emulators", type=int, default=2)
    parser.add_argument("--html", default="loadtest-report.html")
    args = parser.parse_args(argv)
    processes: list[subprocess.Popen[str]] = []
    try:
        infos = []
        for _ in range(max(1, args.emulators)):
            process, info = start_emulator()
            processes.append(process)
            infos.append(info)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        common = [
            "-f", str(ROOT / "examples" / "locustfile.py"),
            "--chat-endpoint-url", ",".join(info["endpoint_url"] for info in infos),
            "--chat-region", infos[0]["region"],
            "--connect-instance-id", infos[0]["instance_id"],
            "--connect-flow-id", FLOW_ID,
            # The emulator has no quota: pace starts faster than a real instance allows.
            "--chat-start-rate", "25", "--chat-start-burst", "10",
        ]  # fmt: skip
        env = {**os.environ, "AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo"}
        locust = [sys.executable, "-m", "locust"]
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [
                        *locust,
                        *common,
                        "--worker",
                        "--master-host",
                        "127.0.0.1",
                        "--master-port",
                        str(port),
                    ],
                    env=env,
                    text=True,
                )
            )
        master = subprocess.run(
            [*locust, *common, "--headless", "--master", "--master-bind-host", "127.0.0.1",
             "--master-bind-port", str(port), "--expect-workers", "2", "-u", str(args.users),
             "-r", str(args.spawn_rate), "-t", args.run_time, "--html", args.html,
             "--only-summary"],
            env=env, check=False,
        )  # fmt: skip
        print(f"HTML report: {args.html}")
        return master.returncode
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
