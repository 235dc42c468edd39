"""The node's JSON-RPC over a raw WebSocket: every listed method, subscriptions, errors and hardening.

One node (a subprocess, --dev, instant seal) serves the whole module; tests that change state use their
own accounts or read relative changes, so they do not depend on order.
"""
from __future__ import annotations

import json
import socket
import struct
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

from chain.block import HEADER
from chain.codec import BYTES, U32, Vec
from chain.crypto import Keypair, KeyType, dev_keypair, ss58_encode
from chain.extrinsic import sign_extrinsic
from chain.hashing import blake2_256, storage_prefix
from chain.metadata import RUNTIME_VERSION, api_id, decode_metadata
from chain.proofs import verify_state_proof
from chain.runtime import SPEC_VERSION, TX_VERSION, Runtime
from chain.types import ACCOUNT_INFO, UNIT, mortal_era
from tests.rpc.conftest import ROOT, NodeProcess, RawClient, start_node

RT = Runtime()
ALICE, BOB = dev_keypair("Alice"), dev_keypair("Bob")
ACCOUNT_PREFIX = storage_prefix("System", "Account")


def account_key(who: bytes) -> bytes:
    return RT.system.Account.key(who)


def h2b(text: str) -> bytes:
    return bytes.fromhex(text[2:])


def genesis(raw: RawClient) -> bytes:
    return h2b(raw.call("chain_getBlockHash", [0]))


def transfer(raw: RawClient, signer: Keypair, dest: bytes, value: int, *, nonce: int | None = None,
             mortal: bool = False, remark: bytes | None = None) -> bytes:
    """A signed extrinsic built with the chain's own tooling, from what the RPC reports."""
    if remark is not None:
        call = RT.encode_call(RT.make_call("System", "remark", remark=remark))
    else:
        call = RT.encode_call(RT.make_call("Balances", "transfer_keep_alive", dest=("Id", dest), value=value))
    n = raw.call("system_accountNextIndex", [ss58_encode(signer.public)]) if nonce is None else nonce
    era, birth = None, None
    if mortal:
        head = int(raw.call("chain_getHeader")["number"], 16)
        era = mortal_era(head, 64)  # born at the best block, as clients do
        from chain.types import era_birth

        birth = h2b(raw.call("chain_getBlockHash", [era_birth(era, head + 1)]))
    return sign_extrinsic(signer, call, n, genesis_hash=genesis(raw), spec_version=SPEC_VERSION,
                          tx_version=TX_VERSION, era=era, birth_hash=birth)


def funded(raw: RawClient, name: str, amount: int = 100 * UNIT, key_type: KeyType = KeyType.SR25519) -> Keypair:
    """A fresh account funded by Alice (waits for the block)."""
    kp = Keypair.from_seed(blake2_256(name.encode()), key_type)
    sub = raw.call("author_submitAndWatchExtrinsic", ["0x" + transfer(raw, ALICE, kp.public, amount).hex()])
    while not isinstance(status := raw.notification(sub), dict) or "inBlock" not in status:
        pass
    return kp


def free_of(raw: RawClient, who: bytes, at: str | None = None) -> int:
    v = raw.call("state_getStorage", ["0x" + account_key(who).hex(), at])
    return 0 if v is None else ACCOUNT_INFO.decode(h2b(v))["data"]["free"]


# ------------------------------------------------------------------------------------------ identity


def test_identity_and_properties(raw: RawClient) -> None:
    chain = raw.call("system_chain")
    assert chain == "Puhui Development" and chain not in ("Polkadot", "Kusama")
    assert raw.call("system_properties") == {"ss58Format": 42, "tokenDecimals": 12, "tokenSymbol": "PUI"}
    assert raw.call("system_health") == {"peers": 0, "isSyncing": False, "shouldHavePeers": False}
    assert raw.call("system_chainType") == "Development"
    assert raw.call("system_name") and raw.call("system_version")
    v = raw.call("state_getRuntimeVersion")
    assert v["specName"] == "puhui" and v["specVersion"] == SPEC_VERSION and v["transactionVersion"] == TX_VERSION
    apis = dict((a, ver) for a, ver in v["apis"])
    assert apis["0xdf6acb689907609b"] >= 4  # Core
    assert apis["0x37e397fc7c91f5e4"] == 1  # Metadata v1 only: polkadot.js then reads state_getMetadata
    assert apis["0xbc9d89904f5b923f"] == 1  # AccountNonceApi
    assert apis["0x37c8bb1350a9a2a8"] >= 2  # TransactionPaymentApi (weight v2)
    assert "0x" + api_id("TaggedTransactionQueue").hex() in apis
    assert raw.call("chain_getRuntimeVersion") == v


