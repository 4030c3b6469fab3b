"""One definition of control characters for keys, server messages and the screen."""

from __future__ import annotations

import httpx
import pytest

from perda_tui.clients.dataserver import UnsafeKeyError
from perda_tui.clients.dataserver.gateway import server_message
from perda_tui.clients.dataserver.keys import check_key
from perda_tui.text import has_control, without_control
from perda_tui.tui.common.text import clean

#: Every C0 control, DEL and every C1 control (0x9b is the single-byte CSI).
CONTROLS = [chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]]
SAMPLES = ["\x1b[31m", "\x9b31m", "\x07", "\x00", "\x85", "\x7f", "\r"]


def test_the_set_is_c0_del_and_c1() -> None:
    assert all(has_control(c) for c in CONTROLS)
    assert not any(has_control(chr(c)) for c in [*range(0x20, 0x7F), *range(0xA0, 0x250)])
    assert without_control("a\tb\nc\x9bd", "_") == "a_b_c_d"
    assert without_control("a\tb\nc\x9bd", keep="\t\n") == "a\tb\ncd"


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_keys_with_any_control_character_are_refused(control: str) -> None:
    with pytest.raises(UnsafeKeyError, match="control characters"):
        check_key(f"REV 11/run{control}1.csv")


@pytest.mark.parametrize("sample", SAMPLES, ids=repr)
def test_server_messages_and_screen_text_drop_the_same_characters(sample: str) -> None:
    text = f"bad{sample}request"
    message = server_message(httpx.Response(400, text=text))
    shown = clean(text)
    for result in (message, shown):
        assert not has_control(result), repr(result)
        assert result.startswith("bad") and result.endswith("request")
