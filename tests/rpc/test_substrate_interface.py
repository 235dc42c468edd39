"""The unmodified `substrate-interface` client against `python -m chain node`."""
from __future__ import annotations

from typing import Any, Iterator

import pytest
from scalecodec.base import ScaleBytes
from substrateinterface import Keypair, KeypairType, SubstrateInterface
from substrateinterface.exceptions import SubstrateRequestException

from chain.types import UNIT
from tests.rpc.conftest import NodeProcess

CORE = {"System", "Timestamp", "Balances", "TransactionPayment", "Sudo", "Utility"}


@pytest.fixture(scope="module")
def si(rpc_node: NodeProcess) -> Iterator[SubstrateInterface]:
    s = SubstrateInterface(url=rpc_node.url)
    yield s
    s.close()


@pytest.fixture(scope="module")
def alice() -> Keypair:
    return Keypair.create_from_uri("//Alice")


@pytest.fixture(scope="module")
def bob() -> Keypair:
    return Keypair.create_from_uri("//Bob")


def send(si: SubstrateInterface, signer: Keypair, module: str, fn: str, params: dict[str, Any], **kw: Any) -> Any:
    call = si.compose_call(module, fn, params)
    xt = si.create_signed_extrinsic(call, signer, **kw)
    return si.submit_extrinsic(xt, wait_for_inclusion=True)


def test_connect_and_query_account(si: SubstrateInterface, alice: Keypair) -> None:
    assert si.chain == "Puhui Development"
    assert si.ss58_format == 42 and si.token_symbol == "PUI" and si.token_decimals == 12
    info = si.query("System", "Account", [alice.ss58_address])
    assert info.value["data"]["free"] > 0 and info.value["nonce"] >= 0
    missing = si.query("System", "Account", [Keypair.create_from_seed("0x" + "42" * 32).ss58_address])
    assert missing.value["data"]["free"] == 0  # a missing key reads as the metadata default
    assert si.get_constant("System", "SS58Prefix").value == 42


def test_sr25519_transfer_with_events(si: SubstrateInterface, alice: Keypair, bob: Keypair) -> None:
    before = si.query("System", "Account", [bob.ss58_address]).value["data"]["free"]
    receipt = send(si, alice, "Balances", "transfer_keep_alive", {"dest": bob.ss58_address, "value": 7 * UNIT})
    assert receipt.is_success
    names = [(e.value["module_id"], e.value["event_id"]) for e in receipt.triggered_events]
    assert ("Balances", "Transfer") in names and ("System", "ExtrinsicSuccess") in names
    transfer = next(e for e in receipt.triggered_events if e.value["event_id"] == "Transfer")
    assert transfer.value["attributes"]["amount"] == 7 * UNIT
    assert receipt.total_fee_amount > 0
    assert si.query("System", "Account", [bob.ss58_address]).value["data"]["free"] == before + 7 * UNIT


def test_ed25519_signer(si: SubstrateInterface, alice: Keypair, bob: Keypair) -> None:
    ed = Keypair.create_from_seed("0x" + "e1" * 32, crypto_type=KeypairType.ED25519)
    assert send(si, alice, "Balances", "transfer_keep_alive", {"dest": ed.ss58_address, "value": 50 * UNIT}).is_success
    receipt = send(si, ed, "Balances", "transfer_keep_alive", {"dest": bob.ss58_address, "value": UNIT})
    assert receipt.is_success
    assert si.query("System", "Account", [ed.ss58_address]).value["nonce"] == 1


def test_failing_call_reports_its_module_error(si: SubstrateInterface, alice: Keypair, bob: Keypair) -> None:
    receipt = send(si, alice, "Balances", "transfer_keep_alive", {"dest": bob.ss58_address, "value": 10**30})
    assert not receipt.is_success
    assert receipt.error_message["name"] == "InsufficientBalance"
    assert receipt.error_message["docs"]


