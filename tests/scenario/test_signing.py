"""Bulk signing gives exactly the bytes of chain.extrinsic.sign_extrinsic, in order, over worker
processes or in-process; demo keys derive from the seed."""
import pytest

from chain.crypto import Keypair, KeyType, verify
from chain.extrinsic import decode_extrinsic, sign_extrinsic, signing_payload
from chain.runtime import Runtime
from chain.scenario.population import DemoSigner, derive_seed
from chain.scenario.signing import PARALLEL_MIN, BulkSigner

GENESIS = bytes(range(32))


def _items(n: int):
    signers = [DemoSigner(derive_seed(9, "farmer", i)) for i in range(5)]
    return [(s.secret, s.public, "Assets", "transfer", {"asset": 1, "dest": ("Id", bytes(32)), "amount": 100 + i}, i // 5)
            for i, s in ((i, signers[i % 5]) for i in range(n))]


def test_demo_signer_is_the_ed25519_keypair_of_the_seed():
    seed = derive_seed(9, "farmer", 3)
    assert DemoSigner(seed).public == Keypair.from_seed(seed, KeyType.ED25519).public
    assert derive_seed(9, "farmer", 3) != derive_seed(10, "farmer", 3) != derive_seed(9, "vendor", 3)


def test_bulk_signing_matches_sign_extrinsic_in_and_out_of_process():
    rt = Runtime()
    items = _items(PARALLEL_MIN + 50)
    parallel = BulkSigner(GENESIS, 100, 1, workers=2, runtime=rt)
    local = BulkSigner(GENESIS, 100, 1, workers=1, runtime=rt)
    try:
        out = parallel.sign(items)
        assert out == local.sign(items)
        for signer in (parallel, local):  # a session: items added in uneven parts, taken in other parts
            session = signer.session(chunk=100)
            session.add(items[:30])
            first = session.take(20)  # fewer added than a chunk: signed here
            session.add(items[30:450])
            session.add(items[450:])
            rest = session.take(400)
            session.flush()
            rest += session.take(len(items) - 420)
            assert first + rest == out
            with pytest.raises(ValueError, match="1 signed extrinsics asked for, 0 left"):
                session.take(1)
        session = parallel.session(chunk=100)  # a worker dies mid-session: its chunks are signed here
        session.add(items[:300])
        for p in list(parallel._get_pool()._processes.values()):
            p.kill()
        session.add(items[300:])
        session.flush()
        assert session.take(len(items)) == out
    finally:
        parallel.close()
    secret, public, pallet, call, args, nonce = items[7]
    signer = DemoSigner(derive_seed(9, "farmer", 7 % 5))
    assert signer.public == public
    call_bytes = rt.encode_call(rt.make_call(pallet, call, **args))
    assert out[7] == sign_extrinsic(signer, call_bytes, nonce, genesis_hash=GENESIS, spec_version=100, tx_version=1)
    xt = decode_extrinsic(out[7])
    payload = signing_payload(xt.call_bytes, None, xt.nonce, 0, 0, 100, 1, GENESIS, GENESIS)
    assert verify(xt.sig_type, xt.signature, payload, xt.signer)
