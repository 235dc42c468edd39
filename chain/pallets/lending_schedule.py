"""Pure loan arithmetic: installment schedules, payment allocation, days past due (pro-rata splits: common.py).

Everything here is integer arithmetic on plain values (no storage), so the Lending pallet, the
analytics and the tests compute exactly the same numbers.

Rates are yearly, in basis points; one period's rate is `rate_bps * interval_days / (10_000 * 365)`.
- Flat: interest on the original principal for the whole term, spread evenly over the installments
  (the remainder on the first ones); principal spread evenly (the remainder on the last).
- Declining balance: equal installments (an annuity) whose interest part is the period rate on the
  principal still outstanding; the last installment clears what is left, so the principal parts always
  sum to the principal.
"""
from __future__ import annotations

from typing import Any, Sequence

from chain.pallets.common import days_after, pro_rata, variant_of

__all__ = ["BPS", "DAYS_PER_YEAR", "FLAT", "DECLINING", "period_rate", "schedule_parts", "build_schedule", "unpaid",
           "allocate", "days_late", "days_past_due", "pro_rata", "interest_for"]

BPS = 10_000
DAYS_PER_YEAR = 365
FLAT = "Flat"
DECLINING = "Declining"


def period_rate(rate_bps: int, interval_days: int) -> tuple[int, int]:
    """(numerator, denominator) of one period's interest rate."""
    return rate_bps * interval_days, BPS * DAYS_PER_YEAR


def schedule_parts(principal: int, rate_bps: int, term: int, interval_days: int, kind: str) -> list[tuple[int, int]]:
    """(principal part, interest part) of each of `term` installments."""
    if term <= 0:
        raise ValueError("term must be positive")
    num, den = period_rate(rate_bps, interval_days)
    if kind == FLAT:
        total_interest = principal * num * term // den
        p_base, p_rem = divmod(principal, term)
        i_base, i_rem = divmod(total_interest, term)
        return [(p_base + (1 if k >= term - p_rem else 0), i_base + (1 if k < i_rem else 0)) for k in range(term)]
    if kind != DECLINING:
        raise ValueError(f"unknown interest kind {kind!r}")
    if num == 0:
        p_base, p_rem = divmod(principal, term)
        return [(p_base + (1 if k >= term - p_rem else 0), 0) for k in range(term)]
    # annuity payment = P r (1+r)^n / ((1+r)^n - 1), with r = num/den, rounded up to the unit
    grow = (den + num) ** term
    base = den ** term
    payment = -(-principal * num * grow // (den * (grow - base)))
    parts = []
    outstanding = principal
    for k in range(term):
        interest = outstanding * num // den
        if k == term - 1:
            part = outstanding
        else:
            part = min(max(payment - interest, 0), outstanding)
        parts.append((part, interest))
        outstanding -= part
    return parts


def build_schedule(principal: int, rate_bps: int, term: int, interval_days: int, kind: str, start_block: int,
                   blocks_per_day: int) -> list[dict[str, Any]]:
    """The installment records of a loan disbursed at `start_block` (what Lending.Installments stores)."""
    step = interval_days * blocks_per_day
    return [
        {"due_block": start_block + (k + 1) * step, "principal": p, "interest": i, "fee": 0,
         "principal_paid": 0, "interest_paid": 0, "fee_paid": 0, "paid_block": None}
        for k, (p, i) in enumerate(schedule_parts(principal, rate_bps, term, interval_days, kind))
    ]


def unpaid(inst: dict[str, Any]) -> tuple[int, int, int]:
    """(fee, interest, principal) still owed on an installment."""
    return (inst["fee"] - inst["fee_paid"], inst["interest"] - inst["interest_paid"],
            inst["principal"] - inst["principal_paid"])


def allocate(amount: int, owed: Sequence[tuple[int, int, int]]) -> tuple[list[tuple[int, int, int]], int]:
    """Split a payment over installments in order, each one fees first, then interest, then principal.

    `owed` lists (fee, interest, principal) still due per installment; returns what goes to each and the
    part of the payment left over (nothing more was owed).
    """
    out = []
    left = amount
    for fee, interest, principal in owed:
        f = min(left, fee)
        left -= f
        i = min(left, interest)
        left -= i
        p = min(left, principal)
        left -= p
        out.append((f, i, p))
    return out, left


def days_late(paid_block: int, due_block: int, blocks_per_day: int) -> int:
    """Whole days between an installment's due block and the block it was paid (0 if on or before)."""
    return days_after(paid_block, due_block, blocks_per_day)


def days_past_due(loan: dict[str, Any], installments: Sequence[dict[str, Any]], block: int, blocks_per_day: int) -> int:
    """Days past due of a loan at `block`: whole days since the due block of its oldest unpaid installment.

    `installments` are the loan's installment records in order. Loans not on the books (requested,
    repaid, written off ...) are 0 days past due; a defaulted loan keeps counting.
    """
    if variant_of(loan["status"]) not in ("Active", "Defaulted"):
        return 0
    for inst in installments:
        if inst["paid_block"] is None:
            return days_after(block, inst["due_block"], blocks_per_day)
    return 0


def interest_for(principal: int, rate_bps: int, days: int) -> int:
    """Simple interest on `principal` for `days` at a yearly rate (rounded down)."""
    return principal * rate_bps * days // (BPS * DAYS_PER_YEAR)
