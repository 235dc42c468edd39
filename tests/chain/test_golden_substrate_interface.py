"""Golden interoperability: extrinsics signed by substrate-interface's own Keypair decode and verify here,
with both signature schemes, immortal and mortal eras, and a payload over 256 bytes."""
import pytest
from substrateinterface import Keypair as SIKeypair, KeypairType

from chain.extrinsic import decode_extrinsic, sign_extrinsic
from chain.node import Node, dev_genesis_config
from chain.runtime import SPEC_VERSION, TX_VERSION
from chain.types import UNIT, mortal_era


class SISigner:
    """substrate-interface's Keypair seen through our Signer protocol."""

    def __init__(self, kp):
        self.kp = kp
        self.public = kp.public_key
        self.key_type = 0 if kp.crypto_type == KeypairType.ED25519 else 1

    def sign(self, message: bytes) -> bytes:
        return self.kp.sign(message)


SR = SISigner(SIKeypair.create_from_uri("//Alice"))
ED = SISigner(SIKeypair.create_from_seed("0x" + "11" * 32, crypto_type=KeypairType.ED25519))


@pytest.fixture
def node(tmp_path):
    n = Node(tmp_path, dev_genesis_config(extra_balances=[(ED.public, 100 * UNIT)]), seal="manual")
    yield n
    n.close()


def test_alice_key_matches():
    from chain.crypto import dev_keypair

    assert SR.public == dev_keypair("Alice").public
    assert SR.kp.ss58_address == dev_keypair("Alice").ss58 == "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"


@pytest.mark.parametrize("signer", [SR, ED], ids=["sr25519", "ed25519"])
def test_substrate_interface_signatures_enter_blocks(node, signer):
    rt = node.rt
    bob = SIKeypair.create_from_uri("//Bob").public_key
    call = rt.encode_call(rt.make_call("Balances", "transfer_keep_alive", dest=("Id", bob), value=UNIT))
    xt = sign_extrinsic(signer, call, 0, genesis_hash=node.genesis_hash, spec_version=SPEC_VERSION, tx_version=TX_VERSION)
    decoded = decode_extrinsic(xt)
    assert decoded.signer == signer.public and decoded.sig_type == signer.key_type
    node.submit(xt)
    node.produce_block()
    node.produce_block()
    era = mortal_era(node.head.number, 64)
    remark = rt.encode_call(rt.make_call("System", "remark_with_event", remark=b"x" * 400))  # payload > 256 bytes
    node.submit(sign_extrinsic(signer, remark, 1, genesis_hash=node.genesis_hash, spec_version=SPEC_VERSION,
                               tx_version=TX_VERSION, era=era, birth_hash=node.head.hash))
    node.produce_block()
    assert node.account(signer.public)["nonce"] == 2
    assert any(e["event"] == "Remarked" for e in node.events(node.head.number))
