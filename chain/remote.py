"""`RemoteClient`: the ChainClient interface over JSON-RPC to any Substrate node, through substrate-interface.

The connection, the RPC calls, nonces, eras, signing payloads and submission with `wait_for_inclusion`
are substrate-interface's. Values are decoded here from raw SCALE with descriptors built from the node's
own metadata (chain/portable.py), so they come out in chain/codec.py's Python forms exactly as
`EmbeddedClient` gives them: the indexer gets the same rows from either backend.

Against a stock Substrate node the generic parts work (blocks, extrinsics, events, accounts, transfers);
asking for a pallet the node lacks raises `PalletMissing`, which pages show as "this chain has no X".
"""
from __future__ import annotations

import threading
from typing import Any, Iterator

from chain.client import ChainInfo, DecodedBlock, DecodedEvent, DecodedExtrinsic, PalletMissing, Receipt, error_name
from chain.crypto import ss58_encode
from chain.errors import ChainError, CodecError, InvalidTransaction
from chain.extrinsic import Signer
from chain.hashing import blake2_256
from chain.portable import RemoteRuntime, SplitExtrinsic, StorageEntry

PAGE = 1000  # keys per state_getKeysPaged request (Substrate's maximum)
DAY_MS = 86_400_000


class RemoteError(ChainError):
    """Raised when the node answers a JSON-RPC call with an error, or cannot be reached."""


class RemoteInvalidTransaction(InvalidTransaction):
    """Raised when the node refuses a transaction (JSON-RPC error 1010/1013); `reason` is the node's."""

    def __init__(self, reason: str, code: int):
        super().__init__(reason)
        self.reason, self.code = reason, code


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


def _bytes(text: str) -> bytes:
    return bytes.fromhex(text[2:] if text.startswith("0x") else text)


def _signer_keypair(signer: Signer, ss58_format: int) -> Any:
    """A substrate-interface Keypair that signs with our Signer (whose secret stays in our object)."""
    from substrateinterface import Keypair
    from scalecodec.base import ScaleBytes

    class _Adapter(Keypair):  # type: ignore[misc]
        def sign(self, data: Any) -> bytes:
            if isinstance(data, ScaleBytes):
                data = bytes(data.data)
            elif isinstance(data, str):
                data = _bytes(data) if data.startswith("0x") else data.encode()
            return bytes(signer.sign(bytes(data)))

    return _Adapter(public_key=signer.public, crypto_type=int(signer.key_type), ss58_format=ss58_format)


