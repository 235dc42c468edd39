"""Lending: loan agreements that execute themselves.

A lender (a microfinance institution, a person, or an InvestmentPool) offers loan products; borrowers
request loans, named guarantors pledge, the lender approves (or the product approves automatically when
the borrower's credit score suffices), the principal is disbursed from the lender's vault and the
installment schedule is written on chain. Repayments go to fees, then interest, then principal, oldest
installment first. The block hook works through an agenda (block -> items), so its work is proportional
to what falls due: it debits installments automatically for borrowers who opted in, assesses late fees,
and declares a loan in default when an installment is `default_days` past due; default draws the
guarantors' pledges pro rata (joint liability), then the vouchers' stakes.

Money is an Assets asset; lenders' funds sit in a vault account derived from the lender (no one holds
its key), pledges in a per-loan escrow. Every loan keeps `principal_repaid` equal to the sum of its
installments' paid principal, and each lender's book (per asset) tracks outstanding and defaulted principal.
"""
from __future__ import annotations

from itertools import islice
from typing import Any

from chain.codec import ACCOUNT_ID, BOOL, COMPACT_U128, U8, U16, U32, U64, U128, Option, Vec
from chain.frame import ConstantDef, ErrorDef, EventDef, Origin, Pallet, StorageDef, call, ensure_signed
from chain.pallets.common import credit_note, take_id
from chain.pallets.lending_engine import OPEN, LendingEngine, default_vault, escrow_account, status_of
from chain.pallets.lending_schedule import BPS, days_past_due
from chain.pallets.lending_types import (
    AGENDA_ITEM, BOOK, EMPTY_BOOK, INSTALLMENT, INTEREST_KIND, LOAN, MAX_GUARANTORS, MAX_OPEN_LOANS, MAX_RATE_BPS,
    MAX_TERM, PRODUCT, PRODUCT_TERMS, RETRY, SCHEDULE_ROW,
)


