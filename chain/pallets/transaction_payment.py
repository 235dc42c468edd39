"""TransactionPayment: the fee of an extrinsic from its weight and length, plus tip; fees are burned."""
from __future__ import annotations

from chain.codec import ACCOUNT_ID, U8, U128
from chain.frame import ConstantDef, EventDef, Pallet, StorageDef
from chain.types import UNIT

BASE_FEE = UNIT // 100_000  # per extrinsic
LENGTH_FEE = UNIT // 10_000_000  # per byte
WEIGHT_FEE_PER_MILLION = UNIT // 100_000  # per 1,000,000 ref_time units (1 microsecond of weight)
FEE_MULTIPLIER_ONE = 10**18


def compute_fee(length: int, weight: int, tip: int = 0) -> int:
    """fee = base + length * per-byte + weight * per-weight + tip (the multiplier is fixed at one)."""
    return BASE_FEE + length * LENGTH_FEE + weight * WEIGHT_FEE_PER_MILLION // 1_000_000 + tip


class TransactionPayment(Pallet):
    INDEX = 3
    NAME = "TransactionPayment"
    DOC = "Fees: base + length + weight, plus tip, withdrawn before dispatch and burned."
    EVENTS = (
        EventDef(0, "TransactionFeePaid", (("who", ACCOUNT_ID), ("actual_fee", U128), ("tip", U128)),
                 "A transaction fee `actual_fee`, of which `tip` was added to the minimum inclusion fee, has been paid by `who`."),
    )
    STORAGE = (StorageDef("NextFeeMultiplier", U128, "The fee multiplier (fixed point, 10^18 = 1).", default=FEE_MULTIPLIER_ONE),)
    CONSTANTS = (
        ConstantDef("OperationalFeeMultiplier", U8, 5, "A fee multiplier for Operational extrinsics to compute their priority."),
        ConstantDef("BaseFee", U128, BASE_FEE, "The fee every extrinsic pays, whatever it does."),
        ConstantDef("LengthFee", U128, LENGTH_FEE, "The fee per byte of an encoded extrinsic."),
        ConstantDef("WeightFee", U128, WEIGHT_FEE_PER_MILLION, "The fee per 1,000,000 units of ref_time weight."),
    )

    def fee(self, length: int, weight: int, tip: int = 0) -> int:
        return compute_fee(length, weight, tip)
