"""Frozen dataclass instances built without the per-field ``object.__setattr__``."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from boto3_connectparticipant_ext.chat import events as ev
from boto3_connectparticipant_ext.chat._frozen import blank, check


def build(cls: type[Any], fields: dict[str, Any]) -> Any:
    instance = blank(cls)
    vars(instance).update(fields)
    check(instance)
    return instance


def _sample_value(field: dataclasses.Field[Any]) -> object:
    if field.name == "raw":
        return {"Id": "i-9"}
    if field.name in ("chunks", "receipts", "attachments"):
        return ()
    if field.name in ("complete", "while_offline"):
        return not field.default
    if field.name in ("attempts", "gap_filled"):
        return 3
    if field.name == "expires_at":
        return 12.5
    return f"{field.name}-value"


@pytest.mark.parametrize("cls", sorted(set(ev.event_kinds().values()), key=repr))
def test_the_fast_builder_makes_the_same_event_as_the_constructor(cls: type[Any]) -> None:
    values = {field.name: _sample_value(field) for field in dataclasses.fields(cls)}
    built, made = build(cls, dict(values)), cls(**values)
    assert type(built) is cls
    assert built == made and repr(built) == repr(made) and hash(built) == hash(made)
    assert vars(built) == vars(made)
    assert vars(build(cls, {})) == vars(cls())
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.raw = None


def test_the_fast_builder_refuses_unknown_fields() -> None:
    with pytest.raises(TypeError, match="no field"):
        build(ev.MessageEvent, {"contents": "typo"})


def test_classes_the_builder_cannot_build_like_their_constructor_are_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class Checked:
        value: int = 0

        def __post_init__(self) -> None:
            raise ValueError("checked")

    @dataclasses.dataclass(frozen=True)
    class Required:
        value: int

    @dataclasses.dataclass(frozen=True)
    class Listed:
        values: list[int] = dataclasses.field(default_factory=list)

    for cls in (Checked, Required, Listed, dict):
        with pytest.raises(TypeError):
            build(cls, {})
