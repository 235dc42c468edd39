"""Donations: NGO campaigns whose every unit can be traced from the donor to where it was spent.

A campaign (by an NGO) has a goal and a deadline in one asset, the purpose categories it spends on, an
allocation rule (FIFO by default, or pro rata), a cap on the share of the raised total that may go to
the NGO's own operations, and optionally milestones attested by an independent validator.

`donate` moves tokens into the campaign's escrow account and records a lot: the donation id is the
donor's receipt number. Each disbursement (to a beneficiary or a vendor, with a purpose) consumes lots
by the campaign's rule and emits one `Allocated` event per lot it drew from, naming the donation id.
A disbursement may be a voucher: the tokens go to the voucher pool and the beneficiary can spend them
only at a registered merchant (`VoucherSpent` per lot), who redeems them for tokens or cash at an agent
(`Redeemed` per lot). So a unit is traced donor -> campaign -> beneficiary -> merchant -> cash.

Lot accounting is kept in storage so that, for every donation at every block,
    amount == allocated + remaining + refunded,   allocated >= voucher >= voucher_spent >= redeemed,
and the escrow holds exactly the sum of the campaign's remaining, the voucher pool exactly the sum of
unspent and unredeemed voucher pieces.

Milestones: with milestones, disbursements may total at most the attested tranches (all of the raised
funds once every milestone is attested). Refunds: at the deadline (a hook over an index by block) a
campaign short of its goal fails, and a cancelled or closed campaign refunds too: every donation gets
back its own unspent remainder, which under the pro-rata rule is pro rata to what each donor gave.
"""
from __future__ import annotations

from typing import Any

from chain.codec import ACCOUNT_ID, BOOL, COMPACT_U128, H256, U8, U16, U32, U64, U128, Option, TextType, Vec
from chain.frame import ConstantDef, ErrorDef, EventDef, Origin, Pallet, StorageDef, call, checked_add, ensure_root, ensure_signed, ROOT
from chain.pallets.balances import lookup
from chain.pallets.common import admit, dismiss, must_get, take_due, take_id
from chain.pallets.donation_lots import (  # noqa: F401  (re-exported: the pallet's types and rules)
    CAMPAIGN, CAMPAIGN_STATUS, LOT, MAX_CAMPAIGN_BLOCKS, MAX_MILESTONES, MAX_OPEN_LOTS, MAX_VOUCHER_PIECES, MILESTONE,
    OPERATIONS, PALLET_TAG, PIECE, PURPOSES, RULE, VOUCHER_POOL, add_pieces, campaign_account, lot_balanced,
    split_fifo, split_pro_rata, take_pieces,
)
from chain.types import MULTI_ADDRESS


