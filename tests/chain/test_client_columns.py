"""The columnar speed path (chain/client_columns.py, codec_fast.compile_columns, extrinsic.split_extrinsic)
agrees with the reference decoding (DecodedBlock through EmbeddedClient.block, codec.py, decode_extrinsic)."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

import chain.client_columns as client_columns
from chain.client import BlockColumns, EmbeddedClient, StoreReader, open_reader
from chain.codec import (
    ACCOUNT_ID, BOOL, BYTES, COMPACT_U32, COMPACT_U64, COMPACT_U128, TEXT, U8, U16, U32, U128, Compact, Enum, Option,
    Struct, Variant, Vec,
)
from chain.codec_fast import compile_columns
from chain.crypto import dev_keypair
from chain.errors import CodecError
from chain.extrinsic import decode_extrinsic, split_extrinsic
from chain.node import Node

UNIT_ENUM = Enum("test::Class", (Variant(0, "Normal"), Variant(1, "Operational"), Variant(3, "Mandatory")))
PAYLOAD_ENUM = Enum("test::Who", (Variant(0, "Id", (("", ACCOUNT_ID),)), Variant(1, "Index", (("", COMPACT_U64),))))
MIXED = Struct("test::Event", (
    ("who", ACCOUNT_ID), ("amount", U128), ("flag", BOOL), ("class", UNIT_ENUM),
    ("weight", Struct("test::Weight", (("ref_time", COMPACT_U64), ("proof_size", COMPACT_U64)))),
    ("score", Option(U32)), ("reasons", Vec(U8)), ("dest", PAYLOAD_ENUM), ("fee", COMPACT_U128), ("note", TEXT),
    ("blob", BYTES), ("tail", U32),
))

mixed_values = st.fixed_dictionaries({
    "who": st.binary(min_size=32, max_size=32), "amount": st.integers(0, 2**128 - 1), "flag": st.booleans(),
    "class": st.sampled_from([("Normal", None), ("Operational", None), ("Mandatory", None)]),
    "weight": st.fixed_dictionaries({"ref_time": st.integers(0, 2**64 - 1), "proof_size": st.integers(0, 2**64 - 1)}),
    "score": st.none() | st.integers(0, 2**32 - 1), "reasons": st.lists(st.integers(0, 255), max_size=5),
    "dest": st.tuples(st.just("Id"), st.binary(min_size=32, max_size=32)) | st.tuples(st.just("Index"), st.integers(0, 2**64 - 1)),
    "fee": st.integers(0, 2**128 - 1), "note": st.text(max_size=8), "blob": st.binary(max_size=8),
    "tail": st.integers(0, 2**32 - 1),
})


@given(mixed_values, st.binary(max_size=3))
def test_compiled_column_decoder_agrees_with_the_reference(value, prefix):
    raw = prefix + MIXED.encode(value) + b"\x07"
    ref, end = MIXED.decode_from_reference(raw, len(prefix))
    cols: list[list] = [[] for _ in MIXED.fields]
    assert compile_columns(MIXED)(raw, len(prefix), cols) == end
    assert cols == [[ref[name]] for name, _ in MIXED.fields]


def test_compiled_column_decoder_leaves_columns_untouched_on_bad_input():
    append = compile_columns(MIXED)
    raw = MIXED.encode({"who": bytes(32), "amount": 1, "flag": True, "class": ("Normal", None),
                        "weight": {"ref_time": 1, "proof_size": 0}, "score": None, "reasons": [], "dest": ("Id", bytes(32)),
                        "fee": 0, "note": "", "blob": b"", "tail": 9})
    bad_enum = bytearray(raw)
    bad_enum[32 + 16 + 1] = 2  # no variant 2
    for data, errors in ((raw[:-1], CodecError), (bytes(bad_enum), KeyError), (raw[:40], (CodecError, IndexError))):
        cols: list[list] = [[] for _ in MIXED.fields]
        with pytest.raises(errors):
            append(data, 0, cols)
        assert cols == [[] for _ in MIXED.fields]


@pytest.fixture(scope="module")
def scenario_chain(tmp_path_factory):
    from chain.scenario import build_chain

    base = tmp_path_factory.mktemp("columns") / "chain"
    build_chain(scenario="demo", base_path=base, days=10, seed=5)
    with Node(base, seal="manual") as node:  # and a block with a failed extrinsic (its fee still paid)
        client = EmbeddedClient.from_node(node)
        alice, bob = dev_keypair("Alice"), dev_keypair("Bob")
        node.submit(client.sign(alice, "Balances", "transfer_keep_alive", {"dest": ("Id", bob.public), "value": 10**30}))
        node.produce_block()
    return base


def reference_columns(client, start, end) -> BlockColumns:
    cols = BlockColumns()
    cols.extend(client.blocks(start, end))
    return cols


def test_columns_agree_with_decoded_blocks_on_a_scenario_chain(scenario_chain):
    with Node(scenario_chain, seal="manual") as node:
        client = EmbeddedClient.from_node(node)
        head = client.head()
        ref = reference_columns(client, 0, head)
        assert client.block_columns(0, head) == ref
        split = BlockColumns()  # range by range into one batch, as the indexer does
        for n in range(0, head + 1, 7):
            client.block_columns(n, min(head, n + 6), into=split)
        assert split == ref
        reader = open_reader(*client.reader_spec())  # what an indexer worker process opens
        try:
            assert isinstance(reader, StoreReader)
            assert reader.block_columns(0, head) == ref
            for n in (0, 1, head // 2, head):
                assert reader.block(n) == client.block(n)
        finally:
            reader.close()
        kinds = {(g.pallet, g.name) for g in ref.event_groups.values()}
        assert len({p for p, _ in kinds}) >= 6, kinds  # many pallets' events were compared
        assert any(not s for g in ref.call_groups.values() for s in g.meta["success"])  # failed extrinsics too


def test_split_extrinsic_agrees_with_decode_extrinsic(scenario_chain):
    with Node(scenario_chain, seal="manual") as node:
        seen = 0
        for n in range(1, node.head.number + 1, 3):
            for raw in node.get_block(n).extrinsics:
                xt = decode_extrinsic(raw)
                signer, nonce, tip, at = split_extrinsic(raw)
                assert (signer, nonce, tip, raw[at:]) == (xt.signer, xt.nonce if xt.signed else None, xt.tip, xt.call_bytes)
                seen += 1
        assert seen > 100
        assert split_extrinsic(b"\x00") is None and split_extrinsic(raw[:-1]) is None and split_extrinsic(raw + b"\x00") is None


def test_blocks_the_speed_path_does_not_know_go_the_reference_way(scenario_chain, monkeypatch):
    """An event missing from the compiled table (as for a runtime upgrade) sends its blocks through
    EmbeddedClient.block, after rolling back whatever the block had appended: same columns."""
    with Node(scenario_chain, seal="manual") as node:
        client = EmbeddedClient.from_node(node)
        head = client.head()
        ref = reference_columns(client, 0, head)
        events, calls = client_columns._kinds(node.rt)
        fewer = {k: v for k, v in events.items() if (v.pallet, v.name) != ("TransactionPayment", "TransactionFeePaid")}
        monkeypatch.setattr(client_columns, "_kinds", lambda rt: (fewer, calls))
        used = []
        reference = client.block
        monkeypatch.setattr(client, "block", lambda n: used.append(n) or reference(n))
        assert client.block_columns(0, head) == ref
        assert len(used) >= head // 2


NARROW = Struct("test::Narrow", (("a", Compact(U8)), ("b", Compact(U16)), ("c", COMPACT_U32)))


@given(st.integers(0, 2**16), st.integers(0, 2**20), st.integers(0, 2**33))
def test_compiled_compacts_enforce_the_inner_width_like_the_reference(a, b, c):
    from chain.codec import encode_compact

    raw = encode_compact(a) + encode_compact(b) + encode_compact(c)
    cols: list[list] = [[], [], []]
    try:
        ref = NARROW.decode_from_reference(raw, 0)
    except CodecError:
        with pytest.raises(CodecError):
            compile_columns(NARROW)(raw, 0, cols)
        assert cols == [[], [], []]
    else:
        assert compile_columns(NARROW)(raw, 0, cols) == ref[1]
        assert cols == [[ref[0]["a"]], [ref[0]["b"]], [ref[0]["c"]]]
