"""Remittance: send value across a corridor at the oracle rate, with the full cost recorded on chain.

`send_remittance` takes `amount` of the send asset plus a fee (FeeBps of it, rounded up) from the sender
into the pallet's FX desk, and moves the converted amount (oracle mid rate less FxMarginBps) of the
receive asset from the desk into the remittance's escrow. The record keeps the corridor (ISO 3166
alpha-2 codes of the sending and receiving countries), both amounts, the rate used, the oracle mid rate,
the fee, the margin and the total cost in basis points of the send amount, which is what the World
Bank's Remittance Prices Worldwide reports per corridor (`wb_corridor` gives its corridor code).

Timeline: Sent -> Available (after SettlementBlocks, in a hook) -> CashedOut (collected at an agent of
the destination country, tokens burned) or Claimed (credited to the recipient's wallet); or Refunded
when nobody collected it within ExpiryBlocks (a hook, indexed by expiry block: no scan). A refund
returns the principal in the send asset from the desk (the fee is kept); if the desk cannot, the
receive-asset tokens go back to the sender instead.

Recipients are accounts or aliases: `blake2_256(salt || phone)` computed off chain (`alias_hash`) and
registered by the recipient's own account. A phone number never goes on chain. A phone number has
little entropy, so a chain-wide salt only stops precomputed tables: wallets should use a salt (pepper)
they keep secret.

The FX desk (a pallet-owned account) is the counterparty of every conversion: anyone may fund it
(`fund_desk`, e.g. an agent's float), root withdraws (`force_desk_withdraw`). Fees and margins accrue
to it.
"""
from __future__ import annotations

import re
from typing import Any

from chain.codec import ACCOUNT_ID, COMPACT_U128, H256, U16, U32, U64, U128, Enum, Option, Struct, TextType, Variant
from chain.frame import ConstantDef, ErrorDef, EventDef, Origin, Pallet, StorageDef, call, ensure_root, ensure_signed
from chain.hashing import blake2_256
from chain.pallets.balances import lookup
from chain.pallets.common import credit_note, must_get, sub_account, take_due, take_id
from chain.pallets.oracle import RATE_SCALE
from chain.runtime import pallet_account
from chain.types import MULTI_ADDRESS

PALLET_TAG = b"pui/remt"
DESK = pallet_account(PALLET_TAG, b"fxdesk")
COUNTRY_CODE = TextType(max_len=2)
RECIPIENT = Enum("pallet_puhui_remittance::Recipient", (
    Variant(0, "Account", (("", ACCOUNT_ID),)), Variant(1, "Alias", (("", H256),)),
))
STATUS = Enum("pallet_puhui_remittance::Status", (
    Variant(0, "Sent"), Variant(1, "Available"), Variant(2, "CashedOut"), Variant(3, "Refunded"), Variant(4, "Claimed"),
))
REMITTANCE = Struct("pallet_puhui_remittance::Remittance", (
    ("id", U64), ("sender", ACCOUNT_ID), ("recipient", RECIPIENT),
    ("source_country", COUNTRY_CODE), ("destination_country", COUNTRY_CODE),
    ("send_asset", U32), ("send_amount", U128), ("receive_asset", U32), ("receive_amount", U128),
    ("rate", U128), ("mid_rate", U128), ("fee", U128), ("fx_margin_bps", U16), ("total_cost_bps", U32),
    ("status", STATUS), ("sent_at", U32), ("available_at", Option(U32)), ("finished_at", Option(U32)),
    ("expires_at", U32),
))
PARAMS = Struct("pallet_puhui_remittance::Params", (
    ("fee_bps", U16), ("fx_margin_bps", U16), ("settlement_blocks", U32), ("expiry_blocks", U32),
))
DEFAULT_PARAMS = {"fee_bps": 100, "fx_margin_bps": 50, "settlement_blocks": 1, "expiry_blocks": 30 * 24}
MAX_BPS = 2_000  # fee and margin are each capped at 20%
ACTIVE = ("Sent", "Available")

