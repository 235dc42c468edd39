"""InvestmentPool: residents pool savings and fund local loans through the Lending pallet.

A pool holds one asset in an account no one holds the key of, and is registered with Lending as a lender
whose vault is that account. Its manager creates loan products for it and approves or rejects requests;
loans are disbursed from, and repaid into, the pool account. Depositors hold pool shares, minted and
burned at the pool's net asset value (NAV) like a vault:

    NAV = cash in the pool account + principal outstanding on the pool's active loans

Interest and fees raise the cash, so every share gains; a default takes the loan's remaining principal
off the book at once (recoveries later raise the cash again), so every share loses pro rata. Withdrawals
are paid from idle cash only. Rounding always favours the pool (the remaining depositors).
"""
from __future__ import annotations

from typing import Any

from chain.codec import ACCOUNT_ID, BOOL, COMPACT_U128, U32, U64, U128, Struct, Vec
from chain.frame import ConstantDef, ErrorDef, EventDef, Origin, Pallet, StorageDef, call, ensure_signed
from chain.pallets.common import must_get, sub_account, take_id
from chain.pallets.lending_types import PRODUCT_TERMS

MAX_POOL_PRODUCTS = 16
POOL = Struct("pallet_puhui_pool::Pool", (
    ("manager", ACCOUNT_ID), ("asset", U32), ("account", ACCOUNT_ID), ("total_shares", U128),
    ("products", Vec(U32, MAX_POOL_PRODUCTS)),
))


def pool_account(pool_id: int) -> bytes:
    """The account holding a pool's cash; it is also the pool's lender id and vault in Lending."""
    return sub_account(b"pui/pool", pool_id, 4)


def shares_for_deposit(amount: int, total_shares: int, nav: int) -> int:
    """Shares minted for a deposit at NAV (rounded down); the first deposit mints one share per unit."""
    return amount if total_shares == 0 else amount * total_shares // nav


def amount_for_shares(shares: int, total_shares: int, nav: int) -> int:
    """What burning `shares` pays at NAV (rounded down)."""
    return shares * nav // total_shares if total_shares else 0


