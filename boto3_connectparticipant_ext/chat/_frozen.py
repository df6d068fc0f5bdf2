"""Make frozen dataclass instances without their per-field ``object.__setattr__``.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``;
for the thirteen fields of a chat message that is most of the cost of turning an
item into an event, paid for every item of a busy chat. :func:`blank` gives an
instance with every field at its default; its maker fills fields in through
``vars()`` and :func:`check` refuses a name that is not a field: the same object
the constructor makes. Only classes whose every field has a plain default and
that have no ``__post_init__`` are accepted (else ``TypeError``: use the
constructor).

Examples
--------
>>> import dataclasses
>>> @dataclasses.dataclass(frozen=True)
... class Point:
...     x: int = 0
...     y: int = 0
>>> point = blank(Point)
>>> vars(point)["y"] = 2
>>> check(point)
>>> point == Point(y=2)
True
>>> vars(point)["z"] = 1
>>> check(point)
Traceback (most recent call last):
...
TypeError: Point has no field ['z']
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

_DEFAULTS: dict[type[Any], dict[str, Any]] = {}


def blank(cls: type[T]) -> T:
    """A ``cls`` with every field at its default, for its maker to fill in through
    ``vars()`` (then :func:`check`) before anyone else sees it."""
    try:
        defaults = _DEFAULTS[cls]
    except KeyError:
        defaults = _DEFAULTS[cls] = _defaults(cls)
    instance = object.__new__(cls)
    vars(instance).update(defaults)
    return instance


def check(instance: Any) -> None:
    """``TypeError`` when a name that is not a field was set on a :func:`blank` instance."""
    values, defaults = vars(instance), _DEFAULTS[type(instance)]
    if len(values) != len(defaults):
        extra = sorted(values.keys() - defaults.keys())
        raise TypeError(f"{type(instance).__name__} has no field {extra}")


def _defaults(cls: type[Any]) -> dict[str, Any]:
    if not dataclasses.is_dataclass(cls) or "__post_init__" in dir(cls):
        raise TypeError(f"{cls.__name__} is not a plain dataclass: use its constructor")
    found = {}
    for field in dataclasses.fields(cls):
        if field.default is dataclasses.MISSING or not field.init:
            raise TypeError(f"{cls.__name__}.{field.name} has no plain default")
        found[field.name] = field.default
    return found
