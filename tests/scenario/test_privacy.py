"""A scan of the whole chain (every block's bytes, every stored state change and the current state) finds
none of the registry's names or village names; the model's own file holds none either."""
from pathlib import Path

from chain.scenario.registry import load_registry

from scenario_helpers import KEY


def test_no_personal_data_on_chain(baseline):
    reg = load_registry(baseline.node.base_path, KEY)
    needles = sorted({s.encode() for s in reg.personal_strings()}, key=len)
    assert len(reg) > 50 and len(needles) > 20
    assert all(len(n) >= 9 for n in needles if b" " in n)  # full names
    store = baseline.node.store
    haystacks = []
    for blk in store.iter_blocks(0, baseline.node.head.number):
        haystacks.append(blk.header + b"".join(blk.extrinsics) + (blk.events or b""))
        haystacks.append(b"".join(k + (v or b"") for k, v in blk.state_changes.items()))
    haystacks.append(b"".join(k + v for k, v in baseline.node.rt.backend.items()))
    for hay in haystacks:
        for n in needles:
            assert n not in hay, f"personal data {n!r} found on chain"
    meta = (Path(baseline.node.base_path) / "scenario.json").read_bytes()
    assert not any(n in meta for n in needles)
    assert not any(n in (Path(baseline.node.base_path) / "registry.enc").read_bytes() for n in needles)