class Lending(LendingEngine, Pallet):
    INDEX = 20
    NAME = "Lending"
    DOC = "Loan products, self-executing loan agreements, guarantees, lateness and default."

    EVENTS = (
        EventDef(0, "ProductCreated", (("product_id", U32), ("lender", ACCOUNT_ID), ("asset", U32), ("rate_bps", U32),
                                       ("term", U16), ("interval_days", U16)), "A lender offered a loan product."),
        EventDef(1, "ProductStatusChanged", (("product_id", U32), ("active", BOOL)), "A product was opened or closed to new requests."),
        EventDef(2, "LiquidityDeposited", (("lender", ACCOUNT_ID), ("asset", U32), ("amount", U128)), "A lender put funds into their vault."),
        EventDef(3, "LiquidityWithdrawn", (("lender", ACCOUNT_ID), ("asset", U32), ("amount", U128)), "A lender took funds out of their vault."),
        EventDef(4, "LoanRequested", (("loan_id", U64), ("product_id", U32), ("borrower", ACCOUNT_ID), ("lender", ACCOUNT_ID),
                                      ("asset", U32), ("amount", U128), ("rate_bps", U32), ("score", Option(U16)),
                                      ("guarantors", U8)), "A borrower asked for a loan (rate priced from their score)."),
        EventDef(5, "PledgeMade", (("loan_id", U64), ("guarantor", ACCOUNT_ID), ("amount", U128)),
                 "A guarantor put a pledge into the loan's escrow."),
        EventDef(6, "LoanApproved", (("loan_id", U64), ("lender", ACCOUNT_ID), ("rate_bps", U32), ("automatic", BOOL)),
                 "A loan was approved, by the lender or automatically by the product's rules."),
        EventDef(7, "LoanRejected", (("loan_id", U64), ("lender", ACCOUNT_ID)), "The lender turned a request down; pledges went back."),
        EventDef(8, "LoanCancelled", (("loan_id", U64),), "The borrower withdrew a request; pledges went back."),
        EventDef(9, "LoanDisbursed", (("loan_id", U64), ("borrower", ACCOUNT_ID), ("lender", ACCOUNT_ID), ("asset", U32),
                                      ("principal", U128), ("rate_bps", U32), ("interest_kind", INTEREST_KIND),
                                      ("term", U16), ("interval_days", U16), ("first_due", U32)),
                 "The principal went from the lender's vault to the borrower; the loan is active."),
        EventDef(10, "ScheduleCreated", (("loan_id", U64), ("installments", Vec(SCHEDULE_ROW))),
                 "The installment schedule was written on chain: (due block, principal, interest) each."),
        EventDef(11, "RepaymentMade", (("loan_id", U64), ("payer", ACCOUNT_ID), ("amount", U128), ("to_fees", U128),
                                       ("to_interest", U128), ("to_principal", U128), ("installment", U16),
                                       ("days_late", U32)),
                 "A payment was applied to a loan (fees, interest, principal; first installment it reached; "
                 "days past due before it)."),
        EventDef(12, "InstallmentPaid", (("loan_id", U64), ("installment", U16), ("on_time", BOOL), ("days_late", U32)),
                 "An installment was paid in full."),
        EventDef(13, "InstallmentLate", (("loan_id", U64), ("borrower", ACCOUNT_ID), ("installment", U16),
                                         ("days_past_due", U32), ("late_fee", U128)),
                 "An installment was still unpaid after the grace period; a late fee was added."),
        EventDef(14, "AutoDebitFailed", (("loan_id", U64), ("borrower", ACCOUNT_ID), ("installment", U16), ("shortfall", U128)),
                 "The automatic debit could not collect all that was due; it retries daily until default."),
        EventDef(15, "LoanRepaid", (("loan_id", U64), ("borrower", ACCOUNT_ID), ("early", BOOL), ("interest_waived", U128)),
                 "A loan was repaid in full (early: before its schedule ended, future interest waived)."),
        EventDef(16, "LoanDefaulted", (("loan_id", U64), ("borrower", ACCOUNT_ID), ("lender", ACCOUNT_ID), ("asset", U32),
                                       ("outstanding", U128), ("days_past_due", U32)),
                 "A loan went into default with this principal outstanding; guarantees and vouches are drawn next."),
        EventDef(17, "GuaranteeDrawn", (("loan_id", U64), ("guarantor", ACCOUNT_ID), ("amount", U128)),
                 "Part of a guarantor's pledge was taken to cover a defaulted loan."),
        EventDef(18, "PledgeReleased", (("loan_id", U64), ("guarantor", ACCOUNT_ID), ("amount", U128)),
                 "A pledge (or what was left of it) went back to its guarantor."),
        EventDef(19, "LoanWrittenOff", (("loan_id", U64), ("lender", ACCOUNT_ID), ("amount", U128)),
                 "A lender wrote off a defaulted loan's remaining principal as a loss."),
        EventDef(20, "AutoDebitSet", (("loan_id", U64), ("enabled", BOOL)), "A borrower turned automatic debit on or off."),
        EventDef(21, "AgendaItemFailed", (("loan_id", U64), ("installment", U16), ("kind", U8)),
                 "The block hook could not process a loan's agenda item (its changes were rolled back); "
                 "the operator should look into the loan."),
    )
    ERRORS = (
        ErrorDef(0, "ProductNotFound", "No loan product with that id; list the products and pick one."),
        ErrorDef(1, "ProductInactive", "The lender closed the product to new requests; choose an open product."),
        ErrorDef(2, "InvalidTerms", "The product terms are inconsistent (the detail says which rule); fix them and try again."),
        ErrorDef(3, "AmountOutOfRange", "The amount is outside the product's minimum and maximum; ask for an amount in range."),
        ErrorDef(4, "NotLender", "Only the loan's (or product's) lender may do this; sign with the lender's account."),
        ErrorDef(5, "LoanNotFound", "No loan with that id; check the id in the LoanRequested event."),
        ErrorDef(6, "NotBorrower", "Only the loan's borrower may do this; sign with the borrower's account."),
        ErrorDef(7, "NotGuarantor", "You are not named as a guarantor of this loan; the borrower names guarantors in the request."),
        ErrorDef(8, "AlreadyPledged", "You pledged for this loan already and a pledge cannot be changed; nothing more is needed from you."),
        ErrorDef(9, "NotRequested", "The loan is not awaiting a decision (already approved, rejected or cancelled); check its status."),
        ErrorDef(10, "NotApproved", "The loan is not approved and awaiting disbursement; the lender must approve it first."),
        ErrorDef(11, "NotActive", "The loan is not being repaid (not disbursed, or closed); check its status."),
        ErrorDef(12, "NotDefaulted", "Only a defaulted loan can be written off; wait for the default rule to apply."),
        ErrorDef(13, "ScoreTooLow", "The borrower's credit score is below the product's minimum; build history or choose another product."),
        ErrorDef(14, "NewcomersNotAccepted", "The product needs a credit score and the borrower has too little history; choose a product open to newcomers."),
        ErrorDef(15, "TooFewGuarantors", "The product needs more guarantors for this borrower; name more in the request."),
        ErrorDef(16, "DuplicateGuarantor", "A guarantor is named twice; name each once."),
        ErrorDef(17, "GuarantorIsBorrower", "A borrower cannot guarantee their own loan; name someone else."),
        ErrorDef(18, "PledgesIncomplete", "Not every guarantor has pledged, or the pledges are below the required guarantee; wait for them."),
        ErrorDef(19, "InsufficientLiquidity", "The lender's vault holds less than the amount; the lender must deposit liquidity first."),
        ErrorDef(20, "ZeroAmount", "A zero amount moves nothing; give an amount greater than zero."),
        ErrorDef(21, "TooManyOpenLoans", "The borrower has the maximum number of open loans (MaxOpenLoans); repay or cancel one first."),
        ErrorDef(22, "LendToSelf", "A lender cannot borrow from their own product; borrow from another lender."),
        ErrorDef(23, "TooManyGuarantors", "A loan may name at most MaxGuarantors guarantors; name fewer."),
        ErrorDef(24, "NotLoanParty", "Only the loan's lender (who pays out) or its borrower may disburse it; ask one of them "
                                     "(for a pool's loan, the pool's manager through InvestmentPool.disburse_loan)."),
    )
    STORAGE = (
        StorageDef("NextProductId", U32, "The id the next product gets.", default=0),
        StorageDef("Products", PRODUCT, "Loan products by id.", keys=(("Twox64Concat", U32),)),
        StorageDef("NextLoanId", U64, "The id the next loan gets.", default=0),
        StorageDef("Loans", LOAN, "Loans by id.", keys=(("Twox64Concat", U64),)),
        StorageDef("Installments", INSTALLMENT, "The schedule of a loan: (loan, n) -> installment.",
                   keys=(("Twox64Concat", U64), ("Twox64Concat", U16))),
        StorageDef("Pledges", U128, "Pledges held in escrow: (loan, guarantor) -> amount.",
                   keys=(("Twox64Concat", U64), ("Blake2_128Concat", ACCOUNT_ID))),
        StorageDef("LoansOf", BOOL, "Loans of a borrower: (borrower, loan) -> true.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID), ("Twox64Concat", U64))),
        StorageDef("OpenLoans", U32, "How many open loans a borrower has.", keys=(("Blake2_128Concat", ACCOUNT_ID),), default=0),
        StorageDef("Books", BOOK, "A lender's book per asset.", keys=(("Blake2_128Concat", ACCOUNT_ID), ("Twox64Concat", U32)),
                   default=EMPTY_BOOK),
        StorageDef("VaultOf", ACCOUNT_ID, "The vault of a lender that is itself a pallet account (an InvestmentPool).",
                   keys=(("Blake2_128Concat", ACCOUNT_ID),)),
        StorageDef("Agenda", Vec(AGENDA_ITEM), "What the block hook does at a block: (kind, loan, installment) items; "
                   "kind 0 due (auto debit), 1 late check, 2 default check, 3 debit retry.", keys=(("Twox64Concat", U32),)),
    )
    CONSTANTS = (
        ConstantDef("MaxTerm", U16, MAX_TERM, "Most installments a loan may have."),
        ConstantDef("MaxGuarantors", U8, MAX_GUARANTORS, "Most guarantors a loan may name."),
        ConstantDef("MaxOpenLoans", U32, MAX_OPEN_LOANS, "Most open loans one borrower may have."),
        ConstantDef("MaxRateBps", U32, MAX_RATE_BPS, "Highest yearly interest rate a product may charge (bps)."),
    )

    # -- calls: lenders ---------------------------------------------------------------------------------
    @call(0, ("terms", PRODUCT_TERMS), weight=30_000_000)
    def create_product(self, origin: Origin, terms: dict[str, Any]) -> None:
        """Offer a loan product from your vault."""
        self.create_product_for(ensure_signed(origin), terms)

    @call(1, ("product_id", U32), ("active", BOOL), weight=15_000_000)
    def set_product_active(self, origin: Origin, product_id: int, active: bool) -> None:
        """Open or close a product to new requests (loans already made go on)."""
        self.set_product_active_as(ensure_signed(origin), product_id, active)

    @call(2, ("asset", U32), ("amount", COMPACT_U128), weight=30_000_000)
    def deposit_liquidity(self, origin: Origin, asset: int, amount: int) -> None:
        """Move funds into your lender vault, from which loans are disbursed."""
        who = ensure_signed(origin)
        if amount == 0:
            raise self.fail("ZeroAmount")
        self.assets.move(asset, who, self.vault_of(who), amount)
        self.emit("LiquidityDeposited", {"lender": who, "asset": asset, "amount": amount})

    @call(3, ("asset", U32), ("amount", COMPACT_U128), weight=30_000_000)
    def withdraw_liquidity(self, origin: Origin, asset: int, amount: int) -> None:
        """Take funds back from your lender vault."""
        who = ensure_signed(origin)
        if amount == 0:
            raise self.fail("ZeroAmount")
        vault = self.vault_of(who)
        if self.assets.balance(asset, vault) < amount:
            raise self.fail("InsufficientLiquidity")
        self.assets.move(asset, vault, who, amount)
        self.emit("LiquidityWithdrawn", {"lender": who, "asset": asset, "amount": amount})

    @call(6, ("loan_id", U64), weight=60_000_000)
    def approve(self, origin: Origin, loan_id: int) -> None:
        """Approve a request (all pledges in); it is disbursed at once if the vault holds enough."""
        self.approve_as(ensure_signed(origin), loan_id)

    @call(7, ("loan_id", U64), weight=30_000_000)
    def reject(self, origin: Origin, loan_id: int) -> None:
        """Turn a request down; pledges go back to the guarantors."""
        self.reject_as(ensure_signed(origin), loan_id)

    @call(13, ("loan_id", U64), weight=30_000_000)
    def write_off(self, origin: Origin, loan_id: int) -> None:
        """Write off a defaulted loan's remaining principal as a loss (no more recovery expected)."""
        self.write_off_as(ensure_signed(origin), loan_id)

    # -- calls: borrowers and guarantors -------------------------------------------------------------------
    @call(4, ("product_id", U32), ("amount", COMPACT_U128), ("guarantors", Vec(ACCOUNT_ID, 64)), ("auto_debit", BOOL),
          weight=60_000_000)
    def request_loan(self, origin: Origin, product_id: int, amount: int, guarantors: list[bytes], auto_debit: bool) -> None:
        """Ask for a loan under a product, naming guarantors; auto_debit lets installments collect themselves."""
        who = ensure_signed(origin)
        product = self._product(product_id)
        t = product["terms"]
        if not product["active"]:
            raise self.fail("ProductInactive")
        if who == product["lender"]:
            raise self.fail("LendToSelf")
        if not t["min_amount"] <= amount <= t["max_amount"]:
            raise self.fail("AmountOutOfRange", f"{t['min_amount']}..{t['max_amount']}")
        if len(guarantors) > MAX_GUARANTORS:
            raise self.fail("TooManyGuarantors")
        if len(set(guarantors)) != len(guarantors):
            raise self.fail("DuplicateGuarantor")
        if who in guarantors:
            raise self.fail("GuarantorIsBorrower")
        if self.OpenLoans.get(who) >= MAX_OPEN_LOANS:
            raise self.fail("TooManyOpenLoans")
        score = credit_note(self.rt, "score", who)
        required = t["min_guarantors"]
        if score is None and t["min_score"]:
            if t["newcomer_guarantors"] is None:
                raise self.fail("NewcomersNotAccepted")
            required = max(required, t["newcomer_guarantors"])
        elif score is not None and score < t["min_score"]:
            raise self.fail("ScoreTooLow", f"{score} < {t['min_score']}")
        if len(guarantors) < required:
            raise self.fail("TooFewGuarantors", f"needs {required}")
        rate = self.price(t, score)
        loan_id = take_id(self.NextLoanId)
        loan = {
            "id": loan_id, "product": product_id, "borrower": who, "lender": product["lender"], "asset": t["asset"],
            "principal": amount, "interest_kind": t["interest_kind"], "rate_bps": rate, "term": t["term"],
            "interval_days": t["interval_days"], "grace_days": t["grace_days"], "late_fee_bps": t["late_fee_bps"],
            "default_days": t["default_days"], "status": ("Requested", None), "requested_block": self.block_number,
            "disbursed_block": None, "closed_block": None, "principal_repaid": 0, "interest_paid": 0, "fees_paid": 0,
            "auto_debit": auto_debit, "guarantors": list(guarantors),
            "guarantee_required": amount * t["guarantee_bps"] // BPS if guarantors else 0, "score": score, "next_unpaid": 0,
        }
        self.Loans.put(loan_id, loan)
        self.LoansOf.put(who, loan_id, True)
        self.OpenLoans.put(who, self.OpenLoans.get(who) + 1)
        product["loans"] += 1
        self.Products.put(product_id, product)
        self.emit("LoanRequested", {"loan_id": loan_id, "product_id": product_id, "borrower": who,
                                    "lender": product["lender"], "asset": t["asset"], "amount": amount, "rate_bps": rate,
                                    "score": score, "guarantors": len(guarantors)})
        self._note("note_activity", who)
        if t["auto_approve"]:
            self._auto_approve(loan)

    @call(5, ("loan_id", U64), ("amount", COMPACT_U128), weight=40_000_000)
    def pledge(self, origin: Origin, loan_id: int, amount: int) -> None:
        """As a named guarantor, pledge funds into the loan's escrow (drawn only if the loan defaults)."""
        who = ensure_signed(origin)
        loan = self._loan(loan_id)
        if status_of(loan) != "Requested":
            raise self.fail("NotRequested")
        if who not in loan["guarantors"]:
            raise self.fail("NotGuarantor")
        if self.Pledges.contains(loan_id, who):
            raise self.fail("AlreadyPledged")
        if amount == 0:
            raise self.fail("ZeroAmount")
        self.assets.move(loan["asset"], who, escrow_account(loan_id), amount)
        self.Pledges.put(loan_id, who, amount)
        self.emit("PledgeMade", {"loan_id": loan_id, "guarantor": who, "amount": amount})
        self._note("note_activity", who)
        if self._product(loan["product"])["terms"]["auto_approve"]:
            self._auto_approve(loan)

    @call(8, ("loan_id", U64), weight=30_000_000)
    def cancel_request(self, origin: Origin, loan_id: int) -> None:
        """Withdraw your request before it is disbursed; pledges go back."""
        who = ensure_signed(origin)
        loan = self._loan(loan_id)
        if loan["borrower"] != who:
            raise self.fail("NotBorrower")
        if status_of(loan) not in OPEN:
            raise self.fail("NotRequested")
        self._close(loan, "Cancelled")
        self.emit("LoanCancelled", {"loan_id": loan_id})

    @call(9, ("loan_id", U64), weight=60_000_000)
    def disburse(self, origin: Origin, loan_id: int) -> None:
        """Disburse an approved loan that waited for liquidity: its lender (who pays out) or its borrower (who
        receives) may call; the lender of an InvestmentPool loan is the pool, whose manager calls
        InvestmentPool.disburse_loan."""
        self.disburse_as(ensure_signed(origin), loan_id)

    @call(10, ("loan_id", U64), ("amount", COMPACT_U128), weight=60_000_000)
    def repay(self, origin: Origin, loan_id: int, amount: int) -> None:
        """Pay toward a loan (anyone may pay): fees, then interest, then principal, oldest installment first.

        Paying more than is due now prepays the next installments; a payment that covers the payoff amount
        pays the loan off early (future interest waived). Only what is owed is taken."""
        who = ensure_signed(origin)
        loan = self._loan(loan_id)
        if status_of(loan) not in ("Active", "Defaulted"):
            raise self.fail("NotActive")
        if amount == 0:
            raise self.fail("ZeroAmount")
        insts = self._remaining(loan)
        owed = self._owed(insts)
        if status_of(loan) == "Active" and amount >= owed - self._waivable(insts):
            self._pay_off(loan, insts, who)
        else:
            pay = min(amount, owed)
            self.assets.move(loan["asset"], who, self.vault_of(loan["lender"]), pay)
            self._apply_payment(loan, insts, pay, who, note=True)
        self._note("note_activity", who)

    @call(11, ("loan_id", U64), weight=80_000_000)
    def repay_early(self, origin: Origin, loan_id: int) -> None:
        """Pay off an active loan now: what is due plus all remaining principal; future interest is waived."""
        who = ensure_signed(origin)
        loan = self._loan(loan_id)
        if status_of(loan) != "Active":
            raise self.fail("NotActive")
        self._pay_off(loan, self._remaining(loan), who)
        self._note("note_activity", who)

    def _waivable(self, insts: list[tuple[int, dict[str, Any]]]) -> int:
        """Interest of installments not yet due (waived when the loan is paid off early)."""
        return sum(i["interest"] - i["interest_paid"] for _, i in insts if i["due_block"] > self.block_number)

    def _pay_off(self, loan: dict[str, Any], insts: list[tuple[int, dict[str, Any]]], who: bytes) -> None:
        waived = self._waivable(insts)
        self._waive_future_interest(loan, insts)
        owed = self._owed(insts)
        self.assets.move(loan["asset"], who, self.vault_of(loan["lender"]), owed)
        self._apply_payment(loan, insts, owed, who, note=True, waived=waived)

    @call(12, ("loan_id", U64), ("enabled", BOOL), weight=20_000_000)
    def set_auto_debit(self, origin: Origin, loan_id: int, enabled: bool) -> None:
        """Opt in to (or out of) automatic debit of installments as they fall due."""
        who = ensure_signed(origin)
        loan = self._loan(loan_id)
        if loan["borrower"] != who:
            raise self.fail("NotBorrower")
        if status_of(loan) not in ("Requested", "Approved", "Active"):
            raise self.fail("NotActive")
        loan["auto_debit"] = enabled
        self.Loans.put(loan_id, loan)
        if enabled and status_of(loan) == "Active" and self.amount_due(loan_id):
            self._schedule(self.block_number + 1, RETRY, loan_id, loan["next_unpaid"])
        self.emit("AutoDebitSet", {"loan_id": loan_id, "enabled": enabled})

    # -- the public API (InvestmentPool, analytics) ---------------------------------------------------------
    @property
    def assets(self) -> Any:
        return self.rt.pallet("Assets")

    def vault_of(self, lender: bytes) -> bytes:
        """The account a lender's loans are disbursed from and repaid into."""
        return self.VaultOf.get(lender) or default_vault(lender)

    def register_pallet_lender(self, lender: bytes, vault: bytes) -> None:
        """Let a pallet-owned account lend from a vault it controls (an InvestmentPool lends from its own account)."""
        self.VaultOf.put(lender, vault)

    def borrowers_with_open_loans(self, after: bytes | None, limit: int) -> list[bytes]:
        """Up to `limit` borrowers who have open loans, in storage order, after the borrower `after` (a cursor:
        Credit walks them in batches when a new scorecard version is applied)."""
        return [keys[0] for keys, _ in islice(self.OpenLoans.iter_from(None if after is None else (after,)), limit)]

    def book(self, lender: bytes, asset: int) -> dict[str, Any]:
        return self.Books.get(lender, asset)

    def price(self, terms: dict[str, Any], score: int | None) -> int:
        """The yearly rate (bps) for a score: the best tier the score reaches, else the base rate."""
        rate = terms["rate_bps"]
        if score is not None:
            for tier in terms["tiers"]:
                if score >= tier["min_score"]:
                    rate = tier["rate_bps"]
        return rate

    def create_product_for(self, lender: bytes, terms: dict[str, Any]) -> int:
        """Create a product lent from `lender`'s vault; returns its id (InvalidTerms on bad terms)."""
        self.assets.details(terms["asset"])
        problem = self.check_terms(terms)
        if problem:
            raise self.fail("InvalidTerms", problem)
        pid = take_id(self.NextProductId)
        self.Products.put(pid, {"lender": lender, "terms": terms, "active": True, "loans": 0})
        self.emit("ProductCreated", {"product_id": pid, "lender": lender, "asset": terms["asset"], "rate_bps": terms["rate_bps"],
                                     "term": terms["term"], "interval_days": terms["interval_days"]})
        return pid

    @staticmethod
    def check_terms(t: dict[str, Any]) -> str:
        """What is wrong with product terms ('' if nothing)."""
        scores = [tier["min_score"] for tier in t["tiers"]]
        checks = [
            (0 < t["min_amount"] <= t["max_amount"], "need 0 < min_amount <= max_amount"),
            (t["min_amount"] >= t["term"], "min_amount must be at least one unit per installment"),
            (1 <= t["term"] <= MAX_TERM, f"term must be 1..{MAX_TERM} installments"),
            (1 <= t["interval_days"] <= 366, "interval_days must be 1..366"),
            (t["rate_bps"] <= MAX_RATE_BPS, f"rate above {MAX_RATE_BPS} bps"),
            (all(300 <= s <= 850 for s in scores) and scores == sorted(set(scores)), "tiers need rising min_score in 300..850"),
            (all(tier["rate_bps"] <= MAX_RATE_BPS for tier in t["tiers"]), f"tier rate above {MAX_RATE_BPS} bps"),
            (t["default_days"] > t["grace_days"], "default_days must exceed grace_days"),
            (t["late_fee_bps"] <= BPS and t["guarantee_bps"] <= BPS, "late_fee_bps and guarantee_bps are at most 10000"),
            (t["min_score"] == 0 or 300 <= t["min_score"] <= 850, "min_score is 0 (none) or 300..850"),
            (t["min_guarantors"] <= MAX_GUARANTORS and (t["newcomer_guarantors"] or 0) <= MAX_GUARANTORS,
             f"at most {MAX_GUARANTORS} guarantors"),
        ]
        return next((msg for ok, msg in checks if not ok), "")

    def set_product_active_as(self, lender: bytes, product_id: int, active: bool) -> None:
        product = self._product(product_id)
        if product["lender"] != lender:
            raise self.fail("NotLender")
        product["active"] = active
        self.Products.put(product_id, product)
        self.emit("ProductStatusChanged", {"product_id": product_id, "active": active})

    def approve_as(self, lender: bytes, loan_id: int, automatic: bool = False) -> None:
        """Approve a request as its lender; disburse at once when the vault holds the principal."""
        loan = self._loan(loan_id)
        if loan["lender"] != lender:
            raise self.fail("NotLender")
        if status_of(loan) != "Requested":
            raise self.fail("NotRequested")
        if not self._pledges_complete(loan):
            raise self.fail("PledgesIncomplete")
        loan["status"] = ("Approved", None)
        self.Loans.put(loan_id, loan)
        self.emit("LoanApproved", {"loan_id": loan_id, "lender": lender, "rate_bps": loan["rate_bps"], "automatic": automatic})
        if self.assets.balance(loan["asset"], self.vault_of(lender)) >= loan["principal"]:
            self._disburse(loan)

    def disburse_as(self, who: bytes, loan_id: int) -> None:
        """Disburse an approved loan as its lender or its borrower (NotLoanParty for anyone else)."""
        loan = self._loan(loan_id)
        if who not in (loan["lender"], loan["borrower"]):
            raise self.fail("NotLoanParty")
        if status_of(loan) != "Approved":
            raise self.fail("NotApproved")
        if self.assets.balance(loan["asset"], self.vault_of(loan["lender"])) < loan["principal"]:
            raise self.fail("InsufficientLiquidity")
        self._disburse(loan)

    def reject_as(self, lender: bytes, loan_id: int) -> None:
        loan = self._loan(loan_id)
        if loan["lender"] != lender:
            raise self.fail("NotLender")
        if status_of(loan) not in OPEN:
            raise self.fail("NotRequested")
        self._close(loan, "Rejected")
        self.emit("LoanRejected", {"loan_id": loan_id, "lender": lender})

    def write_off_as(self, lender: bytes, loan_id: int) -> None:
        loan = self._loan(loan_id)
        if loan["lender"] != lender:
            raise self.fail("NotLender")
        if status_of(loan) != "Defaulted":
            raise self.fail("NotDefaulted")
        remaining = loan["principal"] - loan["principal_repaid"]
        book = self.Books.get(lender, loan["asset"])
        book["defaulted"] -= remaining
        book["written_off"] += remaining
        self.Books.put(lender, loan["asset"], book)
        self._close(loan, "WrittenOff")
        self.emit("LoanWrittenOff", {"loan_id": loan_id, "lender": lender, "amount": remaining})

    def installments(self, loan_id: int) -> list[dict[str, Any]]:
        loan = self._loan(loan_id)
        return [self.Installments.get(loan_id, n) for n in range(loan["term"])] if loan["disbursed_block"] is not None else []

    def loan_days_past_due(self, loan_id: int, block: int | None = None) -> int:
        """Days past due of a loan now (or at `block`, reading the current state)."""
        loan = self._loan(loan_id)
        n = loan["next_unpaid"]
        insts = [self.Installments.get(loan_id, n)] if loan["disbursed_block"] is not None and n < loan["term"] else []
        return days_past_due(loan, insts, self.block_number if block is None else block, self.rt.blocks_per_day)

    def amount_due(self, loan_id: int) -> int:
        """What is due now: unpaid fees, interest and principal of installments whose due block has come."""
        return self._owed(self._remaining(self._loan(loan_id)), self.block_number)

    def outstanding_principal(self, loan_id: int) -> int:
        loan = self._loan(loan_id)
        return loan["principal"] - loan["principal_repaid"] if loan["disbursed_block"] is not None else 0
