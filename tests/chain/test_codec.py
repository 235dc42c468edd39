"""SCALE codec: known encodings from the SCALE spec, round trips, and clear errors on bad input."""
import pytest
from hypothesis import given, strategies as st

from chain.codec import (
    ACCOUNT_ID, BOOL, BYTES, COMPACT_U128, TEXT, U8, U16, U32, U64, U128, Enum, Option, Struct, Tuple, Variant,
    Vec, decode_compact, encode_compact,
)
from chain.errors import CodecError
from chain.types import ERA, mortal_era, era_birth


@pytest.mark.parametrize("value,hexed", [
    (0, "00"), (1, "04"), (42, "a8"), (63, "fc"), (64, "0101"), (16383, "fdff"), (16384, "02000100"),
    (1073741823, "feffffff"), (1073741824, "0300000040"), (2**64 - 1, "13ffffffffffffffff"),
    (100000000000000, "0b00407a10f35a"),
])
def test_compact_known_vectors(value, hexed):
    assert encode_compact(value).hex() == hexed
    assert decode_compact(bytes.fromhex(hexed), 0) == (value, len(hexed) // 2)


def test_fixed_width_known_vectors():
    assert U16.encode(42).hex() == "2a00"
    assert U32.encode(16777215).hex() == "ffffff00"
    assert U64.encode(1).hex() == "0100000000000000"
    assert BOOL.encode(True) == b"\x01"
    assert Option(BOOL).encode(False) == b"\x02"
    assert Option(U32).encode(None) == b"\x00"
    assert Vec(U16).encode([4, 8, 15, 16, 23, 42]).hex() == "18040008000f00100017002a00"
    assert TEXT.encode("Hi") == b"\x08Hi"


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_compact_round_trip(v):
    assert COMPACT_U128.decode(COMPACT_U128.encode(v)) == v


RECORD = Struct("test::Record", (("who", ACCOUNT_ID), ("amount", U128), ("memo", BYTES), ("tags", Vec(U8))))
KIND = Enum("test::Kind", (Variant(0, "Empty"), Variant(1, "One", (("", U32),)), Variant(3, "Named", (("a", U8), ("b", BOOL)))))


@given(st.binary(min_size=32, max_size=32), st.integers(0, 2**128 - 1), st.binary(max_size=64), st.lists(st.integers(0, 255)))
def test_struct_round_trip(who, amount, memo, tags):
    v = {"who": who, "amount": amount, "memo": memo, "tags": tags}
    assert RECORD.decode(RECORD.encode(v)) == v


def test_enum_forms():
    for v in [("Empty", None), ("One", 7), ("Named", {"a": 1, "b": True})]:
        assert KIND.decode(KIND.encode(v)) == v
    assert KIND.encode(("Named", {"a": 1, "b": True})).hex() == "030101"


@pytest.mark.parametrize("t,data", [
    (U32, b"\x01\x02"), (BOOL, b"\x02"), (Option(U8), b"\x05"), (BYTES, b"\x10ab"), (KIND, b"\x02"),
    (Vec(U32), b"\xfe\xff\xff\xff"), (TEXT, b"\x04\xff"), (Tuple((U8, U8)), b"\x01"),
])
def test_bad_bytes_raise_codec_error(t, data):
    with pytest.raises(CodecError):
        t.decode(data)


def test_trailing_bytes_and_range_errors():
    with pytest.raises(CodecError):
        U8.decode(b"\x01\x02")
    with pytest.raises(CodecError):
        U8.encode(256)
    with pytest.raises(CodecError):
        U128.encode(-1)
    with pytest.raises(CodecError):
        COMPACT_U128.encode(2**128)
    with pytest.raises(CodecError):
        RECORD.encode({"who": bytes(32)})


@given(st.integers(0, 10**6), st.sampled_from([4, 8, 16, 64, 128, 1024, 4096]))
def test_mortal_era_round_trip_and_birth(current, period):
    era = mortal_era(current, period)
    assert ERA.decode(ERA.encode(era)) == era
    # a transaction signed at `current` is born at `current` whichever block of its lifetime checks it
    for later in (current, current + 1, current + period - 1):
        assert era_birth(era, later) == current


def test_immortal_era():
    assert ERA.encode(None) == b"\x00"
    assert ERA.decode(b"\x00") is None
    # a known mortal era from Substrate's tests: period 64, phase 42 -> 0xa502
    assert ERA.encode((64, 42)).hex() == "a502"