def test_mortal_era(si: SubstrateInterface, alice: Keypair, bob: Keypair) -> None:
    receipt = send(si, alice, "Balances", "transfer_keep_alive", {"dest": bob.ss58_address, "value": UNIT},
                   era={"period": 64})
    assert receipt.is_success
    block = si.get_block(block_hash=receipt.block_hash)
    xt = next(x for x in block["extrinsics"] if x.value.get("address"))
    assert xt.value["era"] != "00"


def test_payload_over_256_bytes(si: SubstrateInterface, alice: Keypair) -> None:
    receipt = send(si, alice, "System", "remark_with_event", {"remark": "0x" + "ab" * 400})
    assert receipt.is_success
    assert any(e.value["event_id"] == "Remarked" for e in receipt.triggered_events)


def test_invalid_transaction_is_refused_with_1010(si: SubstrateInterface, bob: Keypair) -> None:
    poor = Keypair.create_from_seed("0x" + "99" * 32)
    call = si.compose_call("Balances", "transfer_keep_alive", {"dest": bob.ss58_address, "value": UNIT})
    xt = si.create_signed_extrinsic(call, poor)
    with pytest.raises(SubstrateRequestException) as info:
        si.submit_extrinsic(xt, wait_for_inclusion=True)
    err = info.value.args[0]
    assert err["code"] == 1010 and "Inability to pay" in err["data"]


def test_get_block_get_events_query_map(si: SubstrateInterface) -> None:
    block = si.get_block(block_number=1)
    assert block["header"]["number"] == 1
    assert block["extrinsics"][0].value["call"]["call_module"] == "Timestamp"
    events = si.get_events(block["header"]["hash"])
    assert events and all(e.value["module_id"] for e in events)
    accounts = list(si.query_map("System", "Account", page_size=2))
    assert len(accounts) >= 6
    assert all(a.value["data"]["free"] >= 0 for _, a in accounts)
    head = si.get_block_header()
    assert head["header"]["number"] >= 1
    fee = si.get_payment_info(si.compose_call("Balances", "transfer_keep_alive",
                                              {"dest": Keypair.create_from_uri("//Bob").ss58_address, "value": 1}),
                              Keypair.create_from_uri("//Alice"))
    assert fee["partial_fee"] > 0 if "partial_fee" in fee else int(fee["partialFee"]) > 0


def _zero_args(si: SubstrateInterface, fn: Any) -> dict[str, Any]:
    """Arguments of a call taken from the served metadata: the zero value of each argument's type."""
    args = {}
    for arg in fn.args:
        type_string = arg.type
        for fill in (b"\x00", b"\x01"):
            obj = si.runtime_config.create_scale_object(type_string, data=ScaleBytes(fill * 64), metadata=si.metadata)
            try:
                obj.decode(check_remaining=False)
            except Exception:
                continue
            args[arg.name] = obj.value
            break
        else:
            raise AssertionError(f"cannot make a value of {type_string} for {fn.name}.{arg.name}")
    return args


def test_a_call_of_each_domain_pallet(si: SubstrateInterface) -> None:
    """For every domain pallet the node serves: compose one of its calls from the metadata, sign, submit,
    and read the outcome: success, or a failure named by the metadata (e.g. the pallet's own error)."""
    charlie = Keypair.create_from_uri("//Charlie")
    si.init_runtime()
    domain = [p for p in si.metadata.pallets if p.name not in CORE and p.calls]
    assert domain, "the runtime serves no domain pallet"
    for pallet in domain:
        fn = next((c for c in pallet.calls if not c.name.startswith("force_")), pallet.calls[0])
        receipt = send(si, charlie, pallet.name, fn.name, _zero_args(si, fn))
        assert receipt.block_hash, pallet.name
        if not receipt.is_success:
            assert receipt.error_message and receipt.error_message["name"], (pallet.name, fn.name)


def test_wait_for_finalization(si: SubstrateInterface, alice: Keypair, bob: Keypair) -> None:
    call = si.compose_call("Balances", "transfer_keep_alive", {"dest": bob.ss58_address, "value": UNIT})
    receipt = si.submit_extrinsic(si.create_signed_extrinsic(call, alice), wait_for_finalization=True)
    assert receipt.finalized and receipt.is_success
    assert si.get_chain_finalised_head() == si.get_chain_head()
