"""System: accounts and nonces, block number and parent hash, events with phases, remarks."""
from __future__ import annotations

from typing import Any

from chain.codec import ACCOUNT_ID, BYTES, H256, U16, U32, U64, Vec
from chain.frame import ConstantDef, ErrorDef, EventDef, Origin, Pallet, StorageDef, call, ensure_signed
from chain.hashing import blake2_256
from chain.types import ACCOUNT_INFO, DISPATCH_ERROR, DISPATCH_INFO, EMPTY_ACCOUNT, EVENT_RECORD, SS58_PREFIX

BLOCK_HASH_COUNT = 2400
DEFAULT_BLOCKS_PER_DAY = 24


class System(Pallet):
    INDEX = 0
    NAME = "System"
    DOC = "Accounts, nonces, block bookkeeping and events."

    EVENTS = (
        EventDef(0, "ExtrinsicSuccess", (("dispatch_info", DISPATCH_INFO),), "An extrinsic completed successfully."),
        EventDef(1, "ExtrinsicFailed", (("dispatch_error", DISPATCH_ERROR), ("dispatch_info", DISPATCH_INFO)),
                 "An extrinsic failed; its fee was paid and its changes were rolled back."),
        EventDef(3, "NewAccount", (("account", ACCOUNT_ID),), "A new account was created."),
        EventDef(4, "KilledAccount", (("account", ACCOUNT_ID),), "An account was reaped."),
        EventDef(5, "Remarked", (("sender", ACCOUNT_ID), ("hash", H256)), "On-chain remark happened."),
    )
    ERRORS = (
        ErrorDef(5, "CallFiltered", "The origin filter prevented the call; the call is not allowed here."),
    )
    STORAGE = (
        StorageDef("Account", ACCOUNT_INFO, "The full account information for a particular account ID.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID),), default=EMPTY_ACCOUNT),
        StorageDef("ExtrinsicCount", U32, "Total extrinsics count for the current block."),
        StorageDef("BlockHash", H256, "Map of block numbers to block hashes.",
                   keys=(("Twox64Concat", U32),), default=bytes(32)),
        StorageDef("Number", U32, "The current block number being processed.", default=0),
        StorageDef("ParentHash", H256, "Hash of the previous block.", default=bytes(32)),
        StorageDef("Events", Vec(EVENT_RECORD), "Events deposited for the current block (written once at block end).",
                   default=[]),
        StorageDef("EventCount", U32, "The number of events in the Events list.", default=0),
        StorageDef("BlocksPerDay", U32, "How many blocks make one (simulated) day; loan schedules count in these.",
                   default=DEFAULT_BLOCKS_PER_DAY),
        StorageDef("GenesisTime", U64, "Unix time (ms) of the genesis block; day d starts at block d * BlocksPerDay.",
                   default=0),
    )
    CONSTANTS = (
        ConstantDef("BlockHashCount", U32, BLOCK_HASH_COUNT, "Maximum number of block number to block hash mappings to keep."),
        ConstantDef("SS58Prefix", U16, SS58_PREFIX, "The designated SS58 prefix of this chain."),
    )

    @call(0, ("remark", BYTES), weight=2_000_000)
    def remark(self, origin: Origin, remark: bytes) -> None:
        """Make some on-chain remark (nothing is stored but the extrinsic itself)."""
        ensure_signed(origin)

    @call(7, ("remark", BYTES), weight=5_000_000)
    def remark_with_event(self, origin: Origin, remark: bytes) -> None:
        """Make some on-chain remark and emit an event with its hash."""
        who = ensure_signed(origin)
        self.emit("Remarked", {"sender": who, "hash": blake2_256(remark)})

    # -- account helpers used by the runtime and Balances ----------------------------------------------
    def account(self, who: bytes) -> dict[str, Any]:
        return self.Account.get(who)

    def set_account(self, who: bytes, info: dict[str, Any]) -> None:
        """Write an account; an account with no providers and no balance is reaped (removed)."""
        self.Account.put(who, info)

    def nonce_and_free(self, who: bytes) -> tuple[int, int]:
        """(next nonce, free balance) of an account, read straight from the encoded AccountInfo
        (nonce is bytes 0-4, free is bytes 16-32): the pool asks this for every transaction."""
        raw = self.rt.state.get(self.Account.key(who))
        if raw is None:
            return 0, 0
        return int.from_bytes(raw[0:4], "little"), int.from_bytes(raw[16:32], "little")

    def blocks_per_day(self) -> int:
        return self.BlocksPerDay.get()

    def build_genesis(self, config: dict[str, Any]) -> None:
        self.BlocksPerDay.put(int(config.get("blocks_per_day", DEFAULT_BLOCKS_PER_DAY)))
        self.GenesisTime.put(int(config.get("genesis_time_ms", 0)))
