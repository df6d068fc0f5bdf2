"""The shared argument primitives: right type, finite, in range, and the caller's error class."""

from __future__ import annotations

import math
from typing import Any

import botocore.session
import pytest

from boto3_connectparticipant_ext._validation import (
    require_bool,
    require_client,
    require_finite_seconds,
    require_int_range,
    require_text,
)
from boto3_connectparticipant_ext.errors import WrongClientError


class Bad(ValueError):
    """The value error an area would pass."""


class BadType(TypeError):
    """The type error an area would pass."""


def test_text_type_error_empty_and_limit() -> None:
    assert require_text("ok", "x", error=Bad) == "ok"
    with pytest.raises(BadType, match="x must be a non-empty string, got bytes"):
        require_text(b"ok", "x", error=Bad, type_error=BadType)
    with pytest.raises(Bad, match="got NoneType"):  # no type_error: the value error serves
        require_text(None, "x", error=Bad)
    with pytest.raises(Bad, match=r"x must be a non-empty string$"):
        require_text("", "x", error=Bad, type_error=BadType)
    assert require_text("a" * 3, "x", error=Bad, limit=3) == "aaa"
    with pytest.raises(Bad, match="longer than 3"):
        require_text("a" * 4, "x", error=Bad, limit=3)


@pytest.mark.parametrize("value", [1, 0, "True", None])
def test_bool_refuses_truthy_stand_ins(value: Any) -> None:
    with pytest.raises(BadType, match="must be True or False"):
        require_bool(value, "flag", error=BadType)


def test_bool_accepts_bools() -> None:
    assert require_bool(False, "flag", error=BadType) is False


@pytest.mark.parametrize(
    ("value", "expected", "match"),
    [
        (True, BadType, "must be a number, got bool"),
        ("1", BadType, "got str"),
        (math.nan, Bad, "finite"),
        (math.inf, Bad, "finite"),
        (-math.inf, Bad, "finite"),
        (-0.5, Bad, ">= 0"),
        (86401, Bad, "at most 86400 seconds"),
    ],
)
def test_seconds_refusals(value: Any, expected: type[Exception], match: str) -> None:
    with pytest.raises(expected, match=match):
        require_finite_seconds(value, "t", error=Bad, type_error=BadType, high=86400)


def test_seconds_bounds_inclusive_or_not() -> None:
    assert require_finite_seconds(0, "t", error=Bad) == 0.0
    with pytest.raises(Bad, match="> 0"):
        require_finite_seconds(0, "t", error=Bad, inclusive=False)
    assert require_finite_seconds(86400, "t", error=Bad, high=86400) == 86400.0


@pytest.mark.parametrize(
    ("value", "expected", "match"),
    [
        (True, BadType, "must be an integer, got bool"),
        (1.0, BadType, "got float"),
        (-1, Bad, "from 0 to 10, got -1"),
        (11, Bad, "from 0 to 10, got 11"),
    ],
)
def test_int_range_refusals(value: Any, expected: type[Exception], match: str) -> None:
    with pytest.raises(expected, match=match):
        require_int_range(value, "n", error=Bad, type_error=BadType, low=0, high=10)


def test_int_range_open_ends() -> None:
    assert require_int_range(10**9, "n", error=Bad, low=0) == 10**9
    with pytest.raises(Bad, match="at least 1"):
        require_int_range(0, "n", error=Bad, low=1)
    with pytest.raises(Bad, match="at most 5"):
        require_int_range(6, "n", error=Bad, high=5)


class _Double:
    def get_transcript(self) -> None:
        """A test double with the one method a caller needs."""


def test_client_check() -> None:
    session = botocore.session.get_session()
    ours = session.create_client("connectparticipant", region_name="us-east-1")
    other = session.create_client("s3", region_name="us-east-1")
    require_client(ours)
    require_client(_Double(), needs=("get_transcript",))
    with pytest.raises(WrongClientError, match="got a s3 client"):
        require_client(other, needs=("get_transcript",))
    with pytest.raises(WrongClientError, match="got _Double"):  # no ``needs``: only real clients
        require_client(_Double())
    with pytest.raises(BadType, match=r"the client must be .* got NoneType"):
        require_client(None, role="the client", error=BadType)
