"""Speed paths for the signed-extrinsic work every block repeats, beside the reference executive.

`Runtime.apply_extrinsic` is the reference: it checks the signed extensions, withdraws the fee, bumps
the nonce, dispatches the call in a storage transaction and deposits the events. Two shortcuts produce
the same storage writes and the same events directly on the encoded `AccountInfo` bytes, when nothing
can touch an edge case (the signer's account exists, its nonce is the expected one, it pays the fee
and stays above the existential deposit, the block has room):

- `try_pay_fee`: the prelude of any signed extrinsic (checks, fee withdrawn, nonce bumped, `Withdraw`
  deposited); the call is then dispatched by the reference code;
- `try_apply_transfer`: a whole `Balances.transfer_*` between two live accounts (sender != receiver,
  non-zero amount, the receiver stays in range).

Anything else returns None with nothing changed, and the reference path runs (and raises the proper
error). tests/chain/test_fast_transfer.py checks on random traffic, transfers and other calls mixed,
that blocks built with and without these paths are byte-for-byte identical.
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


def _fee_checks(rt: "Runtime", xt: "Extrinsic", call: Any, weight_base: int, max_weight: int, max_length: int,
                spend: int = 0) -> tuple[bytes, bytes, int, int, int] | None:
    """The signed-extension checks on raw bytes: (signer's key, its AccountInfo bytes, weight, fee, free
    balance left after fee and `spend`), or None when any edge case needs the reference path."""
    src = xt.signer
    if src is None or src == bytes(32):
        return None
    k_src = rt.system.Account.key(src)
    raw_src = rt.state.get(k_src)
    if raw_src is None or int.from_bytes(raw_src[NONCE], "little") != xt.nonce:
        return None
    length = len(xt.raw)
    weight = weight_base + rt.call_weight_of(xt.call_bytes, call)
    if length > max_length or rt.block_weight + weight > max_weight or rt.block_length + length > max_length:
        return None
    fee = rt.payment.fee(length, weight, xt.tip)
    remaining = int.from_bytes(raw_src[FREE], "little") - fee - spend
    if fee == 0 or remaining < rt.balances.EXISTENTIAL_DEPOSIT:
        return None
    return k_src, raw_src, weight, fee, remaining


def _withdraw(rt: "Runtime", xt: "Extrinsic", k_src: bytes, raw_src: bytes, fee: int, remaining: int) -> bytes:
    """Bump the nonce, set the free balance to `remaining`, burn the fee, deposit `Withdraw`; returns
    the fee as 16 bytes (for the events that follow)."""
    src = xt.signer
    assert src is not None
    rt._birth_hash(xt)  # era validity; raises like the reference path would (before any change)
    rt.phase = ("ApplyExtrinsic", rt.extrinsic_count)
    rt.state.set(k_src, b"".join(((xt.nonce + 1).to_bytes(4, "little"), raw_src[4:16],
                                  remaining.to_bytes(16, "little"), raw_src[32:])))
    issuance = rt.balances.TotalIssuance
    issuance.put(issuance.get() - fee)
    fee16 = fee.to_bytes(16, "little")
    rt.deposit_event(rt.balances.INDEX, _ev(rt.balances, "Withdraw"), {"who": src, "amount": fee}, src + fee16)
    return fee16


def try_pay_fee(rt: "Runtime", xt: "Extrinsic", call: Any, weight_base: int, max_weight: int,
                max_length: int) -> tuple[int, int] | None:
    """The signed prelude the fast way: returns (weight, fee) with the fee withdrawn and the nonce
    bumped, or None (nothing changed) to use the reference path."""
    checked = _fee_checks(rt, xt, call, weight_base, max_weight, max_length)
    if checked is None:
        return None
    k_src, raw_src, weight, fee, remaining = checked
    _withdraw(rt, xt, k_src, raw_src, fee, remaining)
    return weight, fee


def fee_paid(rt: "Runtime", xt: "Extrinsic", fee: int) -> None:
    """Deposit `TransactionPayment.TransactionFeePaid` with its encoding built directly."""
    src = xt.signer
    assert src is not None
    rt.deposit_event(rt.payment.INDEX, _ev(rt.payment, "TransactionFeePaid"), {"who": src, "actual_fee": fee, "tip": xt.tip},
                     src + fee.to_bytes(16, "little") + xt.tip.to_bytes(16, "little"))


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
    if dst == src:
        return None
    k_dst = rt.system.Account.key(dst)
    raw_dst = rt.state.get(k_dst)
    if raw_dst is None:
        return None
    free_dst = int.from_bytes(raw_dst[FREE], "little")
    if free_dst < rt.balances.EXISTENTIAL_DEPOSIT or (free_dst + value) >> 128:
        return None
    checked = _fee_checks(rt, xt, call, weight_base, max_weight, max_length, spend=value)
    if checked is None:
        return None
    k_src, raw_src, weight, fee, remaining = checked
    _withdraw(rt, xt, k_src, raw_src, fee, remaining)
    rt.state.set(k_dst, b"".join((raw_dst[:16], (free_dst + value).to_bytes(16, "little"), raw_dst[32:])))
    rt.deposit_event(rt.balances.INDEX, _ev(rt.balances, "Transfer"), {"from": src, "to": dst, "amount": value},
                     src + dst + value.to_bytes(16, "little"))
    fee_paid(rt, xt, fee)
    rt._deposit_result(None, weight, "Normal", "Yes")
    rt._count(xt, weight)
    return ApplyOutcome(True, None, fee, weight)


def _ev(pallet: Any, name: str) -> Any:
    return pallet._events_by_name[name]
