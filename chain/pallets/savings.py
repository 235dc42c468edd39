"""SavingsGroups: village savings and loan associations (VSLA) on chain.

A group of 5 to 30 neighbours agrees a share price, a meeting interval and a cycle length. Once every
listed member has joined, the cycle starts: at each meeting a member buys 1 to 5 shares (at most once a
meeting) and pays the social-fund contribution. The loan fund lends to members (at most
`max_loan_multiple` times their savings, due before the cycle ends) with a flat service charge per
meeting of term, once M of the N committee members approve; the social fund pays emergency grants, also
approved M of N, and is never shared out. At the end of the cycle the block hook shares the loan fund out
in proportion to shares; a loan still open is settled against its borrower's payout, and a shortfall is
borne by the others in proportion to their payouts. All funds sit in a group account no one holds the key of.

Invariant (checked by the tests): balance of the group account == social_fund + total_shares * share_price
+ charges_earned - loans_out, and the members' claims (`member_claims`) sum to the loan fund's value.
"""
from __future__ import annotations

from chain.codec import ACCOUNT_ID, BOOL, COMPACT_U128, U8, U16, U32, U128, Enum, Option, Struct, Variant, Vec
from chain.frame import ConstantDef, ErrorDef, EventDef, Origin, Pallet, StorageDef, call, ensure_signed
from chain.pallets.common import take_id
from chain.pallets.lending_schedule import BPS
from chain.pallets.savings_engine import SavingsEngine, group_account, member_claims, share_out

__all__ = ["SavingsGroups", "group_account", "member_claims", "share_out"]

MIN_MEMBERS, MAX_MEMBERS = 5, 30
MAX_SHARES_PER_MEETING = 5
MAX_CYCLE_MEETINGS = 104
GROUP_STATUS = Enum("pallet_puhui_savings::GroupStatus", (Variant(0, "Forming"), Variant(1, "Active")))
GROUP = Struct("pallet_puhui_savings::Group", (
    ("creator", ACCOUNT_ID), ("asset", U32), ("members", Vec(ACCOUNT_ID, MAX_MEMBERS)),
    ("committee", Vec(ACCOUNT_ID, MAX_MEMBERS)), ("threshold", U8), ("share_price", U128),
    ("social_contribution", U128), ("meeting_interval_days", U16), ("cycle_meetings", U16),
    ("service_charge_bps", U32), ("max_loan_multiple", U8), ("status", GROUP_STATUS), ("joined", U8),
    ("cycle", U32), ("cycle_start", U32), ("total_shares", U32), ("social_fund", U128), ("loans_out", U128),
    ("charges_earned", U128), ("losses", U128),
))
MEMBER = Struct("pallet_puhui_savings::Member", (
    ("joined", BOOL), ("shares", U32), ("last_meeting", Option(U16)), ("attended", U32), ("missed", U32),
))
GROUP_LOAN = Struct("pallet_puhui_savings::GroupLoan", (
    ("principal", U128), ("charge", U128), ("principal_repaid", U128), ("charge_repaid", U128),
    ("term_meetings", U16), ("due_block", U32), ("approvals", Vec(ACCOUNT_ID, MAX_MEMBERS)), ("active", BOOL),
))
GRANT = Struct("pallet_puhui_savings::GrantRequest", (("amount", U128), ("approvals", Vec(ACCOUNT_ID, MAX_MEMBERS))))


