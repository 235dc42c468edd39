"""The engine of the SavingsGroups pallet: pure share-out arithmetic, meetings, cycles and the block hook.

`SavingsEngine` is a mixin of `chain.pallets.savings.SavingsGroups` (it uses that pallet's storage); it is
split out only to keep modules readable. The block hook's agenda holds, per group, the block its current
meeting closes, so the hook's work is one group (at most 30 members) per meeting, never a scan.
"""
from __future__ import annotations

from typing import Any

from chain.pallets.common import (
    PalletMixin, credit_note, days_after, must_get, pro_rata, push_agenda, run_agenda, sub_account, variant_of,
)

GROUP_ITEM_WEIGHT = 60_000_000


def group_account(group_id: int) -> bytes:
    """The account holding a group's loan fund and social fund."""
    return sub_account(b"pui/vsla", group_id, 4)


def member_claims(fund_value: int, shares: list[int]) -> list[int]:
    """Each member's claim on the loan fund: its value split in proportion to shares (exact, sums to it)."""
    return pro_rata(fund_value, shares) if sum(shares) else [0] * len(shares)


def share_out(cash: int, shares: list[int], owed: list[int]) -> tuple[list[int], list[int]]:
    """(payouts, shortfalls) at cycle end.

    Claims are on cash plus what borrowers still owe; a borrower's debt is taken from their claim; a debt
    larger than the claim is a shortfall the other members bear in proportion to their payouts. The
    payouts sum exactly to `cash` and none is negative.
    """
    claims = member_claims(cash + sum(owed), shares)
    shortfall = [max(0, o - c) for c, o in zip(claims, owed)]
    pre = [max(0, c - o) for c, o in zip(claims, owed)]
    loss = sum(shortfall)
    cut = pro_rata(loss, pre) if loss else [0] * len(pre)
    return [p - d for p, d in zip(pre, cut)], shortfall


