"""Donor receipts and education credentials that anyone can check offline, with no node and no data dir.

A receipt is one JSON file (canonical: `dumps`, keys sorted, one-space indent). Every byte of it is bound
by a hash: change any byte and `verify_receipt` fails.

    {
      "format": "puhui-receipt/1",
      "kind": "donation" | "credential",
      "subject": <donation id | credential id>,
      "anchor": <block number>,           # the newest block; everything is proven relative to it
      "anchor_hash": "0x<its hash>",      # what to compare with a trusted source
      "blocks": {"<n>": {"header": "0x<SCALE header>",          # blake2_256(header) = block hash
                         "events": "0x<System.Events value>" | null,
                         "events_proof": <state proof of System.Events under the header's state_root> | null}},
      "links": [{"block": n, "at": m, "proof": <state proof that System.BlockHash(n) at block m
                 is blake2_256(header n)>}],                      # n < m <= n + 2400: n is an ancestor of m
      "state": {"<Pallet>.<Item>": {"value": "0x<SCALE>", "proof": <state proof at the anchor>}},
      "extrinsic": {"block": n, "index": i, "count": c, "data": "0x<extrinsic>", "proof": <extrinsic proof>} | null
    }

A donation receipt proves at the anchor: the donation lot (`Donations.Donations`: amount, allocated,
remaining, refunded, voucher, voucher_spent, redeemed), its campaign and the asset's symbol and
decimals; the donation extrinsic in its block; and every block's events that name the donation (Donated,
Allocated, VoucherSpent, Redeemed, Refunded). The verifier checks that the events it was given add up
to the lot's totals, so no allocation can be left out, and that allocated + remaining + refunded equals
the amount. A credential receipt proves the credential (`Education.Credentials`: fields, hash, revoked)
and its course at the anchor, and the CredentialIssued event; the verifier recomputes the credential's
hash and fails on a revoked credential.

Trust: the proofs show the data is in the chain whose block at the anchor has the hash printed. Every
other block is linked to the anchor through `System.BlockHash` proofs. Check that one hash against a
source you trust (an explorer, your own node: `python -m chain verify-receipt FILE --base-path DIR`, or
`--trust 0xHASH`); `verify_receipt(..., trusted=...)` takes the set of trusted hashes.

Verifying needs no node, no data directory and no network: only this package's code (chain/proofs.py
for the proofs; the pallets' declarations, through a decode-only `Runtime`, for the SCALE layouts of
headers, extrinsics, events and storage values). A receipt decodes with the runtime that wrote it: after
a change of event or storage layouts, old receipts need the verifier of their runtime version.

Building needs the node (`build_donation_receipt(node_or_client, id)`): it replays the stored blocks'
state changes into a state trie to prove values at past blocks, one pass over the chain (about 0.15 ms
a block: a year at 24 blocks a day in about 1.5 s).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from chain.block import Header
from chain.codec import H256
from chain.errors import ChainError, CodecError, ProofError
from chain.extrinsic import decode_extrinsic
from chain.proofs import Proof, check_extrinsic_proof, check_state_proof, extrinsic_proof
from chain.trie import StateTrie

FORMAT = "puhui-receipt/1"
LINK_SPAN = 2400  # System keeps this many block hashes (BLOCK_HASH_COUNT)
TRACE_EVENTS = ("Donated", "Allocated", "VoucherSpent", "Redeemed", "Refunded")


class ReceiptError(ChainError):
    """Raised when a receipt or credential file does not verify; the message says what failed."""


@lru_cache(maxsize=1)
def _rt() -> Any:
    """A runtime used only as a decoder (call and event layouts, storage keys); it holds no chain."""
    from chain.runtime import Runtime
    from chain.types import RuntimeCallRef, RuntimeEventRef

    saved = RuntimeCallRef.target, RuntimeEventRef.target
    rt = Runtime()
    if saved[0] is not None:  # leave the process's own runtime enums in place
        RuntimeCallRef.target, RuntimeEventRef.target = saved
    return rt


def _hex(b: bytes) -> str:
    return "0x" + b.hex()


def _unhex(s: Any, what: str) -> bytes:
    if not isinstance(s, str) or not s.startswith("0x"):
        raise ReceiptError(f"{what}: expected 0x-prefixed hex")
    try:
        raw = bytes.fromhex(s[2:])
    except ValueError:
        raise ReceiptError(f"{what}: not valid hex") from None
    if s != _hex(raw):  # one spelling per value: lowercase, no spaces
        raise ReceiptError(f"{what}: not canonical lowercase hex")
    return raw


def dumps(doc: dict[str, Any]) -> str:
    """The canonical text of a receipt (what `verify_receipt` requires byte for byte)."""
    return json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=True) + "\n"


def _key(pallet: str, item: str, *keys: Any) -> bytes:
    return _rt().pallet(pallet).storage[item].key(*keys)


def _item_type(pallet: str, item: str) -> Any:
    return _rt().pallet(pallet).storage[item].item.value


# ---------------------------------------------------------------------------------------------------
# Building (needs the node)


def _node(source: Any) -> Any:
    return getattr(source, "node", source)


def _decode_events(raw: bytes) -> list[dict[str, Any]]:
    return _rt().decode_events(raw) if raw else []


def _plan_links(needed: Iterable[int], anchor: int) -> tuple[list[tuple[int, int]], set[int]]:
    """Links (n, m) chaining every needed block to the anchor, with hop blocks where gaps exceed LINK_SPAN."""
    blocks = sorted(set(needed) | {anchor})
    links, hops = [], set()
    for cur in blocks[:-1]:
        nxt = next(b for b in blocks if b > cur)
        while nxt - cur > LINK_SPAN:
            hop = cur + LINK_SPAN
            links.append((cur, hop))
            hops.add(hop)
            cur = hop
        links.append((cur, nxt))
    return links, hops


def _assemble(node: Any, kind: str, subject: int, anchor: int, event_blocks: set[int],
              state_keys: dict[str, bytes], xt_at: tuple[int, int] | None) -> dict[str, Any]:
    """Replay the chain's state changes up to the anchor and cut every proof the receipt needs."""
    events_key = _rt().events_key
    links, hops = _plan_links(event_blocks, anchor)
    header_blocks = event_blocks | hops | {anchor}
    link_keys: dict[int, list[tuple[int, bytes]]] = {}
    for n, m in links:
        link_keys.setdefault(m, []).append((n, _key("System", "BlockHash", n)))
    tracked = set(state_keys.values())
    values: dict[bytes, bytes | None] = {}
    hashes: dict[int, bytes] = {}
    doc_blocks: dict[str, Any] = {}
    doc_links: list[dict[str, Any]] = []
    state: dict[str, Any] = {}
    extrinsic = None
    trie: StateTrie | None = None
    for stored in node.store.iter_blocks(0, anchor):
        changes = stored.state_changes
        if trie is None:
            trie = StateTrie.from_items((k, v) for k, v in changes.items() if v is not None)
        else:
            trie.apply(changes)
        for k in tracked & changes.keys():
            values[k] = changes[k]
        n = stored.number
        hashes[n] = stored.block_hash
        if n not in header_blocks:
            continue
        header = Header.decode(stored.header)
        if header.state_root != trie.root:
            raise ReceiptError(f"replayed state of block #{n} does not match its header: the store is inconsistent")
        entry: dict[str, Any] = {"header": _hex(stored.header), "events": None, "events_proof": None}
        if n in event_blocks:
            raw = changes.get(events_key) or b""
            entry["events"], entry["events_proof"] = _hex(raw), trie.prove(events_key).to_json()
        doc_blocks[str(n)] = entry
        for linked, key in link_keys.get(n, []):
            doc_links.append({"block": linked, "at": n, "proof": trie.prove(key).to_json()})
        if xt_at is not None and n == xt_at[0]:
            xts = list(stored.extrinsics)
            extrinsic = {"block": n, "index": xt_at[1], "count": len(xts), "data": _hex(xts[xt_at[1]]),
                         "proof": extrinsic_proof(xts, xt_at[1])}
        if n == anchor:
            for name, key in state_keys.items():
                value = values.get(key)
                if value is None:
                    raise ReceiptError(f"{name} is not in the state at block #{anchor}")
                state[name] = {"value": _hex(value), "proof": trie.prove(key).to_json()}
    doc_links.sort(key=lambda link: link["block"])
    anchor_hash = Header.decode(bytes.fromhex(doc_blocks[str(anchor)]["header"][2:])).hash
    return {"format": FORMAT, "kind": kind, "subject": subject, "anchor": anchor, "anchor_hash": _hex(anchor_hash),
            "blocks": doc_blocks,
            "links": doc_links, "state": state, "extrinsic": extrinsic}