def test_block_hash_is_blake2_of_the_scale_header(raw: RawClient) -> None:
    for n in (0, int(raw.call("chain_getHeader")["number"], 16)):
        h = raw.call("chain_getBlockHash", [n])
        hdr = raw.call("chain_getHeader", [h])
        encoded = HEADER.encode({"parent_hash": h2b(hdr["parentHash"]), "number": int(hdr["number"], 16),
                                 "state_root": h2b(hdr["stateRoot"]), "extrinsics_root": h2b(hdr["extrinsicsRoot"]),
                                 "digest": {"logs": []}})
        assert "0x" + blake2_256(encoded).hex() == h
    assert raw.call("chain_getBlockHash", ["0x0"]) == raw.call("chain_getBlockHash", [0])
    assert raw.call("chain_getBlockHash", [[0, 10**6]])[1] is None
    assert raw.call("chain_getHeader", ["0x" + "11" * 32]) is None
    assert raw.call("chain_getBlock", ["0x" + "11" * 32]) is None


def test_metadata_is_v14_from_declarations(raw: RawClient) -> None:
    md = decode_metadata(h2b(raw.call("state_getMetadata")))
    names = {p["name"]: p for p in md["pallets"]}
    for p in RT.pallets:  # every pallet of the runtime, domain pallets included, with docs
        assert p.NAME in names
        served = names[p.NAME]
        assert served["index"] == p.INDEX
        if p.STORAGE:
            assert {e["name"] for e in served["storage"]["entries"]} == {s.name for s in p.STORAGE}
            assert all(e["docs"] for e in served["storage"]["entries"])
        assert {c["name"] for c in served["constants"]} == {c.name for c in p.CONSTANTS}
    assert [e["identifier"] for e in md["extrinsic"]["signed_extensions"]] == [
        "CheckNonZeroSender", "CheckSpecVersion", "CheckTxVersion", "CheckGenesis", "CheckMortality", "CheckNonce",
        "CheckWeight", "ChargeTransactionPayment", "CheckMetadataHash"]
    paths = {"::".join(t["type"]["path"]) for t in md["types"]}
    for special in ("sp_core::crypto::AccountId32", "sp_runtime::multiaddress::MultiAddress",
                    "sp_runtime::generic::era::Era", "sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic",
                    "puhui_runtime::RuntimeCall", "puhui_runtime::RuntimeEvent", "frame_system::EventRecord",
                    "sp_weights::weight_v2::Weight"):
        assert special in paths
    ss58 = next(c for c in names["System"]["constants"] if c["name"] == "SS58Prefix")
    assert ss58["value"] == (42).to_bytes(2, "little")
    # scalecodec (what substrate-interface uses) reads it too
    from scalecodec.base import RuntimeConfiguration, ScaleBytes
    from scalecodec.type_registry import load_type_registry_preset

    rc = RuntimeConfiguration()
    rc.update_type_registry(load_type_registry_preset("core"))
    obj = rc.create_scale_object("MetadataVersioned", data=ScaleBytes(h2b(raw.call("state_getMetadata"))))
    obj.decode()
    assert obj.get_metadata_pallet("Balances").name == "Balances"


# ------------------------------------------------------------------------------------------------ state