# ISO 3166 alpha-2 -> alpha-3 for the countries of the World Bank RPW corridor data (Kosovo: XK/KSV).
_ISO = (
    "AF AFG AO AGO AL ALB AE ARE AM ARM AU AUS AT AUT AZ AZE BE BEL BJ BEN BD BGD BG BGR BH BHR BA BIH BY BLR "
    "BO BOL BR BRA BW BWA CA CAN CH CHE CL CHL CN CHN CM CMR CO COL CV CPV CR CRI CU CUB CZ CZE DE DEU DO DOM "
    "EC ECU EG EGY ER ERI ES ESP EE EST ET ETH FR FRA GB GBR GE GEO GH GHA GM GMB GT GTM GY GUY HN HND HR HRV "
    "HT HTI HU HUN ID IDN IN IND IT ITA JM JAM JO JOR JP JPN KZ KAZ KE KEN KG KGZ KH KHM KR KOR XK KSV KW KWT "
    "LA LAO LB LBN LR LBR LK LKA LS LSO LT LTU LV LVA MA MAR MD MDA MX MEX MK MKD ML MLI MM MMR MZ MOZ MW MWI "
    "MY MYS NA NAM NG NGA NI NIC NL NLD NO NOR NP NPL NZ NZL OM OMN PK PAK PA PAN PE PER PH PHL PL POL PT PRT "
    "PY PRY QA QAT RO ROU RU RUS RW RWA SA SAU SD SDN SN SEN SG SGP SL SLE SV SLV SO SOM RS SRB SS SSD SE SWE "
    "SZ SWZ SY SYR TG TGO TH THA TJ TJK TR TUR TZ TZA UG UGA UA UKR US USA UZ UZB VN VNM YE YEM ZA ZAF ZM ZMB "
    "ZW ZWE"
).split()
ISO2_TO_ISO3: dict[str, str] = dict(zip(_ISO[::2], _ISO[1::2]))


def wb_corridor(source_country: str, destination_country: str) -> str | None:
    """The World Bank RPW corridor code (e.g. 'USAKEN') of a corridor in alpha-2 codes, if known."""
    a, b = ISO2_TO_ISO3.get(source_country), ISO2_TO_ISO3.get(destination_country)
    return a + b if a and b else None


def normalize_phone(phone: str) -> str:
    """E.164-like digits: keep a leading '+' and the digits, drop spaces, dashes and brackets."""
    digits = re.sub(r"\D", "", phone)
    if not digits:
        raise ValueError("a phone number needs digits")
    return "+" + digits


def alias_hash(salt: bytes, phone: str) -> bytes:
    """The on-chain alias of a phone number: blake2_256(salt || normalized number). Computed off chain."""
    return blake2_256(salt + normalize_phone(phone).encode())


def escrow_account(remittance_id: int) -> bytes:
    """The account holding a remittance's received tokens until they are collected or refunded."""
    return sub_account(PALLET_TAG, remittance_id, 8, b"esc")


