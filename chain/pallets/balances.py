"""Balances: the native token (PUI, u128), existential deposit, transfers and total issuance.

Balances live in `System.Account` (as on Polkadot). An account exists while its free balance is at
least the existential deposit; going below it with `transfer_allow_death` reaps the account and burns
the dust. Total issuance always equals the sum of all balances (the invariant tests check this).
"""
from __future__ import annotations

from typing import Any

from chain.codec import ACCOUNT_ID, BOOL, COMPACT_U128, U128
from chain.errors import ChainError
from chain.frame import ConstantDef, ErrorDef, EventDef, Origin, Pallet, StorageDef, call, checked_add, ensure_root, ensure_signed
from chain.types import MULTI_ADDRESS, UNIT

EXISTENTIAL_DEPOSIT = UNIT // 1000  # 0.001 PUI


def lookup(address: Any) -> bytes:
    """MultiAddress -> AccountId (only the Id form is supported, as on most chains)."""
    from chain.errors import DispatchError

    if isinstance(address, (bytes, bytearray)) and len(address) == 32:
        return bytes(address)
    if isinstance(address, tuple) and address[0] in ("Id", "Address32"):
        return bytes(address[1])

    class CannotLookup(DispatchError):
        def to_value(self) -> tuple[str, object]:
            return ("CannotLookup", None)

    raise CannotLookup(f"cannot look up address {address!r:.60}")


