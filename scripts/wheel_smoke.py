"""Build the wheel, install it into a throwaway virtualenv, and prove it works from there.

Checks, each printed as it passes; the first failure exits non-zero:

1. the wheel holds the model (``service-2.json``, ``paginators-1.json``), the paginator-only
   overlay, ``py.typed`` and the ``cpx`` / pytest11 entry points, and no test or build debris;
2. installed into a fresh virtualenv, run from an empty directory in isolated mode (``-I``: the
   source tree is nowhere on ``sys.path``), the package and ``data_path()`` live in that
   virtualenv's site-packages;
3. with no AWS credentials anywhere, a connectparticipant client created after ``install()``
   calls DescribeView on the emulator, and the request carries the bearer and no signature.

Examples
--------
Run it the way ``make wheel-test`` does, or keep the virtualenv to poke at::

    python scripts/wheel_smoke.py
    python scripts/wheel_smoke.py --python /root/.pyenv/versions/3.9.18/bin/python3.9 --keep
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "boto3_connectparticipant_ext"
MODEL_DIR = f"{PACKAGE}/data/connectparticipant/2018-09-07"
REQUIRED_MEMBERS = (
    f"{MODEL_DIR}/service-2.json",
    f"{MODEL_DIR}/paginators-1.json",
    f"{PACKAGE}/_paginators/connectparticipant/2018-09-07/paginators-1.json",
    f"{PACKAGE}/py.typed",
    f"{PACKAGE}/__init__.py",
    f"{PACKAGE}/emulator/pytest_plugin.py",
)
FORBIDDEN_PARTS = ("tests", "__pycache__", ".nox", ".venv", "benchmarks")
FORBIDDEN_SUFFIXES = (".pyc", ".pyo")
ENTRY_POINTS = (
    "cpx = boto3_connectparticipant_ext.cli:main",
    "connect_chat_emulator = boto3_connectparticipant_ext.emulator.pytest_plugin",
)

# Runs inside the throwaway virtualenv; prints one JSON object for the checks below.
PROBE = r"""
import json, sysconfig
from pathlib import Path

import boto3
import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.emulator import Emulator, EmulatorConfig

report = {
    "package_dir": str(Path(cpx.__file__).resolve().parent),
    "site_packages": str(Path(sysconfig.get_paths()["purelib"]).resolve()),
    "data_path": str(Path(cpx.data_path()).resolve()),
    "credentials_found": boto3.Session().get_credentials() is not None,
}
with Emulator(config=EmulatorConfig()) as emulator:
    chat = emulator.start_chat(display_name="Wheel smoke")
    view = {"Id": "smoke", "Name": "wheel-smoke-view", "Version": 1,
            "Arn": "arn:aws:connect:us-east-1:111122223333:instance/smoke/view/smoke",
            "Content": {"InputSchema": "{}", "Template": "{}", "Actions": ["Submit"]}}
    emulator.register_view("smoke-view-token", view)
    cpx.install()
    client = boto3.client("connectparticipant", region_name=emulator.region,
                          endpoint_url=emulator.endpoint_url)
    connection = client.create_participant_connection(
        ParticipantToken=chat["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"])
    token = connection["ConnectionCredentials"]["ConnectionToken"]
    answer = client.describe_view(ViewToken="smoke-view-token", ConnectionToken=token)
    (request,) = [r for r in emulator.requests if r.operation == "DescribeView"]
    headers = {name.lower(): value for name, value in request.headers.items()}
    report.update(
        view_name=answer["View"]["Name"],
        describe_view_status=request.status,
        signing_headers=sorted(set(headers) & {"authorization", "x-amz-security-token",
                                               "x-amz-date"}),
        bearer_matches=headers.get("x-amz-bearer") == token,
    )
print(json.dumps(report))
"""


class SmokeFailure(Exception):
    """One check failed; the message says which and why."""


def _passed(message: str) -> None:
    print(f"ok   {message}", flush=True)


def _run(
    command: Sequence[str],
    *,
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        list(command), capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )
    if result.returncode != 0:
        raise SmokeFailure(
            f"`{' '.join(command)}` exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return result


def find_uv() -> str | None:
    """Return a uv binary: next to this interpreter, else on PATH."""
    beside = Path(sys.executable).with_name("uv")
    return str(beside) if beside.exists() else shutil.which("uv")


def build_wheel(out_dir: Path, uv: str | None) -> Path:
    """Build the wheel from the source tree into ``out_dir``; return its path."""
    if uv is not None:
        _run([uv, "build", "--wheel", "--out-dir", str(out_dir), str(REPO_ROOT)])
    else:
        _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out_dir), str(REPO_ROOT)])
    wheels = sorted(out_dir.glob("*.whl"))
    if len(wheels) != 1:
        raise SmokeFailure(f"expected one wheel in {out_dir}, found {[w.name for w in wheels]}")
    _passed(f"built {wheels[0].name}")
    return wheels[0]


def check_wheel_contents(wheel: Path) -> None:
    """The model, overlay, py.typed and entry points are in; tests and bytecode are not."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        missing = [member for member in REQUIRED_MEMBERS if member not in names]
        if missing:
            raise SmokeFailure(f"the wheel lacks {missing}")
        for member in (f"{MODEL_DIR}/service-2.json", f"{MODEL_DIR}/paginators-1.json"):
            try:
                json.loads(archive.read(member))
            except ValueError as error:
                raise SmokeFailure(f"{member} in the wheel is not valid JSON: {error}") from None
        debris = [
            name
            for name in names
            if name.endswith(FORBIDDEN_SUFFIXES) or set(name.split("/")) & set(FORBIDDEN_PARTS)
        ]
        if debris:
            raise SmokeFailure(f"the wheel carries files that do not belong: {debris[:10]}")
        (entry_points,) = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        declared = {
            line.replace(" ", "") for line in archive.read(entry_points).decode().split("\n")
        }
        absent = [entry for entry in ENTRY_POINTS if entry.replace(" ", "") not in declared]
        if absent:
            raise SmokeFailure(f"entry points missing from the wheel: {absent}")
    _passed("wheel holds the model, the paginator overlay, py.typed and the entry points")


