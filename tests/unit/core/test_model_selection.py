"""model.other_model_is_newer(): operations, members and enum values all count."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from botocore import UNSIGNED
from botocore.config import Config

from boto3_connectparticipant_ext.auth import force_unsigned
from boto3_connectparticipant_ext.model import (
    API_VERSION,
    SERVICE_NAME,
    data_path,
    missing_from_ours,
    other_model_is_newer,
)

OURS = json.loads((Path(data_path()) / SERVICE_NAME / API_VERSION / "service-2.json").read_text())


def _place(root: Path, model: dict[str, Any]) -> list[str]:
    folder = root / SERVICE_NAME / API_VERSION
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    return [str(root)]


def test_same_model_is_not_newer(tmp_path: Path) -> None:
    assert not other_model_is_newer(_place(tmp_path, OURS))


def test_no_model_is_not_newer(tmp_path: Path) -> None:
    assert not other_model_is_newer([str(tmp_path)])


def test_extra_member_is_newer(tmp_path: Path) -> None:
    model = json.loads(json.dumps(OURS))
    model["shapes"]["SendMessageRequest"]["members"]["Future"] = {"shape": "Message"}
    assert other_model_is_newer(_place(tmp_path, model))
    assert missing_from_ours([str(tmp_path)]) == ["member:SendMessageRequest.Future"]


def test_extra_enum_value_is_newer(tmp_path: Path) -> None:
    model = json.loads(json.dumps(OURS))
    model["shapes"]["ParticipantRole"]["enum"].append("ROBOT")
    assert other_model_is_newer(_place(tmp_path, model))


def test_older_model_is_not_newer(tmp_path: Path) -> None:
    model = json.loads(json.dumps(OURS))
    del model["operations"]["DescribeView"]
    assert not other_model_is_newer(_place(tmp_path, model))


def test_force_unsigned_keeps_the_rest_of_the_config() -> None:
    config = force_unsigned(Config(signature_version="v4", connect_timeout=3, region_name="eu"))
    assert config.signature_version is UNSIGNED
    assert config.connect_timeout == 3 and config.region_name == "eu"
    assert force_unsigned(None).signature_version is UNSIGNED
