"""Donor receipts and credentials: built from a real node, verified offline; any altered byte fails."""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any, Iterator

import pytest

from chain.__main__ import main
from chain.block import Header
from chain.client import EmbeddedClient
from chain.crypto import dev_keypair
from chain.node import Node
from chain.receipts import (
    LINK_SPAN, ReceiptError, _plan_links, build_credential_receipt, build_donation_receipt, dumps, verify_receipt,
)

KES = 1
NAMES = ("Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie")


class Chain:
    """A small real chain: agents, a voucher-traced campaign, a failed campaign, courses and credentials."""

    def __init__(self, path: Path):
        self.node = Node(path)
        self.client = EmbeddedClient.from_node(self.node)
        self.keys = {n: dev_keypair(n) for n in NAMES}
        self.acc = {n: k.public for n, k in self.keys.items()}

    def tx(self, who: str, pallet: str, call: str, /, **args: Any) -> None:
        r = self.client.sign_and_submit(self.keys[who], pallet, call, args)
        assert r.success, (pallet, call, r.error)

    def sudo(self, pallet: str, call: str, /, **args: Any) -> None:
        r = self.client.sign_and_submit(self.keys["Alice"], "Sudo", "sudo",
                                        {"call": self.node.rt.make_call(pallet, call, **args)})
        assert r.success and [e for e in r.events if e.event == "Sudid"][0].fields["sudo_result"][0] == "Ok"


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    c = Chain(tmp_path_factory.mktemp("receipts"))
    a = c.acc
    c.sudo("Assets", "force_license_agent", agent=("Id", a["Ferdie"]), country="KE")
    c.sudo("Donations", "register_merchant", merchant=("Id", a["Eve"]))
    c.sudo("Education", "force_register_educator", educator=("Id", a["Dave"]))
    for who in ("Bob", "Charlie"):
        c.tx("Ferdie", "Assets", "cash_in", asset=KES, who=("Id", a[who]), amount=100_000)
    c.tx("Alice", "Donations", "create_campaign", asset=KES, goal=50_000, deadline=500, categories=[0, 2],
         rule=("Fifo", None), overhead_cap_bps=1_000, validator=None, milestones=[], info_hash=b"\x11" * 32)
    c.tx("Bob", "Donations", "donate", campaign=0, amount=30_000)  # donation 0
    c.tx("Charlie", "Donations", "donate", campaign=0, amount=40_000)  # donation 1
    c.tx("Alice", "Donations", "disburse", campaign=0, to=a["Dave"], amount=35_000, purpose=0, voucher=True)
    c.tx("Alice", "Donations", "disburse", campaign=0, to=a["Alice"], amount=5_000, purpose=6, voucher=False)
    c.tx("Dave", "Donations", "spend_voucher", asset=KES, merchant=a["Eve"], amount=32_000)
    c.tx("Eve", "Donations", "redeem", asset=KES, amount=31_000, agent=a["Ferdie"])
    # a campaign that misses its goal: donation 2 is partly spent, the rest refunded at the deadline
    c.tx("Bob", "Donations", "create_campaign", asset=KES, goal=1_000_000, deadline=c.node.head.number + 5,
         categories=[3], rule=("ProRata", None), overhead_cap_bps=0, validator=None, milestones=[],
         info_hash=b"\x22" * 32)
    c.tx("Charlie", "Donations", "donate", campaign=1, amount=10_000)  # donation 2
    c.tx("Bob", "Donations", "disburse", campaign=1, to=a["Eve"], amount=4_000, purpose=3, voucher=False)
    for _ in range(4):
        c.node.produce_block()
    # courses: credential 0 stays valid, credential 1 is revoked
    c.tx("Dave", "Education", "create_course", title="Budgeting basics", content_hash=b"\x33" * 32, modules=2, pass_score=60)
    c.tx("Bob", "Education", "enrol", course=0)
    c.tx("Charlie", "Education", "enrol", course=0)
    for learner in ("Bob", "Charlie"):
        for m in range(2):
            c.tx("Dave", "Education", "complete_module", course=0, learner=a[learner], module=m, score=70 + m)
    c.tx("Dave", "Education", "revoke_credential", credential=1)
    # a long gap: the last allocation of donation 1 comes more than LINK_SPAN blocks after the donation
    if hasattr(c.node, "produce_blocks"):  # one group commit
        c.node.produce_blocks(LINK_SPAN + 10)
    else:
        for _ in range(LINK_SPAN + 10):
            c.node.produce_block()
    c.tx("Alice", "Donations", "disburse", campaign=0, to=a["Bob"], amount=1_000, purpose=2, voucher=False)
    c.node.produce_block()
    yield c
    c.node.close()


