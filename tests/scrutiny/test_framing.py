"""Framing of the TCP datagram stream: split, coalesced, compressed or not, and bad frames."""

from __future__ import annotations

import hashlib
import json
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perda_tui.clients.scrutiny.framing import MTU, FrameDecoder, encode_frame

STATUS = {"cmd": "inform_server_status", "reqid": None, "device_status": "disconnected"}
WELCOME = {"cmd": "welcome", "reqid": None, "server_time_zero_timestamp": 1795312268.977183}


def raw_frame(payload: bytes, flags: str, digest: bytes | None = None) -> bytes:
    tail = (hashlib.md5(payload).digest() if digest is None else digest) if "h" in flags else b""
    return f"<SCRUTINY size={len(payload):x} flags={flags}>".encode() + payload + tail


@pytest.mark.parametrize(
    ("compress", "digest"), [(True, True), (False, True), (True, False), (False, False)]
)
def test_round_trip_with_and_without_compression(compress: bool, digest: bool) -> None:
    frame = encode_frame(STATUS, compress=compress, digest=digest)
    flags = ("c" if compress else "") + ("h" if digest else "")
    assert frame.startswith(b"<SCRUTINY size=") and f"flags={flags}>".encode() in frame
    assert FrameDecoder().feed(frame) == [STATUS]


def test_compressed_frame_matches_the_captured_server_layout() -> None:
    frame = encode_frame(WELCOME)
    header, _, rest = frame.partition(b">")
    size = int(header.split(b"size=")[1].split(b" ")[0], 16)
    payload, digest = rest[:size], rest[size:]
    assert payload[:2] == b"\x78\x01"  # zlib level 1, as the server sends
    assert digest == hashlib.md5(payload).digest() and len(digest) == 16
    assert json.loads(zlib.decompress(payload)) == WELCOME


def test_frame_split_byte_by_byte() -> None:
    decoder = FrameDecoder()
    out = []
    for byte in encode_frame(STATUS):
        out += decoder.feed(bytes([byte]), now=0.0)
    assert out == [STATUS]


def test_coalesced_frames_in_one_chunk_keep_their_order() -> None:
    data = encode_frame(WELCOME) + encode_frame(STATUS, compress=False) + encode_frame({"n": 3})
    assert FrameDecoder().feed(data) == [WELCOME, STATUS, {"n": 3}]


def test_garbage_before_a_header_is_skipped() -> None:
    assert FrameDecoder().feed(b"noise<SCRU" + b"\x00" * 10 + encode_frame(STATUS)) == [STATUS]


def test_hash_mismatch_drops_the_frame_but_not_the_stream() -> None:
    payload = zlib.compress(json.dumps(STATUS).encode(), 1)
    bad = raw_frame(payload, "ch", digest=b"\x00" * 16)
    decoder = FrameDecoder()
    assert decoder.feed(bad + encode_frame(WELCOME)) == [WELCOME]
    assert decoder.dropped == 1


def test_oversize_header_is_ignored_and_the_next_frame_decoded() -> None:
    decoder = FrameDecoder()
    oversize = f"<SCRUTINY size={MTU + 1:x} flags=ch>".encode()
    assert decoder.feed(oversize + b"junk" + encode_frame(STATUS)) == [STATUS]
    assert decoder.dropped == 1


@pytest.mark.parametrize(
    "frame",
    [
        raw_frame(b"{not json", "h"),
        raw_frame(b"[1, 2]", "h"),
        raw_frame(b"\xff\xfe", ""),
        raw_frame(b"this is not zlib", "ch"),
    ],
    ids=["bad-json", "not-an-object", "bad-utf8", "bad-zlib"],
)
def test_bad_payloads_are_dropped(frame: bytes) -> None:
    decoder = FrameDecoder()
    assert decoder.feed(frame + encode_frame(STATUS)) == [STATUS]
    assert decoder.dropped == 1


def test_flags_in_the_wrong_order_never_match() -> None:
    payload = zlib.compress(b'{"a":1}', 1)
    frame = (
        f"<SCRUTINY size={len(payload):x} flags=hc>".encode()
        + payload
        + hashlib.md5(payload).digest()
    )
    assert FrameDecoder().feed(frame) == []


def test_stale_partial_frame_is_discarded() -> None:
    decoder = FrameDecoder(stale_after=1.0)
    frame = encode_frame(STATUS)
    assert decoder.feed(frame[:10], now=0.0) == []
    assert decoder.feed(frame[10:], now=2.0) == []  # the tail alone is garbage
    assert decoder.dropped == 1
    assert decoder.feed(frame, now=2.5) == [STATUS]


def test_decompression_bomb_is_refused() -> None:
    bomb = zlib.compress(b'{"a":"' + b"x" * (17 * MTU) + b'"}', 9)
    decoder = FrameDecoder()
    assert decoder.feed(raw_frame(bomb, "ch")) == []
    assert decoder.dropped == 1


def test_encoding_an_oversize_message_raises() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        encode_frame({"blob": "x" * (MTU + 10)}, compress=False)


@given(
    messages=st.lists(
        st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=20), max_size=4),
        min_size=1,
        max_size=5,
    ),
    cuts=st.lists(st.integers(min_value=1, max_value=40), max_size=20),
    compress=st.booleans(),
)
def test_any_chunking_of_a_stream_gives_the_same_messages(
    messages: list[dict[str, object]], cuts: list[int], compress: bool
) -> None:
    stream = b"".join(encode_frame(m, compress=compress) for m in messages)
    decoder, out, pos = FrameDecoder(), [], 0
    for cut in cuts:
        out += decoder.feed(stream[pos : pos + cut], now=0.0)
        pos += cut
    out += decoder.feed(stream[pos:], now=0.0)
    assert out == messages
