"""Emulator bots: scripted participants standing in for a contact flow, a Lex bot or an agent.

A contact started with a bot's ``flow_id`` (StartChatContact's ``ContactFlowId``) is
played by that bot inside the emulator: a greeting when the customer joins, then a reply
to each customer message. Register bots with ``Emulator(bots=[...])``,
``emulator.add_bot(bot)`` or ``cpx emulator --bot flow.yaml`` (repeatable).

Script format (YAML or JSON; the same model in Python with :class:`Bot` and the helpers)::

    name: order-bot
    flow_id: 11111111-2222-4333-8444-555555555555
    participant: {role: CUSTOM_BOT, display_name: OrderBot}  # SYSTEM (default), CUSTOM_BOT, AGENT
    seed: 7                              # random delays are reproducible (default 0; null: random)
    greeting: [<steps>]                  # when the customer joins
    rules:                               # first match wins, for each customer message
      - when: {text: "(?i)order"}        # or {choice: Pizza}, {attachment: true}, {any: true}
        then: [<steps>]
    fallback: [<steps>]                  # no rule matched (or the turns ran out)
    turns: [{then: [<steps>]}, ...]      # instead of rules: the i-th message plays turn i

Steps (one key each; a bare string is ``say``)::

    say: "text"  (+ content_type: text/markdown)     typing: true
    delay: 0.5  |  delay: {min: 0.2, max: 1.0}       stream: ["chunk 1 ", "chunk 2"]
    interactive: {templateType: ListPicker, version: "1.0", data: {...}}
    attachment: {name: x.pdf, content_base64: ..., content_type: application/pdf}
    event: transfer.succeeded                         transfer: {agent: Alice}
    disconnect: true                                  end: true

``choice`` matches an interactive answer's option title or id, or a plain-text answer equal
to an option (what the hosted widget sends). ``transfer`` writes ``transfer.succeeded``,
the bot leaves and an AGENT named ``agent`` plays the rest. Interactive messages are
checked against the documented limits when the bot is built. A recorded chat becomes a
bot with :func:`bot_from_recording` (``load_recording`` reads the shared file format).

Examples
--------
>>> bot = bot_from_dict({"name": "order-bot", "flow_id": "flow-1",
...     "greeting": ["Welcome!"],
...     "rules": [{"when": {"text": "(?i)order"}, "then": [{"typing": True}, {"say": "Sure."}]}],
...     "fallback": ["Sorry?"]})
>>> [type(s).__name__ for s in bot.reaction(CustomerTurn("text", "ORDER please"), 0)]
['Typing', 'Say']
"""

from __future__ import annotations

from .loader import bot_from_dict, load_bot, step_from
from .model import (
    Bot,
    BotParticipant,
    BotScriptError,
    CustomerTurn,
    Delay,
    Disconnect,
    End,
    Event,
    Interactive,
    Match,
    Rule,
    Say,
    SendAttachment,
    Step,
    Stream,
    Transfer,
    Typing,
    attachment,
    delay,
    disconnect,
    end,
    event,
    interactive,
    say,
    stream,
    transfer,
    typing,
    when,
)
from .recording import (
    RECORDING_FORMAT,
    RECORDING_VERSION,
    Recording,
    bot_from_recording,
    load_recording,
    recording_from_dict,
    save_recording,
)

__all__ = [
    "RECORDING_FORMAT",
    "RECORDING_VERSION",
    "Bot",
    "BotParticipant",
    "BotScriptError",
    "CustomerTurn",
    "Delay",
    "Disconnect",
    "End",
    "Event",
    "Interactive",
    "Match",
    "Recording",
    "Rule",
    "Say",
    "SendAttachment",
    "Step",
    "Stream",
    "Transfer",
    "Typing",
    "attachment",
    "bot_from_dict",
    "bot_from_recording",
    "delay",
    "disconnect",
    "end",
    "event",
    "interactive",
    "load_bot",
    "load_recording",
    "recording_from_dict",
    "save_recording",
    "say",
    "step_from",
    "stream",
    "transfer",
    "typing",
    "when",
]