def test_storage_reads_and_paging(raw: RawClient) -> None:
    alice_key = "0x" + account_key(ALICE.public).hex()
    value = raw.call("state_getStorage", [alice_key])
    assert ACCOUNT_INFO.decode(h2b(value))["data"]["free"] > 0
    assert raw.call("state_getStorageAt", [alice_key, None]) == value
    assert raw.call("state_getStorageHash", [alice_key]) == "0x" + blake2_256(h2b(value)).hex()
    assert raw.call("state_getStorageSize", [alice_key]) == len(h2b(value))
    missing = "0x" + account_key(bytes(range(32))).hex()
    assert raw.call("state_getStorage", [missing]) is None
    g = raw.call("chain_getBlockHash", [0])
    assert ACCOUNT_INFO.decode(h2b(raw.call("state_getStorage", [alice_key, g])))["data"]["free"] == 1_000_000 * UNIT
    prefix = "0x" + ACCOUNT_PREFIX.hex()
    every = raw.call("state_getKeysPaged", [prefix, 1000, None])
    assert len(every) >= 6 and every == sorted(every) and all(k.startswith(prefix) for k in every)
    page1 = raw.call("state_getKeysPaged", [prefix, 3, None])
    page2 = raw.call("state_getKeysPaged", [prefix, 3, page1[-1]])
    assert page1 + page2 == every[:6]
    at = raw.call("state_queryStorageAt", [[alice_key, missing]])
    assert at[0]["changes"] == [[alice_key, value], [missing, None]] or at[0]["changes"][1] == [missing, None]
    hist = raw.call("state_queryStorage", [[alice_key], g, None])
    assert hist[0]["block"] == g and len(hist) >= 1
    resp = raw.request("state_getKeysPaged", [prefix, 1001, None])
    assert resp["error"]["code"] == -32602


def test_read_proof_checks_against_state_root(raw: RawClient) -> None:
    funded(raw, "proof-tester")  # at least one block past genesis
    keys = [account_key(ALICE.public), account_key(bytes(range(32)))]
    for at in (None, raw.call("chain_getBlockHash", [1])):
        result = raw.call("state_getReadProof", [["0x" + k.hex() for k in keys], at])
        header = raw.call("chain_getHeader", [result["at"]])
        root = h2b(header["stateRoot"])
        for k, proof in zip(keys, result["proof"]):
            v = raw.call("state_getStorage", ["0x" + k.hex(), result["at"]])
            value = None if v is None else h2b(v)
            assert verify_state_proof(root, k, value, h2b(proof))
            assert not verify_state_proof(root, k, b"forged", h2b(proof))


def test_state_call_runtime_apis(raw: RawClient) -> None:
    version = RUNTIME_VERSION.decode(h2b(raw.call("state_call", ["Core_version", "0x"])))
    assert version["spec_name"] == "puhui" and version["spec_version"] == SPEC_VERSION
    md = BYTES.decode(h2b(raw.call("state_call", ["Metadata_metadata", "0x"])))
    assert md == h2b(raw.call("state_getMetadata"))
    nonce = U32.decode(h2b(raw.call("state_call", ["AccountNonceApi_account_nonce", "0x" + ALICE.public.hex()])))
    assert nonce == raw.call("system_accountNextIndex", [ALICE.ss58])
    xt = transfer(raw, ALICE, BOB.public, UNIT)
    info = raw.call("state_call", ["TransactionPaymentApi_query_info", "0x" + (xt + U32.encode(len(xt))).hex()])
    from chain.runtime_api import FEE_DETAILS, RUNTIME_DISPATCH_INFO, TX_VALIDITY

    decoded = RUNTIME_DISPATCH_INFO.decode(h2b(info))
    assert decoded["partial_fee"] == int(raw.call("payment_queryInfo", ["0x" + xt.hex()])["partialFee"]) > 0
    details = FEE_DETAILS.decode(h2b(raw.call("state_call", ["TransactionPaymentApi_query_fee_details",
                                                             "0x" + (xt + U32.encode(len(xt))).hex()])))
    assert sum(details["inclusion_fee"].values()) == decoded["partial_fee"]
    valid = TX_VALIDITY.decode(h2b(raw.call("state_call", ["TaggedTransactionQueue_validate_transaction",
                                                           "0x02" + xt.hex() + "00" * 32])))
    assert valid[0] == "Ok"
    bad = raw.request("state_call", ["NoSuchApi_method", "0x"])
    assert bad["error"]["code"] == -32000 and "not found" in bad["error"]["message"]