class SavingsEngine(PalletMixin):
    """Mixin with the SavingsGroups internals (see the module doc)."""

    Groups: Any
    Members: Any
    Loans: Any
    Agenda: Any

    # -- reading --------------------------------------------------------------------------------------------
    def _group(self, group_id: int) -> dict[str, Any]:
        return must_get(self, self.Groups, "GroupNotFound", group_id)

    def _active_member(self, group_id: int, who: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
        group = self._group(group_id)
        member = self.Members.get(group_id, who)
        if member is None:
            raise self.fail("NotMember")
        if variant_of(group["status"]) != "Active":
            raise self.fail("NotStarted")
        return group, member

    def _approver(self, group_id: int, who: bytes, member: bytes) -> dict[str, Any]:
        group = self._group(group_id)
        if who not in group["committee"]:
            raise self.fail("NotCommittee")
        if who == member:
            raise self.fail("SelfApproval")
        return group

    def _interval(self, group: dict[str, Any]) -> int:
        """Blocks between meetings."""
        return group["meeting_interval_days"] * self.rt.blocks_per_day

    def _cycle_end(self, group: dict[str, Any]) -> int:
        return group["cycle_start"] + group["cycle_meetings"] * self._interval(group)

    def _cash(self, group_id: int, group: dict[str, Any]) -> int:
        """Cash of the loan fund (the group account less the social fund)."""
        return self.rt.pallet("Assets").balance(group["asset"], group_account(group_id)) - group["social_fund"]

    def _note(self, method: str, who: bytes, *args: Any) -> None:
        """Tell the Credit pallet (when the runtime has one) about behaviour of `who`."""
        credit_note(self.rt, method, who, *args)

    # -- membership and cycles ----------------------------------------------------------------------------
    def _join(self, group_id: int, who: bytes) -> None:
        group = self._group(group_id)
        if variant_of(group["status"]) != "Forming":
            raise self.fail("NotForming")
        member = self.Members.get(group_id, who)
        if member is None:
            raise self.fail("NotMember")
        if member["joined"]:
            raise self.fail("AlreadyJoined")
        member["joined"] = True
        self.Members.put(group_id, who, member)
        group["joined"] += 1
        self.Groups.put(group_id, group)
        self.emit("MemberJoined", {"group_id": group_id, "member": who})
        self._note("note_activity", who)
        if group["joined"] == len(group["members"]):
            self._start_cycle(group_id, group)

    def _start_cycle(self, group_id: int, group: dict[str, Any]) -> None:
        now = self.block_number
        group.update(status=("Active", None), cycle=group["cycle"] + 1, cycle_start=now)
        self.Groups.put(group_id, group)
        self._schedule(now + self._interval(group), group_id)
        self.emit("CycleStarted", {"group_id": group_id, "cycle": group["cycle"], "start_block": now,
                                   "end_block": self._cycle_end(group)})

    def _schedule(self, block: int, group_id: int) -> None:
        push_agenda(self.Agenda, block, group_id)

    def _loan_closed(self, group_id: int, who: bytes, loan: dict[str, Any]) -> None:
        now = self.block_number
        on_time = now <= loan["due_block"]
        late = 0 if on_time else days_after(now, loan["due_block"], self.rt.blocks_per_day)
        self.emit("LoanRepaid", {"group_id": group_id, "member": who, "on_time": on_time, "days_late": min(late, 65_535)})
        self._note("note_repayment", who, on_time, late)
        self._note("note_loan_repaid", who)

    # -- the block hook -------------------------------------------------------------------------------------
    def on_initialize(self, n: int) -> int:
        return GROUP_ITEM_WEIGHT * run_agenda(self, self.Agenda, n, self._close_meeting,
                                              lambda group_id: self.emit("MeetingCloseFailed", {"group_id": group_id}))

    def _close_meeting(self, group_id: int) -> None:
        """Close the meeting ending now: note who saved and who missed; share out after the last one."""
        group = self._group(group_id)
        interval = self._interval(group)
        meeting = (self.block_number - group["cycle_start"]) // interval - 1
        missed = 0
        for m in group["members"]:
            member = self.Members.get(group_id, m)
            if member["last_meeting"] != meeting:
                member["missed"] += 1
                missed += 1
                self.Members.put(group_id, m, member)
                self._note("note_savings", m, False)
        self.emit("MeetingClosed", {"group_id": group_id, "cycle": group["cycle"], "meeting": meeting,
                                    "attended": len(group["members"]) - missed, "missed": missed})
        if meeting + 1 >= group["cycle_meetings"]:
            self._share_out(group_id, group)
        else:
            self._schedule(group["cycle_start"] + (meeting + 2) * interval, group_id)

    def _share_out(self, group_id: int, group: dict[str, Any]) -> None:
        """Share the loan fund out in proportion to shares, settle open loans, start the next cycle."""
        members = group["members"]
        records = [self.Members.get(group_id, m) for m in members]
        owed = []
        for m in members:
            loan = self.Loans.get(group_id, m)
            if loan is not None and loan["active"]:
                owed.append(loan["principal"] - loan["principal_repaid"] + loan["charge"] - loan["charge_repaid"])
            else:
                owed.append(0)
                if loan is not None:  # a request nobody approved expires with the cycle
                    self.Loans.remove(group_id, m)
                    self.emit("RequestCancelled", {"group_id": group_id, "member": m, "grant": False})
        cash = self._cash(group_id, group)
        payouts, shortfalls = share_out(cash, [r["shares"] for r in records], owed)
        assets, account = self.rt.pallet("Assets"), group_account(group_id)
        for m, record, debt, payout, short in zip(members, records, owed, payouts, shortfalls):
            loan = self.Loans.get(group_id, m)
            if loan is not None:
                self.Loans.remove(group_id, m)
                self.emit("LoanSettledAtShareOut", {"group_id": group_id, "member": m, "owed": debt,
                                                    "covered": debt - short, "shortfall": short})
                if short:
                    self._note("note_default", m)
                else:
                    self._loan_closed(group_id, m, loan)
            if payout:
                assets.move(group["asset"], account, m, payout)
            self.emit("SharedOut", {"group_id": group_id, "cycle": group["cycle"], "member": m,
                                    "shares": record["shares"], "amount": payout})
            record.update(shares=0, last_meeting=None)
            self.Members.put(group_id, m, record)
        losses = sum(shortfalls)
        self.emit("CycleClosed", {"group_id": group_id, "cycle": group["cycle"], "distributed": cash,
                                  "total_shares": group["total_shares"], "losses": losses})
        group.update(total_shares=0, loans_out=0, charges_earned=0, losses=group["losses"] + losses)
        self._start_cycle(group_id, group)
