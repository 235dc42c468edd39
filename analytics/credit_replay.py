"""Recompute every credit score from the indexed events, and check it against the chain's own.

The Credit pallet keeps, per account, behaviour counters that other pallets update through `note_*` calls,
and rescores (`ScoreUpdated`) when the score, its reasons or the scorecard version change. Each note leaves
a trace in the events; this module replays them in chain order, rebuilds the counters, and recomputes each
score with the chain's own pure scorecard (chain/pallets/credit_scorecard.py) and the scorecard version in
force (its parameters are read from the chain's state). Every `ScoreUpdated` must match exactly.

Where each note comes from (the pallets' code, mirrored here):
- activity: Lending.LoanRequested (borrower), PledgeMade (guarantor), RepaymentMade made by an extrinsic
  (payer; after LoanRepaid when it closed the loan), Credit.Vouched (voucher), SavingsGroups.MemberJoined,
  SharesBought, LoanRequested, RepaymentMade;
- repayment: Lending.InstallmentPaid at or after the installment's due block while the loan is active (after a
  default, its past-due installments were noted at the default); an installment paid before its due block is noted at its due block, in the Lending hook,
  while the loan is still active or repaid there; SavingsGroups.LoanRepaid;
- loan repaid: the payment that closes an active Lending loan (before LoanRepaid); SavingsGroups.LoanRepaid;
- default: Lending.LoanDefaulted (after a late repayment for each installment then past due and unpaid, late by
  the days since it fell due); SavingsGroups.LoanSettledAtShareOut with a shortfall;
- savings: SharesBought (regular, and its activity note, one rescore for both); MeetingClosed (missed, for members who did not buy in that meeting);
- inflow: Remittance.RemittanceCashedOut and RemittanceClaimed (recipient);
- credential: Education.CredentialIssued (+1), CredentialRevoked (-1);
- vouch points are weighed again at every rescore: each vouch's whole stake units (at most 5, by the vouch
  unit of its asset then) times its voucher's standing by the voucher's latest recorded score; stakes follow
  Credit.Vouched, VouchWithdrawn and VouchStakeDrawn. A vouch rescores the vouchee (and first reads the
  voucher's score, as a loan request reads the borrower's); stake draws rescore the borrower when they
  changed a vouch's points.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

from analytics.db import AnalyticsDB
from chain.pallets.credit_scorecard import (
    Features, Scorecard, compute_score, features_from_record, month_of, vouch_points,
)

def new_record(block: int) -> dict[str, Any]:
    return {"first_seen": block, "on_time": 0, "late": 0, "days_late": 0, "defaults": 0, "loans_repaid": 0,
            "savings_regular": 0, "savings_missed": 0, "inflows": 0, "inflow_months": 0, "last_inflow_month": None,
            "activity": 0, "vouch_points": 0, "credentials": 0}


@dataclass(frozen=True)
class Mismatch:
    block_number: int
    event_index: int
    account: str
    chain: tuple[int | None, tuple[int, ...], int]   # score, reasons, scorecard version on chain
    replay: tuple[int | None, tuple[int, ...], int]  # the same, recomputed


@dataclass
class ReplayReport:
    checked: int = 0                       # ScoreUpdated events compared
    scored: int = 0                        # of which with a numeric score (not "insufficient history")
    accounts: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    # loan id -> (borrower, block, the borrower's scorecard features when asking): what a new scorecard is fitted on
    request_features: dict[int, tuple[str, int, Features]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.mismatches


Action = tuple[int, float, int, Callable[[], Any]]  # (block, position, tiebreak, apply)


class Replay:
    def __init__(self, db: AnalyticsDB):
        self.db = db
        st = db.index_state() or {}
        self.bpd = int(st.get("blocks_per_day") or 1)
        self.cards = {int(v): Scorecard.from_value(json.loads(p) if isinstance(p, str) else p)
                      for v, p in db.sql("SELECT version, params FROM credit_scorecards ORDER BY version").fetchall()}
        self.version = min(self.cards) if self.cards else 0
        self.units = {int(a): int(u) for a, u in db.sql("SELECT asset, unit FROM credit_genesis_vouch_units").fetchall()}
        self.records: dict[str, dict[str, Any]] = {}
        self.vouches: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)  # vouchee -> voucher -> vouch
        self.report = ReplayReport()
        self.pending: dict[str, list[tuple[int, int, tuple[int | None, tuple[int, ...], int]]]] = defaultdict(list)
        self.consumed: set[tuple[int, int]] = set()
        self.emitted: dict[str, tuple[int | None, tuple[int, ...], int]] = {}

    # -- notes (the Credit pallet's note_* methods) ---------------------------------------------------------
    def _update(self, who: str, block: int, change: Callable[[dict[str, Any]], None] | None = None) -> None:
        """Change the counters, rescore, and (as the chain does) emit when the result changed: the emission
        must be the account's next ScoreUpdated event."""
        rec = self.records.get(who)
        if rec is None:
            rec = self.records[who] = new_record(block)
        if change is not None:
            change(rec)
        mine = self.compute(who, block)
        if self.emitted.get(who) == mine:
            return
        self.emitted[who] = mine
        queue = self.pending[who]
        if not queue:
            self.report.mismatches.append(Mismatch(block, -1, who, (None, (), -1), mine))
            return
        b, i, chain = queue.pop(0)
        self.consumed.add((b, i))
        self._count(b, i, who, chain, mine)

    def activity(self, who: str, block: int) -> None:
        self._update(who, block, lambda r: r.__setitem__("activity", r["activity"] + 1))

    def repayment(self, who: str, block: int, on_time: bool, days_late: int) -> None:
        def f(r: dict[str, Any]) -> None:
            if on_time:
                r["on_time"] += 1
            else:
                r["late"] += 1
                r["days_late"] += max(0, days_late)
        self._update(who, block, f)

    def saved(self, who: str, block: int) -> None:
        """Shares bought: a regular saving and an activity, one rescore (Credit.note_saved_activity)."""
        def f(r: dict[str, Any]) -> None:
            r["savings_regular"] += 1
            r["activity"] += 1
        self._update(who, block, f)

    def counter(self, who: str, block: int, key: str, delta: int = 1) -> None:
        self._update(who, block, lambda r: r.__setitem__(key, max(0, r[key] + delta)))

    def inflow(self, who: str, block: int, amount: int) -> None:
        month = month_of(block, self.bpd)

        def f(r: dict[str, Any]) -> None:
            r["inflows"] += 1
            if r["last_inflow_month"] != month:
                r["inflow_months"] += 1
                r["last_inflow_month"] = month
        if amount > 0:
            self._update(who, block, f)

    def rescore_if(self, changed: list[Any], who: str, block: int) -> None:
        if changed[0]:
            self.rescore(who, block)

    def rescore(self, who: str, block: int) -> None:
        """A rescore without new behaviour (the vouchee after a vouch, a withdrawal or a stake draw)."""
        self._update(who, block)

    def touch(self, who: str, block: int) -> None:
        """A score read (Lending asking for a borrower's score, a vouch for the voucher's): the account is rescored
        and its vouches weighed again; whether it emitted is settled by the ScoreUpdated check itself."""
        if who in self.records:
            self.refresh_vouches(who, self.records[who])

    def weight(self, voucher: str, v: dict[str, int]) -> int:
        recorded = self.emitted.get(voucher)
        return vouch_points(v["stake"], self.unit(v["asset"]), None if recorded is None else recorded[0])

    def refresh_vouches(self, who: str, rec: dict[str, Any]) -> None:
        total = 0
        for voucher, v in self.vouches.get(who, {}).items():
            v["points"] = self.weight(voucher, v)
            total += v["points"]
        rec["vouch_points"] = total

    # -- checking --------------------------------------------------------------------------------------
    def compute(self, who: str, block: int) -> tuple[int | None, tuple[int, ...], int]:
        rec = self.records.get(who)
        card = self.cards.get(self.version)
        if rec is None or card is None:
            return (None, (), self.version)
        self.refresh_vouches(who, rec)
        s, r = compute_score(features_from_record(rec, block, self.bpd), card)
        return (s, tuple(r), card.version)

    def expect(self, who: str, block: int, event_index: int, chain: tuple[int | None, tuple[int, ...], int]) -> None:
        self.pending[who].append((block, event_index, chain))

    def check(self, who: str, block: int, event_index: int) -> None:
        """A ScoreUpdated no note accounted for: a rescore without new behaviour (ageing, a new scorecard, a
        score read by Lending or a vouch, refresh_score). The score must equal the recomputed one."""
        if (block, event_index) in self.consumed:
            return
        queue = self.pending[who]
        chain = queue.pop(0)[2] if queue and queue[0][:2] == (block, event_index) else None
        mine = self.compute(who, block)
        self.emitted[who] = mine
        if chain is not None:
            self._count(block, event_index, who, chain, mine)

    def _count(self, block: int, event_index: int, who: str, chain: tuple[int | None, tuple[int, ...], int],
               mine: tuple[int | None, tuple[int, ...], int]) -> None:
        self.report.checked += 1
        self.report.scored += chain[0] is not None
        if mine != chain:
            self.report.mismatches.append(Mismatch(block, event_index, who, chain, mine))

    def capture(self, loan: int, who: str, block: int) -> None:
        rec = self.records.get(who) or new_record(block)
        self.report.request_features[loan] = (who, block, features_from_record(rec, block, self.bpd))

    def unit(self, asset: int) -> int:
        return self.units.get(asset, 0)