def _read(node: Any, pallet: str, item: str, *keys: Any) -> Any:
    """A storage value at the node's head (None when absent)."""
    with node.lock:
        raw = node.rt.backend.get(_key(pallet, item, *keys))
    return None if raw is None else _item_type(pallet, item).decode(raw)


def build_donation_receipt(source: Any, donation_id: int) -> dict[str, Any]:
    """The receipt of donation `donation_id` from a Node or EmbeddedClient, anchored at the head."""
    node = _node(source)
    lot_key = _key("Donations", "Donations", donation_id)
    anchor = node.head.number
    lot = _read(node, "Donations", "Donations", donation_id)
    if lot is None:
        raise ReceiptError(f"no donation #{donation_id} on this chain")
    campaign = _read(node, "Donations", "Campaigns", lot["campaign"])
    event_blocks: set[int] = set()
    xt_index = None
    for stored in node.store.iter_blocks(lot["block"], anchor):
        for ev in _decode_events(stored.events):
            f = ev["fields"]
            if ev["pallet"] == "Donations" and ev["event"] in TRACE_EVENTS and f.get("donation_id") == donation_id:
                event_blocks.add(stored.number)
                if ev["event"] == "Donated":
                    xt_index = ev["phase"][1]
    if xt_index is None:
        raise ReceiptError(f"the Donated event of donation #{donation_id} is not in block #{lot['block']}")
    keys = {"Donations.Donations": lot_key, "Donations.Campaigns": _key("Donations", "Campaigns", lot["campaign"]),
            "Assets.Asset": _key("Assets", "Asset", campaign["asset"])}
    return _assemble(node, "donation", donation_id, anchor, event_blocks, keys, (lot["block"], xt_index))