class Donations(Pallet):
    INDEX = 13
    NAME = "Donations"
    DOC = "NGO campaigns with escrow, donation lots traced through disbursements, vouchers and redemptions."

    EVENTS = (
        EventDef(0, "CampaignCreated", (
            ("campaign", U32), ("ngo", ACCOUNT_ID), ("asset", U32), ("goal", U128), ("deadline", U32),
            ("categories", Vec(U8)), ("rule", RULE), ("overhead_cap_bps", U16), ("validator", Option(ACCOUNT_ID)),
            ("milestones", Vec(U128)), ("info_hash", H256)), "An NGO opened a campaign."),
        EventDef(1, "Donated", (("donation_id", U64), ("campaign", U32), ("donor", ACCOUNT_ID), ("amount", U128)),
                 "A donation went into a campaign's escrow; its id is the donor's receipt number."),
        EventDef(2, "Disbursed", (("disbursement_id", U64), ("campaign", U32), ("to", ACCOUNT_ID), ("amount", U128),
                                  ("purpose", U8), ("voucher", BOOL)),
                 "Funds left a campaign's escrow (the Allocated events of the same id say from which donations)."),
        EventDef(3, "Allocated", (("donation_id", U64), ("campaign", U32), ("to", ACCOUNT_ID), ("amount", U128),
                                  ("purpose", U8), ("disbursement_id", U64)),
                 "Part of a disbursement was drawn from one donation."),
        EventDef(4, "MilestoneAttested", (("campaign", U32), ("milestone", U8), ("validator", ACCOUNT_ID), ("amount", U128)),
                 "The validator attested a milestone; its tranche may now be disbursed."),
        EventDef(5, "CampaignFunded", (("campaign", U32), ("raised", U128)), "The deadline came with the goal met; donations are closed."),
        EventDef(6, "CampaignFailed", (("campaign", U32), ("raised", U128), ("goal", U128)),
                 "The deadline came with the goal missed; the unspent remainder was refunded."),
        EventDef(7, "CampaignCancelled", (("campaign", U32),), "The campaign was cancelled; the unspent remainder was refunded."),
        EventDef(8, "CampaignClosed", (("campaign", U32),), "The NGO closed a funded campaign; the unspent remainder was refunded."),
        EventDef(9, "Refunded", (("donation_id", U64), ("campaign", U32), ("donor", ACCOUNT_ID), ("amount", U128)),
                 "The unspent remainder of a donation went back to its donor."),
        EventDef(10, "MerchantRegistered", (("merchant", ACCOUNT_ID),), "A merchant may now accept vouchers."),
        EventDef(11, "MerchantDeregistered", (("merchant", ACCOUNT_ID),), "A merchant may no longer accept vouchers."),
        EventDef(12, "VoucherSpent", (("donation_id", U64), ("beneficiary", ACCOUNT_ID), ("merchant", ACCOUNT_ID),
                                      ("asset", U32), ("amount", U128)),
                 "A beneficiary spent voucher funds from one donation at a merchant."),
        EventDef(13, "Redeemed", (("donation_id", U64), ("merchant", ACCOUNT_ID), ("asset", U32), ("amount", U128),
                                  ("agent", Option(ACCOUNT_ID))),
                 "A merchant redeemed voucher funds from one donation (for tokens, or cash at an agent)."),
    )
    ERRORS = (
        ErrorDef(0, "UnknownCampaign", "No campaign with that id; check the id in the CampaignCreated event."),
        ErrorDef(1, "NotCampaignOwner", "Only the NGO that created the campaign may do this; sign with the NGO's account."),
        ErrorDef(2, "CampaignNotOpen", "The campaign takes no donations: its deadline passed, or it ended; give to an active campaign."),
        ErrorDef(3, "ZeroAmount", "A zero amount moves nothing; give an amount greater than zero."),
        ErrorDef(4, "BadDeadline", "The deadline is not a future block within about five years; choose a block in that window."),
        ErrorDef(5, "BadCategories", "List one to six distinct purpose codes (0 food .. 5 shelter); operations (6) is governed by the overhead cap."),
        ErrorDef(6, "UnknownPurpose", "The purpose code is unknown; use 0 food, 1 water, 2 education, 3 health, 4 livelihoods, 5 shelter or 6 operations."),
        ErrorDef(7, "PurposeNotInCampaign", "The campaign did not declare this purpose; disburse only for its declared categories."),
        ErrorDef(8, "OverheadCapExceeded", "Operations spending would exceed the campaign's cap on overhead (bps of the raised total); spend less on operations."),
        ErrorDef(9, "SelfPaymentNotOperations", "Payments to the NGO itself count as operations; use purpose 6 (operations), within the cap."),
        ErrorDef(10, "MilestoneNotAttested", "The next tranche is not released; the validator must attest the next milestone first, or disburse less."),
        ErrorDef(11, "InsufficientFunds", "The escrow holds less unspent money than the amount; disburse less."),
        ErrorDef(12, "InsufficientBalance", "The donor holds fewer tokens than the donation; cash in first or give less."),
        ErrorDef(13, "ValidatorRequired", "A campaign with milestones needs a validator to attest them; name one, or drop the milestones."),
        ErrorDef(14, "ValidatorNotIndependent", "The NGO cannot validate its own milestones; name another account as validator."),
        ErrorDef(15, "NotValidator", "Only the campaign's validator may attest its milestones; sign with the validator's account."),
        ErrorDef(16, "UnknownMilestone", "The campaign has no milestone with that number; milestones are numbered from 0 in the CampaignCreated event."),
        ErrorDef(17, "MilestoneAlreadyAttested", "That milestone was attested already; attest the next one."),
        ErrorDef(18, "MilestoneOutOfOrder", "Milestones are attested in order; attest the earlier ones first."),
        ErrorDef(19, "TooManyMilestones", "There are more than 16 milestones, or one of zero amount; give at most 16, each of a positive amount."),
        ErrorDef(20, "TooManyDonations", "The campaign holds 4096 unspent donations, the most it can track; disburse some first."),
        ErrorDef(21, "NotMerchant", "The account is not a registered merchant; vouchers are spent only at registered merchants."),
        ErrorDef(22, "AlreadyMerchant", "The account is a registered merchant already; nothing to do."),
        ErrorDef(23, "InsufficientVoucher", "The beneficiary holds less voucher money in this asset than the amount; spend at most the voucher balance."),
        ErrorDef(24, "InsufficientRedeemable", "The merchant holds fewer vouchers of this asset than the amount to redeem; redeem at most what it holds."),
        ErrorDef(25, "TooManyVoucherPieces", "The account holds vouchers from too many donations (512); spend or redeem some first."),
        ErrorDef(26, "BadOverheadCap", "The overhead cap is in basis points and above 10000 (100%); give at most 10000."),
        ErrorDef(27, "CampaignEnded", "The campaign failed, was cancelled or closed, so its escrow is settled; nothing more can leave or enter it."),
        ErrorDef(28, "NotFunded", "Only a funded campaign (deadline passed, goal met) can be closed; an active one can be cancelled."),
        ErrorDef(29, "ZeroGoal", "A campaign with a zero goal would be funded at once; set a goal greater than zero."),
        ErrorDef(30, "VoucherNotAllowed", "A voucher goes to a beneficiary for a programme purpose; pay the NGO or operations in tokens (voucher false)."),
    )
    STORAGE = (
        StorageDef("NextCampaignId", U32, "The id of the next campaign.", default=0),
        StorageDef("Campaigns", CAMPAIGN, "Every campaign with its totals.", keys=(("Blake2_128Concat", U32),)),
        StorageDef("NextDonationId", U64, "The id of the next donation (donor receipt number).", default=0),
        StorageDef("Donations", LOT, "Every donation lot with its exact accounting.", keys=(("Blake2_128Concat", U64),)),
        StorageDef("OpenLots", Vec(U64), "A campaign's donations with an unspent remainder, oldest first.",
                   keys=(("Blake2_128Concat", U32),), default=[]),
        StorageDef("Deadlines", U32, "Campaigns whose deadline is a block (index for the hook).",
                   keys=(("Twox64Concat", U32), ("Twox64Concat", U32))),
        StorageDef("NextDisbursementId", U64, "The id of the next disbursement.", default=0),
        StorageDef("Merchants", U32, "Registered merchants and the block they were registered in.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID),)),
        StorageDef("VoucherLots", Vec(PIECE), "A beneficiary's unspent vouchers per asset, as donation pieces, oldest first.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID), ("Blake2_128Concat", U32)), default=[]),
        StorageDef("MerchantLots", Vec(PIECE), "A merchant's unredeemed vouchers per asset, as donation pieces, oldest first.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID), ("Blake2_128Concat", U32)), default=[]),
    )
    CONSTANTS = (
        ConstantDef("Purposes", Vec(TextType(32)), list(PURPOSES), "Purpose codes: the position in this list."),
        ConstantDef("VoucherPool", ACCOUNT_ID, VOUCHER_POOL, "The pallet-owned account holding vouchers not yet redeemed."),
    )

    # -- calls: campaigns --------------------------------------------------------------------------------
    @call(0, ("asset", U32), ("goal", COMPACT_U128), ("deadline", U32), ("categories", Vec(U8)), ("rule", RULE),
          ("overhead_cap_bps", U16), ("validator", Option(ACCOUNT_ID)), ("milestones", Vec(U128)), ("info_hash", H256),
          weight=40_000_000)
    def create_campaign(self, origin: Origin, asset: int, goal: int, deadline: int, categories: list[int], rule: Any,
                        overhead_cap_bps: int, validator: bytes | None, milestones: list[int], info_hash: bytes) -> None:
        """Open a campaign: goal and deadline (block) in one asset, purpose categories, allocation rule,
        overhead cap (bps of the raised total), optional validator and milestone tranches, and the hash
        of its off-chain description."""
        ngo = ensure_signed(origin)
        self.rt.pallet("Assets").details(asset)  # UnknownAsset
        if goal == 0:
            raise self.fail("ZeroGoal")
        now = self.block_number
        if not now < deadline <= now + MAX_CAMPAIGN_BLOCKS:
            raise self.fail("BadDeadline")
        if not categories or len(set(categories)) != len(categories) or any(c >= OPERATIONS for c in categories):
            raise self.fail("BadCategories")
        if overhead_cap_bps > 10_000:
            raise self.fail("BadOverheadCap")
        if len(milestones) > MAX_MILESTONES or any(m == 0 for m in milestones):
            raise self.fail("TooManyMilestones")
        if milestones and validator is None:
            raise self.fail("ValidatorRequired")
        if validator == ngo:
            raise self.fail("ValidatorNotIndependent")
        cid = take_id(self.NextCampaignId)
        rule = rule if isinstance(rule, tuple) else (rule, None)
        self.Campaigns.put(cid, {
            "id": cid, "ngo": ngo, "asset": asset, "goal": goal, "deadline": deadline, "categories": list(categories),
            "rule": rule, "overhead_cap_bps": overhead_cap_bps, "validator": validator,
            "milestones": [{"amount": m, "attested_at": None} for m in milestones], "info_hash": info_hash,
            "status": ("Active", None), "raised": 0, "disbursed": 0, "overhead": 0, "refunded": 0, "donations": 0,
            "created": now,
        })
        self.Deadlines.put(deadline, cid, cid)
        self.emit("CampaignCreated", {
            "campaign": cid, "ngo": ngo, "asset": asset, "goal": goal, "deadline": deadline, "categories": list(categories),
            "rule": rule, "overhead_cap_bps": overhead_cap_bps, "validator": validator, "milestones": list(milestones),
            "info_hash": info_hash})

    @call(1, ("campaign", U32), ("amount", COMPACT_U128), weight=50_000_000)
    def donate(self, origin: Origin, campaign: int, amount: int) -> None:
        """Give to a campaign: the tokens go to its escrow and the donation gets an id (the receipt number)."""
        donor = ensure_signed(origin)
        c = self._campaign(campaign)
        if c["status"][0] != "Active" or self.block_number >= c["deadline"]:
            raise self.fail("CampaignNotOpen")
        if amount == 0:
            raise self.fail("ZeroAmount")
        assets = self.rt.pallet("Assets")
        if assets.balance(c["asset"], donor) < amount:
            raise self.fail("InsufficientBalance")
        open_lots = self.OpenLots.get(campaign)
        if len(open_lots) >= MAX_OPEN_LOTS:
            raise self.fail("TooManyDonations")
        did = take_id(self.NextDonationId)
        assets.move(c["asset"], donor, campaign_account(campaign), amount)
        self.Donations.put(did, {"id": did, "campaign": campaign, "donor": donor, "amount": amount, "remaining": amount,
                                 "allocated": 0, "refunded": 0, "voucher": 0, "voucher_spent": 0, "redeemed": 0,
                                 "block": self.block_number})
        self.OpenLots.put(campaign, open_lots + [did])
        c["raised"] = checked_add(c["raised"], amount)
        c["donations"] += 1
        self.Campaigns.put(campaign, c)
        self.emit("Donated", {"donation_id": did, "campaign": campaign, "donor": donor, "amount": amount})

    @call(2, ("campaign", U32), ("to", ACCOUNT_ID), ("amount", COMPACT_U128), ("purpose", U8), ("voucher", BOOL),
          weight=200_000_000)
    def disburse(self, origin: Origin, campaign: int, to: bytes, amount: int, purpose: int, voucher: bool) -> None:
        """Pay a beneficiary or vendor from escrow for a purpose (as a voucher if `voucher`), drawing on the
        donations by the campaign's rule; one Allocated event per donation drawn from."""
        ngo = ensure_signed(origin)
        c = self._campaign(campaign)
        if c["ngo"] != ngo:
            raise self.fail("NotCampaignOwner")
        if c["status"][0] not in ("Active", "Funded"):
            raise self.fail("CampaignEnded")
        if amount == 0:
            raise self.fail("ZeroAmount")
        if purpose >= len(PURPOSES):
            raise self.fail("UnknownPurpose")
        if purpose != OPERATIONS and purpose not in c["categories"]:
            raise self.fail("PurposeNotInCampaign")
        if to == ngo and purpose != OPERATIONS:
            raise self.fail("SelfPaymentNotOperations")
        if voucher and (purpose == OPERATIONS or to == ngo):
            raise self.fail("VoucherNotAllowed")
        if purpose == OPERATIONS and (c["overhead"] + amount) * 10_000 > c["raised"] * c["overhead_cap_bps"]:
            raise self.fail("OverheadCapExceeded", f"cap {c['overhead_cap_bps']} bps of {c['raised']}")
        available = c["raised"] - c["disbursed"] - c["refunded"]
        if amount > available:
            raise self.fail("InsufficientFunds", f"escrow holds {available}")
        if c["disbursed"] + amount > self.releasable(c):
            raise self.fail("MilestoneNotAttested")
        shares = self._draw(campaign, c["rule"][0], amount)
        if voucher:
            pieces_now = add_pieces(self.VoucherLots.get(to, c["asset"]), shares)
            if len(pieces_now) > MAX_VOUCHER_PIECES:
                raise self.fail("TooManyVoucherPieces")
            self.VoucherLots.put(to, c["asset"], pieces_now)
        did = take_id(self.NextDisbursementId)
        self.rt.pallet("Assets").move(c["asset"], campaign_account(campaign), VOUCHER_POOL if voucher else to, amount)
        c["disbursed"] += amount
        if purpose == OPERATIONS:
            c["overhead"] += amount
        self.Campaigns.put(campaign, c)
        for lot_id, share in shares:
            lot = self.Donations.get(lot_id)
            lot["allocated"] += share
            if voucher:
                lot["voucher"] += share
            self.Donations.put(lot_id, lot)
        self.emit("Disbursed", {"disbursement_id": did, "campaign": campaign, "to": to, "amount": amount,
                                "purpose": purpose, "voucher": voucher})
        for lot_id, share in shares:
            self.emit("Allocated", {"donation_id": lot_id, "campaign": campaign, "to": to, "amount": share,
                                    "purpose": purpose, "disbursement_id": did})

    @call(3, ("campaign", U32), ("milestone", U8), weight=20_000_000)
    def attest_milestone(self, origin: Origin, campaign: int, milestone: int) -> None:
        """The campaign's validator attests that a milestone was reached, releasing its tranche."""
        who = ensure_signed(origin)
        c = self._campaign(campaign)
        if c["validator"] != who:
            raise self.fail("NotValidator")
        if c["status"][0] not in ("Active", "Funded"):
            raise self.fail("CampaignEnded")
        if milestone >= len(c["milestones"]):
            raise self.fail("UnknownMilestone")
        if c["milestones"][milestone]["attested_at"] is not None:
            raise self.fail("MilestoneAlreadyAttested")
        if milestone and c["milestones"][milestone - 1]["attested_at"] is None:
            raise self.fail("MilestoneOutOfOrder")
        c["milestones"][milestone]["attested_at"] = self.block_number
        self.Campaigns.put(campaign, c)
        self.emit("MilestoneAttested", {"campaign": campaign, "milestone": milestone, "validator": who,
                                        "amount": c["milestones"][milestone]["amount"]})

    @call(4, ("campaign", U32), weight=300_000_000)
    def cancel_campaign(self, origin: Origin, campaign: int) -> None:
        """Cancel a campaign (its NGO, or root): every donation's unspent remainder goes back to its donor."""
        c = self._campaign(campaign)
        if origin != ROOT and ensure_signed(origin) != c["ngo"]:
            raise self.fail("NotCampaignOwner")
        if c["status"][0] not in ("Active", "Funded"):
            raise self.fail("CampaignEnded")
        self._refund_all(c, "Cancelled")
        self.emit("CampaignCancelled", {"campaign": campaign})

    @call(5, ("campaign", U32), weight=300_000_000)
    def close_campaign(self, origin: Origin, campaign: int) -> None:
        """The NGO closes a funded campaign; what was not spent goes back to the donors."""
        who = ensure_signed(origin)
        c = self._campaign(campaign)
        if c["ngo"] != who:
            raise self.fail("NotCampaignOwner")
        if c["status"][0] != "Funded":
            raise self.fail("NotFunded")
        self._refund_all(c, "Closed")
        self.emit("CampaignClosed", {"campaign": campaign})

    # -- calls: vouchers -----------------------------------------------------------------------------------
    @call(6, ("merchant", MULTI_ADDRESS), weight=10_000_000)
    def register_merchant(self, origin: Origin, merchant: Any) -> None:
        """Register a merchant that may accept vouchers (root: the operator vets merchants)."""
        ensure_root(origin)
        who = lookup(merchant)
        admit(self, self.Merchants, who, self.block_number, "AlreadyMerchant")
        self.emit("MerchantRegistered", {"merchant": who})

    @call(7, ("merchant", MULTI_ADDRESS), weight=10_000_000)
    def deregister_merchant(self, origin: Origin, merchant: Any) -> None:
        """Stop a merchant from accepting vouchers (root); it can still redeem what it holds."""
        ensure_root(origin)
        who = lookup(merchant)
        dismiss(self, self.Merchants, who, "NotMerchant")
        self.emit("MerchantDeregistered", {"merchant": who})

    @call(8, ("asset", U32), ("merchant", ACCOUNT_ID), ("amount", COMPACT_U128), weight=80_000_000)
    def spend_voucher(self, origin: Origin, asset: int, merchant: bytes, amount: int) -> None:
        """A beneficiary pays a registered merchant with vouchers, oldest donation pieces first."""
        who = ensure_signed(origin)
        if amount == 0:
            raise self.fail("ZeroAmount")
        if not self.Merchants.contains(merchant):
            raise self.fail("NotMerchant")
        pieces = self.VoucherLots.get(who, asset)
        if sum(p["amount"] for p in pieces) < amount:
            raise self.fail("InsufficientVoucher")
        taken, left = take_pieces(pieces, amount)
        merchant_pieces = add_pieces(self.MerchantLots.get(merchant, asset), taken)
        if len(merchant_pieces) > MAX_VOUCHER_PIECES:
            raise self.fail("TooManyVoucherPieces")
        self.VoucherLots.put(who, asset, left)
        self.MerchantLots.put(merchant, asset, merchant_pieces)
        for donation, part in taken:
            lot = self.Donations.get(donation)
            lot["voucher_spent"] += part
            self.Donations.put(donation, lot)
            self.emit("VoucherSpent", {"donation_id": donation, "beneficiary": who, "merchant": merchant,
                                       "asset": asset, "amount": part})

    @call(9, ("asset", U32), ("amount", COMPACT_U128), ("agent", Option(ACCOUNT_ID)), weight=80_000_000)
    def redeem(self, origin: Origin, asset: int, amount: int, agent: bytes | None) -> None:
        """A merchant redeems vouchers for tokens, or for cash at an agent (the tokens are then burned)."""
        who = ensure_signed(origin)
        if amount == 0:
            raise self.fail("ZeroAmount")
        pieces = self.MerchantLots.get(who, asset)
        if sum(p["amount"] for p in pieces) < amount:
            raise self.fail("InsufficientRedeemable")
        taken, left = take_pieces(pieces, amount)
        self.MerchantLots.put(who, asset, left)
        assets = self.rt.pallet("Assets")
        assets.move(asset, VOUCHER_POOL, who, amount)
        if agent is not None:
            assets.cash_out_via(asset, who, agent, amount)  # NotAgent / AgentUnavailable / WrongCountry
        for donation, part in taken:
            lot = self.Donations.get(donation)
            lot["redeemed"] += part
            self.Donations.put(donation, lot)
            self.emit("Redeemed", {"donation_id": donation, "merchant": who, "asset": asset, "amount": part,
                                   "agent": agent})

    # -- hooks ---------------------------------------------------------------------------------------------
    def on_initialize(self, n: int) -> int:
        due = take_due(self.Deadlines, n)
        for cid in due:
            c = self.Campaigns.get(cid)
            if c is None or c["status"][0] != "Active":
                continue
            if c["raised"] >= c["goal"]:
                c["status"] = ("Funded", None)
                self.Campaigns.put(cid, c)
                self.emit("CampaignFunded", {"campaign": cid, "raised": c["raised"]})
            else:
                self._refund_all(c, "Failed")
                self.emit("CampaignFailed", {"campaign": cid, "raised": c["raised"], "goal": c["goal"]})
        return 10_000_000 * len(due)

    # -- internals -----------------------------------------------------------------------------------------
    def _campaign(self, cid: int) -> dict[str, Any]:
        return must_get(self, self.Campaigns, "UnknownCampaign", cid)

    def releasable(self, c: dict[str, Any]) -> int:
        """How much of a campaign may have been disbursed in all: the attested tranches (everything
        raised once the last milestone is attested, or when there are no milestones)."""
        ms = c["milestones"]
        if not ms or ms[-1]["attested_at"] is not None:
            return c["raised"]
        return sum(m["amount"] for m in ms if m["attested_at"] is not None)

    def _draw(self, cid: int, rule: str, amount: int) -> list[tuple[int, int]]:
        """Consume `amount` from the campaign's open lots by its rule; updates remaining and OpenLots."""
        ids = self.OpenLots.get(cid)
        lots = {i: self.Donations.get(i) for i in ids}
        pairs = [(i, lots[i]["remaining"]) for i in ids]
        shares = split_pro_rata(amount, pairs) if rule == "ProRata" else split_fifo(amount, pairs)
        for lot_id, share in shares:
            lots[lot_id]["remaining"] -= share
            self.Donations.put(lot_id, lots[lot_id])
        self.OpenLots.put(cid, [i for i in ids if lots[i]["remaining"] > 0])
        return shares

    def _refund_all(self, c: dict[str, Any], status: str) -> None:
        cid = c["id"]
        assets = self.rt.pallet("Assets")
        escrow = campaign_account(cid)
        for lot_id in self.OpenLots.get(cid):
            lot = self.Donations.get(lot_id)
            amount = lot["remaining"]
            if amount == 0:
                continue
            assets.move(c["asset"], escrow, lot["donor"], amount)
            lot["remaining"], lot["refunded"] = 0, lot["refunded"] + amount
            self.Donations.put(lot_id, lot)
            c["refunded"] += amount
            self.emit("Refunded", {"donation_id": lot_id, "campaign": cid, "donor": lot["donor"], "amount": amount})
        self.OpenLots.remove(cid)
        c["status"] = (status, None)
        self.Campaigns.put(cid, c)

    # -- public API for analytics and receipts -----------------------------------------------------------
    def campaign(self, cid: int) -> dict[str, Any] | None:
        return self.Campaigns.get(cid)

    def donation(self, did: int) -> dict[str, Any] | None:
        return self.Donations.get(did)

    def voucher_balance(self, who: bytes, asset: int) -> int:
        return sum(p["amount"] for p in self.VoucherLots.get(who, asset))

    def redeemable(self, merchant: bytes, asset: int) -> int:
        return sum(p["amount"] for p in self.MerchantLots.get(merchant, asset))
