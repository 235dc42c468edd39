"""Test helpers for pallets, in the FRAME way: a runtime with a genesis state, calls dispatched straight
from an origin (no fees, no signatures), block hooks on demand, events drained and compared, and
`assert_noop`: the named error AND storage unchanged.
"""
from __future__ import annotations

from typing import Any

from chain.block import genesis_block
from chain.crypto import dev_keypair
from chain.errors import DispatchError, ModuleError
from chain.frame import ROOT, Origin
from chain.node import dev_genesis_config
from chain.runtime import Runtime
from chain.types import UNIT


def account(name: str) -> bytes:
    """A test account: the dev keys for Alice..Ferdie, otherwise a deterministic key from the name."""
    return dev_keypair(name).public


class TestChain:
    """An in-memory chain positioned inside block 1, for dispatching calls directly."""

    __test__ = False  # not a pytest class

    def __init__(self, config: dict[str, Any] | None = None, funded: tuple[str, ...] = ()):
        cfg = dict(config or dev_genesis_config())
        cfg["balances"] = list(cfg.get("balances", [])) + [(account(n), 1_000 * UNIT) for n in funded]
        self.rt = Runtime()
        self.genesis, self.trie, _ = genesis_block(self.rt, cfg)
        self.parent_hash = self.genesis.hash
        self.rt.initialize_block(1, self.parent_hash)
        self._seen = 0

    # -- dispatch --------------------------------------------------------------------------------------
    def origin(self, who: str | bytes | Origin | None) -> Origin:
        if isinstance(who, Origin):
            return who
        if who is None or who == "root":
            return ROOT
        return Origin.signed(account(who) if isinstance(who, str) else who)

    def dispatch(self, who: str | bytes | Origin | None, pallet: str, call: str, /, **args: Any) -> None:
        """Dispatch a call (through its SCALE encoding, as a real extrinsic would) from an origin."""
        value = self.rt.make_call(pallet, call, **args)
        value = self.rt.decode_call(self.rt.encode_call(value))
        self.rt.phase = ("ApplyExtrinsic", self.rt.extrinsic_count)
        self.rt.dispatch_call(value, self.origin(who))

    def snapshot(self) -> tuple[dict[bytes, bytes | None], int]:
        return dict(self.rt.state.changes), len(self.rt.events)

    def assert_noop(self, error: str, who: Any, pallet: str, call: str, /, **args: Any) -> ModuleError | DispatchError:
        """The call fails with the named error and leaves storage and events exactly as they were."""
        before_changes = self.rt.state.effective_changes()
        before_events = len(self.rt.events)
        try:
            self.dispatch(who, pallet, call, **args)
        except ModuleError as exc:
            assert exc.name == error, f"expected {error}, got {exc.name}: {exc}"
            err: ModuleError | DispatchError = exc
        except DispatchError as exc:
            assert type(exc).__name__ == error, f"expected {error}, got {type(exc).__name__}: {exc}"
            err = exc
        else:
            raise AssertionError(f"{pallet}.{call} succeeded; expected {error}")
        assert self.rt.state.effective_changes() == before_changes, "storage changed on a failed call"
        assert len(self.rt.events) == before_events, "events were deposited by a failed call"
        return err

    # -- events ------------------------------------------------------------------------------------------
    def events(self) -> list[tuple[str, str, dict[str, Any]]]:
        """All events of the current block as (pallet, name, fields)."""
        return [(self.rt.by_index[p].NAME, ev.name, f) for _, p, ev, f in self.rt.events]

    def drain_events(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Events deposited since the last drain."""
        evs = self.events()[self._seen :]
        self._seen = len(self.rt.events)
        return evs

    def last_event(self, pallet: str | None = None) -> tuple[str, str, dict[str, Any]]:
        evs = [e for e in self.events() if pallet is None or e[0] == pallet]
        assert evs, "no events"
        return evs[-1]

    # -- time --------------------------------------------------------------------------------------------
    def next_block(self, n: int = 1) -> None:
        """Finalize the current block and start the next (hooks run); repeat n times."""
        for _ in range(n):
            changes = self.rt.finalize_block()
            self.trie.apply(changes)
            self.rt.backend.apply(changes)
            number = self.rt.block_number + 1
            self.parent_hash = bytes([number % 256]) * 32
            self.rt.initialize_block(number, self.parent_hash)
            self._seen = 0

    def next_day(self, days: int = 1) -> None:
        self.next_block(days * self.rt.blocks_per_day)

    @property
    def block_number(self) -> int:
        return self.rt.block_number

    # -- invariants ---------------------------------------------------------------------------------------
    def free(self, who: str | bytes) -> int:
        return self.rt.balances.free(account(who) if isinstance(who, str) else who)

    def check_issuance(self) -> None:
        """Total issuance equals the sum of all balances."""
        total = 0
        for _, info in self.rt.system.Account.iter():
            total += info["data"]["free"] + info["data"]["reserved"]
        assert total == self.rt.balances.TotalIssuance.get(), f"sum {total} != issuance {self.rt.balances.TotalIssuance.get()}"

    def mint_asset(self, who: str | bytes, asset: int, amount: int) -> None:
        """Give an account tokens of an asset as an agent's cash-in would (supply rises with the balance)."""
        self.rt.pallet("Assets").mint(asset, account(who) if isinstance(who, str) else who, amount)

    def asset_balance(self, who: str | bytes, asset: int) -> int:
        return self.rt.pallet("Assets").balance(asset, account(who) if isinstance(who, str) else who)

    def check_assets(self) -> None:
        """For every asset, the sum of all account balances equals its supply (only mint and burn change it)."""
        assets = self.rt.pallet("Assets")
        sums: dict[int, int] = {}
        for (asset, _), bal in assets.Account.iter():
            sums[asset] = sums.get(asset, 0) + bal
        for (asset,), details in assets.Asset.iter():
            assert sums.pop(asset, 0) == details["supply"], f"asset {asset}: balances != supply {details['supply']}"
        assert not sums, f"balances held in unknown assets {sorted(sums)}"
