"""The JSON-RPC methods that read or write the node, as plain synchronous functions.

chain/rpc.py runs each of these in a worker thread (the node has its own lock), so block production
never stalls the event loop. Names, parameters and result shapes follow Substrate's node, as the
unmodified clients (substrate-interface, @polkadot/api) expect them; see ../shared/notes/substrate-rpc.md.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from chain.block import Header
from chain.crypto import InvalidAddress, account_from_str
from chain.errors import CodecError, UnknownBlock
from chain.extrinsic import decode_extrinsic
from chain.hashing import blake2_256
from chain.metadata import runtime_metadata, runtime_version
from chain.rpc_errors import INVALID_PARAMS, RpcError, hexs, invalid_params, parse_hash, parse_hex, parse_number
from chain.runtime_api import RuntimeApi
from chain.trie import StateTrie
from chain.types import SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL

UNKNOWN_BLOCK = 4003
MAX_KEYS_PAGE = 1000  # Substrate's limit for state_getKeysPaged
MAX_QUERY_BLOCKS = 1000  # blocks one state_queryStorage may span
MAX_QUERY_KEYS = 1000
MAX_QUERY_READS = 100_000  # keys x blocks of one state_queryStorage
NODE_VERSION = "0.1.0"


class NodeApi:
    """Method implementations over one `chain.node.Node`."""

    def __init__(self, node: Any, *, dev: bool = False):
        self.node = node
        self.dev = dev
        self.metadata = runtime_metadata(node.rt)
        self.version = runtime_version()
        self._tries: OrderedDict[int, StateTrie] = OrderedDict()
        self._tries_lock = threading.Lock()
        self.runtime_api = RuntimeApi(self)

    # -- blocks ------------------------------------------------------------------------------------------
    def at(self, block_hash: Any) -> tuple[int, bytes]:
        """(number, hash) of a block parameter: null is the best block; an unknown hash is an error."""
        if block_hash is None:
            head = self.node.head
            return head.number, head.hash
        h = parse_hash(block_hash)
        number = self.node.block_number(h)
        if number is None:
            raise RpcError(UNKNOWN_BLOCK, f"Client error: UnknownBlock: header not found: {hexs(h)}")
        return number, h

    def _maybe_at(self, block_hash: Any) -> tuple[int, bytes] | None:
        try:
            return self.at(block_hash)
        except RpcError as exc:
            if exc.code == UNKNOWN_BLOCK:
                return None
            raise

    def chain_getBlockHash(self, number: Any = None) -> Any:
        if isinstance(number, list):
            if len(number) > MAX_QUERY_BLOCKS:
                raise invalid_params(f"at most {MAX_QUERY_BLOCKS} numbers at once")
            return [self.chain_getBlockHash(n) for n in number]
        if number is None:
            return hexs(self.node.head.hash)
        h = self.node.block_hash(parse_number(number))
        return hexs(h) if h is not None else None

    def chain_getHead(self) -> str:
        return hexs(self.node.head.hash)

    def chain_getFinalizedHead(self) -> str:
        return hexs(self.node.head.hash)  # instant finality: the best block is final

    def _block(self, block_hash: Any) -> Any:
        found = self._maybe_at(block_hash)
        return None if found is None else self.node.get_block(found[0])

    def chain_getHeader(self, block_hash: Any = None) -> Any:
        blk = self._block(block_hash)
        return None if blk is None else blk.header.to_json()

    def chain_getBlock(self, block_hash: Any = None) -> Any:
        blk = self._block(block_hash)
        if blk is None:
            return None
        return {"block": {"header": blk.header.to_json(), "extrinsics": [hexs(x) for x in blk.extrinsics]},
                "justifications": None}

    def header(self, number: int) -> Header:
        blk = self.node.get_block(number)
        assert blk is not None
        return blk.header  # type: ignore[no-any-return]

    # -- state ------------------------------------------------------------------------------------------
    def read(self, key: bytes, number: int) -> bytes | None:
        try:
            return self.node.storage(key, number)  # type: ignore[no-any-return]
        except UnknownBlock as exc:
            raise RpcError(UNKNOWN_BLOCK, f"Client error: UnknownBlock: {exc}") from None

    def state_getStorage(self, key: Any, block_hash: Any = None) -> str | None:
        value = self.read(parse_hex(key, "storage key"), self.at(block_hash)[0])
        return None if value is None else hexs(value)

    def state_getStorageHash(self, key: Any, block_hash: Any = None) -> str | None:
        value = self.read(parse_hex(key, "storage key"), self.at(block_hash)[0])
        return None if value is None else hexs(blake2_256(value))

    def state_getStorageSize(self, key: Any, block_hash: Any = None) -> int | None:
        value = self.read(parse_hex(key, "storage key"), self.at(block_hash)[0])
        return None if value is None else len(value)

    def state_getKeysPaged(self, prefix: Any, count: Any, start_key: Any = None, block_hash: Any = None) -> list[str]:
        p = parse_hex(prefix, "prefix") if prefix is not None else b""
        n = parse_number(count, "count")
        if n > MAX_KEYS_PAGE:
            raise invalid_params(f"count exceeds maximum value. value: {n}, max: {MAX_KEYS_PAGE}")
        start = parse_hex(start_key, "start key") if start_key is not None else None
        number = self.at(block_hash)[0]
        return [hexs(k) for k in self.node.store.keys_paged(p, n, start, number)]

    def _keys(self, keys: Any) -> list[bytes]:
        if not isinstance(keys, list):
            raise invalid_params("keys must be an array of hex strings")
        if len(keys) > MAX_QUERY_KEYS:
            raise invalid_params(f"at most {MAX_QUERY_KEYS} keys at once")
        return [parse_hex(k, "storage key") for k in keys]

    def state_queryStorageAt(self, keys: Any, block_hash: Any = None) -> list[dict[str, Any]]:
        ks = self._keys(keys)
        number, h = self.at(block_hash)
        changes = []
        for k in ks:
            v = self.read(k, number)
            changes.append([hexs(k), None if v is None else hexs(v)])
        return [{"block": hexs(h), "changes": changes}]

    def state_queryStorage(self, keys: Any, from_block: Any, to_block: Any = None) -> list[dict[str, Any]]:
        ks = self._keys(keys)
        lo, hi = self.at(from_block)[0], self.at(to_block)[0]
        if hi < lo:
            raise invalid_params("the end block is before the start block")
        if hi - lo >= MAX_QUERY_BLOCKS or len(ks) * (hi - lo + 1) > MAX_QUERY_READS:
            raise invalid_params(f"at most {MAX_QUERY_BLOCKS} blocks and {MAX_QUERY_READS} key-blocks at once")
        out: list[dict[str, Any]] = []
        last: dict[bytes, bytes | None] = {}
        for n in range(lo, hi + 1):
            changes = []
            for k in ks:
                v = self.read(k, n)
                if n == lo or last.get(k) != v:
                    changes.append([hexs(k), None if v is None else hexs(v)])
                last[k] = v
            if changes:
                h = self.node.block_hash(n)
                out.append({"block": hexs(h), "changes": changes})
        return out

    def state_getMetadata(self, block_hash: Any = None) -> str:
        self.at(block_hash)
        return hexs(self.metadata)

    def state_getRuntimeVersion(self, block_hash: Any = None) -> dict[str, Any]:
        self.at(block_hash)
        return self.version

    def _trie(self, number: int) -> StateTrie:
        """The state trie as of block `number` (rebuilt from the store for an older block; cached)."""
        with self._tries_lock:
            trie = self._tries.get(number)
            if trie is not None:
                self._tries.move_to_end(number)
                return trie
        store, start = self.node.store, None
        items: list[tuple[bytes, bytes | None]] = []
        while True:
            keys = store.keys_paged(b"", 5000, start, number)
            items.extend((k, store.storage_at(k, number)) for k in keys)
            if len(keys) < 5000:
                break
            start = keys[-1]
        trie = StateTrie.from_items(items)
        with self._tries_lock:
            self._tries[number] = trie
            while len(self._tries) > 2:
                self._tries.popitem(last=False)
        return trie

    def state_getReadProof(self, keys: Any, block_hash: Any = None) -> dict[str, Any]:
        """Proofs of the keys' values (or absence) against the block's state root. `proof[i]` is the
        chain/proofs.py encoding for `keys[i]`: check it with `verify_state_proof(stateRoot, key, value, proof)`."""
        ks = self._keys(keys)
        number, h = self.at(block_hash)
        node = self.node
        with node.lock:
            if number == node.head.number:
                return {"at": hexs(h), "proof": [hexs(node.trie.prove(k).encode()) for k in ks]}
        trie = self._trie(number)
        return {"at": hexs(h), "proof": [hexs(trie.prove(k).encode()) for k in ks]}

    # -- runtime API calls -------------------------------------------------------------------------------
    def state_call(self, method: Any, data: Any, block_hash: Any = None) -> str:
        if not isinstance(method, str):
            raise invalid_params("method must be a string")
        raw = parse_hex(data, "call data") if data not in (None, "0x") else b""
        number, _ = self.at(block_hash)
        try:
            return hexs(self.runtime_api.call(method, raw, number, block_hash is None))
        except CodecError as exc:
            raise invalid_params(f"{method}: cannot decode the call data: {exc}") from None

    # -- fees -----------------------------------------------------------------------------------------------
    def payment_queryInfo(self, extrinsic: Any, block_hash: Any = None) -> dict[str, Any]:
        xt = parse_hex(extrinsic, "extrinsic")
        self.at(block_hash)
        weight, base, len_fee, weight_fee = self.runtime_api.fee_parts(xt, len(xt))
        return {"weight": {"ref_time": weight, "proof_size": 0}, "class": "normal",
                "partialFee": str(base + len_fee + weight_fee)}

    def payment_queryFeeDetails(self, extrinsic: Any, block_hash: Any = None) -> dict[str, Any]:
        xt = parse_hex(extrinsic, "extrinsic")
        self.at(block_hash)
        _, base, len_fee, weight_fee = self.runtime_api.fee_parts(xt, len(xt))
        return {"inclusionFee": {"baseFee": hex(base), "lenFee": hex(len_fee), "adjustedWeightFee": hex(weight_fee)},
                "tip": hex(decode_extrinsic(xt).tip)}

    # -- accounts, pool, sealing -------------------------------------------------------------------------
    def system_accountNextIndex(self, account: Any) -> int:
        if not isinstance(account, str):
            raise invalid_params("account must be an SS58 address or 0x-prefixed hex")
        if account.startswith("0x"):
            who = parse_hex(account, "account", 32)
        else:
            try:
                who = account_from_str(account, None)
            except (InvalidAddress, ValueError) as exc:
                raise invalid_params(f"account: {exc}") from None
        return self.node.next_nonce(who)  # type: ignore[no-any-return]

    def author_pendingExtrinsics(self) -> list[str]:
        with self.node.lock:
            pool = self.node.pool
            xts = list(pool.ready()) + [x for per in pool._future.values() for x in per.values()]
        return [hexs(x.raw) for x in xts]

    def engine_createBlock(self, create_empty: Any = True, finalize: Any = True, parent_hash: Any = None) -> dict[str, Any]:
        """Seal a block now (Substrate's manual-seal method)."""
        if parent_hash is not None and parse_hash(parent_hash) != self.node.head.hash:
            raise invalid_params("blocks are built on the best block only")
        with self.node.lock:
            if not create_empty and not self.node.pool.status().ready:
                raise RpcError(-32000, "no transactions are ready and create_empty is false")
            header = self.node.produce_block()
        return {"hash": hexs(header.hash), "aux": {"header_only": False, "size_limit_reached": False}}

    def engine_finalizeBlock(self, block_hash: Any, justification: Any = None) -> bool:
        self.at(block_hash)
        return True  # every block is final once sealed

    # -- identity ------------------------------------------------------------------------------------------
    def system_chain(self) -> str:
        return self.node.chain_name  # type: ignore[no-any-return]

    def system_name(self) -> str:
        return "Puhui Node"

    def system_version(self) -> str:
        return NODE_VERSION

    def system_chainType(self) -> str:
        return "Development" if self.dev else "Live"

    def system_properties(self) -> dict[str, Any]:
        return {"ss58Format": SS58_PREFIX, "tokenDecimals": TOKEN_DECIMALS, "tokenSymbol": TOKEN_SYMBOL}

    def system_health(self) -> dict[str, Any]:
        return {"peers": 0, "isSyncing": False, "shouldHavePeers": False}

    def system_peers(self) -> list[Any]:
        return []

    def system_nodeRoles(self) -> list[str]:
        return ["Authority"]

    def system_syncState(self) -> dict[str, int]:
        n = self.node.head.number
        return {"startingBlock": 0, "currentBlock": n, "highestBlock": n}


# Methods answered without touching the node's lock (cheap; run on the event loop).
FAST = frozenset({
    "system_chain", "system_name", "system_version", "system_chainType", "system_properties", "system_health",
    "system_peers", "system_nodeRoles", "system_syncState", "chain_getHead", "chain_getFinalizedHead",
    "state_getRuntimeVersion", "engine_finalizeBlock",
})
# Name -> NodeApi attribute; aliases included. Subscriptions and submission live in chain/rpc.py.
METHODS: dict[str, str] = {name: name for name in (
    "chain_getBlockHash", "chain_getHead", "chain_getFinalizedHead", "chain_getHeader", "chain_getBlock",
    "state_getStorage", "state_getStorageHash", "state_getStorageSize", "state_getKeysPaged", "state_queryStorage",
    "state_queryStorageAt", "state_getMetadata", "state_getRuntimeVersion", "state_getReadProof", "state_call",
    "payment_queryInfo", "payment_queryFeeDetails", "system_accountNextIndex", "author_pendingExtrinsics",
    "engine_createBlock", "engine_finalizeBlock", "system_chain", "system_name", "system_version",
    "system_chainType", "system_properties", "system_health", "system_peers", "system_nodeRoles", "system_syncState",
)}
METHODS.update({
    "chain_getFinalisedHead": "chain_getFinalizedHead", "chain_getRuntimeVersion": "state_getRuntimeVersion",
    "state_getStorageAt": "state_getStorage", "state_getStorageHashAt": "state_getStorageHash",
    "state_getStorageSizeAt": "state_getStorageSize", "state_getKeysPagedAt": "state_getKeysPaged",
    "state_callAt": "state_call",
})

__all__ = ["NodeApi", "RpcError", "METHODS", "FAST", "INVALID_PARAMS", "parse_hex", "parse_number", "hexs", "invalid_params"]