class RemoteClient:
    """A Substrate node at `url` (ws:// or wss://). Thread-safe: one request at a time on the socket."""

    def __init__(self, url: str, *, timeout: float = 30.0):
        from substrateinterface import SubstrateInterface

        self.url = url
        self._lock = threading.RLock()
        try:
            self.si = SubstrateInterface(url=url, ws_options={"timeout": timeout})
        except Exception as exc:  # connection refused, bad URL, handshake failure
            raise RemoteError(f"cannot connect to {url}: {exc}") from exc
        self._runtimes: dict[int, RemoteRuntime] = {}
        self._versions: dict[bytes, int] = {}
        self.genesis_hash = _bytes(self._rpc("chain_getBlockHash", [0]))
        version = self._rpc("state_getRuntimeVersion", [])
        self.spec_version = int(version["specVersion"])
        self.version = version
        self.rt = self._runtime_at(None, self.spec_version)
        self.chain_name = str(self._rpc("system_chain", []))
        self.properties = self._rpc("system_properties", []) or {}

    # -- transport ------------------------------------------------------------------------------------
    def _rpc(self, method: str, params: list[Any]) -> Any:
        from substrateinterface.exceptions import SubstrateRequestException

        with self._lock:
            try:
                resp = self.si.rpc_request(method, params)
            except SubstrateRequestException as exc:
                raise RemoteError(f"{method}: {exc}") from None
            except (OSError, ConnectionError) as exc:
                raise RemoteError(f"{method}: connection to {self.url} failed: {exc}") from None
            except Exception as exc:  # websocket-client's own exceptions
                raise RemoteError(f"{method}: {type(exc).__name__}: {exc}") from None
        if "error" in resp:
            raise RemoteError(f"{method}: {resp['error'].get('message')} {resp['error'].get('data') or ''}".strip())
        return resp.get("result")

    def _runtime_at(self, block_hash: bytes | None, spec_version: int) -> RemoteRuntime:
        rt = self._runtimes.get(spec_version)
        if rt is None:
            raw = self._rpc("state_getMetadata", [_hex(block_hash)] if block_hash else [])
            rt = self._runtimes[spec_version] = RemoteRuntime(_bytes(raw))
        return rt

    def _runtime_for(self, block_hash: bytes) -> RemoteRuntime:
        spec = self._versions.get(block_hash)
        if spec is None:
            spec = int(self._rpc("state_getRuntimeVersion", [_hex(block_hash)])["specVersion"])
            if len(self._versions) > 4096:
                self._versions.clear()
            self._versions[block_hash] = spec
        return self._runtime_at(block_hash, spec)

    # -- identity -------------------------------------------------------------------------------------
    def _prop(self, name: str, default: Any) -> Any:
        v = self.properties.get(name, default)
        return v[0] if isinstance(v, list) and v else v

    def ss58_prefix(self) -> int:
        prefix = self.properties.get("ss58Format")
        if prefix is None:
            system = self.rt.pallets.get("System")
            prefix = system.constants.get("SS58Prefix", 42) if system is not None else 42
        return int(prefix)

    def blocks_per_day(self) -> int:
        if self.has_pallet("System") and "BlocksPerDay" in self.rt.pallets["System"].storage:
            return int(self.storage("System", "BlocksPerDay"))
        for pallet, const, factor in (("Babe", "ExpectedBlockTime", 1), ("Aura", "SlotDuration", 1),
                                      ("Timestamp", "MinimumPeriod", 2)):
            p = self.rt.pallets.get(pallet)
            if p is not None and isinstance(p.constants.get(const), int) and p.constants[const] > 0:
                return max(1, DAY_MS // (p.constants[const] * factor))
        return DAY_MS // 6000

    def info(self) -> ChainInfo:
        return ChainInfo(self.chain_name, self.genesis_hash, str(self.version["specName"]), self.spec_version,
                         int(self.version["transactionVersion"]), str(self._prop("tokenSymbol", "UNIT")),
                         int(self._prop("tokenDecimals", 12)), self.ss58_prefix(),
                         tuple(p.name for p in sorted(self.rt.pallets.values(), key=lambda p: p.index)),
                         self.blocks_per_day(), "remote")

    def has_pallet(self, name: str) -> bool:
        return name in self.rt.pallets

    # -- blocks ---------------------------------------------------------------------------------------------
    def head(self) -> int:
        return int(self._rpc("chain_getHeader", [])["number"], 16)

    def block_hash(self, number: int) -> bytes | None:
        h = self._rpc("chain_getBlockHash", [number])
        return _bytes(h) if h else None

    def _hash_at(self, at: int | None) -> str | None:
        if at is None:
            return None
        h = self.block_hash(at)
        if h is None:
            raise ChainError(f"no block #{at} (head is #{self.head()})")
        return _hex(h)

    def block(self, number: int) -> DecodedBlock:
        h = self.block_hash(number)
        if h is None:
            raise ChainError(f"no block #{number} (head is #{self.head()})")
        signed = self._rpc("chain_getBlock", [_hex(h)])
        if signed is None:
            raise ChainError(f"the node does not hold the body of block #{number}")
        rt = self._runtime_for(h)
        header = signed["block"]["header"]
        raws = [_bytes(x) for x in signed["block"]["extrinsics"]]
        events = self._events(rt, h)
        xts = self._summarize(rt, raws, events)
        ts = xts[0].args.get("now", 0) if xts and xts[0].pallet == "Timestamp" else 0
        return DecodedBlock(number, h, _bytes(header["parentHash"]), _bytes(header["stateRoot"]),
                            _bytes(header["extrinsicsRoot"]), ts, xts, events)

    def blocks(self, start: int, end: int) -> Iterator[DecodedBlock]:
        for n in range(start, end + 1):
            yield self.block(n)

    def _events(self, rt: RemoteRuntime, block_hash: bytes) -> list[DecodedEvent]:
        entry = rt.pallets["System"].storage.get("Events") if "System" in rt.pallets else None
        if entry is None:
            return []
        raw = self._rpc("state_getStorage", [_hex(entry.prefix), _hex(block_hash)])
        if not raw:
            return []
        records = entry.value.decode(_bytes(raw))
        out = []
        for i, r in enumerate(records):
            phase = r["phase"]
            pallet, (name, fields) = r["event"]
            if fields is None:
                fields = {}
            elif not isinstance(fields, dict):
                fields = {"0": fields}
            out.append(DecodedEvent(i, phase[1] if phase[0] == "ApplyExtrinsic" else None, pallet, name, fields))
        return out

    def _summarize(self, rt: RemoteRuntime, raws: list[bytes], events: list[DecodedEvent]) -> list[DecodedExtrinsic]:
        out = []
        for i, raw in enumerate(raws):
            try:
                xt = rt.split_extrinsic(raw)
            except CodecError as exc:  # a format this client does not know (e.g. a newer extrinsic version)
                xt = SplitExtrinsic(raw, None, None, 0, ("(undecoded)", ("extrinsic", {"bytes": raw, "reason": str(exc)})))
            pallet, (name, args) = xt.call
            success, err, fee = True, None, 0
            for ev in events:
                if ev.extrinsic_index != i:
                    continue
                if ev.pallet == "System" and ev.event == "ExtrinsicFailed":
                    success, err = False, error_name(ev.fields["dispatch_error"], rt.error_name)
                elif ev.pallet == "TransactionPayment" and ev.event == "TransactionFeePaid":
                    fee = ev.fields["actual_fee"]
            out.append(DecodedExtrinsic(i, blake2_256(raw), xt.signer, xt.nonce if xt.signer is not None else None,
                                        xt.tip, pallet, name, args or {}, success, err, fee, len(raw)))
        return out

    # -- state ------------------------------------------------------------------------------------------------
    def _entry(self, pallet: str, item: str) -> StorageEntry:
        p = self.rt.pallets.get(pallet)
        if p is None:
            raise PalletMissing(pallet, self.chain_name)
        entry = p.storage.get(item)
        if entry is None:
            raise ChainError(f"{pallet} has no storage item {item!r}")
        return entry

    def storage(self, pallet: str, item: str, *keys: Any, at: int | None = None) -> Any:
        entry = self._entry(pallet, item)
        if len(keys) != len(entry.keys):
            raise TypeError(f"{pallet}.{item} takes {len(entry.keys)} keys, got {len(keys)}")
        raw = self._rpc("state_getStorage", [_hex(entry.key(*keys)), self._hash_at(at)])
        if raw is None:
            return entry.default
        return entry.value.decode(_bytes(raw))

    def storage_iter(self, pallet: str, item: str, *first_keys: Any, at: int | None = None) -> Iterator[tuple[tuple, Any]]:
        entry = self._entry(pallet, item)
        prefix = _hex(entry.key(*first_keys))
        block = self._hash_at(at)
        if block is None:
            block = self._rpc("chain_getBlockHash", [])  # one consistent state for every page
        start = None
        while True:
            keys = self._rpc("state_getKeysPaged", [prefix, PAGE, start, block])
            if not keys:
                return
            for chunk in (keys[i : i + 200] for i in range(0, len(keys), 200)):
                for change_set in self._rpc("state_queryStorageAt", [chunk, block]):
                    for k, v in change_set["changes"]:
                        if v is not None:
                            yield entry.decode_keys(_bytes(k)), entry.value.decode(_bytes(v))
            if len(keys) < PAGE:
                return
            start = keys[-1]

    def account(self, who: bytes) -> dict[str, Any]:
        return self.storage("System", "Account", who)  # type: ignore[no-any-return]

    def nonce(self, who: bytes) -> int:
        return int(self._rpc("system_accountNextIndex", [ss58_encode(who, self.ss58_prefix())]))

    def constant(self, pallet: str, name: str) -> Any:
        p = self.rt.pallets.get(pallet)
        if p is None:
            raise PalletMissing(pallet, self.chain_name)
        return p.constants[name]

    # -- writing --------------------------------------------------------------------------------------------
    def compose_call(self, pallet: str, call: str, args: dict[str, Any]) -> bytes:
        p = self.rt.pallets.get(pallet)
        if p is None or p.calls is None:
            raise PalletMissing(pallet, self.chain_name)
        try:
            variant = p.calls.variant(call)
        except CodecError:
            raise ChainError(f"{pallet} has no call {call!r} on {self.chain_name}") from None
        return self.rt.call_type.encode((pallet, (call, args if variant.fields else None)))

    def sign(self, signer: Signer, pallet: str, call: str, args: dict[str, Any], *, nonce: int | None = None,
             mortal: bool = False, tip: int = 0) -> bytes:
        """A signed extrinsic, built by substrate-interface (nonce, era, payload) and signed by `signer`."""
        from scalecodec.base import ScaleBytes

        call_bytes = self.compose_call(pallet, call, args)
        with self._lock:
            try:
                call_obj = self.si.create_scale_object("Call", data=ScaleBytes(call_bytes))
                call_obj.decode()
                xt = self.si.create_signed_extrinsic(call_obj, _signer_keypair(signer, self.ss58_prefix()),
                                                     era={"period": 64} if mortal else None, nonce=nonce, tip=tip)
            except Exception as exc:
                raise RemoteError(f"cannot build the extrinsic: {type(exc).__name__}: {exc}") from None
        return bytes(xt.data.data)

    def submit(self, xt: bytes) -> bytes:
        from substrateinterface.exceptions import SubstrateRequestException

        with self._lock:
            try:
                resp = self.si.rpc_request("author_submitExtrinsic", [_hex(xt)])
            except SubstrateRequestException as exc:
                raise self._refusal(exc) from None
        if "error" in resp:
            raise self._refusal(resp["error"])
        return _bytes(resp["result"])

    @staticmethod
    def _refusal(err: Any) -> Exception:
        if isinstance(err, Exception):
            err = err.args[0] if err.args else {}
        if isinstance(err, dict) and err.get("code") in (1010, 1011, 1012, 1013, 1014, 1016):
            return RemoteInvalidTransaction(str(err.get("data") or err.get("message")), int(err["code"]))
        return RemoteError(f"the node refused the transaction: {err}")

    def sign_and_submit(self, signer: Signer, pallet: str, call: str, args: dict[str, Any], *, mortal: bool = False) -> Receipt:
        """Sign, submit with `wait_for_inclusion`, and read back the outcome and events."""
        from scalecodec.base import ScaleBytes
        from substrateinterface.exceptions import SubstrateRequestException

        xt_bytes = self.sign(signer, pallet, call, args, mortal=mortal)
        with self._lock:
            try:
                xt_obj = self.si.create_scale_object("Extrinsic", data=ScaleBytes(xt_bytes))
                xt_obj.decode()
                receipt = self.si.submit_extrinsic(xt_obj, wait_for_inclusion=True)
            except SubstrateRequestException as exc:
                raise self._refusal(exc) from None
            except ValueError as exc:  # "dropped"
                raise RemoteError(str(exc)) from None
        block_hash = _bytes(receipt.block_hash)
        header = self._rpc("chain_getHeader", [receipt.block_hash])
        number = int(header["number"], 16)
        blk = self.block(number)
        xt_hash = blake2_256(xt_bytes)
        for x in blk.extrinsics:
            if x.hash == xt_hash:
                return Receipt(xt_hash, number, block_hash, x.index, x.success, x.error,
                               [e for e in blk.events if e.extrinsic_index == x.index])
        raise RemoteError(f"the node reported the extrinsic in block #{number}, but it is not there")

    def close(self) -> None:
        with self._lock:
            try:
                self.si.close()
            except Exception:
                pass