# ------------------------------------------------------------------------------------------ submitting


def test_submit_and_watch_reports_ready_inblock_then_finalized_apart(raw: RawClient) -> None:
    xt = transfer(raw, ALICE, BOB.public, 2 * UNIT)
    sub = raw.call("author_submitAndWatchExtrinsic", ["0x" + xt.hex()])
    assert isinstance(sub, str)
    assert raw.notification(sub) == "ready"
    in_block = raw.notification(sub)
    t_in = time.monotonic()
    final = raw.notification(sub)
    assert time.monotonic() - t_in >= 0.1, "inBlock and finalized must not arrive back to back"
    assert set(in_block) == {"inBlock"} and final == {"finalized": in_block["inBlock"]}
    blk = raw.call("chain_getBlock", [in_block["inBlock"]])
    assert "0x" + xt.hex() in blk["block"]["extrinsics"]


def test_submit_plain_and_pending(raw: RawClient) -> None:
    before = free_of(raw, BOB.public)
    xt = transfer(raw, ALICE, BOB.public, 3 * UNIT)
    assert raw.call("author_submitExtrinsic", ["0x" + xt.hex()]) == "0x" + blake2_256(xt).hex()
    assert free_of(raw, BOB.public) == before + 3 * UNIT  # instant seal
    assert raw.call("author_pendingExtrinsics") == []


def test_mortal_and_ed25519_and_big_payload(raw: RawClient) -> None:
    ed = funded(raw, "ed-signer", key_type=KeyType.ED25519)
    before = free_of(raw, BOB.public)
    raw.call("author_submitExtrinsic", ["0x" + transfer(raw, ed, BOB.public, UNIT, mortal=True).hex()])
    assert free_of(raw, BOB.public) == before + UNIT
    big = transfer(raw, ALICE, b"", 0, remark=b"x" * 400)  # payload over 256 bytes is signed as its hash
    assert raw.call("author_submitExtrinsic", ["0x" + big.hex()])


def test_invalid_transactions_get_1010_with_the_reason(raw: RawClient) -> None:
    xt = bytearray(transfer(raw, ALICE, BOB.public, UNIT))
    xt[40] ^= 0xFF  # inside the signature
    err = raw.request("author_submitExtrinsic", ["0x" + bytes(xt).hex()])["error"]
    assert err["code"] == 1010 and err["message"] == "Invalid Transaction" and "bad signature" in err["data"]
    poor = Keypair.from_seed(b"\x07" * 32)
    err = raw.request("author_submitExtrinsic", ["0x" + transfer(raw, poor, BOB.public, UNIT).hex()])["error"]
    assert err["code"] == 1010 and "Inability to pay some fees" in err["data"]
    stale = transfer(raw, ALICE, BOB.public, UNIT, nonce=0)
    err = raw.request("author_submitAndWatchExtrinsic", ["0x" + stale.hex()])["error"]
    assert err["code"] == 1010 and "outdated" in err["data"]
    err = raw.request("author_submitExtrinsic", ["0x0102"])["error"]
    assert err["code"] == 1010 and "decode" in err["data"].lower()
    assert raw.call("system_health")["peers"] == 0


# --------------------------------------------------------------------------------------- subscriptions


