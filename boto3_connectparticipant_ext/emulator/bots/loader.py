"""Bot scripts in YAML or JSON: ``load_bot(path)``, ``bot_from_dict(data)``.

JSON needs nothing more than the standard library; YAML needs PyYAML (the ``emulator``
extra). A script error raises :class:`~.model.BotScriptError` naming the file and the
place (``rules[2].then[0].say``), before any chat starts.

Examples
--------
>>> bot = bot_from_dict({"name": "greeter", "flow_id": "f-1",
...                      "greeting": [{"typing": True}, {"delay": 0.1}, {"say": "Hello!"}],
...                      "fallback": ["Sorry, I did not get that."]})
>>> [type(step).__name__ for step in bot.greeting], bot.fallback[0].text
(['Typing', 'Delay', 'Say'], 'Sorry, I did not get that.')
"""

from __future__ import annotations

import base64
import binascii
import importlib
import json
import os
from collections.abc import Mapping
from typing import Any, Optional, Union

from ...errors import ConnectParticipantExtError
from ...interactive import parse_interactive
from .model import (
    Bot,
    BotParticipant,
    BotScriptError,
    Delay,
    Disconnect,
    End,
    Event,
    Interactive,
    Rule,
    Say,
    SendAttachment,
    Step,
    Stream,
    Typing,
    transfer,
    when,
)

_BOT_KEYS = {"name", "flow_id", "participant", "greeting", "rules", "fallback", "turns", "seed"}
_WHEN_KEYS = {"text", "choice", "attachment", "any"}


def _true(value: Any, where: str) -> None:
    if value is not True:
        raise BotScriptError(f"{where}: write true")


def _delay(value: Any, where: str) -> Delay:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Delay(float(value))
    if isinstance(value, Mapping) and set(value) == {"min", "max"}:
        low, high = value["min"], value["max"]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)):
            return Delay(float(low), float(high))
    raise BotScriptError(f"{where}: seconds, or {{min: .., max: ..}}")


def _attachment(value: Any, where: str) -> SendAttachment:
    if not isinstance(value, Mapping) or not isinstance(value.get("name"), str):
        raise BotScriptError(f"{where}: {{name, content_base64, content_type}}")
    try:
        data = base64.b64decode(str(value.get("content_base64", "")), validate=True)
    except (binascii.Error, ValueError):
        raise BotScriptError(f"{where}.content_base64: not base64") from None
    content_type = value.get("content_type", "application/octet-stream")
    if not isinstance(content_type, str):
        raise BotScriptError(f"{where}.content_type: a string")
    return SendAttachment(value["name"], data, content_type)


def _one_step(key: str, value: Any, body: Mapping[str, Any], where: str) -> Step:
    if key == "say":
        content_type = body.get("content_type", "text/plain")
        if not isinstance(value, str) or not isinstance(content_type, str):
            raise BotScriptError(f"{where}: say takes a string (and a content_type string)")
        return Say(value, content_type)
    if key == "typing":
        _true(value, where)
        return Typing()
    if key == "delay":
        return _delay(value, where)
    if key == "interactive":
        return Interactive(parse_interactive(value))
    if key == "stream":
        if not isinstance(value, list):
            raise BotScriptError(f"{where}: a list of chunks")
        return Stream(tuple(value))
    if key == "attachment":
        return _attachment(value, where)
    if key == "event":
        if not isinstance(value, str):
            raise BotScriptError(f"{where}: an event name such as transfer.succeeded")
        return Event(value)
    if key == "transfer":
        agent = value.get("agent") if isinstance(value, Mapping) else None
        return transfer(agent)  # type: ignore[arg-type]  # checked there
    if key == "disconnect":
        _true(value, where)
        return Disconnect()
    if key == "end":
        _true(value, where)
        return End()
    raise BotScriptError(f"{where}: unknown step {key!r}")


def step_from(value: Any, where: str) -> Step:
    """One step of a script (a bare string is ``say``)."""
    if isinstance(value, str):
        value = {"say": value}
    if not isinstance(value, Mapping):
        raise BotScriptError(f"{where}: a step is a mapping such as {{say: text}}")
    keys = [k for k in value if k != "content_type"]
    if len(keys) != 1 or ("content_type" in value and keys != ["say"]):
        raise BotScriptError(f"{where}: one step per list entry, got {sorted(value)}")
    key = keys[0]
    try:
        return _one_step(key, value[key], value, f"{where}.{key}")
    except ConnectParticipantExtError as error:
        if str(error).startswith(where):
            raise
        raise BotScriptError(f"{where}.{key}: {error}") from None


