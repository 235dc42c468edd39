"""CLI: `python -m chain verify-receipt FILE` (offline) and `python -m chain receipt` (build one from a data dir)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable


def _hash_arg(text: str) -> bytes:
    raw = bytes.fromhex(text[2:] if text.startswith("0x") else text)
    if len(raw) != 32:
        raise argparse.ArgumentTypeError("a block hash is 32 bytes of hex")
    return raw


def cmd_verify_receipt(args: argparse.Namespace) -> int:
    from chain.receipts import ReceiptError, verify_receipt

    try:
        text = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"verify-receipt FAILED: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    trusted: set[bytes] | None = set(args.trust) if args.trust else None
    try:
        result = verify_receipt(text, trusted)
        if args.base_path:  # the anchor must also be a block of the chain in this data directory
            if _anchor_hash_from_store(args.base_path, result.anchor) != result.anchor_hash:
                raise ReceiptError(f"block #{result.anchor} of the chain in {args.base_path} has another hash: "
                                   "the receipt is not from this chain")
            result.lines.append(f"the anchor is block #{result.anchor} of the chain in {args.base_path}")
    except ReceiptError as exc:
        print(f"verify-receipt FAILED: {exc}", file=sys.stderr)
        return 1
    print(result.render())
    return 0


def _anchor_hash_from_store(base_path: str, anchor: int) -> bytes:
    """The hash of the local chain's block number `anchor`."""
    from chain.receipts import ReceiptError
    from chain.store import BlockStore

    if not (Path(base_path) / "chain.sqlite").exists():
        raise ReceiptError(f"{base_path} holds no chain to check the anchor against")
    with BlockStore(base_path, read_only=True) as store:
        h = store.block_hash(anchor)
    if h is None:
        raise ReceiptError(f"the chain in {base_path} has no block #{anchor}")
    return h


def cmd_receipt(args: argparse.Namespace) -> int:
    from chain.node import Node
    from chain.receipts import ReceiptError, build_credential_receipt, build_donation_receipt, dumps

    base = Path(args.base_path) if args.base_path else Path("data") / "chain"
    if not (base / "chain.sqlite").exists():
        print(f"receipt FAILED: {base} holds no chain", file=sys.stderr)
        return 2
    try:
        with Node(base, seal="manual") as node:
            if args.donation is not None:
                doc = build_donation_receipt(node, args.donation)
            else:
                doc = build_credential_receipt(node, args.credential)
    except ReceiptError as exc:
        print(f"receipt FAILED: {exc}", file=sys.stderr)
        return 1
    text = dumps(doc)
    if args.output:
        Path(args.output).write_text(text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def register(add: Callable[..., Any]) -> None:
    sp = add("verify-receipt", "Check a donation receipt or credential file offline: every proof, every sum.",
             cmd_verify_receipt)
    sp.add_argument("file", help="the receipt or credential JSON file")
    sp.add_argument("--trust", action="append", type=_hash_arg, metavar="0xHASH",
                    help="a block hash you trust (repeatable); the receipt's anchor must be one of them. "
                         "With --base-path, the anchor must also be that chain's block.")
    sp = add("receipt", "Build a donor receipt or a credential file from a data directory (the node must be stopped).",
             cmd_receipt)
    group = sp.add_mutually_exclusive_group(required=True)
    group.add_argument("--donation", type=int, metavar="ID", help="donation id (the donor's receipt number)")
    group.add_argument("--credential", type=int, metavar="ID", help="credential id")
    sp.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
