"""The engine of the Lending pallet: disbursement, payment application, the block-hook agenda and default.

`LendingEngine` is a mixin of `chain.pallets.lending.Lending` (it uses that pallet's storage accessors);
it is split out only to keep each module readable. Nothing here is a call: calls live in lending.py.

The agenda (`Lending.Agenda`, block -> items) holds, per loan, only the next thing that can happen:
- DUE(n) at installment n's due block: auto debit (if opted in), credit note for an installment paid
  before it fell due, then LATE_CHECK(n) (if unpaid), a RETRY chain (if auto debit), and DUE(n+1).
- LATE_CHECK(n) after the grace period: late fee, `InstallmentLate`, then DEFAULT_CHECK(n).
- DEFAULT_CHECK(n) `default_days` after the due block: default if still unpaid.
- RETRY(n) daily while auto debit is on and something is due.
So the hook's work at a block is proportional to the items falling due there, never to the number of loans.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chain.pallets.common import (
    PalletMixin, credit_note, must_get, pro_rata, push_agenda, run_agenda, sub_account, variant_of,
)
from chain.pallets.lending_schedule import BPS, allocate, build_schedule, days_late, days_past_due, unpaid
from chain.pallets.lending_types import DEFAULT_CHECK, DUE, LATE_CHECK, RETRY
from chain.runtime import pallet_account

OPEN = ("Requested", "Approved")
ITEM_WEIGHT = 40_000_000
LEND_TAG = b"pui/lend"


def status_of(loan: dict[str, Any]) -> str:
    """A loan's status name ("Active", ...)."""
    return variant_of(loan["status"])


def escrow_account(loan_id: int) -> bytes:
    """The account holding a loan's guarantee pledges."""
    return sub_account(LEND_TAG, loan_id, 8, b"pledge")


def default_vault(lender: bytes) -> bytes:
    """The vault account of a lender who signs for themselves."""
    return pallet_account(LEND_TAG, b"vault" + lender)


Inst = tuple[int, dict[str, Any]]