def build_credential_receipt(source: Any, credential_id: int) -> dict[str, Any]:
    """The verifiable credential file of credential `credential_id`, anchored at the head."""
    node = _node(source)
    key = _key("Education", "Credentials", credential_id)
    anchor = node.head.number
    cred = _read(node, "Education", "Credentials", credential_id)
    if cred is None:
        raise ReceiptError(f"no credential #{credential_id} on this chain")
    keys = {"Education.Credentials": key, "Education.Courses": _key("Education", "Courses", cred["course"])}
    return _assemble(node, "credential", credential_id, anchor, {cred["issued"]}, keys, None)


# ---------------------------------------------------------------------------------------------------
# Verifying (offline)


@dataclass
class Verified:
    """What a receipt proves: its kind and subject, the anchor block, decoded facts and a readable trace."""

    kind: str
    subject: int
    anchor: int
    anchor_hash: bytes
    facts: dict[str, Any]
    lines: list[str] = field(default_factory=list)

    def render(self) -> str:
        return "\n".join(self.lines)


def _exact_keys(obj: Any, keys: set[str], what: str) -> dict[str, Any]:
    if not isinstance(obj, dict) or set(obj) != keys:
        got = sorted(obj) if isinstance(obj, dict) else type(obj).__name__
        raise ReceiptError(f"{what}: expected fields {sorted(keys)}, got {got}")
    return obj


def _int(v: Any, what: str) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise ReceiptError(f"{what}: expected a non-negative integer")
    return v


def _proof(fn: Any, what: str, *args: Any) -> None:
    """Run a proofs.py check on a proof written in its one canonical JSON spelling."""
    proof = args[-1]
    try:
        if fn is check_state_proof:
            canonical = Proof.from_json(proof).to_json() == proof
        else:
            _exact_keys(proof, {"index", "count", "siblings"}, what)
            canonical = isinstance(proof["siblings"], list) and all(
                isinstance(h, str) and len(_unhex(h, what)) == 32 for h in proof["siblings"])
        if not canonical:
            raise ReceiptError(f"{what}: the proof is not in canonical form")
        fn(*args)
    except (ProofError, TypeError, AttributeError) as exc:
        raise ReceiptError(f"{what}: {exc}") from None