class Balances(Pallet):
    INDEX = 2
    NAME = "Balances"
    DOC = "The native token: balances, transfers, existential deposit, total issuance."
    EXISTENTIAL_DEPOSIT = EXISTENTIAL_DEPOSIT

    EVENTS = (
        EventDef(0, "Endowed", (("account", ACCOUNT_ID), ("free_balance", U128)), "An account was created with some free balance."),
        EventDef(1, "DustLost", (("account", ACCOUNT_ID), ("amount", U128)),
                 "An account was removed whose balance was non-zero but below ExistentialDeposit, resulting in an outright loss."),
        EventDef(2, "Transfer", (("from", ACCOUNT_ID), ("to", ACCOUNT_ID), ("amount", U128)), "Transfer succeeded."),
        EventDef(3, "BalanceSet", (("who", ACCOUNT_ID), ("free", U128)), "A balance was set by root."),
        EventDef(7, "Deposit", (("who", ACCOUNT_ID), ("amount", U128)), "Some amount was deposited (e.g. for transaction fees)."),
        EventDef(8, "Withdraw", (("who", ACCOUNT_ID), ("amount", U128)), "Some amount was withdrawn from the account (e.g. for transaction fees)."),
        EventDef(10, "Minted", (("who", ACCOUNT_ID), ("amount", U128)), "Some amount was minted into an account."),
        EventDef(11, "Burned", (("who", ACCOUNT_ID), ("amount", U128)), "Some amount was burned from an account."),
    )
    ERRORS = (
        ErrorDef(2, "InsufficientBalance", "Balance too low to send value; send less or top the account up first."),
        ErrorDef(3, "ExistentialDeposit", "Value too low to create the account due to existential deposit; send at least ExistentialDeposit."),
        ErrorDef(4, "Expendability", "Transfer/payment would kill the account; use transfer_allow_death or send less."),
        ErrorDef(6, "DeadAccount", "Beneficiary account must pre-exist."),
    )
    STORAGE = (StorageDef("TotalIssuance", U128, "The total units issued in the system.", default=0),)
    CONSTANTS = (
        ConstantDef("ExistentialDeposit", U128, EXISTENTIAL_DEPOSIT,
                    "The minimum amount required to keep an account open. MUST BE GREATER THAN ZERO!"),
    )

    # -- calls ----------------------------------------------------------------------------------------
    @call(0, ("dest", MULTI_ADDRESS), ("value", COMPACT_U128), weight=50_000_000)
    def transfer_allow_death(self, origin: Origin, dest: Any, value: int) -> None:
        """Transfer some liquid free balance to another account; the sender may be reaped."""
        self.transfer(ensure_signed(origin), lookup(dest), value, keep_alive=False)

    @call(2, ("source", MULTI_ADDRESS), ("dest", MULTI_ADDRESS), ("value", COMPACT_U128), weight=50_000_000)
    def force_transfer(self, origin: Origin, source: Any, dest: Any, value: int) -> None:
        """Exactly as transfer_allow_death, except the origin must be root and the source is given."""
        ensure_root(origin)
        self.transfer(lookup(source), lookup(dest), value, keep_alive=False)

    @call(3, ("dest", MULTI_ADDRESS), ("value", COMPACT_U128), weight=45_000_000)
    def transfer_keep_alive(self, origin: Origin, dest: Any, value: int) -> None:
        """Transfer, but refuse if the sender would fall below the existential deposit."""
        self.transfer(ensure_signed(origin), lookup(dest), value, keep_alive=True)

    @call(4, ("dest", MULTI_ADDRESS), ("keep_alive", BOOL), weight=55_000_000)
    def transfer_all(self, origin: Origin, dest: Any, keep_alive: bool) -> None:
        """Transfer the entire free balance (less the existential deposit if keep_alive)."""
        who = ensure_signed(origin)
        free = self.free(who)
        amount = free - EXISTENTIAL_DEPOSIT if keep_alive else free
        if amount > 0:
            self.transfer(who, lookup(dest), amount, keep_alive=keep_alive)

    @call(8, ("who", MULTI_ADDRESS), ("new_free", COMPACT_U128), weight=30_000_000)
    def force_set_balance(self, origin: Origin, who: Any, new_free: int) -> None:
        """Set an account's free balance (root only); issuance follows."""
        ensure_root(origin)
        acc = lookup(who)
        old = self.free(acc)
        if new_free < EXISTENTIAL_DEPOSIT:
            new_free = 0
        issuance = self.TotalIssuance.get()
        if new_free >= old:
            self.TotalIssuance.put(checked_add(issuance, new_free - old))
        else:
            self.TotalIssuance.put(issuance - (old - new_free))
        self._write_free(acc, new_free)
        self.emit("BalanceSet", {"who": acc, "free": new_free})

    # -- the public API for other pallets and the runtime ----------------------------------------------
    def free(self, who: bytes) -> int:
        return self.rt.system.Account.get(who)["data"]["free"]

    def transfer(self, src: bytes, dst: bytes, amount: int, keep_alive: bool = True) -> None:
        """Move `amount` from src to dst with all the existential-deposit rules; emits Transfer."""
        account = self.rt.system.Account
        src_info = account.get(src)
        src_free = src_info["data"]["free"]
        if amount > src_free:
            raise self.fail("InsufficientBalance", f"has {src_free}, needs {amount}")
        remaining = src_free - amount
        if keep_alive and remaining < EXISTENTIAL_DEPOSIT:
            raise self.fail("Expendability")
        if src == dst or amount == 0:
            self.emit("Transfer", {"from": src, "to": dst, "amount": amount})
            return
        dst_info = account.get(dst)
        dst_free = dst_info["data"]["free"]
        if dst_free == 0 and amount < EXISTENTIAL_DEPOSIT:
            raise self.fail("ExistentialDeposit", f"{amount} < {EXISTENTIAL_DEPOSIT}")
        self._write_free(dst, checked_add(dst_free, amount), dst_info)
        self._write_free(src, remaining, src_info)
        self.emit("Transfer", {"from": src, "to": dst, "amount": amount})

    def mint(self, who: bytes, amount: int) -> None:
        """Create `amount` new units in `who` (issuance rises). Only for pallets allowed to mint."""
        if amount == 0:
            return
        free = self.free(who)
        if free == 0 and amount < EXISTENTIAL_DEPOSIT:
            raise self.fail("ExistentialDeposit")
        self.TotalIssuance.put(checked_add(self.TotalIssuance.get(), amount))
        self._write_free(who, checked_add(free, amount))
        self.emit("Minted", {"who": who, "amount": amount})

    def burn(self, who: bytes, amount: int, keep_alive: bool = True) -> None:
        """Destroy `amount` units of `who` (issuance falls)."""
        free = self.free(who)
        if amount > free:
            raise self.fail("InsufficientBalance")
        if keep_alive and free - amount < EXISTENTIAL_DEPOSIT:
            raise self.fail("Expendability")
        self.TotalIssuance.put(self.TotalIssuance.get() - amount)
        self._write_free(who, free - amount)
        self.emit("Burned", {"who": who, "amount": amount})

    def withdraw_fee(self, who: bytes, fee: int, bump_nonce: bool = False) -> bool:
        """Take a transaction fee (burned), and with `bump_nonce` advance the sender's nonce in the same
        write; False (and nothing changed) if the account cannot pay and stay alive."""
        info = self.rt.system.Account.get(who)
        free = info["data"]["free"]
        if fee > free or free - fee < EXISTENTIAL_DEPOSIT:
            return False
        if bump_nonce:
            info["nonce"] += 1
        if fee:
            self.TotalIssuance.put(self.TotalIssuance.get() - fee)
            self._write_free(who, free - fee, info)
            self.emit("Withdraw", {"who": who, "amount": fee})
        elif bump_nonce:
            self.rt.system.Account.put(who, info)
        return True

    def _write_free(self, who: bytes, new_free: int, info: dict[str, Any] | None = None) -> None:
        """Write an account's free balance (reaping it below the existential deposit). `info` is the
        account as the caller already read it, to save reading it again."""
        system = self.rt.system
        if info is None:
            info = system.Account.get(who)
        old_free = info["data"]["free"]
        if new_free < EXISTENTIAL_DEPOSIT and info["data"]["reserved"] == 0:
            if new_free:  # dust is lost
                self.TotalIssuance.put(self.TotalIssuance.get() - new_free)
                self.emit("DustLost", {"account": who, "amount": new_free})
            if old_free or info["nonce"] or info["providers"]:
                system.Account.remove(who)
                system.emit("KilledAccount", {"account": who})
            return
        if old_free == 0 and info["providers"] == 0:
            info = {**info, "providers": 1}
            system.emit("NewAccount", {"account": who})
            self.emit("Endowed", {"account": who, "free_balance": new_free})
        info["data"] = {**info["data"], "free": new_free}
        system.Account.put(who, info)

    def build_genesis(self, config: dict[str, Any]) -> None:
        for who, amount in config.get("balances", []):
            if amount < EXISTENTIAL_DEPOSIT:
                raise ChainError(f"genesis balance {amount} below existential deposit")
            self.TotalIssuance.put(checked_add(self.TotalIssuance.get(), amount))
            info = self.rt.system.Account.get(who)
            info["providers"] = 1
            info["data"] = {**info["data"], "free": info["data"]["free"] + amount}
            self.rt.system.Account.put(who, info)