def test_subscriptions_heads_storage_runtime_version(raw: RawClient) -> None:
    heads = raw.call("chain_subscribeNewHeads")
    final = raw.call("chain_subscribeFinalizedHeads")
    allh = raw.call("chain_subscribeAllHeads")
    rv = raw.call("state_subscribeRuntimeVersion")
    bob_key = "0x" + account_key(BOB.public).hex()
    st = raw.call("state_subscribeStorage", [[bob_key]])
    every = raw.call("state_subscribeStorage", [])  # all changes, from the next block on
    first = raw.notification(heads)
    assert raw.notification(final)["number"] == first["number"]
    assert raw.notification(rv)["specVersion"] == SPEC_VERSION
    initial = raw.notification(st)
    assert initial["changes"][0][0] == bob_key
    raw.call("author_submitExtrinsic", ["0x" + transfer(raw, ALICE, BOB.public, 4 * UNIT).hex()])
    nxt = raw.notification(heads)
    assert int(nxt["number"], 16) == int(first["number"], 16) + 1
    assert raw.notification(allh)["number"] == nxt["number"]
    change = raw.notification(st)
    assert change["block"] == raw.call("chain_getBlockHash", [int(nxt["number"], 16)])
    new = ACCOUNT_INFO.decode(h2b(change["changes"][0][1]))["data"]["free"]
    everything = raw.notification(every)
    assert everything["block"] == change["block"] and change["changes"][0] in everything["changes"]
    assert ["0x" + RT.system.Events.prefix.hex(), None] not in everything["changes"]
    assert new == ACCOUNT_INFO.decode(h2b(initial["changes"][0][1]))["data"]["free"] + 4 * UNIT
    for unsub, sid in (("chain_unsubscribeNewHeads", heads), ("chain_unsubscribeFinalizedHeads", final),
                       ("chain_unsubscribeAllHeads", allh), ("state_unsubscribeRuntimeVersion", rv),
                       ("state_unsubscribeStorage", st), ("state_unsubscribeStorage", every)):
        assert raw.call(unsub, [sid]) is True
        assert raw.call(unsub, [sid]) is False


def test_engine_create_block(raw: RawClient) -> None:
    n = int(raw.call("chain_getHeader")["number"], 16)
    made = raw.call("engine_createBlock", [True, True, None])
    assert raw.call("chain_getBlockHash", [n + 1]) == made["hash"]
    assert raw.call("engine_finalizeBlock", [made["hash"]]) is True


# --------------------------------------------------------------------------------------- every method


def _samples(raw: RawClient) -> dict[str, list[Any]]:
    head = raw.call("chain_getBlockHash")
    key = "0x" + account_key(ALICE.public).hex()
    xt = "0x" + transfer(raw, ALICE, BOB.public, 1).hex()
    xt2 = "0x" + transfer(raw, ALICE, BOB.public, 2, nonce=raw.call("system_accountNextIndex", [ALICE.ss58]) + 1).hex()
    s: dict[str, list[Any]] = {
        "rpc_methods": [], "system_chain": [], "system_name": [], "system_version": [], "system_chainType": [],
        "system_properties": [], "system_health": [], "system_peers": [], "system_nodeRoles": [], "system_syncState": [],
        "system_accountNextIndex": [ALICE.ss58], "chain_getBlockHash": [0], "chain_getHead": [],
        "chain_getFinalizedHead": [], "chain_getFinalisedHead": [], "chain_getHeader": [head], "chain_getBlock": [head],
        "chain_getRuntimeVersion": [head], "state_getRuntimeVersion": [head], "state_getMetadata": [head],
        "state_getStorage": [key, head], "state_getStorageAt": [key, head], "state_getStorageHash": [key, head],
        "state_getStorageHashAt": [key, head], "state_getStorageSize": [key, head], "state_getStorageSizeAt": [key, head],
        "state_getKeysPaged": ["0x" + ACCOUNT_PREFIX.hex(), 10, None, head],
        "state_getKeysPagedAt": ["0x" + ACCOUNT_PREFIX.hex(), 10, None, head],
        "state_queryStorageAt": [[key], head], "state_queryStorage": [[key], head, head],
        "state_getReadProof": [[key], head], "state_call": ["Core_version", "0x", head],
        "state_callAt": ["Core_version", "0x", head], "payment_queryInfo": [xt, head],
        "payment_queryFeeDetails": [xt, head], "author_pendingExtrinsics": [],
        "author_submitExtrinsic": [xt], "author_submitAndWatchExtrinsic": [xt2],
        "engine_createBlock": [True, True, None], "engine_finalizeBlock": [head],
        "state_subscribeStorage": [[key]],
    }
    return s


