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


# -- the generated dict decoder for any struct (variable-size fields among fixed ones) ------------------
from chain.codec import COMPACT_U32, TEXT, Enum, Option, Variant, Vec  # noqa: E402

KIND = Enum("test::Kind", (Variant(0, "A"), Variant(3, "B")))
PAYLOAD = Enum("test::Payload", (Variant(0, "Unit"), Variant(1, "One", (("", U32),)), Variant(2, "Named", (("x", U8), ("t", TEXT)))))
VARIABLE = Struct("test::Variable", (
    ("n", U32), ("c", COMPACT_U32), ("kind", KIND), ("who", ACCOUNT_ID), ("opt", Option(U128)), ("xs", Vec(U32)),
    ("text", TEXT), ("flag", BOOL), ("payload", PAYLOAD), ("inner", Struct("test::Inner2", (("x", U32), ("t", TEXT)))),
    ("tail", U128)))
variable = st.fixed_dictionaries({
    "n": u32, "c": u32, "kind": st.sampled_from([("A", None), ("B", None)]), "who": st.binary(min_size=32, max_size=32),
    "opt": st.none() | u128, "xs": st.lists(u32, max_size=5), "text": st.text(max_size=20), "flag": st.booleans(),
    "payload": st.sampled_from([("Unit", None)]) | st.tuples(st.just("One"), u32)
    | st.tuples(st.just("Named"), st.fixed_dictionaries({"x": st.integers(0, 255), "t": st.text(max_size=5)})),
    "inner": st.fixed_dictionaries({"x": u32, "t": st.text(max_size=5)}), "tail": u128,
})


@given(variable)
def test_variable_struct_decoder_agrees(v):
    raw = VARIABLE.encode(v)
    assert VARIABLE._dec is None or callable(VARIABLE._dec)
    assert VARIABLE.decode(raw) == VARIABLE.decode_from_reference(raw, 0)[0] == v
    assert VARIABLE._dec is not VARIABLE.decode_from_reference  # the generated decoder ran


def _outcome(fn, raw):
    try:
        return fn(raw)
    except CodecError as e:
        return ("error", str(e))


@given(variable, st.data())
def test_variable_struct_decoder_damaged_input_same_as_reference(v, data):
    raw = bytearray(VARIABLE.encode(v))
    cut = data.draw(st.integers(0, len(raw)))
    if data.draw(st.booleans()) and raw:
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    raw = bytes(raw[:cut] if data.draw(st.booleans()) else raw)

    def reference(b):
        value, pos = VARIABLE.decode_from_reference(b, 0)
        if pos != len(b):
            raise CodecError(f"{len(b) - pos} trailing bytes after {VARIABLE!r}")
        return value

    assert _outcome(VARIABLE.decode, raw) == _outcome(reference, raw)


@given(variable)
def test_variable_struct_encoder_agrees(v):
    assert VARIABLE.encode(v) == VARIABLE.encode_reference(v)


@pytest.mark.parametrize("change", [{"n": -1}, {"text": 5}, {"kind": ("C", None)}, {"xs": [2**32]}, {"inner": {"x": 1}}])
def test_variable_struct_encoder_bad_values_same_error(change):
    good = {"n": 1, "c": 2, "kind": ("A", None), "who": bytes(32), "opt": None, "xs": [1], "text": "t", "flag": True,
            "payload": ("Unit", None), "inner": {"x": 1, "t": ""}, "tail": 3}
    bad = {**good, **change}
    with pytest.raises(CodecError) as fast:
        VARIABLE.encode(bad)
    with pytest.raises(CodecError) as ref:
        VARIABLE.encode_reference(bad)
    assert str(fast.value) == str(ref.value)
    missing = dict(good)
    del missing["tail"]
    with pytest.raises(CodecError, match="missing field 'tail'"):
        VARIABLE.encode(missing)
