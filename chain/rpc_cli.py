"""`python -m chain node`: run the node and serve Substrate JSON-RPC over WebSocket.

Flags follow Substrate's node: `--dev` (a fresh development chain in a temporary directory unless
`--base-path` is given; //Alice .. //Ferdie funded, Alice sudo), `--base-path`, `--rpc-port`,
`--rpc-external` (listen on every interface; without it, only loopback addresses are accepted),
`--rpc-cors`, `--rpc-max-connections`. Sealing: `--seal instant` (a block per submission batch, the
default), `interval` (every `--block-time` seconds) or `manual` (`engine_createBlock`).
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

DEFAULT_BASE = Path("data") / "chain"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_node(args: argparse.Namespace) -> int:
    host = args.rpc_host or ("0.0.0.0" if args.rpc_external else "127.0.0.1")
    if not is_loopback(host) and not args.rpc_external:
        print(f"refusing to listen on {host}: only loopback addresses are allowed without --rpc-external",
              file=sys.stderr)
        return 2
    if args.seal == "interval" and args.block_time <= 0:
        print("--block-time must be positive", file=sys.stderr)
        return 2
    tmp = None
    if args.base_path:
        base = Path(args.base_path)
    elif args.dev:
        tmp = tempfile.mkdtemp(prefix="puhui-dev-")
        base = Path(tmp)
    else:
        base = DEFAULT_BASE
    try:
        return asyncio.run(_serve(args, base, host))
    except KeyboardInterrupt:
        return 0
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


async def _serve(args: argparse.Namespace, base: Path, host: str) -> int:
    from chain.errors import StoreError
    from chain.node import Node
    from chain.rpc import RpcServer

    loop = asyncio.get_running_loop()
    try:
        node: Any = await loop.run_in_executor(None, lambda: Node(base, seal=args.seal))
    except StoreError as exc:
        print(f"cannot open the chain at {base}: {exc}", file=sys.stderr)
        return 1
    server = RpcServer(node, host=host, port=args.rpc_port, dev=args.dev, max_connections=args.rpc_max_connections,
                       cors=args.rpc_cors, finality_delay=args.finality_delay)
    try:
        port = await server.start()
    except OSError as exc:
        print(f"cannot listen on {host}:{args.rpc_port}: {exc.strerror or exc}", file=sys.stderr)
        node.close()
        return 1
    if args.seal == "interval":
        node.start_interval(args.block_time)
    head = node.head
    print(f"Puhui node: chain '{node.chain_name}' ({'Development' if args.dev else 'Live'}), "
          f"genesis 0x{node.genesis_hash.hex()}, best #{head.number}, seal {args.seal}, data {base}", flush=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"JSON-RPC listening on ws://{shown}:{port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    await stop.wait()
    print("stopping", flush=True)
    await server.close()
    await loop.run_in_executor(None, node.close)
    return 0


def register(add: Any) -> None:
    sp = add("node", "Run the node and serve Substrate JSON-RPC over WebSocket (ws://127.0.0.1:9944).", cmd_node)
    sp.add_argument("--dev", action="store_true",
                    help="development chain: //Alice..//Ferdie funded, Alice sudo; a temporary directory unless --base-path")
    sp.add_argument("--rpc-port", type=int, default=9944, metavar="N", help="JSON-RPC port (default 9944; 0 picks a free one)")
    sp.add_argument("--rpc-external", action="store_true", help="listen on all interfaces (refused otherwise)")
    sp.add_argument("--rpc-host", default=None, metavar="ADDR",
                    help="address to listen on (default 127.0.0.1; a non-loopback one needs --rpc-external)")
    sp.add_argument("--rpc-cors", default="localhost", metavar="ORIGINS",
                    help="browser origins allowed: 'localhost' (default), 'all', or a comma-separated list")
    sp.add_argument("--rpc-max-connections", type=int, default=100, metavar="N", help="maximum open connections (default 100)")
    sp.add_argument("--seal", choices=("instant", "interval", "manual"), default="instant",
                    help="instant: a block per submission (default); interval: every --block-time s; manual: engine_createBlock")
    sp.add_argument("--block-time", type=float, default=6.0, metavar="S", help="seconds between blocks with --seal interval (default 6)")
    sp.add_argument("--finality-delay", type=float, default=0.25, metavar="S",
                    help="seconds between a watched extrinsic's inBlock and finalized notifications (default 0.25)")
