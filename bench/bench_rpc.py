"""JSON-RPC throughput and latency of `python -m chain node`, measured over the socket.

1. Submissions per second: pre-signed balance transfers (one sender account per client, nonces in
   order) pushed with `author_submitExtrinsic` by several concurrent WebSocket clients, each keeping
   `--window` requests in flight; every submission must be answered with its hash. Measured with
   instant seal (concurrent arrivals are sealed together) and with interval seal (pool admission only).
2. Latency from submit to `inBlock` with instant seal: one client, `author_submitAndWatchExtrinsic`,
   one extrinsic at a time; median and p99.

    python bench/bench_rpc.py --clients 8 --per-client 1000 --latency 300
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from websockets.asyncio.client import connect  # noqa: E402

from chain.crypto import Keypair, KeyType, dev_keypair  # noqa: E402
from chain.extrinsic import sign_extrinsic  # noqa: E402
from chain.hashing import blake2_256  # noqa: E402
from chain.runtime import SPEC_VERSION, TX_VERSION, Runtime  # noqa: E402
from chain.types import UNIT  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RT = Runtime()


def start_node(base: str, *extra: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "chain", "node", "--dev", "--base-path", base, "--rpc-port", "0", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=dict(os.environ, PYTHONPATH=ROOT))
    assert proc.stdout is not None
    for line in proc.stdout:
        m = re.search(r"listening on (ws://\S+)", line)
        if m:
            return proc, m.group(1)
    raise RuntimeError("node did not start")


class Client:
    def __init__(self, ws: Any):
        self.ws, self.next_id, self.waiting, self.subs = ws, 0, {}, {}
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for text in self.ws:
            msg = json.loads(text)
            if "id" in msg and msg["id"] in self.waiting:
                self.waiting.pop(msg["id"]).set_result(msg)
            elif "params" in msg:  # kept per subscription, even before its id is known to the caller
                q = self.subs.setdefault(msg["params"]["subscription"], asyncio.Queue())
                q.put_nowait((time.perf_counter(), msg["params"]["result"]))

    async def call(self, method: str, params: list[Any]) -> Any:
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = fut
        await self.ws.send(json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}))
        msg = await fut
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error']}")
        return msg["result"]


def signed_transfers(sender: Keypair, dest: bytes, start_nonce: int, n: int, genesis: bytes) -> list[bytes]:
    call = RT.encode_call(RT.make_call("Balances", "transfer_keep_alive", dest=("Id", dest), value=UNIT // 1000))
    return [sign_extrinsic(sender, call, start_nonce + i, genesis_hash=genesis, spec_version=SPEC_VERSION,
                           tx_version=TX_VERSION) for i in range(n)]


async def fund(url: str, keys: list[Keypair]) -> bytes:
    async with connect(url, max_size=None) as ws:
        c = Client(ws)
        genesis = bytes.fromhex((await c.call("chain_getBlockHash", [0]))[2:])
        alice = dev_keypair("Alice")
        nonce = await c.call("system_accountNextIndex", [alice.ss58])
        for i, k in enumerate(keys):
            call = RT.encode_call(RT.make_call("Balances", "transfer_keep_alive", dest=("Id", k.public), value=1000 * UNIT))
            xt = sign_extrinsic(alice, call, nonce + i, genesis_hash=genesis, spec_version=SPEC_VERSION, tx_version=TX_VERSION)
            await c.call("author_submitExtrinsic", ["0x" + xt.hex()])
        c.reader.cancel()
        return genesis


async def throughput(url: str, batches: list[list[bytes]], window: int) -> float:
    async def one(xts: list[bytes]) -> int:
        async with connect(url, max_size=None) as ws:
            c = Client(ws)
            sem = asyncio.Semaphore(window)

            async def submit(xt: bytes) -> None:
                async with sem:
                    assert await c.call("author_submitExtrinsic", ["0x" + xt.hex()]) == "0x" + blake2_256(xt).hex()

            await asyncio.gather(*(submit(x) for x in xts))
            c.reader.cancel()
            return len(xts)

    t0 = time.perf_counter()
    done = await asyncio.gather(*(one(b) for b in batches))
    return sum(done) / (time.perf_counter() - t0)


async def latency(url: str, xts: list[bytes]) -> list[float]:
    out = []
    async with connect(url, max_size=None) as ws:
        c = Client(ws)
        for xt in xts:
            t0 = time.perf_counter()
            c.next_id += 1
            fut = asyncio.get_running_loop().create_future()
            c.waiting[c.next_id] = fut
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": c.next_id, "method": "author_submitAndWatchExtrinsic",
                                      "params": ["0x" + xt.hex()]}))
            msg = await fut
            q = c.subs.setdefault(msg["result"], asyncio.Queue())
            while True:
                t, status = await q.get()
                if isinstance(status, dict) and "inBlock" in status:
                    out.append(t - t0)
                    break
            await c.call("author_unwatchExtrinsic", [msg["result"]])
            c.subs.pop(msg["result"], None)
        c.reader.cancel()
    return out


async def run_mode(seal: list[str], clients: int, per_client: int, window: int, lat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_node(os.path.join(tmp, "chain"), *seal)
        try:
            keys = [Keypair.from_seed(blake2_256(b"rpc-bench" + bytes([i])), KeyType.SR25519 if i % 2 == 0 else KeyType.ED25519)
                    for i in range(clients + 1)]
            genesis = await fund(url, keys)
            if "interval" in seal:
                await asyncio.sleep(2.5)  # the funding transfers land in the next block
            dest = dev_keypair("Bob").public
            batches = [signed_transfers(k, dest, 0, per_client, genesis) for k in keys[:clients]]
            result: dict[str, Any] = {"seal": " ".join(seal), "clients": clients, "submissions": clients * per_client,
                                      "per_second": await throughput(url, batches, window)}
            if lat:
                samples = await latency(url, signed_transfers(keys[clients], dest, 0, lat, genesis))
                samples.sort()
                result["latency_ms"] = {"median": statistics.median(samples) * 1000,
                                        "p99": samples[min(len(samples) - 1, int(len(samples) * 0.99))] * 1000,
                                        "n": len(samples)}
            return result
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--per-client", type=int, default=1000)
    ap.add_argument("--window", type=int, default=32, help="requests in flight per client")
    ap.add_argument("--latency", type=int, default=300, help="submit->inBlock samples (instant seal)")
    args = ap.parse_args()
    print(f"{args.clients} clients x {args.per_client} pre-signed transfers, window {args.window}; "
          f"{os.cpu_count()} CPUs", flush=True)
    for seal, lat in ((["--seal", "instant"], args.latency), (["--seal", "interval", "--block-time", "1"], 0)):
        r = asyncio.run(run_mode(seal, args.clients, args.per_client, args.window, lat))
        line = f"{r['seal']:<28} {r['submissions']:>7} submissions  {r['per_second']:>8.0f} /s"
        if "latency_ms" in r:
            lm = r["latency_ms"]
            line += f"   submit->inBlock median {lm['median']:.1f} ms  p99 {lm['p99']:.1f} ms (n={lm['n']})"
        print(line, flush=True)


if __name__ == "__main__":
    main()