def _parse(doc: str | bytes | dict[str, Any]) -> dict[str, Any]:
    if isinstance(doc, dict):
        return doc
    text = doc.decode("utf-8", errors="replace") if isinstance(doc, bytes) else doc
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReceiptError(f"not a JSON receipt: {exc}") from None
    if not isinstance(parsed, dict) or dumps(parsed) != text:
        raise ReceiptError("the file is not a receipt in canonical form (a byte was changed, or it was reformatted)")
    return parsed


def verify_receipt(doc: str | bytes | dict[str, Any], trusted: Iterable[bytes] | None = None) -> Verified:
    """Check every proof and every sum of a receipt or credential; raises ReceiptError saying what failed.
    `trusted`: block hashes you trust; when given, the anchor's hash must be one of them."""
    d = _exact_keys(_parse(doc), {"format", "kind", "subject", "anchor", "anchor_hash", "blocks", "links", "state",
                                  "extrinsic"}, "receipt")
    if d["format"] != FORMAT:
        raise ReceiptError(f"unknown format {d['format']!r}; this verifier reads {FORMAT}")
    kind, subject, anchor = d["kind"], _int(d["subject"], "subject"), _int(d["anchor"], "anchor")
    if kind not in ("donation", "credential"):
        raise ReceiptError(f"unknown receipt kind {kind!r}")
    headers, events = _check_blocks(d["blocks"], d["links"], anchor)
    anchor_hash = headers[anchor].hash
    if _unhex(d["anchor_hash"], "anchor_hash") != anchor_hash:
        raise ReceiptError(f"the header of the anchor block #{anchor} does not hash to the receipt's anchor_hash")
    if trusted is not None and anchor_hash not in set(trusted):
        raise ReceiptError(f"the anchor block #{anchor} 0x{anchor_hash.hex()} is not among the trusted block hashes")
    expected = {"donation": {"Donations.Donations", "Donations.Campaigns", "Assets.Asset"},
                "credential": {"Education.Credentials", "Education.Courses"}}[kind]
    state = _exact_keys(d["state"], expected, "state")
    root = headers[anchor].state_root

    def proven(name: str, *keys: Any) -> Any:
        entry = _exact_keys(state[name], {"value", "proof"}, name)
        pallet, item = name.split(".")
        value = _unhex(entry["value"], name)
        _proof(check_state_proof, f"{name} at block #{anchor}", root, _key(pallet, item, *keys), value, entry["proof"])
        try:
            return _item_type(pallet, item).decode(value)
        except CodecError as exc:
            raise ReceiptError(f"{name}: does not decode: {exc}") from None

    v = Verified(kind, subject, anchor, anchor_hash, {})
    if kind == "donation":
        _verify_donation(d, v, headers, events, proven)
    else:
        if d["extrinsic"] is not None:
            raise ReceiptError("a credential file carries no extrinsic")
        _verify_credential(v, events, proven)
    v.lines.append(f"anchored at block #{anchor} 0x{anchor_hash.hex()}"
                   + (" (trusted)" if trusted is not None else ": check this hash against a source you trust"))
    return v


def _check_blocks(blocks: Any, links: Any, anchor: int) -> tuple[dict[int, Header], dict[int, list[dict[str, Any]]]]:
    """Headers, their events proofs, and the links that chain every block to the anchor."""
    if not isinstance(blocks, dict) or not isinstance(links, list):
        raise ReceiptError("blocks must be an object and links a list")
    headers: dict[int, Header] = {}
    events: dict[int, list[dict[str, Any]]] = {}
    events_key = _rt().events_key
    for key, entry in blocks.items():
        if not key.isdigit() or str(int(key)) != key:
            raise ReceiptError(f"block key {key!r} is not a block number")
        n = int(key)
        entry = _exact_keys(entry, {"header", "events", "events_proof"}, f"block #{n}")
        try:
            header = Header.decode(_unhex(entry["header"], f"block #{n} header"))
        except CodecError as exc:
            raise ReceiptError(f"block #{n} header does not decode: {exc}") from None
        if header.encode() != _unhex(entry["header"], "header") or header.number != n:
            raise ReceiptError(f"block #{n}: the header is not the header of block #{n}")
        headers[n] = header
        if entry["events"] is None:
            if entry["events_proof"] is not None:
                raise ReceiptError(f"block #{n}: an events proof without events")
            continue
        raw = _unhex(entry["events"], f"block #{n} events")
        _proof(check_state_proof, f"events of block #{n}", header.state_root, events_key, raw, entry["events_proof"])
        try:
            events[n] = _rt().decode_events(raw)
        except CodecError as exc:
            raise ReceiptError(f"events of block #{n} do not decode with this runtime: {exc}") from None
    if anchor not in headers:
        raise ReceiptError(f"the anchor block #{anchor} is not in the receipt")
    linked: dict[int, int] = {}
    for link in links:
        link = _exact_keys(link, {"block", "at", "proof"}, "link")
        n, m = _int(link["block"], "link block"), _int(link["at"], "link at")
        if n in linked or n not in headers or m not in headers or not 0 < m - n <= LINK_SPAN:
            raise ReceiptError(f"link #{n} -> #{m} is not a valid ancestry link")
        _proof(check_state_proof, f"ancestry of block #{n} at #{m}", headers[m].state_root,
               _key("System", "BlockHash", n), H256.encode(headers[n].hash), link["proof"])
        linked[n] = m
    for n in headers:
        cur = n
        while cur != anchor:
            if cur not in linked:
                raise ReceiptError(f"block #{n} is not linked to the anchor #{anchor}")
            cur = linked[cur]
    if set(linked) != set(headers) - {anchor}:
        raise ReceiptError("the receipt has links it does not need")
    return headers, events