def scrubbed_environment(scratch: Path) -> dict[str, str]:
    """No AWS credentials, config files, metadata endpoint or source tree reach the probe."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "BOTO_", "BOTOCORE_", "PYTHON", "VIRTUAL_ENV"))
    }
    empty = scratch / "empty-aws-file"
    empty.write_text("", encoding="utf-8")
    home = scratch / "home"
    home.mkdir(exist_ok=True)
    env.update(
        AWS_CONFIG_FILE=str(empty),
        AWS_SHARED_CREDENTIALS_FILE=str(empty),
        AWS_EC2_METADATA_DISABLED="true",
        HOME=str(home),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def install_into_fresh_venv(wheel: Path, venv: Path, python: str, uv: str | None) -> Path:
    """Create ``venv`` with ``python`` and install the wheel with its emulator extra."""
    requirement = f"{PACKAGE.replace('_', '-')}[emulator] @ {wheel.resolve().as_uri()}"
    if uv is not None:
        _run([uv, "venv", "--quiet", "--python", python, str(venv)])
        venv_python = venv / "bin" / "python"
        _run([uv, "pip", "install", "--quiet", "--python", str(venv_python), requirement])
    else:
        _run([python, "-m", "venv", str(venv)])
        venv_python = venv / "bin" / "python"
        _run([str(venv_python), "-m", "pip", "install", "--quiet", requirement])
    _passed(f"installed into a fresh virtualenv ({venv})")
    return venv_python


def probe_installed(venv_python: Path, scratch: Path) -> dict[str, object]:
    """Run :data:`PROBE` isolated from the source tree; return its report."""
    workdir = scratch / "empty-cwd"
    workdir.mkdir(exist_ok=True)
    result = _run(
        [str(venv_python), "-I", "-c", PROBE],
        cwd=str(workdir),
        env=scrubbed_environment(scratch),
        timeout=120,
    )
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def check_report(report: dict[str, object]) -> None:
    """Judge what the probe saw inside the virtualenv."""
    site_packages = Path(str(report["site_packages"]))
    package_dir = Path(str(report["package_dir"]))
    data_path = Path(str(report["data_path"]))
    if package_dir.parent != site_packages:
        raise SmokeFailure(f"the package was imported from {package_dir}, not {site_packages}")
    if package_dir == REPO_ROOT / PACKAGE:
        raise SmokeFailure(f"the package was imported from the source tree ({package_dir})")
    _passed(f"package imported from the virtualenv's site-packages ({site_packages})")
    if site_packages not in data_path.parents:
        raise SmokeFailure(f"data_path() is {data_path}, outside {site_packages}")
    _passed("data_path() points inside site-packages")
    if report["credentials_found"]:
        raise SmokeFailure("the probe environment has AWS credentials: the check proves nothing")
    if report["view_name"] != "wheel-smoke-view" or report["describe_view_status"] != 200:
        raise SmokeFailure(f"DescribeView did not succeed: {report}")
    if report["signing_headers"]:
        raise SmokeFailure(f"DescribeView was signed: {report['signing_headers']} on the wire")
    if not report["bearer_matches"]:
        raise SmokeFailure("DescribeView did not carry the ConnectionToken as X-Amz-Bearer")
    _passed("no credentials, install(): DescribeView on the emulator unsigned, bearer on the wire")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter for the throwaway virtualenv"
    )
    parser.add_argument("--keep", action="store_true", help="keep the build and venv directory")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="cpx-wheel-smoke-"))
    uv = find_uv()
    try:
        wheel = build_wheel(scratch / "dist", uv)
        check_wheel_contents(wheel)
        venv_python = install_into_fresh_venv(wheel, scratch / "venv", args.python, uv)
        check_report(probe_installed(venv_python, scratch))
    except (SmokeFailure, subprocess.TimeoutExpired) as failure:
        print(f"FAIL {failure}", file=sys.stderr, flush=True)
        return 1
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print("wheel smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