def steps_from(value: Any, where: str) -> tuple[Step, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BotScriptError(f"{where}: a list of steps")
    return tuple(step_from(step, f"{where}[{i}]") for i, step in enumerate(value))


def _rule(value: Any, where: str) -> Rule:
    if not isinstance(value, Mapping) or set(value) != {"when", "then"}:
        raise BotScriptError(f"{where}: {{when: {{...}}, then: [steps]}}")
    condition = value["when"]
    if not isinstance(condition, Mapping) or not set(condition) <= _WHEN_KEYS:
        raise BotScriptError(f"{where}.when: keys among {', '.join(sorted(_WHEN_KEYS))}")
    choice = condition.get("choice")
    if choice is not None and not isinstance(choice, str):
        raise BotScriptError(f"{where}.when.choice: a string")
    for key in ("attachment", "any"):
        if key in condition and not isinstance(condition[key], bool):
            raise BotScriptError(f"{where}.when.{key}: true or false")
    try:
        match = when(
            text=condition.get("text"),
            choice=choice,
            attachment=condition.get("attachment"),
            any=bool(condition.get("any", False)),
        )
    except BotScriptError as error:
        raise BotScriptError(f"{where}: {error}") from None
    return Rule(match, steps_from(value["then"], f"{where}.then"))


def bot_from_dict(data: Any, source: str = "script") -> Bot:
    """A :class:`Bot` from a parsed script (the mapping a YAML or JSON file holds)."""
    try:
        return _bot(data)
    except BotScriptError as error:
        raise BotScriptError(f"{source}: {error}") from None


def _bot(data: Any) -> Bot:
    if not isinstance(data, Mapping):
        raise BotScriptError("a bot script is a mapping (name, flow_id, greeting, rules, ...)")
    unknown = set(data) - _BOT_KEYS
    if unknown:
        raise BotScriptError(f"unknown keys {sorted(unknown)}")
    person = data.get("participant") or {}
    if not isinstance(person, Mapping) or not set(person) <= {"role", "display_name"}:
        raise BotScriptError("participant: {role: ..., display_name: ...}")
    rules = data.get("rules") or []
    if not isinstance(rules, list):
        raise BotScriptError("rules: a list of {when, then}")
    turns = data.get("turns")
    if turns is not None and not isinstance(turns, list):
        raise BotScriptError("turns: a list of {then: [steps]}")
    seed = data.get("seed", 0)
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise BotScriptError("seed: an integer")
    return Bot(
        name=data.get("name"),  # type: ignore[arg-type]  # Bot checks it
        flow_id=data.get("flow_id"),  # type: ignore[arg-type]
        participant=BotParticipant(**person),
        greeting=steps_from(data.get("greeting"), "greeting"),
        rules=tuple(_rule(rule, f"rules[{i}]") for i, rule in enumerate(rules)),
        fallback=steps_from(data.get("fallback"), "fallback"),
        turns=None
        if turns is None
        else tuple(_turn(t, f"turns[{i}]") for i, t in enumerate(turns)),
        seed=seed,
    )


def _turn(value: Any, where: str) -> tuple[Step, ...]:
    if not isinstance(value, Mapping) or set(value) != {"then"}:
        raise BotScriptError(f"{where}: {{then: [steps]}}")
    return steps_from(value["then"], f"{where}.then")


def load_bot(path: Union[str, os.PathLike[str]], *, format: Optional[str] = None) -> Bot:
    """Read a bot script: ``.json`` as JSON, ``.yaml``/``.yml`` (or anything else) as YAML.

    ``format`` (``"json"`` or ``"yaml"``) overrides the file's extension.
    """
    name = os.fspath(path)
    kind = format or ("json" if name.lower().endswith(".json") else "yaml")
    try:
        with open(name, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise BotScriptError(f"{name}: cannot read the script ({error.strerror})") from None
    except UnicodeDecodeError:
        raise BotScriptError(f"{name}: the script is not UTF-8 text") from None
    return bot_from_dict(parse_script(text, kind, name), source=name)


def parse_script(text: str, kind: str, source: str) -> Any:
    """The data of a script's text (``kind`` is ``json`` or ``yaml``)."""
    if kind == "json":
        try:
            return json.loads(text)
        except ValueError as error:
            raise BotScriptError(f"{source}: not JSON ({error})") from None
    if kind != "yaml":
        raise BotScriptError(f"{source}: format is json or yaml, not {kind!r}")
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError:  # pragma: no cover - depends on the installation
        raise BotScriptError(
            f"{source}: YAML needs PyYAML: pip install 'boto3-connectparticipant-ext[emulator]'"
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise BotScriptError(f"{source}: not YAML ({error})") from None
