"""``chat/_frames.py``: the message assembly both socket drivers share."""

from __future__ import annotations

import pytest
from websockets.frames import Close, Frame, Opcode

from boto3_connectparticipant_ext.chat._frames import MessageAssembler


def test_fragments_join_across_feeds_with_control_frames_between() -> None:
    assembler, messages = MessageAssembler(), list[str]()
    assert not assembler.feed([Frame(Opcode.TEXT, b"fra", fin=False)], messages)
    assert messages == []
    frames = [Frame(Opcode.PING, b"x"), Frame(Opcode.CONT, b"gm", fin=False)]
    assert not assembler.feed(frames, messages)
    assert not assembler.feed(
        [Frame(Opcode.CONT, "enté".encode()), Frame(Opcode.TEXT, b"next")], messages
    )
    assert messages == ["fragmenté", "next"]


def test_binary_is_decoded_with_replacement_and_text_must_be_utf8() -> None:
    assembler, messages = MessageAssembler(), list[str]()
    assembler.feed([Frame(Opcode.BINARY, b"ok\xff")], messages)
    assembler.feed([Frame(Opcode.BINARY, b"\xff", fin=False), Frame(Opcode.CONT, b"!")], messages)
    assert messages == ["ok\ufffd", "\ufffd!"]
    with pytest.raises(UnicodeDecodeError):
        assembler.feed([Frame(Opcode.TEXT, b"\xc3\x28")], messages)
    with pytest.raises(UnicodeDecodeError):
        assembler.feed([Frame(Opcode.TEXT, b"\xc3", fin=False), Frame(Opcode.CONT, b"\x28")], [])


def test_a_close_frame_is_reported_after_the_messages_before_it() -> None:
    assembler, messages = MessageAssembler(), list[str]()
    close = Frame(Opcode.CLOSE, Close(1000, "bye").serialize())
    assert assembler.feed([Frame(Opcode.TEXT, b"last words"), close], messages)
    assert messages == ["last words"]
