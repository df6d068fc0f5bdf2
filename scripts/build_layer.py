"""Build an AWS Lambda layer zip: ``python/`` holding the package and its core dependencies.

The layer is what ``pip install boto3-connectparticipant-ext`` would put in site-packages, built
from this work tree's wheel for the Lambda platform (manylinux, CPython, x86_64 or arm64), so
wrapt's compiled extension matches the runtime. Inside Lambda it is unpacked at ``/opt``; the
model is then at ``/opt/python/boto3_connectparticipant_ext/data`` (for ``AWS_DATA_PATH``).

``--without-aws-sdk`` leaves boto3, botocore and their dependencies out and uses the runtime's
(about 1 MB instead of about 25 MB zipped); the package supports botocore >= 1.29, which every
current Lambda Python runtime bundles. The zip is reproducible: sorted entries, fixed timestamps.

Examples
--------
::

    python scripts/build_layer.py                          # dist/...-layer-py3.12-x86_64.zip
    python scripts/build_layer.py --python-version 3.11 --arch arm64 --without-aws-sdk
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "boto3_connectparticipant_ext"
AWS_SDK_DISTRIBUTIONS = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
)
PLATFORMS = {"x86_64": "x86_64-manylinux2014", "arm64": "aarch64-manylinux2014"}
PIP_PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
# Zip timestamps before 1980 are invalid; a fixed date makes the zip reproducible.
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
# Not needed in Lambda: caches, console scripts (bin/), the installer's lock, and install records
# naming the build machine's paths (they would also make the zip differ from build to build).
_SKIPPED_PARTS = frozenset({"__pycache__", "bin"})
_SKIPPED_NAMES = frozenset({".lock", "direct_url.json", "uv_cache.json"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")


class LayerBuildError(Exception):
    """A step of the build failed; the message says which and why."""


def _find_uv() -> str | None:
    beside = Path(sys.executable).with_name("uv")
    return str(beside) if beside.exists() else shutil.which("uv")


def _run(command: Sequence[str]) -> None:
    completed = subprocess.run(list(command), capture_output=True, text=True)
    if completed.returncode != 0:
        raise LayerBuildError(
            f"{' '.join(command[:3])} ... failed:\n{completed.stdout}{completed.stderr}"
        )


def build_wheel(out_dir: Path, uv: str | None) -> Path:
    """Build this work tree's wheel into ``out_dir`` and return its path."""
    if uv is not None:
        _run([uv, "build", "--wheel", "--quiet", "--out-dir", str(out_dir), str(REPO_ROOT)])
    else:
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "-q",
                "-w",
                str(out_dir),
                str(REPO_ROOT),
            ]
        )
    wheels = sorted(out_dir.glob(f"{PACKAGE}-*.whl"))
    if len(wheels) != 1:
        raise LayerBuildError(f"expected one wheel in {out_dir}, found {len(wheels)}")
    return wheels[0]


def install_for_lambda(
    wheel: Path,
    target: Path,
    *,
    python_version: str,
    arch: str,
    without_aws_sdk: bool,
    uv: str | None,
) -> None:
    """Install ``wheel`` and its dependencies into ``target`` for the Lambda platform."""
    requirements = [str(wheel)]
    if uv is not None:
        command = [
            uv, "pip", "install", "--quiet", "--target", str(target),
            "--python-version", python_version, "--python-platform", PLATFORMS[arch],
            "--only-binary", ":all:",
        ]  # fmt: skip
        if without_aws_sdk:
            command.append("--no-deps")
            requirements.append("wrapt>=1.14")
        _run([*command, *requirements])
        return
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target),
        "--python-version", python_version, "--platform", PIP_PLATFORMS[arch],
        "--implementation", "cp", "--only-binary", ":all:",
    ]  # fmt: skip
    if without_aws_sdk:
        command.append("--no-deps")
        requirements.append("wrapt>=1.14")
    _run([*command, *requirements])


def _layer_files(root: Path) -> list[Path]:
    files = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if relative.parts[0] in _SKIPPED_PARTS or path.name in _SKIPPED_NAMES:
            continue
        if "__pycache__" in relative.parts:
            continue
        if path.is_file() and not path.name.endswith(_SKIPPED_SUFFIXES):
            files.append(path)
    return sorted(files, key=lambda path: path.relative_to(root).as_posix())