@pytest.fixture(scope="module")
def receipts(chain: Chain) -> dict[str, str]:
    return {
        "d0": dumps(build_donation_receipt(chain.client, 0)),
        "d1": dumps(build_donation_receipt(chain.node, 1)),
        "d2": dumps(build_donation_receipt(chain.client, 2)),
        "c0": dumps(build_credential_receipt(chain.client, 0)),
        "c1": dumps(build_credential_receipt(chain.client, 1)),
    }


def test_untouched_receipts_verify(chain: Chain, receipts: dict[str, str]) -> None:
    head = chain.node.head
    for name in ("d0", "d1", "d2", "c0"):
        v = verify_receipt(receipts[name], trusted={head.hash})
        assert v.anchor == head.number and v.anchor_hash == head.hash, name
    v0 = verify_receipt(receipts["d0"])
    lot = v0.facts["donation"]
    assert (lot["amount"], lot["allocated"], lot["voucher"], lot["voucher_spent"], lot["redeemed"]) == (
        30_000, 30_000, 30_000, 30_000, 30_000)
    text = v0.render()
    assert "VERIFIED" in text and "300.00 KESP" in text and "redeemed" in text and "for food (voucher)" in text
    lot1 = verify_receipt(receipts["d1"]).facts["donation"]
    assert (lot1["allocated"], lot1["remaining"]) == (11_000, 29_000)
    lot2 = verify_receipt(receipts["d2"]).facts["donation"]
    assert (lot2["allocated"], lot2["refunded"], lot2["remaining"]) == (4_000, 6_000, 0)
    assert "refunded 60.00 KESP to the donor" in verify_receipt(receipts["d2"]).render()
    c0 = verify_receipt(receipts["c0"])
    assert c0.facts["credential"]["learner"] == chain.acc["Bob"] and "Budgeting basics" in c0.render()


def test_long_gaps_are_bridged_by_hop_blocks(receipts: dict[str, str]) -> None:
    doc = json.loads(receipts["d1"])
    hops = [n for n, b in doc["blocks"].items() if b["events"] is None and int(n) != doc["anchor"]]
    assert hops, "the receipt should need a hop block across the long gap"
    assert all(0 < link["at"] - link["block"] <= LINK_SPAN for link in doc["links"])


def test_plan_links() -> None:
    links, hops = _plan_links({10, 20}, 5_000)
    assert links == [(10, 20), (20, 2_420), (2_420, 4_820), (4_820, 5_000)] and hops == {2_420, 4_820}
    assert _plan_links(set(), 7) == ([], set())


def test_revoked_credential_fails(receipts: dict[str, str]) -> None:
    with pytest.raises(ReceiptError, match="REVOKED"):
        verify_receipt(receipts["c1"])


def test_untrusted_anchor_fails(receipts: dict[str, str]) -> None:
    with pytest.raises(ReceiptError, match="trusted"):
        verify_receipt(receipts["d0"], trusted={b"\x00" * 32})


def _leaves(obj: Any, path: tuple = ()) -> Iterator[tuple]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(obj, list):  # the first and last of a list (proof siblings are all alike)
        for i in sorted({0, len(obj) - 1}) if obj else ():
            yield from _leaves(obj[i], path + (i,))
    else:
        yield path


def _set(obj: Any, path: tuple, value: Any) -> None:
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value


def _get(obj: Any, path: tuple) -> Any:
    for p in path:
        obj = obj[p]
    return obj


def _alterations(value: Any) -> list[Any]:
    if isinstance(value, bool) or value is None:
        return ["0x00", 0]
    if isinstance(value, int):
        return [value + 1] + ([value - 1] if value else [])
    if isinstance(value, str) and value.startswith("0x") and len(value) > 2:
        flip = lambda s, i: s[:i] + format(int(s[i], 16) ^ 1, "x") + s[i + 1:]  # noqa: E731
        return [flip(value, 2), flip(value, len(value) - 1), value[:-2]]
    return [value + "x", value.upper() if value != value.upper() else value.lower()]


