"""``cpx doctor``: what this environment does with connectparticipant, and why.

Every answer comes from a real probe in this process (a session is built, a client is created),
not from reading version numbers: which model file botocore loads with and without the plugin,
whether a client looks up AWS credentials, which activation routes the environment configures,
and which operations a client offers. No network call is made and no secret is printed.
"""

from __future__ import annotations

import configparser
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any, Callable, TextIO

_PROBE_ENDPOINT = "http://127.0.0.1:9"  # never contacted: creating a client makes no request
_PLUGIN_ENTRY = "connectparticipant=boto3_connectparticipant_ext"
_AWSCLI_MODULE = "boto3_connectparticipant_ext.awscli"
_CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def collect() -> dict[str, Any]:
    """Probe the environment and return the report as plain data (see :func:`render_text`).

    Examples
    --------
    >>> report = collect()  # doctest: +SKIP
    >>> report["credentials"]["with_plugin"]["looks_up_credentials"]  # doctest: +SKIP
    False
    """
    import boto3
    import botocore

    import boto3_connectparticipant_ext as package
    from boto3_connectparticipant_ext import model

    was_installed = package.is_installed()
    package.uninstall()
    try:
        stock = _probe_client()
        plugin_route_worked = package.is_installed()
        package.uninstall()
        package.install()
        ours = _probe_client()
    finally:
        package.uninstall()
        if was_installed:
            package.install()

    return {
        "versions": {
            "python": platform.python_version(),
            "python_executable": sys.executable,
            "botocore": botocore.__version__,
            "botocore_location": str(Path(botocore.__file__).parent),
            "boto3": boto3.__version__,
            "boto3_connectparticipant_ext": package.__version__,
            "package_location": str(Path(package.__file__).parent),
        },
        "model": _model_report(stock, ours, model),
        "activation": _activation_report(plugin_route_worked=plugin_route_worked),
        "credentials": {
            "in_environment": [name for name in _CREDENTIAL_VARIABLES if os.environ.get(name)],
            "stock": {"looks_up_credentials": stock["credential_lookups"] > 0},
            "with_plugin": {"looks_up_credentials": ours["credential_lookups"] > 0},
        },
        "operations": {
            "with_plugin": ours["operations"],
            "stock": stock["operations"],
            "only_with_plugin": sorted(set(ours["operations"]) - set(stock["operations"])),
            "get_transcript_paginator": {
                "stock": stock["can_paginate"],
                "with_plugin": ours["can_paginate"],
            },
        },
    }


def _probe_client() -> dict[str, Any]:
    """Create a connectparticipant client in a fresh session and observe what happened."""
    import botocore.session

    session = botocore.session.Session()
    lookups = 0
    real_get_credentials: Callable[[], Any] = session.get_credentials

    def counting_get_credentials() -> Any:
        nonlocal lookups
        lookups += 1
        # Report the lookup without doing it: the real chain may probe instance metadata.
        return None

    session.get_credentials = counting_get_credentials
    try:
        client = session.create_client(
            "connectparticipant", region_name="us-east-1", endpoint_url=_PROBE_ENDPOINT
        )
    finally:
        session.get_credentials = real_get_credentials
    loader = session.get_component("data_loader")
    return {
        "credential_lookups": lookups,
        "operations": sorted(client.meta.service_model.operation_names),
        "can_paginate": bool(client.can_paginate("get_transcript")),
        "search_paths": list(loader.search_paths),
    }


def _model_report(stock: dict[str, Any], ours: dict[str, Any], model: Any) -> dict[str, Any]:
    our_paths = {model.data_path(), model.paginators_only_path()}
    stock_file = model.find_model_file(stock["search_paths"])
    plugin_file = model.find_model_file(ours["search_paths"])
    bundled_paths = [path for path in stock["search_paths"] if path not in our_paths]
    bundled_newer = model.other_model_is_newer(bundled_paths)
    if bundled_newer:
        reason = (
            "the model botocore finds has features ours lacks, so it is kept (never a downgrade) "
            "and only our GetTranscript paginator is added"
        )
    else:
        reason = "the model botocore would load has nothing ours lacks, so ours is used"
    return {
        "stock_file": str(stock_file) if stock_file else None,
        "stock_source": _describe_source(stock_file, model),
        "with_plugin_file": str(plugin_file) if plugin_file else None,
        "with_plugin_source": _describe_source(plugin_file, model),
        "why": reason,
        "ours_built_from": _provenance(model),
    }


def _describe_source(path: Path | None, model: Any) -> str:
    if path is None:
        return "none found"
    resolved = str(path.resolve())
    if resolved.startswith(str(Path(model.data_path()).resolve())):
        return "ours (boto3-connectparticipant-ext)"
    import botocore

    if resolved.startswith(str(Path(botocore.__file__).resolve().parent)):
        return f"bundled with botocore {botocore.__version__}"
    return "found on AWS_DATA_PATH or ~/.aws/models"


