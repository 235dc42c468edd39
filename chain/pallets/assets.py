"""Assets: a USD stable token and local-currency tokens, minted only by licensed agents on cash-in and
burned on cash-out. Every other pallet moves these tokens through the public methods at the bottom.

Conservation: for every asset, the sum of all balances equals its supply; only `cash_in` (mint) and
`cash_out` (burn) change the supply.
"""
from __future__ import annotations

from typing import Any

from chain.codec import ACCOUNT_ID, BOOL, COMPACT_U128, TextType, U8, U32, U128, Struct
from chain.frame import ErrorDef, EventDef, Origin, Pallet, StorageDef, call, checked_add, ensure_root, ensure_signed
from chain.pallets.balances import lookup
from chain.pallets.common import dismiss, must_get
from chain.types import MULTI_ADDRESS

SYMBOL = TextType(max_len=12)
ASSET_NAME = TextType(max_len=64)
COUNTRY = TextType(max_len=3)

ASSET_DETAILS = Struct("pallet_puhui_assets::AssetDetails", (
    ("symbol", SYMBOL), ("name", ASSET_NAME), ("decimals", U8), ("country", COUNTRY), ("is_stable", BOOL),
    ("supply", U128), ("holders", U32),
))
AGENT_INFO = Struct("pallet_puhui_assets::AgentInfo", (("country", COUNTRY), ("active", BOOL)))


