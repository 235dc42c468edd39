"""Donation lots: the types, the allocation rules (FIFO, pro rata) and the voucher-piece bookkeeping of the
Donations pallet, as plain functions (exact integer arithmetic; tested on their own)."""
from __future__ import annotations

from typing import Any

from chain.codec import ACCOUNT_ID, H256, U8, U16, U32, U64, U128, Enum, Option, Struct, Variant, Vec
from chain.pallets.common import pro_rata, sub_account
from chain.runtime import pallet_account

PALLET_TAG = b"pui/dnte"
VOUCHER_POOL = pallet_account(PALLET_TAG, b"vouchers")
PURPOSES = ("food", "water", "education", "health", "livelihoods", "shelter", "operations")
"""Purpose codes: the index in this tuple is the code stored on chain."""
OPERATIONS = PURPOSES.index("operations")
MAX_MILESTONES = 16
MAX_OPEN_LOTS = 4_096
MAX_VOUCHER_PIECES = 512
MAX_CAMPAIGN_BLOCKS = 5 * 366 * 24 * 60  # generous bound (five years at one block a minute)

RULE = Enum("pallet_puhui_donations::AllocationRule", (Variant(0, "Fifo"), Variant(1, "ProRata")))
CAMPAIGN_STATUS = Enum("pallet_puhui_donations::CampaignStatus", (
    Variant(0, "Active"), Variant(1, "Funded"), Variant(2, "Failed"), Variant(3, "Cancelled"), Variant(4, "Closed"),
))
MILESTONE = Struct("pallet_puhui_donations::Milestone", (("amount", U128), ("attested_at", Option(U32))))
CAMPAIGN = Struct("pallet_puhui_donations::Campaign", (
    ("id", U32), ("ngo", ACCOUNT_ID), ("asset", U32), ("goal", U128), ("deadline", U32), ("categories", Vec(U8)),
    ("rule", RULE), ("overhead_cap_bps", U16), ("validator", Option(ACCOUNT_ID)), ("milestones", Vec(MILESTONE)),
    ("info_hash", H256), ("status", CAMPAIGN_STATUS), ("raised", U128), ("disbursed", U128), ("overhead", U128),
    ("refunded", U128), ("donations", U32), ("created", U32),
))
LOT = Struct("pallet_puhui_donations::Donation", (
    ("id", U64), ("campaign", U32), ("donor", ACCOUNT_ID), ("amount", U128), ("remaining", U128),
    ("allocated", U128), ("refunded", U128), ("voucher", U128), ("voucher_spent", U128), ("redeemed", U128),
    ("block", U32),
))
PIECE = Struct("pallet_puhui_donations::VoucherPiece", (("donation", U64), ("amount", U128)))


def campaign_account(campaign: int) -> bytes:
    """The escrow account of a campaign (pallet-owned: no one holds its key)."""
    return sub_account(PALLET_TAG, campaign, 4, b"camp")


def split_fifo(amount: int, lots: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Take `amount` from (id, remaining) lots oldest first; returns (id, share) with share > 0."""
    out = []
    for lot_id, remaining in lots:
        if amount == 0:
            break
        take = min(amount, remaining)
        if take:
            out.append((lot_id, take))
            amount -= take
    if amount:
        raise ValueError("lots hold less than the amount")
    return out


def split_pro_rata(amount: int, lots: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Take `amount` from (id, remaining) lots in proportion to what each holds. Shares are rounded down,
    then the units left over go one each to the lots with the largest remainders (ties: oldest first),
    so the shares sum to `amount` exactly and none exceeds its lot."""
    if amount > sum(r for _, r in lots):
        raise ValueError("lots hold less than the amount")
    shares = pro_rata(amount, [r for _, r in lots])
    return [(lot_id, share) for (lot_id, _), share in zip(lots, shares) if share]


def take_pieces(pieces: list[dict[str, int]], amount: int) -> tuple[list[tuple[int, int]], list[dict[str, int]]]:
    """Consume `amount` from voucher pieces oldest first: ([(donation, amount)], pieces left)."""
    taken, left = [], []
    for p in pieces:
        take = min(amount, p["amount"])
        if take:
            taken.append((p["donation"], take))
            amount -= take
        if p["amount"] > take:
            left.append({"donation": p["donation"], "amount": p["amount"] - take})
    return taken, left


def add_pieces(pieces: list[dict[str, int]], new: list[tuple[int, int]]) -> list[dict[str, int]]:
    """Append (donation, amount) pieces, merging into the last piece when it is the same donation."""
    for donation, amount in new:
        if pieces and pieces[-1]["donation"] == donation:
            pieces[-1]["amount"] += amount
        else:
            pieces.append({"donation": donation, "amount": amount})
    return pieces


def lot_balanced(lot: dict[str, Any]) -> bool:
    """The per-donation identity: allocated + remaining + refunded == amount, and the voucher chain
    allocated >= voucher >= voucher_spent >= redeemed."""
    return (lot["allocated"] + lot["remaining"] + lot["refunded"] == lot["amount"]
            and lot["allocated"] >= lot["voucher"] >= lot["voucher_spent"] >= lot["redeemed"])