def _amount(value: int, decimals: int, symbol: str) -> str:
    whole, frac = divmod(value, 10**decimals)
    return f"{whole:,}.{frac:0{decimals}d} {symbol}" if decimals else f"{whole:,} {symbol}"


def _verify_donation(d: dict[str, Any], v: Verified, headers: dict[int, Header],
                     events: dict[int, list[dict[str, Any]]], proven: Any) -> None:
    from chain.crypto import ss58_encode
    from chain.pallets.donations import PURPOSES, lot_balanced

    lot = proven("Donations.Donations", v.subject)
    campaign = proven("Donations.Campaigns", lot["campaign"])
    asset = proven("Assets.Asset", campaign["asset"])
    if lot["id"] != v.subject or campaign["id"] != lot["campaign"]:
        raise ReceiptError("the proven donation is not the receipt's subject")
    if not lot_balanced(lot):
        raise ReceiptError("the donation's accounting does not balance (allocated + remaining + refunded != amount)")
    xt = _exact_keys(d["extrinsic"], {"block", "index", "count", "data", "proof"}, "extrinsic")
    xblock, index, count = _int(xt["block"], "extrinsic block"), _int(xt["index"], "index"), _int(xt["count"], "count")
    if xblock != lot["block"] or xblock not in headers:
        raise ReceiptError(f"the donation extrinsic must be in block #{lot['block']}, where the donation was made")
    data = _unhex(xt["data"], "extrinsic data")
    _proof(check_extrinsic_proof, "donation extrinsic", headers[xblock].extrinsics_root, data, index, count, xt["proof"])
    fmt = lambda x: _amount(x, asset["decimals"], asset["symbol"])  # noqa: E731
    sums = {e: 0 for e in TRACE_EVENTS}
    voucher_sum, trace, donated = 0, [], []
    for n in sorted(events):
        mine = [e for e in events[n] if e["pallet"] == "Donations" and e["event"] in TRACE_EVENTS
                and e["fields"]["donation_id"] == v.subject]
        if not mine:
            raise ReceiptError(f"block #{n} carries no event of donation #{v.subject}")
        vouchers = {e["fields"]["disbursement_id"] for e in events[n]
                    if e["pallet"] == "Donations" and e["event"] == "Disbursed" and e["fields"]["voucher"]}
        for e in mine:
            f = e["fields"]
            sums[e["event"]] += f["amount"]
            if e["event"] == "Donated":
                donated.append((n, e))
            elif e["event"] == "Allocated":
                voucher = f["disbursement_id"] in vouchers
                voucher_sum += f["amount"] if voucher else 0
                trace.append(f"  #{n} allocated {fmt(f['amount'])} to {ss58_encode(f['to'])} for "
                             f"{PURPOSES[f['purpose']]}{' (voucher)' if voucher else ''}, disbursement {f['disbursement_id']}")
            elif e["event"] == "VoucherSpent":
                trace.append(f"  #{n} voucher {fmt(f['amount'])} spent by {ss58_encode(f['beneficiary'])} "
                             f"at merchant {ss58_encode(f['merchant'])}")
            elif e["event"] == "Redeemed":
                how = f" in cash at agent {ss58_encode(f['agent'])}" if f["agent"] else ""
                trace.append(f"  #{n} redeemed {fmt(f['amount'])} by merchant {ss58_encode(f['merchant'])}{how}")
            else:
                trace.append(f"  #{n} refunded {fmt(f['amount'])} to the donor")
    if len(donated) != 1:
        raise ReceiptError("the receipt must carry exactly one Donated event of the donation")
    n, ev = donated[0]
    f = ev["fields"]
    if (n, ev["phase"]) != (xblock, ("ApplyExtrinsic", index)) or (f["donor"], f["amount"], f["campaign"]) != (
            lot["donor"], lot["amount"], lot["campaign"]):
        raise ReceiptError("the Donated event does not match the donation or its extrinsic")
    expect = {"Donated": lot["amount"], "Allocated": lot["allocated"], "VoucherSpent": lot["voucher_spent"],
              "Redeemed": lot["redeemed"], "Refunded": lot["refunded"]}
    for name, total in expect.items():
        if sums[name] != total:
            raise ReceiptError(f"the {name} events add up to {sums[name]}, the donation's record says {total}: "
                               "the receipt is incomplete or altered")
    if voucher_sum != lot["voucher"]:
        raise ReceiptError("the voucher allocations do not add up to the donation's voucher total")
    signer = decode_extrinsic(data).signer
    pallet, (call, _) = _rt().decode_call(decode_extrinsic(data).call_bytes)
    v.facts = {"donation": lot, "campaign": campaign, "asset": asset, "call": f"{pallet}.{call}", "signer": signer}
    v.lines += [
        f"donation #{v.subject} VERIFIED: {fmt(lot['amount'])} from {ss58_encode(lot['donor'])} "
        f"to campaign #{campaign['id']} (NGO {ss58_encode(campaign['ngo'])}, {campaign['status'][0].lower()})",
        f"  #{xblock} extrinsic {index} ({pallet}.{call}"
        + (f", signed by {ss58_encode(signer)}" if signer else "") + ")",
        *trace,
        f"allocated {fmt(lot['allocated'])} (vouchers {fmt(lot['voucher'])}, spent {fmt(lot['voucher_spent'])}, "
        f"redeemed {fmt(lot['redeemed'])}); unspent {fmt(lot['remaining'])}; refunded {fmt(lot['refunded'])}",
    ]


