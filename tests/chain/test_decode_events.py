"""The fast event decoder agrees with the reference (RuntimeEvent enum) decoder on real chains."""
import pytest

from chain.errors import CodecError, InvalidTransaction
from chain.extrinsic import decode_extrinsic
from chain.node import Node


def test_fast_and_reference_event_decoding_agree_on_a_scenario_chain(tmp_path):
    from chain.scenario import build_chain

    base = tmp_path / "chain"
    build_chain(scenario="demo", base_path=base, days=12, seed=3)
    with Node(base, seal="manual") as node:
        kinds = set()
        for n in range(1, node.head.number + 1):
            raw = node.storage(node.rt.events_key, n)
            fast, ref = node.rt.decode_events(raw), node.rt.decode_events_reference(raw)
            assert fast == ref, f"block #{n}"
            kinds.update((e["pallet"], e["event"]) for e in fast)
        assert len({p for p, _ in kinds}) >= 6, kinds  # many pallets' events were compared
        calls = set()
        for n in range(1, node.head.number + 1):
            for raw in node.get_block(n).extrinsics:
                call_bytes = decode_extrinsic(raw).call_bytes
                fast = node.rt._decode_call_uncached(call_bytes)
                assert fast == node.rt.decode_call_reference(call_bytes), f"block #{n}"
                calls.add((fast[0], fast[1][0]))
        assert len({p for p, _ in calls}) >= 6, calls  # many pallets' calls were compared


def test_fast_decoder_rejects_trailing_bytes(tmp_path):
    with Node(tmp_path, seal="manual") as node:
        node.produce_block()
        raw = node.storage(node.rt.events_key, 1)
        with pytest.raises(CodecError):
            node.rt.decode_events(raw + b"\x00")


def test_fast_call_decoder_refuses_what_the_reference_refuses(tmp_path):
    with Node(tmp_path, seal="manual") as node:
        rt = node.rt
        good = rt.encode_call(rt.make_call("Balances", "transfer_keep_alive", dest=("Id", bytes(32)), value=5))
        assert rt._decode_call_uncached(good) == rt.decode_call_reference(good)
        for bad in (good[:-1], good + b"\x00", bytes([good[0], 250]) + good[2:], bytes([250]) + good[1:], good[:1]):
            with pytest.raises(InvalidTransaction) as fast:
                rt._decode_call_uncached(bad)
            with pytest.raises(InvalidTransaction) as ref:
                rt.decode_call_reference(bad)
            assert type(fast.value) is type(ref.value) and str(fast.value) == str(ref.value)
