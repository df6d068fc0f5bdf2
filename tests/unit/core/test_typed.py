"""typed.as_extended(): only installed connectparticipant clients pass, with clear errors."""

from __future__ import annotations

import boto3
import pytest

import boto3_connectparticipant_ext as cpx
from boto3_connectparticipant_ext.typed import NotAnExtendedClientError, as_extended


def test_other_objects_and_services_are_refused_by_type_only() -> None:
    with pytest.raises(NotAnExtendedClientError, match="got str"):
        as_extended("not-a-client-SECRET")
    with pytest.raises(NotAnExtendedClientError, match="got a sts client"):
        as_extended(boto3.client("sts", region_name="us-east-1"))


def test_a_client_built_before_install_lacks_the_helpers() -> None:
    client = boto3.client("connectparticipant", region_name="us-east-1")
    with pytest.raises(NotAnExtendedClientError, match="iter_transcript"):
        as_extended(client)


def test_an_installed_client_passes_unchanged() -> None:
    cpx.install()
    client = boto3.client("connectparticipant", region_name="us-east-1")
    assert as_extended(client) is client