def _verify_credential(v: Verified, events: dict[int, list[dict[str, Any]]], proven: Any) -> None:
    from chain.crypto import ss58_encode
    from chain.pallets.education import credential_hash

    cred = proven("Education.Credentials", v.subject)
    course = proven("Education.Courses", cred["course"])
    if cred["id"] != v.subject:
        raise ReceiptError("the proven credential is not the file's subject")
    fields = {k: cred[k] for k in ("id", "learner", "course", "educator", "issued", "score", "content_hash")}
    if credential_hash(fields) != cred["hash"]:
        raise ReceiptError("the credential's hash does not match its fields")
    if course["educator"] != cred["educator"] or course["content_hash"] != cred["content_hash"]:
        raise ReceiptError("the credential does not match its course")
    if set(events) != {cred["issued"]}:
        raise ReceiptError(f"the file must carry the events of block #{cred['issued']} (issuance) and no others")
    issued = [e for e in events[cred["issued"]] if e["pallet"] == "Education" and e["event"] == "CredentialIssued"
              and e["fields"]["credential"] == v.subject]
    if len(issued) != 1 or issued[0]["fields"]["hash"] != cred["hash"] or issued[0]["fields"]["learner"] != cred["learner"]:
        raise ReceiptError("the CredentialIssued event does not match the credential")
    if cred["revoked"] is not None:
        raise ReceiptError(f"credential #{v.subject} was REVOKED at block #{cred['revoked']}")
    v.facts = {"credential": cred, "course": course}
    v.lines += [
        f"credential #{v.subject} VERIFIED (not revoked): {ss58_encode(cred['learner'])} completed course "
        f"#{course['id']} \"{course['title']}\" ({course['modules']} modules) with an average score of {cred['score']}%",
        f"  issued at block #{cred['issued']} by educator {ss58_encode(cred['educator'])}; hash 0x{cred['hash'].hex()}",
    ]
