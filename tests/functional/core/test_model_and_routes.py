"""Which model wins, the zero-code activation routes, and import without side effects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import boto3
import botocore
import pytest

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.model import API_VERSION, SERVICE_NAME, data_path

from .conftest import CONNECTION_TOKEN, RecordingServer

OUR_MODEL = Path(data_path()) / SERVICE_NAME / API_VERSION / "service-2.json"
BOTOCORE_VERSION = tuple(int(part) for part in botocore.__version__.split(".")[:3])


def _write_model(root: Path, model: dict[str, Any]) -> Path:
    folder = root / SERVICE_NAME / API_VERSION
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    return root


def _newer_model() -> dict[str, Any]:
    """Our model plus an operation and an enum value, as a future botocore might bundle."""
    model: dict[str, Any] = json.loads(OUR_MODEL.read_text())
    for operation in model["operations"].values():
        operation.pop("authtype", None)
        operation.pop("auth", None)
    model["operations"]["FutureOperation"] = {
        "name": "FutureOperation",
        "http": {"method": "POST", "requestUri": "/participant/future"},
        "input": {"shape": "GetTranscriptRequest"},
        "output": {"shape": "GetTranscriptResponse"},
    }
    model["shapes"]["ChatItemType"]["enum"].append("FUTURE_ITEM")
    return model


def test_newer_bundled_model_wins_and_stays_unsigned(
    tmp_path: Path, recording_server: RecordingServer, credentials_in_env: dict[str, str]
) -> None:
    os.environ["AWS_DATA_PATH"] = str(_write_model(tmp_path, _newer_model()))
    cpx.install()
    client = boto3.client(
        "connectparticipant", region_name="us-east-1", endpoint_url=recording_server.url
    )
    client.future_operation(ConnectionToken=CONNECTION_TOKEN)
    headers = recording_server.last().headers
    assert recording_server.last().path == "/participant/future"
    assert "authorization" not in headers and headers["x-amz-bearer"] == CONNECTION_TOKEN
    assert client.can_paginate("get_transcript"), "our paginator must survive"


def test_older_model_on_the_data_path_loses_to_ours(
    tmp_path: Path, recording_server: RecordingServer
) -> None:
    older = json.loads(OUR_MODEL.read_text())
    del older["operations"]["DescribeView"]
    os.environ["AWS_DATA_PATH"] = str(_write_model(tmp_path, older))
    cpx.install()
    client = boto3.client(
        "connectparticipant", region_name="us-east-1", endpoint_url=recording_server.url
    )
    client.describe_view(ViewToken="v", ConnectionToken=CONNECTION_TOKEN)
    assert recording_server.last().path == "/participant/views/v"


def _run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_aws_data_path_alone_gives_new_operations_paginator_and_unsigned_calls(
    recording_server: RecordingServer,
) -> None:
    env = dict(os.environ, AWS_DATA_PATH=data_path())
    result = _run_python(
        f"""
        import sys, boto3
        client = boto3.client("connectparticipant", endpoint_url={recording_server.url!r})
        client.describe_view(ViewToken="v", ConnectionToken="t")
        assert client.can_paginate("get_transcript")
        assert "boto3_connectparticipant_ext" not in sys.modules
        print("ok")
        """,
        env,
    )
    assert result.returncode == 0, result.stderr
    assert "authorization" not in recording_server.last().headers


@pytest.mark.skipif(BOTOCORE_VERSION < (1, 39, 9), reason="client plugins need botocore 1.39.9")
def test_botocore_plugin_route_activates_without_code_change(
    recording_server: RecordingServer, credentials_in_env: dict[str, str]
) -> None:
    env = dict(
        os.environ, BOTOCORE_EXPERIMENTAL__PLUGINS="connectparticipant=boto3_connectparticipant_ext"
    )
    result = _run_python(
        f"""
        import boto3, boto3_connectparticipant_ext as cpx
        first = boto3.client("connectparticipant", endpoint_url={recording_server.url!r})
        first.get_transcript(ConnectionToken="first")
        assert cpx.is_installed()
        second = boto3.client("connectparticipant", endpoint_url={recording_server.url!r})
        second.get_transcript(ConnectionToken="second")
        assert second.can_paginate("get_transcript")
        print("ok")
        """,
        env,
    )
    assert result.returncode == 0, result.stderr
    assert [r.headers["x-amz-bearer"] for r in recording_server.requests] == ["first", "second"]
    assert all("authorization" not in r.headers for r in recording_server.requests)


def test_import_has_no_side_effects() -> None:
    result = _run_python(
        """
        import logging, sys, botocore.session
        before = (botocore.session.Session.__dict__["create_client"], logging.getLogRecordFactory())
        hooks = list(sys.meta_path)
        import boto3_connectparticipant_ext as cpx
        after = (botocore.session.Session.__dict__["create_client"], logging.getLogRecordFactory())
        assert before == after and list(sys.meta_path) == hooks and not cpx.is_installed()
        heavy = {"aiohttp", "websockets", "boto3_connectparticipant_ext.emulator"}
        assert not heavy & set(sys.modules), heavy & set(sys.modules)
        print("ok")
        """,
        dict(os.environ),
    )
    assert result.returncode == 0, result.stderr


def test_data_path_command_prints_the_directory() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "boto3_connectparticipant_ext", "data-path"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == data_path()
    assert (Path(result.stdout.strip()) / SERVICE_NAME / API_VERSION / "paginators-1.json").exists()


def test_shipped_model_is_unsigned_and_complete() -> None:
    model = json.loads(OUR_MODEL.read_text())
    assert len(model["operations"]) == 11
    for name, operation in model["operations"].items():
        assert operation["authtype"] == "none", name
        assert operation["auth"] == ["smithy.api#noAuth"], name
    paginators = json.loads((OUR_MODEL.parent / "paginators-1.json").read_text())
    assert paginators["pagination"]["GetTranscript"]["result_key"] == "Transcript"


def test_data_matches_what_the_build_script_produces(repo_root: Path) -> None:
    provenance = json.loads((repo_root / "data" / "PROVENANCE.json").read_text())
    if botocore.__version__ != provenance["botocore_version"]:
        pytest.skip(
            f"data/ was built from botocore {provenance['botocore_version']}; "
            f"this environment has {botocore.__version__} (the pinned dev environment checks it)"
        )
    sys.path.insert(0, str(repo_root / "scripts"))
    try:
        import build_model
    finally:
        sys.path.pop(0)
    rendered = build_model.render(build_model.bundled_model_path())
    assert build_model.differences(rendered, repo_root) == []


def test_uninstall_keeps_the_users_own_data_path_entry(recording_server: RecordingServer) -> None:
    # The AWS_DATA_PATH route and install() together: uninstall() reverts only install().
    os.environ["AWS_DATA_PATH"] = data_path()
    session = boto3.Session(region_name="us-east-1")
    cpx.install()
    assert session.client("connectparticipant").can_paginate("get_transcript")
    cpx.uninstall()
    client = session.client("connectparticipant", endpoint_url=recording_server.url)
    assert client.can_paginate("get_transcript")
    client.describe_view(ViewToken="v", ConnectionToken=CONNECTION_TOKEN)
    assert "authorization" not in recording_server.last().headers
