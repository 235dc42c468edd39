"""Property tests: random mixes of valid and invalid transfers keep total issuance equal to the sum of
balances, and nonces only rise."""
from hypothesis import HealthCheck, given, settings, strategies as st

from chain.crypto import dev_keypair
from chain.errors import InvalidTransaction
from chain.extrinsic import sign_extrinsic
from chain.node import Node
from chain.runtime import SPEC_VERSION, TX_VERSION
from chain.types import UNIT

NAMES = ("Alice", "Bob", "Charlie", "Dave")
KEYS = [dev_keypair(n) for n in NAMES]

action = st.tuples(
    st.integers(0, len(KEYS) - 1),                 # sender
    st.integers(0, len(KEYS)),                     # receiver (last = a fresh account)
    st.sampled_from([0, 1, 10**6, 10**9, UNIT, 10**5 * UNIT, 2 * 10**6 * UNIT, 2**127]),
    st.sampled_from(["ok", "ok", "ok", "stale", "future", "bad_sig", "allow_death"]),
)


def total_of_accounts(node):
    node.rt.prepare_for_validation(node.head.number, node.head.hash)
    return sum(info["data"]["free"] + info["data"]["reserved"] for _, info in node.rt.system.Account.iter())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(action, min_size=1, max_size=25), st.integers(1, 4))
def test_random_transfers_conserve_issuance_and_nonces_rise(tmp_path_factory, actions, per_block):
    path = tmp_path_factory.mktemp("prop")
    with Node(path, seal="manual") as node:
        rt = node.rt
        nonces = {k.public: 0 for k in KEYS}
        for i, (s, r, value, kind) in enumerate(actions):
            signer = KEYS[s]
            dest = KEYS[r].public if r < len(KEYS) else bytes([i % 256]) * 32
            name = "transfer_allow_death" if kind == "allow_death" else "transfer_keep_alive"
            call = rt.encode_call(rt.make_call("Balances", name, dest=("Id", dest), value=value))
            nonce = node.next_nonce(signer.public)
            if kind == "stale":
                nonce = max(0, nonce - 1) if nonce else nonce
            elif kind == "future":
                nonce += 3
            xt = sign_extrinsic(signer, call, nonce, genesis_hash=node.genesis_hash, spec_version=SPEC_VERSION,
                                tx_version=TX_VERSION)
            if kind == "bad_sig":
                xt = xt[:-40] + bytes([xt[-40] ^ 0xFF]) + xt[-39:]
            try:
                node.submit(xt)
            except InvalidTransaction:
                pass
            if i % per_block == 0:
                node.produce_block()
                for k in KEYS:
                    n = node.account(k.public)["nonce"]
                    assert n >= nonces[k.public], "a nonce went down"
                    nonces[k.public] = n
                assert total_of_accounts(node) == rt.balances.TotalIssuance.get()
        node.produce_block()
        assert total_of_accounts(node) == rt.balances.TotalIssuance.get()