class SavingsGroups(SavingsEngine, Pallet):
    INDEX = 22
    NAME = "SavingsGroups"
    DOC = "Village savings and loan associations: shares, a loan fund, a social fund, automatic share-out."

    EVENTS = (
        EventDef(0, "GroupCreated", (("group_id", U32), ("creator", ACCOUNT_ID), ("asset", U32), ("account", ACCOUNT_ID),
                                     ("members", U8), ("share_price", U128)), "A group was formed; members join next."),
        EventDef(1, "MemberJoined", (("group_id", U32), ("member", ACCOUNT_ID)), "A listed member joined the group."),
        EventDef(2, "CycleStarted", (("group_id", U32), ("cycle", U32), ("start_block", U32), ("end_block", U32)),
                 "A savings cycle started (all members joined, or the last cycle was shared out)."),
        EventDef(3, "SharesBought", (("group_id", U32), ("member", ACCOUNT_ID), ("meeting", U16), ("shares", U8),
                                     ("amount", U128), ("social", U128)),
                 "A member saved at a meeting: shares bought plus the social-fund contribution."),
        EventDef(4, "MeetingClosed", (("group_id", U32), ("cycle", U32), ("meeting", U16), ("attended", U8), ("missed", U8)),
                 "A meeting ended; members who did not save were noted as having missed it."),
        EventDef(5, "LoanRequested", (("group_id", U32), ("member", ACCOUNT_ID), ("amount", U128), ("term_meetings", U16)),
                 "A member asked the loan fund for a loan."),
        EventDef(6, "LoanApproved", (("group_id", U32), ("member", ACCOUNT_ID), ("approver", ACCOUNT_ID), ("approvals", U8)),
                 "A committee member approved a loan request."),
        EventDef(7, "LoanDisbursed", (("group_id", U32), ("member", ACCOUNT_ID), ("principal", U128), ("charge", U128),
                                      ("due_block", U32)), "The loan fund lent to a member (M of N approvals reached)."),
        EventDef(8, "RepaymentMade", (("group_id", U32), ("member", ACCOUNT_ID), ("amount", U128), ("to_charge", U128),
                                      ("to_principal", U128)), "A member repaid toward a group loan (service charge first)."),
        EventDef(9, "LoanRepaid", (("group_id", U32), ("member", ACCOUNT_ID), ("on_time", BOOL), ("days_late", U16)),
                 "A group loan was repaid in full."),
        EventDef(10, "GrantRequested", (("group_id", U32), ("member", ACCOUNT_ID), ("amount", U128)),
                 "A member asked the social fund for an emergency grant."),
        EventDef(11, "GrantApproved", (("group_id", U32), ("member", ACCOUNT_ID), ("approver", ACCOUNT_ID), ("approvals", U8)),
                 "A committee member approved a grant request."),
        EventDef(12, "GrantPaid", (("group_id", U32), ("member", ACCOUNT_ID), ("amount", U128)),
                 "The social fund paid an emergency grant (not repaid, not shared out)."),
        EventDef(13, "RequestCancelled", (("group_id", U32), ("member", ACCOUNT_ID), ("grant", BOOL)),
                 "A pending loan or grant request was withdrawn (or expired at cycle end)."),
        EventDef(14, "LoanSettledAtShareOut", (("group_id", U32), ("member", ACCOUNT_ID), ("owed", U128), ("covered", U128),
                                               ("shortfall", U128)),
                 "A loan still open at cycle end was settled from the borrower's payout; any shortfall is a loss."),
        EventDef(15, "SharedOut", (("group_id", U32), ("cycle", U32), ("member", ACCOUNT_ID), ("shares", U32), ("amount", U128)),
                 "A member received their share of the loan fund at cycle end."),
        EventDef(16, "CycleClosed", (("group_id", U32), ("cycle", U32), ("distributed", U128), ("total_shares", U32),
                                     ("losses", U128)), "A cycle ended and the loan fund was shared out."),
        EventDef(17, "MeetingCloseFailed", (("group_id", U32),),
                 "The block hook could not close a group's meeting (its changes were rolled back); the operator "
                 "should look into the group."),
    )
    ERRORS = (
        ErrorDef(0, "GroupNotFound", "No group with that id; check the id in the GroupCreated event."),
        ErrorDef(1, "TooFewMembers", "A group needs at least 5 members; list more."),
        ErrorDef(2, "TooManyMembers", "A group has at most 30 members; list fewer, or form two groups."),
        ErrorDef(3, "DuplicateMember", "A member is listed twice; list each once."),
        ErrorDef(4, "CreatorNotMember", "The creator is not among the members; list yourself too."),
        ErrorDef(5, "CommitteeNotMembers", "The committee is empty, names someone twice, or names a non-member; choose distinct members."),
        ErrorDef(6, "InvalidThreshold", "Approvals needed (M) is outside 1..committee size (N); choose M in that range."),
        ErrorDef(7, "InvalidParameters", "A parameter is out of range; share price must be positive, interval 1..90 days, cycle 1..104 meetings, charge at most 10000 bps."),
        ErrorDef(8, "NotMember", "Only a member of the group may do this; ask the group to list you when it forms."),
        ErrorDef(9, "AlreadyJoined", "You joined this group already; nothing to do."),
        ErrorDef(10, "NotForming", "The group has started; joining is only while it forms."),
        ErrorDef(11, "NotStarted", "The group has not started; every listed member must join first."),
        ErrorDef(12, "InvalidShareCount", "A meeting takes 1 to 5 shares from a member; buy a count in that range."),
        ErrorDef(13, "AlreadySavedThisMeeting", "You saved at this meeting already; wait for the next meeting."),
        ErrorDef(14, "LoanExists", "You have a loan or a loan request in this group already; repay or cancel it first."),
        ErrorDef(15, "LoanTooLarge", "A loan may be at most max_loan_multiple times your savings; save more or ask for less."),
        ErrorDef(16, "InsufficientFund", "The loan fund does not hold enough cash now; wait for repayments or savings."),
        ErrorDef(17, "NoPendingLoan", "That member has no loan request awaiting approval; check the member, or it was approved or cancelled."),
        ErrorDef(18, "NotCommittee", "Only committee members may approve; ask a committee member."),
        ErrorDef(19, "AlreadyApproved", "You approved this request already; wait for the other committee members."),
        ErrorDef(20, "SelfApproval", "A committee member cannot approve their own request; the other committee members approve it."),
        ErrorDef(21, "NoActiveLoan", "You have no active loan in this group; nothing is owed."),
        ErrorDef(22, "GrantExists", "You have a grant request pending already; wait for it or cancel it first."),
        ErrorDef(23, "NoPendingGrant", "That member has no grant request awaiting approval; check the member, or it was paid or cancelled."),
        ErrorDef(24, "InsufficientSocialFund", "The social fund holds less than the grant; ask for less."),
        ErrorDef(25, "ZeroAmount", "A zero amount (or a zero-meeting term) does nothing; give a positive amount and term."),
        ErrorDef(26, "TermBeyondCycle", "The loan would fall due after the cycle ends; choose a shorter term."),
    )
    STORAGE = (
        StorageDef("NextGroupId", U32, "The id the next group gets.", default=0),
        StorageDef("Groups", GROUP, "Groups by id.", keys=(("Twox64Concat", U32),)),
        StorageDef("Members", MEMBER, "Membership: (group, account) -> shares this cycle and attendance.",
                   keys=(("Twox64Concat", U32), ("Blake2_128Concat", ACCOUNT_ID))),
        StorageDef("Loans", GROUP_LOAN, "Group loans and requests: (group, member) -> loan.",
                   keys=(("Twox64Concat", U32), ("Blake2_128Concat", ACCOUNT_ID))),
        StorageDef("Grants", GRANT, "Pending grant requests: (group, member) -> request.",
                   keys=(("Twox64Concat", U32), ("Blake2_128Concat", ACCOUNT_ID))),
        StorageDef("Agenda", Vec(U32), "Groups whose meeting closes at a block.", keys=(("Twox64Concat", U32),)),
    )
    CONSTANTS = (
        ConstantDef("MinMembers", U8, MIN_MEMBERS, "Fewest members of a group."),
        ConstantDef("MaxMembers", U8, MAX_MEMBERS, "Most members of a group."),
        ConstantDef("MaxSharesPerMeeting", U8, MAX_SHARES_PER_MEETING, "Most shares a member buys at one meeting."),
    )

    # -- forming ------------------------------------------------------------------------------------------
    @call(0, ("asset", U32), ("members", Vec(ACCOUNT_ID, 64)), ("committee", Vec(ACCOUNT_ID, 64)), ("threshold", U8),
          ("share_price", COMPACT_U128), ("social_contribution", COMPACT_U128), ("meeting_interval_days", U16),
          ("cycle_meetings", U16), ("service_charge_bps", U32), ("max_loan_multiple", U8), weight=60_000_000)
    def create_group(self, origin: Origin, asset: int, members: list[bytes], committee: list[bytes], threshold: int,
                     share_price: int, social_contribution: int, meeting_interval_days: int, cycle_meetings: int,
                     service_charge_bps: int, max_loan_multiple: int) -> None:
        """Form a group; it starts when every listed member has joined (the creator joins now)."""
        who = ensure_signed(origin)
        self.rt.pallet("Assets").details(asset)
        if len(members) < MIN_MEMBERS:
            raise self.fail("TooFewMembers")
        if len(members) > MAX_MEMBERS:
            raise self.fail("TooManyMembers")
        if len(set(members)) != len(members):
            raise self.fail("DuplicateMember")
        if who not in members:
            raise self.fail("CreatorNotMember")
        if not committee or len(set(committee)) != len(committee) or not set(committee) <= set(members):
            raise self.fail("CommitteeNotMembers")
        if not 1 <= threshold <= len(committee):
            raise self.fail("InvalidThreshold")
        if (share_price == 0 or not 1 <= meeting_interval_days <= 90 or not 1 <= cycle_meetings <= MAX_CYCLE_MEETINGS
                or service_charge_bps > BPS):
            raise self.fail("InvalidParameters")
        gid = take_id(self.NextGroupId)
        self.Groups.put(gid, {
            "creator": who, "asset": asset, "members": members, "committee": committee, "threshold": threshold,
            "share_price": share_price, "social_contribution": social_contribution,
            "meeting_interval_days": meeting_interval_days, "cycle_meetings": cycle_meetings,
            "service_charge_bps": service_charge_bps, "max_loan_multiple": max_loan_multiple, "status": ("Forming", None),
            "joined": 0, "cycle": 0, "cycle_start": 0, "total_shares": 0, "social_fund": 0, "loans_out": 0,
            "charges_earned": 0, "losses": 0,
        })
        for m in members:
            self.Members.put(gid, m, {"joined": False, "shares": 0, "last_meeting": None, "attended": 0, "missed": 0})
        self.emit("GroupCreated", {"group_id": gid, "creator": who, "asset": asset, "account": group_account(gid),
                                   "members": len(members), "share_price": share_price})
        self._join(gid, who)

    @call(1, ("group_id", U32), weight=30_000_000)
    def join(self, origin: Origin, group_id: int) -> None:
        """Join a group you are listed in; the last member to join starts the first cycle."""
        self._join(group_id, ensure_signed(origin))

    # -- saving -------------------------------------------------------------------------------------------
    @call(2, ("group_id", U32), ("count", U8), weight=40_000_000)
    def buy_shares(self, origin: Origin, group_id: int, count: int) -> None:
        """Save at this meeting: buy 1 to 5 shares and pay the social-fund contribution."""
        who = ensure_signed(origin)
        group, member = self._active_member(group_id, who)
        if not 1 <= count <= MAX_SHARES_PER_MEETING:
            raise self.fail("InvalidShareCount")
        meeting = (self.block_number - group["cycle_start"]) // self._interval(group)
        if member["last_meeting"] == meeting:
            raise self.fail("AlreadySavedThisMeeting")
        amount = count * group["share_price"]
        social = group["social_contribution"]
        self.rt.pallet("Assets").move(group["asset"], who, group_account(group_id), amount + social)
        member.update(shares=member["shares"] + count, last_meeting=meeting, attended=member["attended"] + 1)
        self.Members.put(group_id, who, member)
        group["total_shares"] += count
        group["social_fund"] += social
        self.Groups.put(group_id, group)
        self.emit("SharesBought", {"group_id": group_id, "member": who, "meeting": meeting, "shares": count,
                                   "amount": amount, "social": social})
        self._note("note_saved_activity", who)

    # -- the loan fund ---------------------------------------------------------------------------------------
    @call(3, ("group_id", U32), ("amount", COMPACT_U128), ("term_meetings", U16), weight=40_000_000)
    def request_loan(self, origin: Origin, group_id: int, amount: int, term_meetings: int) -> None:
        """Ask the loan fund for a loan of `amount` over `term_meetings` meetings (due before cycle end)."""
        who = ensure_signed(origin)
        group, member = self._active_member(group_id, who)
        if amount == 0 or term_meetings == 0:
            raise self.fail("ZeroAmount")
        if self.Loans.contains(group_id, who):
            raise self.fail("LoanExists")
        if amount > member["shares"] * group["share_price"] * group["max_loan_multiple"]:
            raise self.fail("LoanTooLarge")
        if self.block_number + term_meetings * self._interval(group) > self._cycle_end(group):
            raise self.fail("TermBeyondCycle")
        if amount > self._cash(group_id, group):
            raise self.fail("InsufficientFund")
        charge = amount * group["service_charge_bps"] * term_meetings // BPS
        self.Loans.put(group_id, who, {"principal": amount, "charge": charge, "principal_repaid": 0, "charge_repaid": 0,
                                       "term_meetings": term_meetings, "due_block": 0, "approvals": [], "active": False})
        self.emit("LoanRequested", {"group_id": group_id, "member": who, "amount": amount, "term_meetings": term_meetings})
        self._note("note_activity", who)

    @call(4, ("group_id", U32), ("member", ACCOUNT_ID), weight=50_000_000)
    def approve_loan(self, origin: Origin, group_id: int, member: bytes) -> None:
        """Approve a member's loan request as a committee member; the M-th approval disburses it."""
        who = ensure_signed(origin)
        group = self._approver(group_id, who, member)
        loan = self.Loans.get(group_id, member)
        if loan is None or loan["active"]:
            raise self.fail("NoPendingLoan")
        if who in loan["approvals"]:
            raise self.fail("AlreadyApproved")
        loan["approvals"].append(who)
        if len(loan["approvals"]) >= group["threshold"]:
            if loan["principal"] > self._cash(group_id, group):
                raise self.fail("InsufficientFund")
            now = self.block_number
            loan.update(active=True, due_block=min(now + loan["term_meetings"] * self._interval(group), self._cycle_end(group)))
            self.rt.pallet("Assets").move(group["asset"], group_account(group_id), member, loan["principal"])
            group["loans_out"] += loan["principal"]
            self.Groups.put(group_id, group)
        self.Loans.put(group_id, member, loan)
        self.emit("LoanApproved", {"group_id": group_id, "member": member, "approver": who, "approvals": len(loan["approvals"])})
        if loan["active"]:
            self.emit("LoanDisbursed", {"group_id": group_id, "member": member, "principal": loan["principal"],
                                        "charge": loan["charge"], "due_block": loan["due_block"]})

    @call(5, ("group_id", U32), ("amount", COMPACT_U128), weight=40_000_000)
    def repay_loan(self, origin: Origin, group_id: int, amount: int) -> None:
        """Repay toward your group loan: the service charge first, then principal (only what is owed is taken)."""
        who = ensure_signed(origin)
        group = self._group(group_id)
        loan = self.Loans.get(group_id, who)
        if loan is None or not loan["active"]:
            raise self.fail("NoActiveLoan")
        if amount == 0:
            raise self.fail("ZeroAmount")
        to_charge = min(amount, loan["charge"] - loan["charge_repaid"])
        to_principal = min(amount - to_charge, loan["principal"] - loan["principal_repaid"])
        self.rt.pallet("Assets").move(group["asset"], who, group_account(group_id), to_charge + to_principal)
        loan["charge_repaid"] += to_charge
        loan["principal_repaid"] += to_principal
        group["charges_earned"] += to_charge
        group["loans_out"] -= to_principal
        self.Groups.put(group_id, group)
        repaid = loan["principal_repaid"] == loan["principal"] and loan["charge_repaid"] == loan["charge"]
        if repaid:
            self.Loans.remove(group_id, who)
        else:
            self.Loans.put(group_id, who, loan)
        self.emit("RepaymentMade", {"group_id": group_id, "member": who, "amount": to_charge + to_principal,
                                    "to_charge": to_charge, "to_principal": to_principal})
        self._note("note_activity", who)
        if repaid:
            self._loan_closed(group_id, who, loan)

    # -- the social fund -------------------------------------------------------------------------------------
    @call(6, ("group_id", U32), ("amount", COMPACT_U128), weight=30_000_000)
    def request_grant(self, origin: Origin, group_id: int, amount: int) -> None:
        """Ask the social fund for an emergency grant."""
        who = ensure_signed(origin)
        group, _ = self._active_member(group_id, who)
        if amount == 0:
            raise self.fail("ZeroAmount")
        if self.Grants.contains(group_id, who):
            raise self.fail("GrantExists")
        if amount > group["social_fund"]:
            raise self.fail("InsufficientSocialFund")
        self.Grants.put(group_id, who, {"amount": amount, "approvals": []})
        self.emit("GrantRequested", {"group_id": group_id, "member": who, "amount": amount})

    @call(7, ("group_id", U32), ("member", ACCOUNT_ID), weight=40_000_000)
    def approve_grant(self, origin: Origin, group_id: int, member: bytes) -> None:
        """Approve a grant request as a committee member; the M-th approval pays it from the social fund."""
        who = ensure_signed(origin)
        group = self._approver(group_id, who, member)
        grant = self.Grants.get(group_id, member)
        if grant is None:
            raise self.fail("NoPendingGrant")
        if who in grant["approvals"]:
            raise self.fail("AlreadyApproved")
        grant["approvals"].append(who)
        paid = len(grant["approvals"]) >= group["threshold"]
        if paid:
            if grant["amount"] > group["social_fund"]:
                raise self.fail("InsufficientSocialFund")
            self.rt.pallet("Assets").move(group["asset"], group_account(group_id), member, grant["amount"])
            group["social_fund"] -= grant["amount"]
            self.Groups.put(group_id, group)
            self.Grants.remove(group_id, member)
        else:
            self.Grants.put(group_id, member, grant)
        self.emit("GrantApproved", {"group_id": group_id, "member": member, "approver": who, "approvals": len(grant["approvals"])})
        if paid:
            self.emit("GrantPaid", {"group_id": group_id, "member": member, "amount": grant["amount"]})

    @call(8, ("group_id", U32), ("grant", BOOL), weight=20_000_000)
    def cancel_request(self, origin: Origin, group_id: int, grant: bool) -> None:
        """Withdraw your pending loan request (grant=false) or grant request (grant=true)."""
        who = ensure_signed(origin)
        self._group(group_id)
        if grant:
            if not self.Grants.contains(group_id, who):
                raise self.fail("NoPendingGrant")
            self.Grants.remove(group_id, who)
        else:
            loan = self.Loans.get(group_id, who)
            if loan is None or loan["active"]:
                raise self.fail("NoPendingLoan")
            self.Loans.remove(group_id, who)
        self.emit("RequestCancelled", {"group_id": group_id, "member": who, "grant": grant})

    # -- the public API --------------------------------------------------------------------------------------
    def fund_value(self, group_id: int) -> int:
        """The loan fund's value: cash (outside the social fund) plus principal lent out."""
        group = self._group(group_id)
        return group["total_shares"] * group["share_price"] + group["charges_earned"]

    def claims(self, group_id: int) -> dict[bytes, int]:
        """Each member's claim on the loan fund now (in proportion to shares)."""
        group = self._group(group_id)
        shares = [self.Members.get(group_id, m)["shares"] for m in group["members"]]
        return dict(zip(group["members"], member_claims(self.fund_value(group_id), shares)))