def test_rpc_methods_lists_exactly_what_works(raw: RawClient) -> None:
    from chain.rpc import SUBSCRIBE, UNSUBSCRIBE

    listed = raw.call("rpc_methods")
    assert listed["version"] == 1
    methods = listed["methods"]
    samples = _samples(raw)
    assert set(methods) == set(samples) | set(SUBSCRIBE) | set(UNSUBSCRIBE), "every listed method is tested here"
    for m in methods:
        if m in UNSUBSCRIBE:
            assert raw.call(m, ["nosuchsubscription"]) is False
            continue
        resp = raw.request(m, samples.get(m, []))
        assert "error" not in resp, (m, resp)
        if m in SUBSCRIBE:
            if m != "chain_subscribeAllHeads":
                raw.notification(resp["result"])  # each subscription answers at once
            if m != "author_submitAndWatchExtrinsic":
                unsub = next(u for u, kind in UNSUBSCRIBE.items() if kind == SUBSCRIBE[m][0])
                assert raw.call(unsub, [resp["result"]]) is True
    assert raw.request("state_getChildStorage", [])["error"]["code"] == -32601
    assert raw.request("author_rotateKeys", [])["error"]["code"] == -32601


# --------------------------------------------------------------------------------------------- hardening


def test_malformed_requests_get_proper_errors(raw: RawClient) -> None:
    cases: list[tuple[str, int]] = [
        ("{not json", -32700), ("", -32700), ("42", -32600), ('{"jsonrpc":"2.0","id":1}', -32600),
        ('{"jsonrpc":"1.0","id":1,"method":"system_chain"}', -32600), ("[]", -32600),
        ('{"jsonrpc":"2.0","id":1,"method":"nope_nope","params":[]}', -32601),
        ('{"jsonrpc":"2.0","id":1,"method":"state_getStorage","params":["0xzz"]}', -32602),
        ('{"jsonrpc":"2.0","id":1,"method":"state_getStorage","params":["abc"]}', -32602),
        ('{"jsonrpc":"2.0","id":1,"method":"state_getStorage","params":["0x123"]}', -32602),
        ('{"jsonrpc":"2.0","id":1,"method":"chain_getHeader","params":["0x1234"]}', -32602),
        ('{"jsonrpc":"2.0","id":1,"method":"chain_getBlockHash","params":[-1]}', -32602),
        ('{"jsonrpc":"2.0","id":1,"method":"chain_getBlockHash","params":[1,2,3]}', -32602),
        ('{"jsonrpc":"2.0","id":1,"method":"state_getStorage","params":{"key":"0x00"}}', -32602),
        ('{"jsonrpc":"2.0","id":1,"method":"author_submitExtrinsic","params":["0x"]}', 1010),
        ('{"jsonrpc":"2.0","id":1,"method":"state_getStorage","params":["0x00","0x' + "ab" * 32 + '"]}', 4003),
        ('{"jsonrpc":"2.0","id":1,"method":"state_subscribeStorage","params":["0x00"]}', -32602),
        ("[" * 100_000 + "]" * 100_000, -32700),
    ]
    for text, code in cases:
        raw.send_raw(text)
        resp = raw.recv()
        assert isinstance(resp, dict) and resp["error"]["code"] == code, (text[:80], resp)
    raw.send_raw(b"\xff\xfe")  # a binary frame that is not UTF-8
    assert raw.recv()["error"]["code"] == -32700
    batch = [{"jsonrpc": "2.0", "id": 1, "method": "system_chain"}, {"jsonrpc": "2.0", "method": "system_chain"},
             {"jsonrpc": "2.0", "id": 3, "method": "nope"}, 5]
    raw.send_raw(json.dumps(batch))
    answers = raw.recv()
    assert isinstance(answers, list) and len(answers) == 3
    assert answers[0]["result"] == "Puhui Development" and answers[1]["error"]["code"] == -32601
    assert answers[2]["error"]["code"] == -32600
    raw.send_raw('{"jsonrpc":"2.0","method":"system_chain"}')  # a notification gets no answer
    assert raw.call("system_health")["isSyncing"] is False