class LendingEngine(PalletMixin):
    """Mixin with the Lending pallet's internals (see the module doc)."""

    # provided by the pallet
    Loans: Any
    Products: Any
    Installments: Any
    Pledges: Any
    OpenLoans: Any
    Books: Any
    Agenda: Any
    assets: Any

    if TYPE_CHECKING:  # declared for type checkers only: a stub here would shadow the Lending methods
        def vault_of(self, lender: bytes) -> bytes: ...
        def approve_as(self, lender: bytes, loan_id: int, automatic: bool = False) -> None: ...

    # -- reading ----------------------------------------------------------------------------------------
    def _loan(self, loan_id: int) -> dict[str, Any]:
        return must_get(self, self.Loans, "LoanNotFound", loan_id)

    def _product(self, product_id: int) -> dict[str, Any]:
        return must_get(self, self.Products, "ProductNotFound", product_id)

    def _remaining(self, loan: dict[str, Any]) -> list[Inst]:
        """The installments from the oldest unpaid one to the last."""
        if loan["disbursed_block"] is None:
            return []
        return [(n, self.Installments.get(loan["id"], n)) for n in range(loan["next_unpaid"], loan["term"])]

    def _owed(self, insts: list[Inst], due_by: int | None = None) -> int:
        """Fees, interest and principal still unpaid on these installments (only those due by `due_by`)."""
        return sum(sum(unpaid(i)) for _, i in insts if due_by is None or i["due_block"] <= due_by)

    def _waive_future_interest(self, loan: dict[str, Any], insts: list[Inst]) -> None:
        """Cut the interest of installments not yet due to what was paid of it (early payoff, default)."""
        for n, inst in insts:
            if inst["due_block"] > self.block_number and inst["interest"] > inst["interest_paid"]:
                inst["interest"] = inst["interest_paid"]
                self.Installments.put(loan["id"], n, inst)

    def _note(self, method: str, who: bytes, *args: Any) -> None:
        """Tell the Credit pallet (when the runtime has one) about behaviour of `who`."""
        credit_note(self.rt, method, who, *args)

    def _schedule(self, block: int, kind: int, loan_id: int, n: int) -> None:
        push_agenda(self.Agenda, max(block, self.block_number + 1), {"kind": kind, "loan_id": loan_id, "installment": n})

    def _pledges_complete(self, loan: dict[str, Any]) -> bool:
        total = 0
        for g in loan["guarantors"]:
            amount = self.Pledges.get(loan["id"], g)
            if amount is None:
                return False
            total += amount
        return total >= loan["guarantee_required"]

    # -- lifecycle ----------------------------------------------------------------------------------------
    def _auto_approve(self, loan: dict[str, Any]) -> None:
        if status_of(loan) == "Requested" and self._pledges_complete(loan):
            self.approve_as(loan["lender"], loan["id"], automatic=True)

    def _disburse(self, loan: dict[str, Any]) -> None:
        now, bpd = self.block_number, self.rt.blocks_per_day
        loan_id, asset, principal = loan["id"], loan["asset"], loan["principal"]
        self.assets.move(asset, self.vault_of(loan["lender"]), loan["borrower"], principal)
        schedule = build_schedule(principal, loan["rate_bps"], loan["term"], loan["interval_days"],
                                  variant_of(loan["interest_kind"]), now, bpd)
        for n, inst in enumerate(schedule):
            self.Installments.put(loan_id, n, inst)
        loan["status"] = ("Active", None)
        loan["disbursed_block"] = now
        self.Loans.put(loan_id, loan)
        book = self.Books.get(loan["lender"], asset)
        book["disbursed"] += principal
        book["outstanding"] += principal
        book["active_loans"] += 1
        self.Books.put(loan["lender"], asset, book)
        self._schedule(schedule[0]["due_block"], DUE, loan_id, 0)
        self._note("lock_vouches", loan["borrower"], loan_id)
        self.emit("LoanDisbursed", {"loan_id": loan_id, "borrower": loan["borrower"], "lender": loan["lender"],
                                    "asset": asset, "principal": principal, "rate_bps": loan["rate_bps"],
                                    "interest_kind": loan["interest_kind"], "term": loan["term"],
                                    "interval_days": loan["interval_days"], "first_due": schedule[0]["due_block"]})
        self.emit("ScheduleCreated", {"loan_id": loan_id, "installments": [
            (i["due_block"], i["principal"], i["interest"]) for i in schedule]})

    def _close(self, loan: dict[str, Any], status: str) -> None:
        """Close a loan (Repaid, Rejected, Cancelled, WrittenOff): pledges back, vouches unlocked."""
        prev = status_of(loan)
        loan["status"] = (status, None)
        loan["closed_block"] = self.block_number
        self.Loans.put(loan["id"], loan)
        borrower = loan["borrower"]
        self.OpenLoans.put(borrower, max(0, self.OpenLoans.get(borrower) - 1))
        for g in loan["guarantors"]:
            amount = self.Pledges.get(loan["id"], g)
            if amount is not None:
                self.assets.move(loan["asset"], escrow_account(loan["id"]), g, amount)
                self.Pledges.remove(loan["id"], g)
                self.emit("PledgeReleased", {"loan_id": loan["id"], "guarantor": g, "amount": amount})
        if prev in ("Active", "Defaulted"):
            self._note("release_vouches", borrower, loan["id"])
        if status == "Repaid" and prev == "Active":
            book = self.Books.get(loan["lender"], loan["asset"])
            book["active_loans"] -= 1
            self.Books.put(loan["lender"], loan["asset"], book)
            self._note("note_loan_repaid", borrower)

    def _apply_payment(self, loan: dict[str, Any], insts: list[Inst], amount: int, payer: bytes, *, note: bool,
                       waived: int | None = None) -> None:
        """Book a payment already moved into the lender's vault: fees, interest, principal, oldest first."""
        now, bpd = self.block_number, self.rt.blocks_per_day
        loan_id = loan["id"]
        dpd = days_past_due(loan, [insts[0][1]] if insts else [], now, bpd)
        parts, left = allocate(amount, [unpaid(i) for _, i in insts])
        assert left == 0, "payment larger than what is owed"
        first, paid = None, [0, 0, 0]
        for (n, inst), (f, i, p) in zip(insts, parts):
            if f or i or p:
                first = n if first is None else first
                inst["fee_paid"] += f
                inst["interest_paid"] += i
                inst["principal_paid"] += p
                paid[0], paid[1], paid[2] = paid[0] + f, paid[1] + i, paid[2] + p
                self.Installments.put(loan_id, n, inst)
        next_unpaid = loan["next_unpaid"]
        grace = loan["grace_days"] * bpd
        for n, inst in insts:  # mark installments paid in full, in order
            if sum(unpaid(inst)):
                break
            next_unpaid = n + 1
            if inst["paid_block"] is not None:
                continue
            inst["paid_block"] = now
            self.Installments.put(loan_id, n, inst)
            on_time = now <= inst["due_block"] + grace
            late = 0 if on_time else days_late(now, inst["due_block"], bpd)
            self.emit("InstallmentPaid", {"loan_id": loan_id, "installment": n, "on_time": on_time, "days_late": late})
            # paid before due: noted when it falls due (DUE item); after default: noted at default already
            if note and now >= inst["due_block"] and status_of(loan) == "Active":
                self._note("note_repayment", loan["borrower"], on_time, late)
        loan["next_unpaid"] = next_unpaid
        loan["fees_paid"] += paid[0]
        loan["interest_paid"] += paid[1]
        loan["principal_repaid"] += paid[2]
        book = self.Books.get(loan["lender"], loan["asset"])
        book["fees_earned"] += paid[0]
        book["interest_earned"] += paid[1]
        book["principal_repaid"] += paid[2]
        if status_of(loan) == "Active":
            book["outstanding"] -= paid[2]
        else:
            book["defaulted"] -= paid[2]
            book["recovered"] += paid[2]
        self.Books.put(loan["lender"], loan["asset"], book)
        self.Loans.put(loan_id, loan)
        self.emit("RepaymentMade", {"loan_id": loan_id, "payer": payer, "amount": amount, "to_fees": paid[0],
                                    "to_interest": paid[1], "to_principal": paid[2],
                                    "installment": first if first is not None else next_unpaid, "days_late": dpd})
        if next_unpaid >= loan["term"]:
            last_due = insts[-1][1]["due_block"] if insts else now
            self._close(loan, "Repaid")
            self.emit("LoanRepaid", {"loan_id": loan_id, "borrower": loan["borrower"], "early": now < last_due,
                                     "interest_waived": waived or 0})

    # -- the block hook -----------------------------------------------------------------------------------
    def on_initialize(self, n: int) -> int:
        return ITEM_WEIGHT * run_agenda(
            self, self.Agenda, n,
            lambda item: self._process(item["kind"], item["loan_id"], item["installment"]),
            lambda item: self.emit("AgendaItemFailed", {"loan_id": item["loan_id"], "installment": item["installment"],
                                                        "kind": item["kind"]}))

    def _process(self, kind: int, loan_id: int, n: int) -> None:
        loan = self.Loans.get(loan_id)
        if loan is None:
            return
        status = status_of(loan)
        if status not in ("Active", "Repaid"):
            return
        now, bpd = self.block_number, self.rt.blocks_per_day
        inst = self.Installments.get(loan_id, n)
        if kind == DUE:
            if status == "Active" and loan["auto_debit"] and inst["paid_block"] is None:
                self._auto_debit(loan, n)
                inst = self.Installments.get(loan_id, n)
            if inst["paid_block"] is not None and inst["paid_block"] < inst["due_block"]:
                self._note("note_repayment", loan["borrower"], True, 0)
            if status_of(loan) == "Active" and inst["paid_block"] is None:
                self._schedule(inst["due_block"] + loan["grace_days"] * bpd + 1, LATE_CHECK, loan_id, n)
                if loan["auto_debit"] and loan["next_unpaid"] == n:
                    self._schedule(now + bpd, RETRY, loan_id, n)
            if n + 1 < loan["term"]:
                self._schedule(self.Installments.get(loan_id, n + 1)["due_block"], DUE, loan_id, n + 1)
        elif status != "Active" or inst["paid_block"] is not None:
            return
        elif kind == LATE_CHECK:
            fee = (inst["interest"] - inst["interest_paid"] + inst["principal"] - inst["principal_paid"]) \
                * loan["late_fee_bps"] // BPS
            inst["fee"] += fee
            self.Installments.put(loan_id, n, inst)
            self.emit("InstallmentLate", {"loan_id": loan_id, "borrower": loan["borrower"], "installment": n,
                                          "days_past_due": days_late(now, inst["due_block"], bpd), "late_fee": fee})
            default_block = inst["due_block"] + loan["default_days"] * bpd
            if default_block <= now:
                self._default(loan)
            else:
                self._schedule(default_block, DEFAULT_CHECK, loan_id, n)
        elif kind == DEFAULT_CHECK:
            self._default(loan)
        elif kind == RETRY and loan["auto_debit"]:
            self._auto_debit(loan, n)
            if status_of(loan) == "Active" and self._owed(self._remaining(loan), now):
                self._schedule(now + bpd, RETRY, loan_id, loan["next_unpaid"])

    def _auto_debit(self, loan: dict[str, Any], n: int) -> None:
        """Collect what is due from the borrower's balance (all of it, or what there is)."""
        insts = self._remaining(loan)
        due = self._owed(insts, self.block_number)
        if due == 0:
            return
        pay = min(due, self.assets.balance(loan["asset"], loan["borrower"]))
        if pay:
            self.assets.move(loan["asset"], loan["borrower"], self.vault_of(loan["lender"]), pay)
            self._apply_payment(loan, insts, pay, loan["borrower"], note=True)
        if pay < due:
            self.emit("AutoDebitFailed", {"loan_id": loan["id"], "borrower": loan["borrower"], "installment": n,
                                          "shortfall": due - pay})

    def _default(self, loan: dict[str, Any]) -> None:
        """Declare default: accelerate (future interest waived), draw pledges, then vouch stakes, pro rata."""
        now, bpd = self.block_number, self.rt.blocks_per_day
        loan_id, asset, borrower = loan["id"], loan["asset"], loan["borrower"]
        insts = self._remaining(loan)
        dpd = days_past_due(loan, [insts[0][1]], now, bpd)
        self._waive_future_interest(loan, insts)
        remaining = loan["principal"] - loan["principal_repaid"]
        book = self.Books.get(loan["lender"], asset)
        book["outstanding"] -= remaining
        book["defaulted"] += remaining
        book["active_loans"] -= 1
        self.Books.put(loan["lender"], asset, book)
        loan["status"] = ("Defaulted", None)
        self.Loans.put(loan_id, loan)
        self.emit("LoanDefaulted", {"loan_id": loan_id, "borrower": borrower, "lender": loan["lender"], "asset": asset,
                                    "outstanding": remaining, "days_past_due": dpd})
        for _, inst in insts:  # installments past due count as late ones, then the default itself
            if inst["due_block"] < now:
                self._note("note_repayment", borrower, False, days_late(now, inst["due_block"], bpd))
        self._note("note_default", borrower)
        owed = self._owed(insts)
        vault, escrow = self.vault_of(loan["lender"]), escrow_account(loan_id)
        pledges = [(g, self.Pledges.get(loan_id, g)) for g in loan["guarantors"] if self.Pledges.contains(loan_id, g)]
        take = min(owed, sum(a for _, a in pledges))
        drawn = []
        for (g, amount), part in zip(pledges, pro_rata(take, [a for _, a in pledges])):
            if part:
                self.assets.move(asset, escrow, vault, part)
                self.emit("GuaranteeDrawn", {"loan_id": loan_id, "guarantor": g, "amount": part})
                drawn.append((g, part))
            if amount > part:
                self.assets.move(asset, escrow, g, amount - part)
                self.emit("PledgeReleased", {"loan_id": loan_id, "guarantor": g, "amount": amount - part})
            self.Pledges.remove(loan_id, g)
        for g, part in drawn:
            self._apply_payment(loan, insts, part, g, note=False)
        owed -= take
        if owed and self.rt.has_pallet("Credit"):
            from chain.pallets.credit import STAKE_ACCOUNT
            got = self.rt.pallet("Credit").draw_vouch_stakes(loan_id, borrower, asset, owed, vault)
            if got:
                self._apply_payment(loan, insts, got, STAKE_ACCOUNT, note=False)
        self._note("release_vouches", borrower, loan_id)
