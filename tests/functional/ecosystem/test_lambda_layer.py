"""The Lambda layer from ``scripts/build_layer.py`` runs ``examples/lambda_handler.py``.

The layer zip is unpacked into an empty directory (Lambda's /opt), the example handler is copied
alone into another (Lambda's /var/task), and a ``python -I`` interpreter plays the runtime, with
credentials in the environment as Lambda has them. Three activation routes are exercised:

* ``install()`` in the handler module, slim layer, the runtime's old boto3 1.34;
* ``AWS_DATA_PATH`` into the layer, slim layer, old boto3 1.34 (our package is never imported);
* ``BOTOCORE_EXPERIMENTAL__PLUGINS``, full layer (its own boto3/botocore), no boto3 in the runtime.

Every request that reached the emulator is checked for SigV4 headers and for the credentials.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, TypedDict

import pytest

from ._venvs import REPO_ROOT, ensure_venv, find_python, venv_python

pytestmark = pytest.mark.slow

LAMBDA_PYTHON = "3.11"
OLD_RUNTIME_BOTO3 = "boto3==1.34.34"
RUNTIME = Path(__file__).with_name("_lambda_runtime.py")
HANDLER = REPO_ROOT / "examples" / "lambda_handler.py"
SIGV4_HEADERS = ("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256")
LAMBDA_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "ASIALAMBDAEXAMPLEKEY",
    "AWS_SECRET_ACCESS_KEY": "lambda/secret/EXAMPLEKEYwJalrXUtnFEMIK7MDENG",
    "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEXAMPLELAMBDASESSIONTOKEN",
}


def _build_layer(output: Path, *extra: str) -> Path:
    completed = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts" / "build_layer.py"),
            "--python-version",
            LAMBDA_PYTHON,
            "--output",
            str(output),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    return output


@pytest.fixture(scope="module")
def layers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("layers")
    return {
        "slim": _build_layer(folder / "slim.zip", "--without-aws-sdk"),
        "full": _build_layer(folder / "full.zip"),
    }


def test_layer_layout(layers: dict[str, Path]) -> None:
    for flavour, path in layers.items():
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        assert all(name.startswith("python/") for name in names)
        assert (
            "python/boto3_connectparticipant_ext/data/connectparticipant/2018-09-07/service-2.json"
            in names
        )
        assert any(name.startswith("python/wrapt/") for name in names)
        has_botocore = any(name.startswith("python/botocore/") for name in names)
        assert has_botocore == (flavour == "full")
        assert not any("__pycache__" in name or name.startswith("python/bin/") for name in names)


def _unpack(layer: Path, opt: Path) -> Path:
    opt.mkdir()
    assert list(opt.iterdir()) == []
    with zipfile.ZipFile(layer) as archive:
        archive.extractall(opt)
    return opt


def _sns_event(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Records": [
            {"EventSource": "aws:sns", "Sns": {"Message": json.dumps(item)}} for item in items
        ]
    }


class Route(TypedDict):
    layer: str  # the key of the ``layers`` fixture: "slim" or "full"
    runtime: list[str]  # requirements of the runtime's own venv
    env: dict[str, str]  # extra environment; ``{opt}`` is the unpacked layer


ROUTES: dict[str, Route] = {
    "install-in-code": {"layer": "slim", "runtime": [OLD_RUNTIME_BOTO3], "env": {}},
    "aws-data-path": {
        "layer": "slim",
        "runtime": [OLD_RUNTIME_BOTO3],
        "env": {
            "CPX_ACTIVATION": "environment",
            "AWS_DATA_PATH": "{opt}/python/boto3_connectparticipant_ext/data",
        },
    },
    "botocore-plugins-variable": {
        "layer": "full",
        "runtime": [],
        "env": {
            "CPX_ACTIVATION": "environment",
            "BOTOCORE_EXPERIMENTAL__PLUGINS": "connectparticipant=boto3_connectparticipant_ext",
        },
    },
}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_example_handler_answers_from_the_layer(
    route: str, layers: dict[str, Path], emulator: Any, tmp_path: Path
) -> None:
    setup = ROUTES[route]
    runtime = ensure_venv(requirements=setup["runtime"], python=find_python(LAMBDA_PYTHON))
    opt = _unpack(layers[setup["layer"]], tmp_path / "opt")
    task = tmp_path / "task"
    task.mkdir()
    shutil.copy(HANDLER, task / "lambda_handler.py")

    chat = emulator.start_chat(display_name="Customer")
    contact_id = chat["ContactId"]
    bot = emulator.add_participant(contact_id, role="CUSTOM_BOT", display_name="Helper")
    emulator.send_message(contact_id, chat["ParticipantId"], "What are your opening hours?")
    items = emulator.transcript(contact_id)
    emulator.send_message(contact_id, chat["ParticipantId"], "thanks")
    second = [item for item in emulator.transcript(contact_id) if item.get("Content") == "thanks"]
    events_file = tmp_path / "events.json"
    events_file.write_text(json.dumps([_sns_event(items), _sns_event(second)]))

    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": "chat-bot",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_python{LAMBDA_PYTHON}",
        "LAMBDA_TASK_ROOT": str(task),
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "PARTICIPANT_ENDPOINT_URL": emulator.endpoint_url,
        "BOT_PARTICIPANT_TOKENS": json.dumps({contact_id: bot["ParticipantToken"]}),
        **LAMBDA_CREDENTIALS,
        **{name: value.format(opt=opt) for name, value in setup["env"].items()},
    }
    completed = subprocess.run(
        [str(venv_python(runtime)), "-I", str(RUNTIME), str(task), str(opt), str(events_file)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.splitlines()[-1])

    assert report["isolated"] is True
    assert report["results"][0] == {"answered": 1, "skipped": len(items) - 1}
    assert report["results"][1] == {"answered": 1, "skipped": 0}
    if setup["layer"] == "slim":
        assert report["boto3"] == OLD_RUNTIME_BOTO3.split("==")[1]
        assert str(opt) not in report["botocore_location"]
    else:
        assert report["botocore_location"].startswith(str(opt))
    # The old botocore lacks GetAuthenticationUrl (1.35.84): it is there, so our model is active.
    assert "GetAuthenticationUrl" in report["operations"]
    assert report["package_imported"] is (route != "aws-data-path")

    replies = [
        item
        for item in emulator.transcript(contact_id)
        if item.get("ParticipantRole") == "CUSTOM_BOT" and item.get("Type") == "MESSAGE"
    ]
    assert [reply["Content"] for reply in replies] == [
        "We are open Monday to Friday, 9:00 to 17:00.",
        'Thanks for your message: "thanks". An agent will follow up shortly.',
    ]
    calls = [r for r in emulator.requests if r.path.startswith("/participant/")]
    # The warm second invocation reused the connection.
    assert [r.operation for r in calls].count("CreateParticipantConnection") == 1
    for request in calls:
        headers = {name.lower(): value for name, value in request.headers.items()}
        assert not set(headers).intersection(SIGV4_HEADERS), (route, request)
        for secret in LAMBDA_CREDENTIALS.values():
            assert all(secret not in value for value in headers.values())