def test_oversized_request_is_refused_and_the_connection_survives(raw: RawClient) -> None:
    from chain.rpc import MAX_REQUEST_BYTES

    big = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "author_submitExtrinsic",
                      "params": ["0x" + "00" * (MAX_REQUEST_BYTES // 2 + 10)]})
    raw.send_raw(big)
    resp = raw.recv()
    assert resp["error"]["code"] == -32007 and "too big" in resp["error"]["message"]
    assert raw.call("system_chain") == "Puhui Development"


def test_fifty_concurrent_clients(rpc_node: NodeProcess) -> None:
    setup = RawClient(rpc_node.url)
    start = setup.call("system_accountNextIndex", [ALICE.ss58])
    xts = [transfer(setup, ALICE, BOB.public, 1000 + i, nonce=start + i) for i in range(50)]
    errors: list[str] = []
    barrier = threading.Barrier(50)

    def client(i: int) -> None:
        try:
            c = RawClient(rpc_node.url, timeout=60)
            barrier.wait(timeout=30)
            sub = c.call("chain_subscribeNewHeads")
            c.notification(sub)
            assert c.call("author_submitExtrinsic", ["0x" + xts[i].hex()]) == "0x" + blake2_256(xts[i]).hex()
            for _ in range(5):
                h = c.call("chain_getBlockHash")
                assert c.call("state_getStorage", ["0x" + account_key(ALICE.public).hex(), None]) is not None
                assert c.call("chain_getHeader", [h]) is not None
            c.close()
        except Exception as exc:
            errors.append(f"client {i}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:5]
    deadline = time.monotonic() + 30
    while setup.call("system_accountNextIndex", [ALICE.ss58]) < start + 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert setup.call("system_accountNextIndex", [ALICE.ss58]) == start + 50
    setup.close()


def _abrupt_close(c: RawClient) -> None:
    """Vanish without a close frame: reset the TCP connection."""
    sock = c.ws.socket
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def test_clients_vanishing_mid_subscription(rpc_node: NodeProcess) -> None:
    for i in range(10):
        c = RawClient(rpc_node.url)
        c.call("chain_subscribeNewHeads")
        c.call("state_subscribeStorage", [["0x" + account_key(BOB.public).hex()]])
        c.call("author_submitAndWatchExtrinsic", ["0x" + transfer(c, ALICE, BOB.public, 10 + i).hex()])
        if i % 2:
            _abrupt_close(c)
        else:
            c.ws.socket.close()
    survivor = RawClient(rpc_node.url)
    for _ in range(3):
        survivor.call("author_submitExtrinsic", ["0x" + transfer(survivor, ALICE, BOB.public, 5).hex()])
    time.sleep(0.5)  # the finalized notifications of the vanished watchers fall due
    assert survivor.call("system_health")["peers"] == 0
    survivor.close()


def test_rpc_external_is_required_to_listen_beyond_loopback(tmp_path: Any) -> None:
    proc = subprocess.run([sys.executable, "-m", "chain", "node", "--dev", "--rpc-host", "0.0.0.0", "--rpc-port", "0",
                           "--base-path", str(tmp_path / "x")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--rpc-external" in proc.stderr


def test_interval_and_manual_seal(tmp_path: Any) -> None:
    node = start_node(tmp_path / "manual", "--seal", "manual")
    try:
        c = RawClient(node.url)
        xt = transfer(c, ALICE, BOB.public, UNIT)
        sub = c.call("author_submitAndWatchExtrinsic", ["0x" + xt.hex()])
        assert c.notification(sub) == "ready"
        assert c.call("author_pendingExtrinsics") == ["0x" + xt.hex()]
        made = c.call("engine_createBlock", [False, True, None])
        assert c.notification(sub) == {"inBlock": made["hash"]}
        assert c.request("engine_createBlock", [False, True, None])["error"]["code"] == -32000
        c.close()
    finally:
        node.stop()
    assert "Traceback" not in node.stderr()


def test_node_printed_no_traceback(rpc_node: NodeProcess) -> None:
    """Runs last in this module: everything above must have left no traceback in the node's stderr."""
    c = RawClient(rpc_node.url)
    assert c.call("system_chain")
    c.close()
    err = rpc_node.stderr()
    assert "Traceback" not in err, err[-3000:]