class Assets(Pallet):
    INDEX = 10
    NAME = "Assets"
    DOC = "Stable and local-currency tokens; licensed cash-in/cash-out agents mint and burn them."

    EVENTS = (
        EventDef(0, "Created", (("asset", U32), ("symbol", SYMBOL), ("is_stable", BOOL)), "An asset was created."),
        EventDef(1, "AgentLicensed", (("agent", ACCOUNT_ID), ("country", COUNTRY)), "An account was licensed as a cash agent."),
        EventDef(2, "AgentStatusChanged", (("agent", ACCOUNT_ID), ("active", BOOL)), "An agent went on- or offline."),
        EventDef(3, "CashedIn", (("asset", U32), ("agent", ACCOUNT_ID), ("who", ACCOUNT_ID), ("amount", U128)),
                 "An agent took cash and minted tokens to a customer."),
        EventDef(4, "CashedOut", (("asset", U32), ("agent", ACCOUNT_ID), ("who", ACCOUNT_ID), ("amount", U128)),
                 "A customer handed tokens to an agent for cash; the tokens were burned."),
        EventDef(5, "Transferred", (("asset", U32), ("from", ACCOUNT_ID), ("to", ACCOUNT_ID), ("amount", U128)),
                 "Tokens moved between accounts."),
        EventDef(6, "AgentRevoked", (("agent", ACCOUNT_ID),), "An agent's licence was revoked."),
    )
    ERRORS = (
        ErrorDef(0, "UnknownAsset", "No asset with that id; list the chain's assets and pick one that exists."),
        ErrorDef(1, "AssetExists", "An asset with that id exists already; choose a free id."),
        ErrorDef(2, "NotAgent", "Only a licensed cash agent may do this; ask the operator for a licence."),
        ErrorDef(3, "AgentUnavailable", "The agent is offline (outage); use another agent or try later."),
        ErrorDef(4, "InsufficientBalance", "The account holds fewer tokens than the amount; send less or cash in first."),
        ErrorDef(5, "ZeroAmount", "A zero amount moves nothing; give an amount greater than zero."),
        ErrorDef(6, "WrongCountry", "The agent serves another country than this asset's; use an agent of the asset's country."),
    )
    STORAGE = (
        StorageDef("Asset", ASSET_DETAILS, "Details and supply of each asset.", keys=(("Blake2_128Concat", U32),)),
        StorageDef("Account", U128, "Token balance of an account in an asset.",
                   keys=(("Blake2_128Concat", U32), ("Blake2_128Concat", ACCOUNT_ID)), default=0),
        StorageDef("Agents", AGENT_INFO, "Licensed cash-in/cash-out agents and whether they are online.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID),)),
    )

    # -- calls ----------------------------------------------------------------------------------------
    @call(0, ("id", U32), ("symbol", SYMBOL), ("name", ASSET_NAME), ("decimals", U8), ("country", COUNTRY), ("is_stable", BOOL),
          weight=20_000_000)
    def force_create(self, origin: Origin, id: int, symbol: str, name: str, decimals: int, country: str, is_stable: bool) -> None:
        """Create an asset (root)."""
        ensure_root(origin)
        if self.Asset.contains(id):
            raise self.fail("AssetExists")
        self.Asset.put(id, {"symbol": symbol, "name": name, "decimals": decimals, "country": country,
                            "is_stable": is_stable, "supply": 0, "holders": 0})
        self.emit("Created", {"asset": id, "symbol": symbol, "is_stable": is_stable})

    @call(1, ("agent", MULTI_ADDRESS), ("country", COUNTRY), weight=15_000_000)
    def force_license_agent(self, origin: Origin, agent: Any, country: str) -> None:
        """License an account as a cash agent for a country (root)."""
        ensure_root(origin)
        who = lookup(agent)
        self.Agents.put(who, {"country": country, "active": True})
        self.emit("AgentLicensed", {"agent": who, "country": country})

    @call(2, ("agent", MULTI_ADDRESS), weight=15_000_000)
    def force_revoke_agent(self, origin: Origin, agent: Any) -> None:
        """Revoke an agent's licence (root)."""
        ensure_root(origin)
        who = lookup(agent)
        dismiss(self, self.Agents, who, "NotAgent")
        self.emit("AgentRevoked", {"agent": who})

    @call(3, ("active", BOOL), weight=10_000_000)
    def set_agent_status(self, origin: Origin, active: bool) -> None:
        """An agent declares itself online or offline (e.g. an outage)."""
        who = ensure_signed(origin)
        info = self.Agents.get(who)
        if info is None:
            raise self.fail("NotAgent")
        info["active"] = active
        self.Agents.put(who, info)
        self.emit("AgentStatusChanged", {"agent": who, "active": active})

    @call(4, ("asset", U32), ("who", MULTI_ADDRESS), ("amount", COMPACT_U128), weight=30_000_000)
    def cash_in(self, origin: Origin, asset: int, who: Any, amount: int) -> None:
        """A licensed agent receives cash from a customer and mints the same amount of tokens to them."""
        agent = ensure_signed(origin)
        details = self._check_agent(agent, asset)
        if amount == 0:
            raise self.fail("ZeroAmount")
        customer = lookup(who)
        self.mint(asset, customer, amount, details)
        self.emit("CashedIn", {"asset": asset, "agent": agent, "who": customer, "amount": amount})

    @call(5, ("asset", U32), ("agent", MULTI_ADDRESS), ("amount", COMPACT_U128), weight=30_000_000)
    def cash_out(self, origin: Origin, asset: int, agent: Any, amount: int) -> None:
        """A customer hands tokens to an agent, who pays out cash; the tokens are burned."""
        self.cash_out_via(asset, ensure_signed(origin), lookup(agent), amount)

    @call(6, ("asset", U32), ("dest", MULTI_ADDRESS), ("amount", COMPACT_U128), weight=25_000_000)
    def transfer(self, origin: Origin, asset: int, dest: Any, amount: int) -> None:
        """Send tokens of an asset to another account."""
        who = ensure_signed(origin)
        if amount == 0:
            raise self.fail("ZeroAmount")
        self.move(asset, who, lookup(dest), amount)

    # -- the public API for other pallets ---------------------------------------------------------------
    def details(self, asset: int) -> dict[str, Any]:
        """An asset's details and supply (UnknownAsset if there is no such asset)."""
        return must_get(self, self.Asset, "UnknownAsset", asset, detail=f"asset {asset}")

    def balance(self, asset: int, who: bytes) -> int:
        return self.Account.get(asset, who)

    def move(self, asset: int, src: bytes, dst: bytes, amount: int) -> None:
        """Move tokens (no fee, no existence rule); emits Transferred."""
        details = self.details(asset)
        have = self.Account.get(asset, src)
        if amount > have:
            raise self.fail("InsufficientBalance", f"has {have}, needs {amount}")
        if src != dst and amount:
            dst_before = self.Account.get(asset, dst)
            holders = details["holders"] + (dst_before == 0) - (have == amount)
            self.Account.put(asset, src, have - amount)
            self.Account.put(asset, dst, checked_add(dst_before, amount))
            if holders != details["holders"]:
                details["holders"] = holders
                self.Asset.put(asset, details)
        self.emit("Transferred", {"asset": asset, "from": src, "to": dst, "amount": amount})

    def mint(self, asset: int, who: bytes, amount: int, details: dict[str, Any] | None = None) -> None:
        """Create `amount` tokens for `who` (`details`: the asset's, when the caller has just read them)."""
        details = self.details(asset) if details is None else details
        before = self.Account.get(asset, who)
        details["supply"] = checked_add(details["supply"], amount)
        details["holders"] += before == 0 and amount > 0
        self.Account.put(asset, who, checked_add(before, amount))
        self.Asset.put(asset, details)

    def burn(self, asset: int, who: bytes, amount: int, details: dict[str, Any] | None = None) -> None:
        """Destroy `amount` of `who`'s tokens (`details` as for `mint`)."""
        details = self.details(asset) if details is None else details
        have = self.Account.get(asset, who)
        if amount > have:
            raise self.fail("InsufficientBalance", f"has {have}, needs {amount}")
        details["supply"] -= amount
        details["holders"] -= have == amount and amount > 0
        self.Account.put(asset, who, have - amount)
        self.Asset.put(asset, details)

    def cash_out_via(self, asset: int, who: bytes, agent: bytes, amount: int) -> None:
        """Burn `amount` of `who`'s tokens as cash paid out by a licensed, online agent of the asset's
        country (the agent checks of `cash_out`); emits CashedOut. For pallets that pay out for a user
        (a remittance collected at an agent, a merchant redeeming vouchers)."""
        details = self._check_agent(agent, asset)
        if amount == 0:
            raise self.fail("ZeroAmount")
        self.burn(asset, who, amount, details)
        self.emit("CashedOut", {"asset": asset, "agent": agent, "who": who, "amount": amount})

    def agent_country(self, agent: bytes) -> str | None:
        """The country a licensed agent serves (None: not an agent)."""
        info = self.Agents.get(agent)
        return None if info is None else info["country"]

    def _check_agent(self, agent: bytes, asset: int) -> dict[str, Any]:
        """NotAgent, AgentUnavailable, UnknownAsset or WrongCountry unless `agent` may serve `asset`;
        returns the asset's details (read once: cash in and out go on to mint or burn with them)."""
        info = self.Agents.get(agent)
        if info is None:
            raise self.fail("NotAgent")
        if not info["active"]:
            raise self.fail("AgentUnavailable")
        details = self.details(asset)
        country = details["country"]
        if country and info["country"] != country and not details["is_stable"]:
            raise self.fail("WrongCountry", f"agent serves {info['country']}, asset is {country}")
        return details

    def build_genesis(self, config: dict[str, Any]) -> None:
        for a in config.get("assets", []):
            self.Asset.put(a["id"], {"symbol": a["symbol"], "name": a["name"], "decimals": a["decimals"],
                                     "country": a.get("country", ""), "is_stable": a.get("is_stable", False),
                                     "supply": 0, "holders": 0})
        for agent, country in config.get("agents", []):
            self.Agents.put(agent, {"country": country, "active": True})
