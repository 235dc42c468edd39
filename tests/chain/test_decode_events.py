"""The fast event decoder agrees with the reference (RuntimeEvent enum) decoder on real chains."""
import pytest

from chain.errors import CodecError
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


def test_fast_decoder_rejects_trailing_bytes(tmp_path):
    with Node(tmp_path, seal="manual") as node:
        node.produce_block()
        raw = node.storage(node.rt.events_key, 1)
        with pytest.raises(CodecError):
            node.rt.decode_events(raw + b"\x00")
