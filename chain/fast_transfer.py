"""The speed path for the commonest extrinsic: a signed Balances transfer between two live accounts.

`Runtime.apply_extrinsic` is the reference: it checks the signed extensions, withdraws the fee, bumps
the nonce, dispatches `Balances.transfer_*` in a storage transaction and deposits four events. For a
transfer that cannot touch any edge case (both accounts exist and stay above the existential deposit,
sender != receiver, non-zero amount, the nonce is the expected one, the block has room) this module
produces the same storage writes and the same events directly on the encoded `AccountInfo` bytes.
Anything else returns None and the reference path runs. tests/chain/test_fast_transfer.py checks on
random traffic that blocks built with and without this path are byte-for-byte identical.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chain.types import UNIT  # noqa: F401  (documentation of units)

if TYPE_CHECKING:
    from chain.extrinsic import Extrinsic
    from chain.runtime import ApplyOutcome, Runtime

TRANSFER_CALLS = ("transfer_keep_alive", "transfer_allow_death")
# frame_system::AccountInfo layout: nonce u32 | consumers u32 | providers u32 | sufficients u32 |
# free u128 | reserved u128 | frozen u128 | flags u128
NONCE, FREE = slice(0, 4), slice(16, 32)


def try_apply_transfer(rt: "Runtime", xt: "Extrinsic", call: Any, weight_base: int, max_weight: int,
                       max_length: int) -> "ApplyOutcome | None":
    """Apply a plain transfer the fast way, or return None (nothing changed) to use the reference path."""
    from chain.runtime import ApplyOutcome

    pallet, (name, args) = call
    if pallet != "Balances" or name not in TRANSFER_CALLS:
        return None
    dest, value = args["dest"], args["value"]
    src = xt.signer
    if dest[0] != "Id" or value == 0 or src is None:
        return None
    dst = dest[1]
    if dst == src or xt.signer == bytes(32):
        return None
    account = rt.system.Account
    state = rt.state
    k_src, k_dst = account.key(src), account.key(dst)
    raw_src, raw_dst = state.get(k_src), state.get(k_dst)
    if raw_src is None or raw_dst is None:
        return None
    if int.from_bytes(raw_src[NONCE], "little") != xt.nonce:
        return None
    length = len(xt.raw)
    weight = weight_base + rt.call_weight_of(xt.call_bytes, call)
    if length > max_length or rt.block_weight + weight > max_weight or rt.block_length + length > max_length:
        return None
    fee = rt.payment.fee(length, weight, xt.tip)
    ed = rt.balances.EXISTENTIAL_DEPOSIT
    free_src = int.from_bytes(raw_src[FREE], "little")
    free_dst = int.from_bytes(raw_dst[FREE], "little")
    remaining = free_src - fee - value
    if remaining < ed or free_dst < ed or (free_dst + value) >> 128:
        return None
    rt._birth_hash(xt)  # era validity; raises like the reference path would

    rt.phase = ("ApplyExtrinsic", rt.extrinsic_count)
    state.set(k_src, b"".join(((xt.nonce + 1).to_bytes(4, "little"), raw_src[4:16],
                               remaining.to_bytes(16, "little"), raw_src[32:])))
    state.set(k_dst, b"".join((raw_dst[:16], (free_dst + value).to_bytes(16, "little"), raw_dst[32:])))
    issuance = rt.balances.TotalIssuance
    issuance.put(issuance.get() - fee)

    b_idx, p_idx = rt.balances.INDEX, rt.payment.INDEX
    fee16, value16 = fee.to_bytes(16, "little"), value.to_bytes(16, "little")
    rt.deposit_event(b_idx, _ev(rt.balances, "Withdraw"), {"who": src, "amount": fee}, src + fee16)
    rt.deposit_event(b_idx, _ev(rt.balances, "Transfer"), {"from": src, "to": dst, "amount": value}, src + dst + value16)
    rt.deposit_event(p_idx, _ev(rt.payment, "TransactionFeePaid"), {"who": src, "actual_fee": fee, "tip": xt.tip},
                     src + fee16 + xt.tip.to_bytes(16, "little"))
    rt._deposit_result(None, weight, "Normal", "Yes")
    rt._count(xt, weight)
    return ApplyOutcome(True, None, fee, weight)


def _ev(pallet: Any, name: str) -> Any:
    return pallet._events_by_name[name]
