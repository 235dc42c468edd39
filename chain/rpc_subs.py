"""Subscriptions of the JSON-RPC server: new/finalized/all heads, runtime version, storage and
extrinsic status, fed by the node's events in the order they happened.

The node announces "ready", "block" and "invalid" from its own thread; chain/rpc.py puts them on one
asyncio queue, and `Subscriptions.pump` handles them one at a time, so every subscriber sees blocks in
order. A subscription's notifications wait (`backlog`) until the answer carrying its id has been sent.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
from typing import TYPE_CHECKING, Any

from chain.errors import InvalidTransaction
from chain.hashing import blake2_256
from chain.rpc_api import RpcError, hexs, invalid_params, parse_hex

if TYPE_CHECKING:
    from chain.rpc import Connection, RpcServer

LOG = logging.getLogger("puhui.rpc")
MAX_SUBSCRIPTIONS = 1024
TOO_MANY_SUBSCRIPTIONS = -32006

# subscribe method -> (kind, notification method)
SUBSCRIBE: dict[str, tuple[str, str]] = {
    "chain_subscribeNewHeads": ("newHeads", "chain_newHead"),
    "chain_subscribeNewHead": ("newHeads", "chain_newHead"),
    "subscribe_newHead": ("newHeads", "chain_newHead"),
    "chain_subscribeFinalizedHeads": ("finalizedHeads", "chain_finalizedHead"),
    "chain_subscribeFinalisedHeads": ("finalizedHeads", "chain_finalizedHead"),
    "chain_subscribeAllHeads": ("allHeads", "chain_allHead"),
    "state_subscribeRuntimeVersion": ("runtimeVersion", "state_runtimeVersion"),
    "chain_subscribeRuntimeVersion": ("runtimeVersion", "state_runtimeVersion"),
    "state_subscribeStorage": ("storage", "state_storage"),
    "author_submitAndWatchExtrinsic": ("extrinsic", "author_extrinsicUpdate"),
}
UNSUBSCRIBE: dict[str, str] = {
    "chain_unsubscribeNewHeads": "newHeads", "chain_unsubscribeNewHead": "newHeads", "unsubscribe_newHead": "newHeads",
    "chain_unsubscribeFinalizedHeads": "finalizedHeads", "chain_unsubscribeFinalisedHeads": "finalizedHeads",
    "chain_unsubscribeAllHeads": "allHeads", "state_unsubscribeRuntimeVersion": "runtimeVersion",
    "chain_unsubscribeRuntimeVersion": "runtimeVersion", "state_unsubscribeStorage": "storage",
    "author_unwatchExtrinsic": "extrinsic",
}
HEAD_KINDS = ("newHeads", "finalizedHeads", "allHeads")


class Subscription:
    """One subscription of one connection. Notifications wait until the subscribe answer is sent."""

    __slots__ = ("id", "kind", "method", "conn", "active", "backlog", "closed", "number", "keys", "last", "xt_hash")

    def __init__(self, kind: str, method: str, conn: "Connection"):
        self.id = secrets.token_hex(8)
        self.kind, self.method, self.conn = kind, method, conn
        self.active, self.closed = False, False
        self.backlog: list[Any] = []
        self.number: int | None = None  # last block this subscription has seen (heads, storage)
        self.keys: list[bytes] | None = None
        self.last: dict[bytes, bytes | None] = {}
        self.xt_hash: bytes | None = None

    def notify(self, result: Any) -> None:
        if self.closed:
            return
        if not self.active:
            self.backlog.append(result)
            return
        self.conn.send({"jsonrpc": "2.0", "method": self.method, "params": {"subscription": self.id, "result": result}})

    def activate(self) -> None:
        self.active = True
        backlog, self.backlog = self.backlog, []
        for result in backlog:
            self.notify(result)


class Subscriptions:
    """Every live subscription of the server, by kind, and the extrinsic watchers by hash."""

    def __init__(self, server: "RpcServer"):
        self.server = server
        self.node, self.api = server.node, server.api
        self.by_kind: dict[str, set[Subscription]] = {k: set() for k, _ in SUBSCRIBE.values()}
        self.watchers: dict[bytes, list[Subscription]] = {}
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    async def subscribe(self, conn: "Connection", method: str, params: list[Any]) -> Subscription:
        if len(conn.subs) >= MAX_SUBSCRIPTIONS:
            raise RpcError(TOO_MANY_SUBSCRIPTIONS, f"Too many subscriptions on this connection (limit {MAX_SUBSCRIPTIONS})")
        kind, notification = SUBSCRIBE[method]
        sub = Subscription(kind, notification, conn)
        if kind == "extrinsic":
            if len(params) != 1:
                raise invalid_params("expected one extrinsic")
            raw = parse_hex(params[0], "extrinsic")
            sub.xt_hash = blake2_256(raw)
            self.watchers.setdefault(sub.xt_hash, []).append(sub)  # before submitting: instant seal is fast
            conn.subs[sub.id] = sub
            result = await self.server.batcher.submit(raw)
            if isinstance(result, (InvalidTransaction, RpcError)):
                self.close(sub)
                raise result
            return sub
        if kind == "storage":
            if len(params) > 1:
                raise invalid_params("expected an optional array of storage keys")
            keys = params[0] if params else None
            if keys is None:  # every change of every block from now on (no initial values)
                sub.number = self.node.head.number
            else:
                sub.keys = self.api._keys(keys)
                self.events.put_nowait(("storage-initial", sub))  # type: ignore[union-attr]
        elif params:
            raise invalid_params(f"{method} takes no parameters")
        elif kind in HEAD_KINDS:
            head = self.node.head
            sub.number = head.number
            if kind != "allHeads":  # as Substrate: new and finalized heads start with the current one
                sub.notify(head.to_json())
        elif kind == "runtimeVersion":
            sub.notify(self.api.version)
        self.by_kind[kind].add(sub)
        conn.subs[sub.id] = sub
        return sub

    def close(self, sub: Subscription) -> None:
        sub.closed = True
        sub.conn.subs.pop(sub.id, None)
        self.by_kind.get(sub.kind, set()).discard(sub)
        if sub.xt_hash is not None:
            waiting = self.watchers.get(sub.xt_hash)
            if waiting and sub in waiting:
                waiting.remove(sub)
                if not waiting:
                    del self.watchers[sub.xt_hash]

    def drop(self, conn: "Connection") -> None:
        for sub in list(conn.subs.values()):
            self.close(sub)

    # -- node events ------------------------------------------------------------------------------------
    async def pump(self) -> None:
        while True:
            kind, payload = await self.events.get()
            try:
                if kind == "ready":
                    for sub in list(self.watchers.get(payload["hash"], ())):
                        sub.notify("ready")
                elif kind == "block":
                    await self._on_block(payload["header"], payload["extrinsics"])
                elif kind == "invalid":
                    for sub in self.watchers.pop(payload["hash"], []):
                        sub.notify("dropped")  # substrate-interface raises on "dropped" (it hangs on "invalid")
                        self.close(sub)
                elif kind == "storage-initial":
                    await self._storage_initial(payload)
            except Exception as exc:
                LOG.error("while announcing a %s event: %s: %s", kind, type(exc).__name__, exc)

    async def _on_block(self, header: Any, xt_hashes: list[bytes]) -> None:
        n, block_hash = header.number, hexs(header.hash)
        header_json = header.to_json()
        for kind in HEAD_KINDS:
            for sub in list(self.by_kind[kind]):
                if sub.number is None or n > sub.number:
                    sub.number = n
                    sub.notify(header_json)
        for h in xt_hashes:
            for sub in self.watchers.pop(h, []):
                sub.notify({"inBlock": block_hash})
                self.server.loop.call_later(self.server.finality_delay, self._finalized, sub, block_hash)
        storage_subs = [s for s in self.by_kind["storage"] if s.number is not None and s.number < n]
        if storage_subs:
            changes = await self.server.run(self._block_changes, n)
            for sub in storage_subs:
                if sub.closed or sub.number is None or sub.number >= n:
                    continue
                if sub.keys is None:
                    changed = dict(sorted(changes.items()))
                elif sub.number == n - 1:
                    changed = {k: changes[k] for k in sub.keys if k in changes and changes[k] != sub.last.get(k)}
                else:
                    values = await self.server.run(self._read_keys, sub.keys, n)
                    changed = {k: v for k, v in values.items() if v != sub.last.get(k)}
                sub.number = n
                if changed:
                    if sub.keys is not None:
                        sub.last.update(changed)
                    sub.notify({"block": block_hash, "changes": [[hexs(k), None if v is None else hexs(v)]
                                                                 for k, v in changed.items()]})

    def _finalized(self, sub: Subscription, block_hash: str) -> None:
        if not sub.closed:
            sub.notify({"finalized": block_hash})
            self.close(sub)

    def _block_changes(self, number: int) -> dict[bytes, bytes | None]:
        stored = self.node.store.get_block(number)
        return dict(stored.state_changes) if stored is not None else {}

    def _read_keys(self, keys: list[bytes] | None, number: int) -> dict[bytes, bytes | None]:
        return {k: self.api.read(k, number) for k in keys or ()}

    async def _storage_initial(self, sub: Subscription) -> None:
        if sub.closed:
            return
        head = self.node.head
        values = await self.server.run(self._read_keys, sub.keys, head.number)
        sub.last = values
        sub.number = head.number
        sub.notify({"block": hexs(head.hash), "changes": [[hexs(k), None if v is None else hexs(v)]
                                                          for k, v in values.items()]})
