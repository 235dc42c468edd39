"""The compiled fixed-struct codec agrees with the reference codec, for values and for errors."""
import pytest
from hypothesis import given, strategies as st

from chain.codec import ACCOUNT_ID, BOOL, U8, U32, U128, Struct
from chain.errors import CodecError
from chain.types import ACCOUNT_INFO

MIXED = Struct("test::Mixed", (("a", U8), ("flag", BOOL), ("who", ACCOUNT_ID), ("inner", Struct("test::Inner", (("x", U32), ("y", U128))))))

u32 = st.integers(0, 2**32 - 1)
u128 = st.integers(0, 2**128 - 1)
account_info = st.fixed_dictionaries({
    "nonce": u32, "consumers": u32, "providers": u32, "sufficients": u32,
    "data": st.fixed_dictionaries({"free": u128, "reserved": u128, "frozen": u128, "flags": u128}),
})


def test_hot_structs_are_compiled():
    assert ACCOUNT_INFO._fast is not None and MIXED._fast is not None


@given(account_info)
def test_account_info_agrees(v):
    raw = ACCOUNT_INFO.encode(v)
    assert raw == ACCOUNT_INFO.encode_reference(v)
    assert ACCOUNT_INFO.decode(raw) == ACCOUNT_INFO.decode_from_reference(raw, 0)[0] == v


@given(st.integers(0, 255), st.booleans(), st.binary(min_size=32, max_size=32), u32, u128)
def test_mixed_agrees(a, flag, who, x, y):
    v = {"a": a, "flag": flag, "who": who, "inner": {"x": x, "y": y}}
    raw = MIXED.encode(v)
    assert raw == MIXED.encode_reference(v)
    assert MIXED.decode(raw) == v


@pytest.mark.parametrize("bad", [
    {"a": 256, "flag": True, "who": bytes(32), "inner": {"x": 1, "y": 2}},
    {"a": -1, "flag": True, "who": bytes(32), "inner": {"x": 1, "y": 2}},
    {"a": 1, "flag": 1, "who": bytes(32), "inner": {"x": 1, "y": 2}},
    {"a": 1, "flag": True, "who": bytes(31), "inner": {"x": 1, "y": 2}},
    {"a": 1, "flag": True, "who": bytes(32), "inner": {"x": 1}},
    {"a": 1.5, "flag": True, "who": bytes(32), "inner": {"x": 1, "y": 2}},
])
def test_bad_values_raise_codec_error(bad):
    with pytest.raises(CodecError):
        MIXED.encode(bad)


def test_short_and_bad_input():
    raw = MIXED.encode({"a": 1, "flag": True, "who": bytes(32), "inner": {"x": 1, "y": 2}})
    with pytest.raises(CodecError):
        MIXED.decode(raw[:-1])
    with pytest.raises(CodecError):
        MIXED.decode(raw[:1] + b"\x07" + raw[2:])