class Remittance(Pallet):
    INDEX = 12
    NAME = "Remittance"
    DOC = "Cross-border transfers at the oracle rate with their full cost on chain; cash-out at agents; aliases."

    EVENTS = (
        EventDef(0, "RemittanceSent", (
            ("id", U64), ("sender", ACCOUNT_ID), ("recipient", RECIPIENT), ("source_country", COUNTRY_CODE),
            ("destination_country", COUNTRY_CODE), ("send_asset", U32), ("send_amount", U128), ("receive_asset", U32),
            ("receive_amount", U128), ("rate", U128), ("mid_rate", U128), ("fee", U128), ("fx_margin_bps", U16),
            ("total_cost_bps", U32), ("expires_at", U32)),
            "A remittance was sent: amounts, rate used, oracle mid rate, fee, FX margin and total cost (bps of the send amount)."),
        EventDef(1, "RemittanceAvailable", (("id", U64), ("receive_asset", U32), ("receive_amount", U128), ("sent_at", U32)),
                 "A remittance settled and can be collected by its recipient."),
        EventDef(2, "RemittanceCashedOut", (("id", U64), ("recipient", ACCOUNT_ID), ("agent", ACCOUNT_ID), ("asset", U32),
                                            ("amount", U128), ("sent_at", U32)),
                 "The recipient collected a remittance in cash at an agent; the tokens were burned."),
        EventDef(3, "RemittanceRefunded", (("id", U64), ("sender", ACCOUNT_ID), ("asset", U32), ("amount", U128), ("sent_at", U32)),
                 "Nobody collected a remittance before it expired; the sender got the principal back (the fee is kept)."),
        EventDef(4, "RemittanceClaimed", (("id", U64), ("recipient", ACCOUNT_ID), ("asset", U32), ("amount", U128), ("sent_at", U32)),
                 "The recipient took a remittance into their wallet as tokens."),
        EventDef(5, "AliasRegistered", (("alias", H256), ("who", ACCOUNT_ID)), "An account registered an alias (a salted phone hash)."),
        EventDef(6, "AliasRemoved", (("alias", H256), ("who", ACCOUNT_ID)), "An alias was removed by its account."),
        EventDef(7, "DeskFunded", (("asset", U32), ("from", ACCOUNT_ID), ("amount", U128)), "Liquidity was added to the FX desk."),
        EventDef(8, "DeskWithdrawn", (("asset", U32), ("to", ACCOUNT_ID), ("amount", U128)), "Root took liquidity out of the FX desk."),
        EventDef(9, "ParamsSet", (("fee_bps", U16), ("fx_margin_bps", U16), ("settlement_blocks", U32), ("expiry_blocks", U32)),
                 "Root changed the fee, margin, settlement or expiry."),
    )
    ERRORS = (
        ErrorDef(0, "ZeroAmount", "A zero amount moves nothing; give an amount greater than zero."),
        ErrorDef(1, "BadCountry", "A country code is not ISO 3166 alpha-2; write two capital letters, e.g. US or KE."),
        ErrorDef(2, "CorridorMismatch", "The destination country is not the receive asset's country; pick the asset of the recipient's country."),
        ErrorDef(3, "AmountTooSmall", "The amount converts to zero units of the receive asset; send more."),
        ErrorDef(4, "InsufficientLiquidity", "The FX desk holds too little of the receive asset; send less or wait until it is funded."),
        ErrorDef(5, "InsufficientBalance", "The sender cannot pay the amount plus the fee in the send asset; cash in first or send less."),
        ErrorDef(6, "UnknownRemittance", "No remittance with that id; check the id in the RemittanceSent event."),
        ErrorDef(7, "NotRecipient", "Only the remittance's recipient (the account, or the account holding the alias) may collect it; sign with that account."),
        ErrorDef(8, "NotAvailable", "The remittance cannot be collected now: it has not settled yet, or it was collected or refunded; wait for RemittanceAvailable."),
        ErrorDef(9, "UnknownAlias", "Nobody registered this alias yet; the recipient must register it before collecting."),
        ErrorDef(10, "AliasTaken", "Another account holds this alias; an alias belongs to one account."),
        ErrorDef(11, "NotAliasOwner", "Only the account that registered an alias may remove it; sign with that account."),
        ErrorDef(12, "AgentNotInDestination", "Cash-out happens at an agent in the receiving country; choose an agent of that country."),
        ErrorDef(13, "BadParams", "The fee or margin is above 2000 bps, or expiry is not longer than settlement; choose values within those bounds."),
        ErrorDef(14, "SelfRemittance", "Sender and recipient are the same account; a remittance goes to someone else."),
    )
    STORAGE = (
        StorageDef("NextId", U64, "The id of the next remittance.", default=0),
        StorageDef("Remittances", REMITTANCE, "Every remittance with its amounts, costs and timeline.",
                   keys=(("Blake2_128Concat", U64),)),
        StorageDef("Aliases", ACCOUNT_ID, "Alias (salted phone hash) -> the account that registered it.",
                   keys=(("Blake2_128Concat", H256),)),
        StorageDef("SettleAt", U64, "Remittances that become Available at a block (index for the hook).",
                   keys=(("Twox64Concat", U32), ("Twox64Concat", U64))),
        StorageDef("ExpireAt", U64, "Remittances that expire at a block (index for the hook).",
                   keys=(("Twox64Concat", U32), ("Twox64Concat", U64))),
        StorageDef("Params", PARAMS, "Fee, FX margin, settlement delay and expiry.", default=DEFAULT_PARAMS),
    )
    CONSTANTS = (ConstantDef("FxDesk", ACCOUNT_ID, DESK, "The pallet-owned account that is the counterparty of every conversion."),)

    # -- calls ----------------------------------------------------------------------------------------
    @call(0, ("recipient", RECIPIENT), ("send_asset", U32), ("amount", COMPACT_U128), ("receive_asset", U32),
          ("source_country", COUNTRY_CODE), ("destination_country", COUNTRY_CODE), weight=80_000_000)
    def send_remittance(self, origin: Origin, recipient: Any, send_asset: int, amount: int, receive_asset: int,
                        source_country: str, destination_country: str) -> None:
        """Send `amount` of the send asset (plus the fee) to a recipient account or alias, converted at the
        oracle rate less the FX margin into the receive asset of the destination country."""
        sender = ensure_signed(origin)
        if amount == 0:
            raise self.fail("ZeroAmount")
        for c in (source_country, destination_country):
            if not re.fullmatch(r"[A-Z]{2}", c):
                raise self.fail("BadCountry", c)
        if recipient == ("Account", sender):
            raise self.fail("SelfRemittance")
        assets, oracle = self.rt.pallet("Assets"), self.rt.pallet("Oracle")
        send_details, recv_details = assets.details(send_asset), assets.details(receive_asset)
        if recv_details["country"] and recv_details["country"] != destination_country:
            raise self.fail("CorridorMismatch", f"{recv_details['symbol']} is {recv_details['country']}'s token")
        if send_details["country"] and send_details["country"] != source_country:
            raise self.fail("CorridorMismatch", f"{send_details['symbol']} is {send_details['country']}'s token")
        params = self.Params.get()
        if send_asset == receive_asset:  # same currency: no conversion, no rate needed
            margin, mid, received = 0, RATE_SCALE, amount
        else:
            margin = params["fx_margin_bps"]
            mid = oracle.mid_rate(send_asset, receive_asset)  # NoRate / StaleRate
            received = oracle.convert(send_asset, receive_asset, amount, margin)
        if received == 0:
            raise self.fail("AmountTooSmall")
        fee = -(-amount * params["fee_bps"] // 10_000)
        if assets.balance(send_asset, sender) < amount + fee:
            raise self.fail("InsufficientBalance", f"needs {amount} + fee {fee}")
        if assets.balance(receive_asset, DESK) + (amount + fee if send_asset == receive_asset else 0) < received:
            raise self.fail("InsufficientLiquidity")
        rid = take_id(self.NextId)
        assets.move(send_asset, sender, DESK, amount + fee)
        assets.move(receive_asset, DESK, escrow_account(rid), received)
        now = self.block_number
        record = {
            "id": rid, "sender": sender, "recipient": recipient, "source_country": source_country,
            "destination_country": destination_country, "send_asset": send_asset, "send_amount": amount,
            "receive_asset": receive_asset, "receive_amount": received, "rate": mid * (10_000 - margin) // 10_000,
            "mid_rate": mid, "fee": fee, "fx_margin_bps": margin,
            "total_cost_bps": self._total_cost_bps(send_asset, receive_asset, amount, fee, received),
            "status": ("Sent", None), "sent_at": now, "available_at": None, "finished_at": None,
            "expires_at": now + params["expiry_blocks"],
        }
        self.Remittances.put(rid, record)
        self.SettleAt.put(now + params["settlement_blocks"], rid, rid)
        self.ExpireAt.put(record["expires_at"], rid, rid)
        self.emit("RemittanceSent", {k: record[k] for k, _ in self.event_def("RemittanceSent").fields})

    @call(1, ("alias", H256), weight=15_000_000)
    def register_alias(self, origin: Origin, alias: bytes) -> None:
        """Register an alias (blake2_256(salt || phone), computed off chain) for the caller's account."""
        who = ensure_signed(origin)
        owner = self.Aliases.get(alias)
        if owner is not None and owner != who:
            raise self.fail("AliasTaken")
        self.Aliases.put(alias, who)
        self.emit("AliasRegistered", {"alias": alias, "who": who})

    @call(2, ("alias", H256), weight=15_000_000)
    def remove_alias(self, origin: Origin, alias: bytes) -> None:
        """Remove one of the caller's aliases (e.g. after changing phone number)."""
        who = ensure_signed(origin)
        if self.Aliases.get(alias) != who:
            raise self.fail("NotAliasOwner")
        self.Aliases.remove(alias)
        self.emit("AliasRemoved", {"alias": alias, "who": who})

    @call(3, ("id", U64), ("agent", MULTI_ADDRESS), weight=60_000_000)
    def cash_out(self, origin: Origin, id: int, agent: Any) -> None:
        """The recipient collects an available remittance in cash at an agent of the destination country."""
        who = ensure_signed(origin)
        record = self._collectable(id, who)
        agent_id = lookup(agent)
        assets = self.rt.pallet("Assets")
        country = assets.agent_country(agent_id)
        if country is not None and country != record["destination_country"]:
            raise self.fail("AgentNotInDestination", f"agent serves {country}")
        asset, amount = record["receive_asset"], record["receive_amount"]
        assets.move(asset, escrow_account(id), who, amount)
        assets.cash_out_via(asset, who, agent_id, amount)  # NotAgent / AgentUnavailable
        self._finish(record, "CashedOut")
        self.emit("RemittanceCashedOut", {"id": id, "recipient": who, "agent": agent_id, "asset": asset,
                                          "amount": amount, "sent_at": record["sent_at"]})
        self._note_inflow(who, amount, asset)

    @call(4, ("id", U64), weight=40_000_000)
    def claim(self, origin: Origin, id: int) -> None:
        """The recipient takes an available remittance into their wallet as tokens."""
        who = ensure_signed(origin)
        record = self._collectable(id, who)
        asset, amount = record["receive_asset"], record["receive_amount"]
        self.rt.pallet("Assets").move(asset, escrow_account(id), who, amount)
        self._finish(record, "Claimed")
        self.emit("RemittanceClaimed", {"id": id, "recipient": who, "asset": asset, "amount": amount,
                                        "sent_at": record["sent_at"]})
        self._note_inflow(who, amount, asset)

    @call(5, ("asset", U32), ("amount", COMPACT_U128), weight=30_000_000)
    def fund_desk(self, origin: Origin, asset: int, amount: int) -> None:
        """Add liquidity of an asset to the FX desk (e.g. an agent's float); it does not come back to the funder."""
        who = ensure_signed(origin)
        if amount == 0:
            raise self.fail("ZeroAmount")
        assets = self.rt.pallet("Assets")
        assets.details(asset)  # UnknownAsset
        if assets.balance(asset, who) < amount:
            raise self.fail("InsufficientBalance")
        assets.move(asset, who, DESK, amount)
        self.emit("DeskFunded", {"asset": asset, "from": who, "amount": amount})

    @call(6, ("asset", U32), ("amount", COMPACT_U128), ("dest", MULTI_ADDRESS), weight=30_000_000)
    def force_desk_withdraw(self, origin: Origin, asset: int, amount: int, dest: Any) -> None:
        """Take liquidity (and accrued fees and margins) out of the FX desk (root)."""
        ensure_root(origin)
        if amount == 0:
            raise self.fail("ZeroAmount")
        assets = self.rt.pallet("Assets")
        assets.details(asset)  # UnknownAsset
        if assets.balance(asset, DESK) < amount:
            raise self.fail("InsufficientLiquidity")
        to = lookup(dest)
        assets.move(asset, DESK, to, amount)
        self.emit("DeskWithdrawn", {"asset": asset, "to": to, "amount": amount})

    @call(7, ("fee_bps", U16), ("fx_margin_bps", U16), ("settlement_blocks", U32), ("expiry_blocks", U32), weight=5_000_000)
    def force_set_params(self, origin: Origin, fee_bps: int, fx_margin_bps: int, settlement_blocks: int,
                         expiry_blocks: int) -> None:
        """Set the fee, FX margin, settlement delay and expiry (root); applies to remittances sent afterwards."""
        ensure_root(origin)
        if fee_bps > MAX_BPS or fx_margin_bps > MAX_BPS or expiry_blocks <= settlement_blocks:
            raise self.fail("BadParams")
        params = {"fee_bps": fee_bps, "fx_margin_bps": fx_margin_bps, "settlement_blocks": settlement_blocks,
                  "expiry_blocks": expiry_blocks}
        self.Params.put(params)
        self.emit("ParamsSet", params)

    # -- hooks ------------------------------------------------------------------------------------------
    def on_initialize(self, n: int) -> int:
        settled = take_due(self.SettleAt, n)
        for rid in settled:
            record = self.Remittances.get(rid)
            if record is not None and record["status"][0] == "Sent":
                record["status"], record["available_at"] = ("Available", None), n
                self.Remittances.put(rid, record)
                self.emit("RemittanceAvailable", {"id": rid, "receive_asset": record["receive_asset"],
                                                  "receive_amount": record["receive_amount"], "sent_at": record["sent_at"]})
        expired = take_due(self.ExpireAt, n)
        for rid in expired:
            record = self.Remittances.get(rid)
            if record is not None and record["status"][0] in ACTIVE:
                self._refund(record)
        return 5_000_000 * (len(settled) + 4 * len(expired))

    # -- internals --------------------------------------------------------------------------------------
    def _total_cost_bps(self, src: int, dst: int, amount: int, fee: int, received: int) -> int:
        """(fee + FX cost) / amount in bps, rounded to nearest; FX cost = amount - value of what was
        received at the oracle mid rate, in send units (exact rational arithmetic)."""
        if src == dst:
            return (fee * 10_000 * 2 + amount) // (2 * amount)
        assets, oracle = self.rt.pallet("Assets"), self.rt.pallet("Oracle")
        rs, rd = oracle.fresh_rate(src), oracle.fresh_rate(dst)
        ds, dd = assets.details(src)["decimals"], assets.details(dst)["decimals"]
        unit = rd * 10**dd  # value of x send units in "received units" is x * rd 10^dd / (rs 10^ds)
        num = (fee + amount) * unit - received * rs * 10**ds
        den = amount * unit
        return max(0, (num * 10_000 * 2 + den) // (2 * den))

    def resolve(self, recipient: Any) -> bytes | None:
        """The account a recipient value stands for (None: an alias nobody registered yet)."""
        kind, value = recipient
        return value if kind == "Account" else self.Aliases.get(value)

    def _collectable(self, rid: int, who: bytes) -> dict[str, Any]:
        record = must_get(self, self.Remittances, "UnknownRemittance", rid)
        owner = self.resolve(record["recipient"])
        if owner is None:
            raise self.fail("UnknownAlias")
        if owner != who:
            raise self.fail("NotRecipient")
        if record["status"][0] != "Available":
            raise self.fail("NotAvailable", f"status {record['status'][0]}")
        return record

    def _finish(self, record: dict[str, Any], status: str) -> None:
        record["status"], record["finished_at"] = (status, None), self.block_number
        self.Remittances.put(record["id"], record)
        self.ExpireAt.remove(record["expires_at"], record["id"])

    def _refund(self, record: dict[str, Any]) -> None:
        assets = self.rt.pallet("Assets")
        rid, escrow = record["id"], escrow_account(record["id"])
        src, dst = record["send_asset"], record["receive_asset"]
        principal, received = record["send_amount"], record["receive_amount"]
        desk_has = assets.balance(src, DESK) + (received if src == dst else 0)
        if desk_has >= principal:  # the desk unwinds the conversion at the original terms
            assets.move(dst, escrow, DESK, received)
            assets.move(src, DESK, record["sender"], principal)
            asset, amount = src, principal
        else:  # the desk cannot: the sender gets the converted tokens back
            assets.move(dst, escrow, record["sender"], received)
            asset, amount = dst, received
        self._finish(record, "Refunded")
        self.emit("RemittanceRefunded", {"id": rid, "sender": record["sender"], "asset": asset, "amount": amount,
                                         "sent_at": record["sent_at"]})

    def _note_inflow(self, who: bytes, amount: int, asset: int) -> None:
        credit_note(self.rt, "note_inflow", who, amount, asset)

    # -- public API for analytics -------------------------------------------------------------------------
    def remittance(self, rid: int) -> dict[str, Any] | None:
        return self.Remittances.get(rid)

    def build_genesis(self, config: dict[str, Any]) -> None:
        params = dict(DEFAULT_PARAMS)
        params["expiry_blocks"] = 30 * max(1, self.rt.blocks_per_day)
        params.update(config.get("remittance_params", {}))
        self.Params.put(params)