def _provenance(model: Any) -> str | None:
    provenance = Path(model.data_path()) / "PROVENANCE.json"
    try:
        data = json.loads(provenance.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = data.get("botocore_version")
    return f"botocore {version}" if version else None


def _activation_report(*, plugin_route_worked: bool) -> dict[str, Any]:
    from boto3_connectparticipant_ext import model

    plugins_variable = os.environ.get("BOTOCORE_EXPERIMENTAL__PLUGINS", "")
    data_path_variable = os.environ.get("AWS_DATA_PATH", "")
    data_paths = [entry for entry in data_path_variable.split(os.pathsep) if entry]
    ours = Path(model.data_path()).resolve()
    return {
        "botocore_plugins_variable": {
            "configured": _PLUGIN_ENTRY in plugins_variable.replace(" ", ""),
            "works": plugin_route_worked,
        },
        "aws_data_path": {
            "configured": any(Path(entry).resolve() == ours for entry in data_paths),
        },
        "awscli_plugin": {"configured": _awscli_plugin_configured()},
    }


def _awscli_plugin_configured() -> bool:
    path = Path(os.environ.get("AWS_CONFIG_FILE") or Path.home() / ".aws" / "config")
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return False
    return parser.has_section("plugins") and _AWSCLI_MODULE in dict(parser["plugins"]).values()


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _plugins_variable_text(route: dict[str, bool]) -> str:
    if route["works"]:
        return "yes, and it activates the plugin when a client is created"
    if route["configured"]:
        return "set, but it did not activate the plugin (needs botocore >= 1.39.9)"
    return "no"


def render_text(report: dict[str, Any], stream: TextIO) -> None:
    """Write ``report`` as readable text."""
    versions = report["versions"]
    model = report["model"]
    activation = report["activation"]
    credentials = report["credentials"]
    operations = report["operations"]
    paginator = operations["get_transcript_paginator"]
    plugins_variable = activation["botocore_plugins_variable"]
    sections: list[tuple[str, list[tuple[str, str]]]] = [
        (
            "versions",
            [
                ("python", f"{versions['python']} ({versions['python_executable']})"),
                ("botocore", f"{versions['botocore']} ({versions['botocore_location']})"),
                ("boto3", versions["boto3"]),
                (
                    "boto3-connectparticipant-ext",
                    f"{versions['boto3_connectparticipant_ext']} ({versions['package_location']})",
                ),
            ],
        ),
        (
            "model",
            [
                ("stock botocore loads", f"{model['stock_source']}: {model['stock_file']}"),
                ("with the plugin", f"{model['with_plugin_source']}: {model['with_plugin_file']}"),
                ("why", model["why"]),
                ("ours was built from", model["ours_built_from"] or "unknown"),
            ],
        ),
        (
            "activation routes in this environment",
            [
                ("install() in code", "not visible from here (cpx itself uses it)"),
                ("BOTOCORE_EXPERIMENTAL__PLUGINS", _plugins_variable_text(plugins_variable)),
                ("AWS_DATA_PATH has our model", _yes_no(activation["aws_data_path"]["configured"])),
                (
                    "AWS CLI v1 plugin configured",
                    _yes_no(activation["awscli_plugin"]["configured"]),
                ),
            ],
        ),
        (
            "credentials",
            [
                (
                    "stock client looks them up",
                    _yes_no(credentials["stock"]["looks_up_credentials"]),
                ),
                (
                    "plugin client looks them up",
                    _yes_no(credentials["with_plugin"]["looks_up_credentials"]),
                ),
                (
                    "AWS credentials in environment",
                    (", ".join(credentials["in_environment"]) or "none")
                    + " (never sent by connectparticipant calls while the plugin is active)",
                ),
            ],
        ),
        (
            "operations",
            [
                (
                    f"with the plugin ({len(operations['with_plugin'])})",
                    ", ".join(operations["with_plugin"]),
                ),
                (
                    "missing from stock botocore",
                    ", ".join(operations["only_with_plugin"]) or "none",
                ),
                (
                    "GetTranscript paginator",
                    f"stock: {_yes_no(paginator['stock'])}, "
                    f"with the plugin: {_yes_no(paginator['with_plugin'])}",
                ),
            ],
        ),
    ]
    width = max(len(label) for _, rows in sections for label, _ in rows) + 2
    for heading, rows in sections:
        stream.write(heading + "\n")
        for label, value in rows:
            stream.write(f"  {label.ljust(width)}{value}\n")