class InvestmentPool(Pallet):
    INDEX = 23
    NAME = "InvestmentPool"
    DOC = "Community investment pools lending through Lending; gains and losses shared pro rata via NAV."

    EVENTS = (
        EventDef(0, "PoolCreated", (("pool_id", U32), ("manager", ACCOUNT_ID), ("asset", U32), ("account", ACCOUNT_ID)),
                 "A pool was created; its account lends through Lending."),
        EventDef(1, "Deposited", (("pool_id", U32), ("who", ACCOUNT_ID), ("amount", U128), ("shares", U128), ("nav", U128)),
                 "A resident deposited and received pool shares at the NAV before the deposit."),
        EventDef(2, "Withdrawn", (("pool_id", U32), ("who", ACCOUNT_ID), ("amount", U128), ("shares", U128), ("nav", U128)),
                 "A resident burned pool shares for their value at the NAV before the withdrawal."),
        EventDef(3, "ProductAttached", (("pool_id", U32), ("product_id", U32)), "The manager created a loan product funded by the pool."),
    )
    ERRORS = (
        ErrorDef(0, "PoolNotFound", "No pool with that id; check the id in the PoolCreated event."),
        ErrorDef(1, "NotManager", "Only the pool's manager may do this; sign with the manager's account."),
        ErrorDef(2, "ZeroAmount", "A zero amount moves nothing; give an amount greater than zero."),
        ErrorDef(3, "DepositTooSmall", "The deposit is worth less than one pool share; deposit more."),
        ErrorDef(4, "InsufficientShares", "You hold fewer pool shares than that; withdraw at most what you hold."),
        ErrorDef(5, "InsufficientLiquidity", "The pool's idle cash cannot pay this now (the rest is lent out); withdraw less or later."),
        ErrorDef(6, "PoolInsolvent", "The pool's value is zero after losses, so a share has no price; it takes no new deposits, "
                                     "create a new pool instead."),
        ErrorDef(7, "WrongAsset", "A pool lends only its own asset; set the product's asset to the pool's asset."),
        ErrorDef(8, "TooManyProducts", "A pool has at most MaxPoolProducts products (closed ones count too); reopen a closed "
                                       "product with set_product_active instead of creating one."),
    )
    STORAGE = (
        StorageDef("NextPoolId", U32, "The id the next pool gets.", default=0),
        StorageDef("Pools", POOL, "Pools by id.", keys=(("Twox64Concat", U32),)),
        StorageDef("Holdings", U128, "Pool shares held: (pool, account) -> shares.",
                   keys=(("Twox64Concat", U32), ("Blake2_128Concat", ACCOUNT_ID)), default=0),
    )
    CONSTANTS = (ConstantDef("MaxPoolProducts", U32, MAX_POOL_PRODUCTS, "Most loan products one pool may offer."),)

    @call(0, ("asset", U32), weight=30_000_000)
    def create_pool(self, origin: Origin, asset: int) -> None:
        """Create a pool in an asset, managed by you."""
        who = ensure_signed(origin)
        self.rt.pallet("Assets").details(asset)
        pid = take_id(self.NextPoolId)
        account = pool_account(pid)
        self.Pools.put(pid, {"manager": who, "asset": asset, "account": account, "total_shares": 0, "products": []})
        self.rt.pallet("Lending").register_pallet_lender(account, account)
        self.emit("PoolCreated", {"pool_id": pid, "manager": who, "asset": asset, "account": account})

    @call(1, ("pool_id", U32), ("amount", COMPACT_U128), weight=40_000_000)
    def deposit(self, origin: Origin, pool_id: int, amount: int) -> None:
        """Deposit into a pool for shares at NAV."""
        who = ensure_signed(origin)
        pool = self._pool(pool_id)
        if amount == 0:
            raise self.fail("ZeroAmount")
        nav = self.nav(pool_id)
        if pool["total_shares"] and nav == 0:
            raise self.fail("PoolInsolvent")
        shares = shares_for_deposit(amount, pool["total_shares"], nav)
        if shares == 0:
            raise self.fail("DepositTooSmall")
        self.rt.pallet("Assets").move(pool["asset"], who, pool["account"], amount)
        pool["total_shares"] += shares
        self.Pools.put(pool_id, pool)
        self.Holdings.put(pool_id, who, self.Holdings.get(pool_id, who) + shares)
        self.emit("Deposited", {"pool_id": pool_id, "who": who, "amount": amount, "shares": shares, "nav": nav})

    @call(2, ("pool_id", U32), ("shares", COMPACT_U128), weight=40_000_000)
    def withdraw(self, origin: Origin, pool_id: int, shares: int) -> None:
        """Burn pool shares for their value at NAV, paid from idle cash."""
        who = ensure_signed(origin)
        pool = self._pool(pool_id)
        if shares == 0:
            raise self.fail("ZeroAmount")
        held = self.Holdings.get(pool_id, who)
        if shares > held:
            raise self.fail("InsufficientShares")
        nav = self.nav(pool_id)
        amount = amount_for_shares(shares, pool["total_shares"], nav)
        if amount > self.cash(pool_id):
            raise self.fail("InsufficientLiquidity")
        self.rt.pallet("Assets").move(pool["asset"], pool["account"], who, amount)
        pool["total_shares"] -= shares
        self.Pools.put(pool_id, pool)
        self.Holdings.put(pool_id, who, held - shares)
        self.emit("Withdrawn", {"pool_id": pool_id, "who": who, "amount": amount, "shares": shares, "nav": nav})

    @call(3, ("pool_id", U32), ("terms", PRODUCT_TERMS), weight=40_000_000)
    def create_product(self, origin: Origin, pool_id: int, terms: dict[str, Any]) -> None:
        """As manager, offer a loan product funded by the pool (Lending.ProductCreated names the pool account)."""
        pool = self._managed(origin, pool_id)
        if terms["asset"] != pool["asset"]:
            raise self.fail("WrongAsset")
        if len(pool["products"]) >= MAX_POOL_PRODUCTS:
            raise self.fail("TooManyProducts")
        product_id = self.rt.pallet("Lending").create_product_for(pool["account"], terms)
        pool["products"].append(product_id)
        self.Pools.put(pool_id, pool)
        self.emit("ProductAttached", {"pool_id": pool_id, "product_id": product_id})

    @call(4, ("pool_id", U32), ("loan_id", U64), weight=60_000_000)
    def approve_loan(self, origin: Origin, pool_id: int, loan_id: int) -> None:
        """As manager, approve a request to one of the pool's products (disbursed from the pool)."""
        pool = self._managed(origin, pool_id)
        self.rt.pallet("Lending").approve_as(pool["account"], loan_id)

    @call(5, ("pool_id", U32), ("loan_id", U64), weight=30_000_000)
    def reject_loan(self, origin: Origin, pool_id: int, loan_id: int) -> None:
        """As manager, turn down a request to one of the pool's products."""
        pool = self._managed(origin, pool_id)
        self.rt.pallet("Lending").reject_as(pool["account"], loan_id)

    @call(6, ("pool_id", U32), ("loan_id", U64), weight=30_000_000)
    def write_off(self, origin: Origin, pool_id: int, loan_id: int) -> None:
        """As manager, write off a defaulted pool loan (its loss already left the NAV at default)."""
        pool = self._managed(origin, pool_id)
        self.rt.pallet("Lending").write_off_as(pool["account"], loan_id)

    @call(7, ("pool_id", U32), ("product_id", U32), ("active", BOOL), weight=20_000_000)
    def set_product_active(self, origin: Origin, pool_id: int, product_id: int, active: bool) -> None:
        """As manager, open or close one of the pool's products to new requests."""
        pool = self._managed(origin, pool_id)
        self.rt.pallet("Lending").set_product_active_as(pool["account"], product_id, active)

    @call(8, ("pool_id", U32), ("loan_id", U64), weight=60_000_000)
    def disburse_loan(self, origin: Origin, pool_id: int, loan_id: int) -> None:
        """As manager, disburse an approved pool loan that waited for the pool's idle cash."""
        pool = self._managed(origin, pool_id)
        self.rt.pallet("Lending").disburse_as(pool["account"], loan_id)

    # -- the public API --------------------------------------------------------------------------------------
    def cash(self, pool_id: int) -> int:
        """Idle cash in the pool account."""
        pool = self._pool(pool_id)
        return self.rt.pallet("Assets").balance(pool["asset"], pool["account"])

    def nav(self, pool_id: int) -> int:
        """Net asset value: idle cash plus principal outstanding on active pool loans."""
        pool = self._pool(pool_id)
        book = self.rt.pallet("Lending").book(pool["account"], pool["asset"])
        return self.cash(pool_id) + book["outstanding"]

    def share_value(self, pool_id: int, who: bytes) -> int:
        """What `who`'s shares are worth at NAV now."""
        pool = self._pool(pool_id)
        return amount_for_shares(self.Holdings.get(pool_id, who), pool["total_shares"], self.nav(pool_id))

    def _pool(self, pool_id: int) -> dict[str, Any]:
        return must_get(self, self.Pools, "PoolNotFound", pool_id)

    def _managed(self, origin: Origin, pool_id: int) -> dict[str, Any]:
        who = ensure_signed(origin)
        pool = self._pool(pool_id)
        if pool["manager"] != who:
            raise self.fail("NotManager")
        return pool