def replay_scores(db: AnalyticsDB) -> ReplayReport:
    """Replay the indexed events through the credit counters; compare every ScoreUpdated (see the module doc)."""
    rp = Replay(db)
    events = [(b, i, x, p, e, json.loads(f)) for b, i, x, p, e, f in db.run("credit/replay_events").fetchall()]
    due: dict[tuple[int, int], int] = {}
    borrower: dict[int, str] = {}
    terms: dict[int, int] = defaultdict(int)
    for loan, n, due_block, who in db.run("credit/installment_due_blocks").fetchall():
        due[(int(loan), int(n))] = int(due_block)
        borrower[int(loan)] = who
        terms[int(loan)] += 1
    paid_so_far: dict[int, set[int]] = defaultdict(set)
    actions: list[Action] = []
    seq = 0

    def at(block: int, position: float, fn: Callable[[], Any]) -> None:
        nonlocal seq
        seq += 1
        actions.append((block, position, seq, fn))

    # loan status timeline (to know when an installment's due-block note still happens) and default draws
    status_changes: dict[int, list[tuple[int, str]]] = defaultdict(list)
    defaulted_at: dict[int, tuple[int, int | None, int]] = {}
    for b, i, x, p, e, f in events:
        if p == "Lending" and e in ("LoanDefaulted", "LoanWrittenOff", "LoanRepaid"):
            status_changes[int(f["loan_id"])].append((b, e))
            if e == "LoanDefaulted":
                defaulted_at[int(f["loan_id"])] = (b, x, i)

    def status_before(loan: int, block: int) -> str:
        s = "Active"
        for b, e in status_changes.get(loan, ()):
            if b < block:
                s = {"LoanDefaulted": "Defaulted", "LoanWrittenOff": "WrittenOff", "LoanRepaid": "Repaid"}[e]
        return s

    def due_chain_reaches(loan: int, n: int) -> bool:
        return all(status_before(loan, due[(loan, k)]) in ("Active", "Repaid") for k in range(n + 1) if (loan, k) in due)

    members: dict[int, list[str]] = defaultdict(list)
    cycle_start: dict[int, int] = {}
    bought: dict[tuple[int, int], set[str]] = defaultdict(set)  # (group, meeting) -> members, this cycle
    # per-loan "paid off while active" markers: the RepaymentMade that precedes a LoanRepaid
    last_repayment: dict[int, tuple[int, int, int | None, str]] = {}
    draw_runs: dict[tuple[int, int, str], list[Any]] = {}

    for idx, (b, i, x, p, e, f) in enumerate(events):
        pos = float(i)
        if p == "Credit":
            if e == "ScoreUpdated":
                rp.expect(f["who"], b, i, (f["score"], tuple(f["reasons"]), int(f["scorecard_version"])))
                at(b, pos, partial(rp.check, f["who"], b, i))
            elif e == "ScorecardSet":
                at(b, pos, partial(setattr, rp, "version", int(f["version"])))
            elif e == "VouchUnitSet":
                at(b, pos, partial(rp.units.__setitem__, int(f["asset"]), int(f["unit"])))
            elif e == "Vouched":
                at(b, pos - 0.5, partial(rp.touch, f["voucher"], b))  # the voucher's score was read first

                def vouched(f: dict[str, Any] = f, b: int = b) -> None:
                    rp.vouches[f["vouchee"]][f["voucher"]] = {"asset": int(f["asset"]), "stake": int(f["stake"]),
                                                              "points": int(f["points"])}
                    rp.rescore(f["vouchee"], b)
                    rp.counter(f["voucher"], b, "activity")
                at(b, pos + 0.5, vouched)
            elif e == "VouchWithdrawn":
                def withdrawn(f: dict[str, Any] = f, b: int = b) -> None:
                    rp.vouches[f["vouchee"]].pop(f["voucher"], None)
                    rp.rescore(f["vouchee"], b)
                at(b, pos + 0.5, withdrawn)
            elif e == "VouchStakeDrawn":
                key = (int(f["loan_id"]), b, f["vouchee"])
                run = draw_runs.setdefault(key, [False, None])

                def drawn(f: dict[str, Any] = f, run: list[Any] = run) -> None:
                    v = rp.vouches.get(f["vouchee"], {}).get(f["voucher"])
                    if v is None:
                        return
                    v["stake"] -= int(f["amount"])
                    new_points = rp.weight(f["voucher"], v)
                    run[0] = run[0] or new_points != v["points"]
                    v["points"] = new_points
                at(b, pos, drawn)
                run[1] = (b, pos)
            continue
        if p == "Lending":
            loan = int(f["loan_id"])
            if e == "LoanRequested":
                at(b, pos - 0.5, partial(rp.touch, f["borrower"], b))  # Lending read the score first
                at(b, pos + 0.25, partial(rp.capture, loan, f["borrower"], b))
                at(b, pos + 0.5, partial(rp.activity, f["borrower"], b))
            elif e == "PledgeMade":
                at(b, pos + 0.5, partial(rp.activity, f["guarantor"], b))
            elif e == "InstallmentPaid":
                n = int(f["installment"])
                paid_so_far[loan].add(n)
                due_block = due.get((loan, n))
                who = borrower.get(loan)
                if due_block is None or who is None:
                    continue
                d = defaulted_at.get(loan)
                after_default = d is not None and (d[0], d[2]) < (b, i)  # noted at the default already
                if b >= due_block and not after_default:
                    at(b, pos + 0.5, partial(rp.repayment, who, b, bool(f["on_time"]), int(f["days_late"])))
                elif b < due_block and due_chain_reaches(loan, n) and status_before(loan, due_block + 1) in ("Active", "Repaid"):
                    at(due_block, -1.0, partial(rp.repayment, who, due_block, True, 0))
            elif e == "RepaymentMade":
                last_repayment[loan] = (b, i, x, f["payer"])
                if x is not None:  # an extrinsic's repay / repay_early: the payer's activity, after LoanRepaid if any
                    nxt = next(((bb, ii, pp, ee, ff) for bb, ii, xx, pp, ee, ff in events[idx + 1: idx + 40]
                                if bb == b and xx == x and pp == "Lending" and ee == "LoanRepaid" and int(ff["loan_id"]) == loan), None)
                    where = (nxt[1] + 0.5) if nxt else pos + 0.75
                    at(b, where, partial(rp.activity, f["payer"], b))
            elif e == "LoanRepaid":
                prev = status_before(loan, b)
                defaulted_same_block = loan in defaulted_at and defaulted_at[loan][0] == b
                rm = last_repayment.get(loan)
                if prev == "Active" and not defaulted_same_block and rm is not None and rm[0] == b:
                    at(b, rm[1] + 0.6, partial(rp.counter, f["borrower"], b, "loans_repaid"))
            elif e == "LoanDefaulted":
                # installments past due and not paid in full count as late ones, then the default itself
                past_due = sorted(due[(loan, k)] for k in range(terms.get(loan, 0))
                                  if k not in paid_so_far[loan] and due[(loan, k)] < b)

                def defaulted(w: str = f["borrower"], b: int = b, past_due: list[int] = past_due) -> None:
                    for d in past_due:
                        rp.repayment(w, b, False, (b - d) // rp.bpd)
                    rp.counter(w, b, "defaults")
                at(b, pos + 0.5, defaulted)
            continue
        if p == "SavingsGroups":
            gid = int(f["group_id"])
            if e == "MemberJoined":
                members[gid].append(f["member"])
                at(b, pos + 0.5, partial(rp.activity, f["member"], b))
            elif e == "CycleStarted":
                cycle_start[gid] = b
                for k in [k for k in bought if k[0] == gid]:
                    del bought[k]
            elif e == "SharesBought":
                bought[(gid, int(f["meeting"]))].add(f["member"])

                def saved(w: str = f["member"], b: int = b) -> None:
                    rp.saved(w, b)
                at(b, pos + 0.5, saved)
            elif e == "MeetingClosed":
                attended = bought.get((gid, int(f["meeting"])), set())
                start = idx  # the missed-meeting notes come before their ScoreUpdated events, before MeetingClosed
                while start > 0 and events[start - 1][:3] == (b, i - (idx - start) - 1, x) and \
                        events[start - 1][3:5] == ("Credit", "ScoreUpdated"):
                    start -= 1
                where = events[start][1] - 0.5
                for m in members[gid]:
                    if m not in attended:
                        at(b, where, partial(rp.counter, m, b, "savings_missed"))
            elif e in ("LoanRequested", "RepaymentMade"):
                at(b, pos + 0.5, partial(rp.activity, f["member"], b))
            elif e == "LoanRepaid":
                def repaid(w: str = f["member"], b: int = b, f: dict[str, Any] = f) -> None:
                    rp.repayment(w, b, bool(f["on_time"]), int(f["days_late"]))
                    rp.counter(w, b, "loans_repaid")
                at(b, pos + 0.5, repaid)
            elif e == "LoanSettledAtShareOut" and int(f["shortfall"]) > 0:
                at(b, pos + 0.5, partial(rp.counter, f["member"], b, "defaults"))
            continue
        if p == "Remittance":
            at(b, pos + 0.5, partial(rp.inflow, f["recipient"], b, int(f["amount"])))
        elif p == "Education":
            delta = 1 if e == "CredentialIssued" else -1
            at(b, pos + 0.5, partial(rp.counter, f["learner"], b, "credentials", delta))

    for key, run in draw_runs.items():  # one rescore after each loan's run of stake draws, if points changed
        _, b, vouchee = key
        at(run[1][0], run[1][1] + 0.5, partial(rp.rescore_if, run, vouchee, b))

    actions.sort(key=lambda a: (a[0], a[1], a[2]))
    for _, _, _, fn in actions:
        fn()
    rp.report.accounts = len(rp.records)
    return rp.report