@pytest.mark.parametrize("name", ["d0", "d1", "d2", "c0"])
def test_every_altered_field_fails(receipts: dict[str, str], name: str) -> None:
    original = json.loads(receipts[name])
    checked = 0
    for path in _leaves(original):
        for new in _alterations(_get(original, path)):
            doc = copy.deepcopy(original)
            _set(doc, path, new)
            with pytest.raises(ReceiptError):
                verify_receipt(dumps(doc))
            checked += 1
    for key in original["blocks"]:  # renumbering a block
        doc = copy.deepcopy(original)
        doc["blocks"][str(int(key) + 1)] = doc["blocks"].pop(key)
        with pytest.raises(ReceiptError):
            verify_receipt(dumps(doc))
    assert checked > 50


@pytest.mark.parametrize("name", ["d1", "c0"])
def test_random_bit_flips_anywhere_fail(receipts: dict[str, str], name: str) -> None:
    data = receipts[name].encode()
    rng = random.Random(5)
    for _ in range(300):
        pos, bit = rng.randrange(len(data)), 1 << rng.randrange(8)
        altered = data[:pos] + bytes([data[pos] ^ bit]) + data[pos + 1:]
        with pytest.raises(ReceiptError):
            verify_receipt(altered)


def test_dropping_an_allocation_block_is_detected(receipts: dict[str, str]) -> None:
    doc = json.loads(receipts["d1"])
    events_blocks = sorted(int(n) for n, b in doc["blocks"].items() if b["events"] is not None)
    drop = events_blocks[1]  # the first block after the donation: an allocation
    del doc["blocks"][str(drop)]
    doc["links"] = [link for link in doc["links"] if link["block"] != drop]
    with pytest.raises(ReceiptError):
        verify_receipt(dumps(doc))


def test_reformatted_file_is_refused(receipts: dict[str, str]) -> None:
    with pytest.raises(ReceiptError, match="canonical"):
        verify_receipt(json.dumps(json.loads(receipts["d0"]), indent=2))


def test_cli_verify_receipt(chain: Chain, receipts: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(receipts["d0"])
    assert main(["verify-receipt", str(good)]) == 0
    assert "donation #0 VERIFIED" in capsys.readouterr().out
    head = chain.node.head
    assert main(["verify-receipt", str(good), "--trust", "0x" + head.hash.hex()]) == 0
    assert main(["verify-receipt", str(good), "--trust", "0x" + "ab" * 32]) == 1
    doc = json.loads(receipts["d0"])
    value = doc["state"]["Donations.Donations"]["value"]
    doc["state"]["Donations.Donations"]["value"] = value[:-1] + format(int(value[-1], 16) ^ 1, "x")
    bad.write_text(dumps(doc))
    assert main(["verify-receipt", str(bad)]) == 1
    assert "verify-receipt FAILED" in capsys.readouterr().err
    cred = tmp_path / "cred.json"
    cred.write_text(receipts["c1"])
    assert main(["verify-receipt", str(cred)]) == 1
    assert "REVOKED" in capsys.readouterr().err
    assert main(["verify-receipt", str(tmp_path / "missing.json")]) == 2


def test_cli_builds_receipts_from_a_stopped_node_and_checks_against_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = tmp_path / "chain"
    c = Chain(base)
    c.sudo("Education", "force_register_educator", educator=("Id", c.acc["Dave"]))
    c.tx("Dave", "Education", "create_course", title="Saving", content_hash=b"\x44" * 32, modules=1, pass_score=50)
    c.tx("Bob", "Education", "enrol", course=0)
    c.tx("Dave", "Education", "complete_module", course=0, learner=c.acc["Bob"], module=0, score=90)
    head = c.node.head
    c.node.close()
    out = tmp_path / "cred.json"
    assert main(["receipt", "--credential", "0", "--base-path", str(base), "-o", str(out)]) == 0
    assert main(["verify-receipt", str(out), "--base-path", str(base)]) == 0
    assert f"block #{head.number}" in capsys.readouterr().out
    assert main(["receipt", "--donation", "0", "--base-path", str(base)]) == 1  # no such donation
    assert Header.decode(bytes.fromhex(json.loads(out.read_text())["blocks"][str(head.number)]["header"][2:])).hash == head.hash
