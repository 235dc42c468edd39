"""SCALE types and limits of the Lending pallet (shared with InvestmentPool, the client and the analytics)."""
from __future__ import annotations

from chain.codec import ACCOUNT_ID, BOOL, U8, U16, U32, U64, U128, Enum, Option, Struct, Tuple, Variant, Vec

MAX_TERM = 104            # installments a loan may have
MAX_GUARANTORS = 5        # guarantors a loan may name
MAX_OPEN_LOANS = 4        # loans a borrower may have requested, approved, active or defaulted at once
MAX_RATE_BPS = 20_000     # 200% a year: no product may charge more
MAX_TIERS = 8

# Agenda item kinds: what the block hook does for a loan's installment at a block.
DUE, LATE_CHECK, DEFAULT_CHECK, RETRY = 0, 1, 2, 3

INTEREST_KIND = Enum("pallet_puhui_lending::InterestKind", (
    Variant(0, "Flat", docs="Interest on the original principal for the whole term, spread evenly."),
    Variant(1, "Declining", docs="Interest on the outstanding balance each period; equal installments."),
))
LOAN_STATUS = Enum("pallet_puhui_lending::LoanStatus", (
    Variant(0, "Requested"), Variant(1, "Approved"), Variant(2, "Rejected"), Variant(3, "Active"),
    Variant(4, "Repaid"), Variant(5, "Defaulted"), Variant(6, "WrittenOff"), Variant(7, "Cancelled"),
))
PRICE_TIER = Struct("pallet_puhui_lending::PriceTier", (("min_score", U16), ("rate_bps", U32)))
PRODUCT_TERMS = Struct("pallet_puhui_lending::ProductTerms", (
    ("asset", U32), ("min_amount", U128), ("max_amount", U128), ("term", U16), ("interval_days", U16),
    ("interest_kind", INTEREST_KIND), ("rate_bps", U32), ("tiers", Vec(PRICE_TIER, MAX_TIERS)),
    ("grace_days", U16), ("late_fee_bps", U32), ("default_days", U16), ("min_score", U16),
    ("min_guarantors", U8), ("newcomer_guarantors", Option(U8)), ("guarantee_bps", U32), ("auto_approve", BOOL),
), docs="What a lender offers: amounts, term, interest, fees, default rule and eligibility.")
PRODUCT = Struct("pallet_puhui_lending::Product", (
    ("lender", ACCOUNT_ID), ("terms", PRODUCT_TERMS), ("active", BOOL), ("loans", U32),
))
LOAN = Struct("pallet_puhui_lending::Loan", (
    ("id", U64), ("product", U32), ("borrower", ACCOUNT_ID), ("lender", ACCOUNT_ID), ("asset", U32),
    ("principal", U128), ("interest_kind", INTEREST_KIND), ("rate_bps", U32), ("term", U16),
    ("interval_days", U16), ("grace_days", U16), ("late_fee_bps", U32), ("default_days", U16),
    ("status", LOAN_STATUS), ("requested_block", U32), ("disbursed_block", Option(U32)),
    ("closed_block", Option(U32)), ("principal_repaid", U128), ("interest_paid", U128), ("fees_paid", U128),
    ("auto_debit", BOOL), ("guarantors", Vec(ACCOUNT_ID, MAX_GUARANTORS)), ("guarantee_required", U128),
    ("score", Option(U16)), ("next_unpaid", U16),
))
INSTALLMENT = Struct("pallet_puhui_lending::Installment", (
    ("due_block", U32), ("principal", U128), ("interest", U128), ("fee", U128), ("principal_paid", U128),
    ("interest_paid", U128), ("fee_paid", U128), ("paid_block", Option(U32)),
))
AGENDA_ITEM = Struct("pallet_puhui_lending::AgendaItem", (("kind", U8), ("loan_id", U64), ("installment", U16)))
BOOK = Struct("pallet_puhui_lending::LenderBook", (
    ("disbursed", U128), ("principal_repaid", U128), ("interest_earned", U128), ("fees_earned", U128),
    ("outstanding", U128), ("defaulted", U128), ("recovered", U128), ("written_off", U128), ("active_loans", U32),
), docs="A lender's book in one asset. outstanding: principal of active loans; defaulted: principal of "
        "defaulted loans not yet recovered or written off.")
SCHEDULE_ROW = Tuple((U32, U128, U128))
EMPTY_BOOK = {"disbursed": 0, "principal_repaid": 0, "interest_earned": 0, "fees_earned": 0, "outstanding": 0,
              "defaulted": 0, "recovered": 0, "written_off": 0, "active_loans": 0}

__all__ = ["ACCOUNT_ID", "U64", "U128", "U32", "U16", "U8", "BOOL"]