def _without_skipped_entries(record: bytes) -> bytes:
    """Drop the RECORD lines of files the layer leaves out."""
    kept = []
    for line in record.decode("utf-8").splitlines():
        path = line.split(",", 1)[0]
        parts = path.split("/")
        if parts[0].lstrip("./") in _SKIPPED_PARTS or parts[-1] in _SKIPPED_NAMES:
            continue
        kept.append(line)
    return ("\n".join(kept) + "\n").encode("utf-8")


def write_zip(site_packages: Path, output: Path) -> int:
    """Zip ``site_packages`` as ``python/...`` into ``output`` (atomically); return the count."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    files = _layer_files(site_packages)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                name = "python/" + path.relative_to(site_packages).as_posix()
                info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                mode = 0o755 if os.access(path, os.X_OK) else 0o644
                info.external_attr = (0o100000 | mode) << 16
                data = path.read_bytes()
                if path.name == "RECORD" and path.parent.name.endswith(".dist-info"):
                    data = _without_skipped_entries(data)
                archive.writestr(info, data)
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return len(files)


def _check_layer(site_packages: Path, *, without_aws_sdk: bool) -> None:
    model = site_packages / PACKAGE / "data" / "connectparticipant" / "2018-09-07"
    if not (model / "service-2.json").is_file():
        raise LayerBuildError(f"the model is missing from the layer (looked in {model})")
    present = {path.name.split("-")[0].lower() for path in site_packages.glob("*.dist-info")}
    sdk_present = {"boto3", "botocore"} & present
    if without_aws_sdk and sdk_present:
        raise LayerBuildError(f"--without-aws-sdk, yet the layer holds {sorted(sdk_present)}")
    if not without_aws_sdk and sdk_present != {"boto3", "botocore"}:
        raise LayerBuildError("the layer lacks boto3 or botocore")
    if "wrapt" not in present:
        raise LayerBuildError("the layer lacks wrapt")


def build_layer(
    *, output: Path, python_version: str, arch: str, without_aws_sdk: bool
) -> tuple[Path, int]:
    """Build the layer zip at ``output``; return ``(output, number of files)``."""
    uv = _find_uv()
    with tempfile.TemporaryDirectory(prefix="cpx-layer-") as scratch:
        scratch_path = Path(scratch)
        wheel = build_wheel(scratch_path / "wheel", uv)
        site_packages = scratch_path / "python"
        install_for_lambda(
            wheel,
            site_packages,
            python_version=python_version,
            arch=arch,
            without_aws_sdk=without_aws_sdk,
            uv=uv,
        )
        _check_layer(site_packages, without_aws_sdk=without_aws_sdk)
        count = write_zip(site_packages, output)
    return output, count


def _default_output(python_version: str, arch: str, without_aws_sdk: bool) -> Path:
    found = re.search(
        r'^__version__ = "([^"]+)"', (REPO_ROOT / PACKAGE / "_version.py").read_text(), re.M
    )
    version = found.group(1) if found else "0"
    flavour = "-slim" if without_aws_sdk else ""
    name = f"boto3-connectparticipant-ext-{version}-layer{flavour}-py{python_version}-{arch}.zip"
    return REPO_ROOT / "dist" / name


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, build the layer, print where it is."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--python-version",
        default="3.12",
        help="the Lambda runtime's Python, e.g. 3.9 ... 3.13 (default 3.12)",
    )
    parser.add_argument("--arch", choices=sorted(PLATFORMS), default="x86_64")
    parser.add_argument(
        "--without-aws-sdk",
        action="store_true",
        help="leave boto3/botocore out and use the Lambda runtime's",
    )
    parser.add_argument("--output", type=Path, help="the zip to write (default: under dist/)")
    args = parser.parse_args(argv)
    output = args.output or _default_output(args.python_version, args.arch, args.without_aws_sdk)
    try:
        path, count = build_layer(
            output=output,
            python_version=args.python_version,
            arch=args.arch,
            without_aws_sdk=args.without_aws_sdk,
        )
    except LayerBuildError as error:
        print(f"build_layer: {error}", file=sys.stderr)
        return 1
    size = path.stat().st_size
    print(f"{path} ({count} files, {size / 1024 / 1024:.1f} MiB)")
    print("model for AWS_DATA_PATH: /opt/python/boto3_connectparticipant_ext/data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
