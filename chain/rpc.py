"""Substrate JSON-RPC over WebSocket, in front of one `chain.node.Node`.

The unmodified Substrate clients (substrate-interface, @polkadot/api) connect to it as to a Substrate
node: reads, metadata, runtime version, fee queries, submission with and without watching, and the
subscriptions (new/finalized/all heads, runtime version, storage, extrinsic status). The methods
themselves live in chain/rpc_api.py and the subscriptions in chain/rpc_subs.py; this module is the
transport: connections, JSON-RPC framing and errors, limits, and batched submission.

Threads: the asyncio loop only parses, routes and writes. Everything that touches the node runs in a
worker thread (the node has its own lock), so block production never blocks the loop. The node's
events arrive from its thread through `call_soon_threadsafe` into one queue, handled in order.

Limits (each answered with a JSON-RPC error, never a dropped connection, unless stated):
- a request (one WebSocket message) of at most MAX_REQUEST_BYTES (10 MiB; -32007 "Request is too big");
  frames over twice that are refused by the WebSocket layer itself (close code 1009);
- batches of at most MAX_BATCH requests; MAX_SUBSCRIPTIONS per connection (-32006);
- MAX_IN_FLIGHT requests per connection are processed at once (the rest wait: backpressure);
- a client that does not read its notifications is disconnected once MAX_QUEUED messages wait for it.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable
from urllib.parse import urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from chain.errors import ChainError, CodecError, DuplicateTransaction, InvalidTransaction
from chain.rpc_api import FAST, METHODS, NodeApi, RpcError, hexs, invalid_params, parse_hex
from chain.rpc_subs import SUBSCRIBE, UNSUBSCRIBE, Subscription, Subscriptions

MAX_REQUEST_BYTES = 10 * 1024 * 1024
MAX_BATCH = 256
MAX_IN_FLIGHT = 32
MAX_QUEUED = 8192
MAX_SUBMIT_BATCH = 2048
DEFAULT_MAX_CONNECTIONS = 100
DEFAULT_FINALITY_DELAY = 0.25  # s between inBlock and finalized (polkadot.js drops an inBlock right before it)

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INTERNAL_ERROR = -32700, -32600, -32601, -32603
TOO_BIG = -32007



class _OneLine(logging.Formatter):
    """Log records as one line: the message and, for an exception, its type and text (no traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        msg = f"rpc: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            msg += f" ({type(exc).__name__}: {exc})"
        return msg


LOG = logging.getLogger("puhui.rpc")
if not LOG.handlers:
    _h = logging.StreamHandler(sys.stderr)
    _h.setFormatter(_OneLine())
    LOG.addHandler(_h)
    LOG.setLevel(logging.WARNING)
    LOG.propagate = False


def tx_error(exc: InvalidTransaction) -> RpcError:
    """Substrate's author error for a refused transaction: 1010 (1013 when already in the pool)."""
    detail = str(exc)
    data = f"{exc.reason}: {detail}" if detail and detail != exc.reason else exc.reason
    if isinstance(exc, DuplicateTransaction):
        return RpcError(1013, "Transaction Already Imported", data)
    return RpcError(1010, "Invalid Transaction", data)


def _error(rid: Any, err: RpcError) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "error": err.to_json(), "id": rid}


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


class Connection:
    """One client: its outgoing queue, writer task and subscriptions."""

    def __init__(self, server: "RpcServer", ws: ServerConnection):
        self.server, self.ws = server, ws
        self.out: asyncio.Queue[str | None] = asyncio.Queue()
        self.subs: dict[str, Subscription] = {}
        self.closed = False
        self.tasks: set[asyncio.Task] = set()

    def send(self, obj: Any) -> None:
        if self.closed:
            return
        if self.out.qsize() >= MAX_QUEUED:
            LOG.warning("closing a client that does not read its messages (%d queued)", MAX_QUEUED)
            self.closed = True
            self.out.put_nowait(None)
            asyncio.ensure_future(self.ws.close(1008, "client too slow"))
            return
        self.out.put_nowait(_dumps(obj))

    async def writer(self) -> None:
        try:
            while True:
                msg = await self.out.get()
                if msg is None:
                    return
                await self.ws.send(msg)
        except ConnectionClosed:
            pass

    def _done_callback(self, slots: asyncio.Semaphore) -> Callable[[asyncio.Task], None]:
        def done(task: asyncio.Task) -> None:
            self.tasks.discard(task)
            slots.release()

        return done

    async def run(self) -> None:
        writer = asyncio.create_task(self.writer())
        slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        try:
            async for message in self.ws:
                if isinstance(message, bytes):
                    try:
                        message = message.decode("utf-8")
                    except UnicodeDecodeError:
                        self.send(_error(None, RpcError(PARSE_ERROR, "Parse error: the message is not UTF-8")))
                        continue
                if len(message) > MAX_REQUEST_BYTES:
                    self.send(_error(None, RpcError(TOO_BIG, f"Request is too big ({len(message)} bytes; "
                                                               f"the limit is {MAX_REQUEST_BYTES})")))
                    continue
                await slots.acquire()
                task = asyncio.create_task(self.server.handle_text(self, message))
                self.tasks.add(task)
                task.add_done_callback(self._done_callback(slots))
        except ConnectionClosed:
            pass
        finally:
            self.closed = True
            self.server.subs.drop(self)
            self.out.put_nowait(None)
            await asyncio.gather(writer, return_exceptions=True)


class SubmitBatcher:
    """Gathers concurrent submissions into one `node.submit_many` call: signatures are checked in bulk
    and, with instant seal, everything that arrived together goes into one block."""

    def __init__(self, server: "RpcServer"):
        self.server = server
        self.queue: list[tuple[bytes, asyncio.Future]] = []
        self.running = False

    async def submit(self, raw: bytes) -> bytes | InvalidTransaction:
        fut = asyncio.get_running_loop().create_future()
        self.queue.append((raw, fut))
        if not self.running:
            self.running = True
            asyncio.ensure_future(self._drain())
        return await fut  # type: ignore[no-any-return]

    async def _drain(self) -> None:
        try:
            while self.queue:
                batch, self.queue = self.queue[:MAX_SUBMIT_BATCH], self.queue[MAX_SUBMIT_BATCH:]
                try:
                    results = await self.server.run(self.server.node.submit_many, [raw for raw, _ in batch])
                except Exception as exc:  # the store failed: every waiting submitter hears it
                    LOG.error("submission failed: %s: %s", type(exc).__name__, exc)
                    results = [RpcError(INTERNAL_ERROR, f"Internal error: {type(exc).__name__}: {exc}")] * len(batch)
                for (_, fut), result in zip(batch, results):
                    if not fut.done():
                        fut.set_result(result)
        finally:
            self.running = False


class RpcServer:
    def __init__(self, node: Any, *, host: str = "127.0.0.1", port: int = 9944, dev: bool = False,
                 max_connections: int = DEFAULT_MAX_CONNECTIONS, cors: str = "localhost",
                 finality_delay: float = DEFAULT_FINALITY_DELAY, workers: int = 8):
        self.node, self.host, self.port = node, host, port
        self.api = NodeApi(node, dev=dev)
        self.max_connections, self.cors, self.finality_delay = max_connections, cors, finality_delay
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rpc")
        self.connections: set[Connection] = set()
        self.batcher = SubmitBatcher(self)
        self.subs = Subscriptions(self)
        self._signatures = {name: inspect.signature(getattr(self.api, attr)) for name, attr in METHODS.items()}
        self._unsubscribe_node: Callable[[], None] | None = None
        self._server: Any = None
        self._pump: asyncio.Task | None = None

    # -- lifecycle ------------------------------------------------------------------------------------
    async def start(self) -> int:
        """Start listening; returns the bound port."""
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, ctx: LOG.error("%s", ctx.get("message"), exc_info=ctx.get("exception")))
        self.loop = loop
        self._pump = asyncio.create_task(self.subs.pump())
        events = self.subs.events

        def on_node_event(kind: str, payload: dict[str, Any]) -> None:
            loop.call_soon_threadsafe(events.put_nowait, (kind, payload))

        self._unsubscribe_node = self.node.subscribe(on_node_event)
        self._server = await serve(self._handler, self.host, self.port, max_size=2 * MAX_REQUEST_BYTES,
                                   process_request=self._process_request, logger=LOG, compression=None,
                                   ping_interval=30, ping_timeout=60, max_queue=64)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        if self._unsubscribe_node:
            self._unsubscribe_node()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        if self._pump:
            self._pump.cancel()
        self.executor.shutdown(wait=True, cancel_futures=True)

    def run(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future:
        return asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    def _process_request(self, connection: ServerConnection, request: Any) -> Any:
        if len(self.connections) >= self.max_connections:
            return connection.respond(503, f"Too many connections (the limit is {self.max_connections})\n")
        origin = request.headers.get("Origin")
        if origin and not self._origin_ok(origin):
            return connection.respond(403, f"Origin {origin} is not allowed (see --rpc-cors)\n")
        return None

    def _origin_ok(self, origin: str) -> bool:
        allowed = [o.strip() for o in self.cors.split(",") if o.strip()]
        if "all" in allowed or origin in allowed:
            return True
        if "localhost" in allowed:
            host = urlsplit(origin).hostname or ""
            return host in ("localhost", "127.0.0.1", "::1")
        return False

    async def _handler(self, ws: ServerConnection) -> None:
        conn = Connection(self, ws)
        self.connections.add(conn)
        try:
            await conn.run()
        finally:
            self.connections.discard(conn)

    # -- requests -------------------------------------------------------------------------------------
    async def handle_text(self, conn: Connection, text: str) -> None:
        try:
            req = json.loads(text)
        except (ValueError, RecursionError):
            conn.send(_error(None, RpcError(PARSE_ERROR, "Parse error")))
            return
        if isinstance(req, list):
            if not req:
                conn.send(_error(None, RpcError(INVALID_REQUEST, "Invalid request: empty batch")))
                return
            if len(req) > MAX_BATCH:
                conn.send(_error(None, RpcError(INVALID_REQUEST, f"Invalid request: a batch holds at most {MAX_BATCH} calls")))
                return
            done = await asyncio.gather(*(self.handle_one(conn, r) for r in req))
            responses = [resp for resp, _ in done if resp is not None]
            if responses:
                conn.send(responses)
            for _, sub in done:
                if sub is not None:
                    sub.activate()
            return
        resp, sub = await self.handle_one(conn, req)
        if resp is not None:
            conn.send(resp)
        if sub is not None:
            sub.activate()

    async def handle_one(self, conn: Connection, req: Any) -> tuple[dict[str, Any] | None, Subscription | None]:
        """Answer one request; returns (response or None for a notification, subscription to activate)."""
        if not isinstance(req, dict) or not isinstance(req.get("method"), str) or req.get("jsonrpc") != "2.0":
            rid = req.get("id") if isinstance(req, dict) and isinstance(req.get("id"), (str, int)) else None
            return _error(rid, RpcError(INVALID_REQUEST, "Invalid request")), None
        rid = req.get("id")
        if rid is not None and (isinstance(rid, bool) or not isinstance(rid, (str, int))):
            return _error(None, RpcError(INVALID_REQUEST, "Invalid request: id must be a number or a string")), None
        notification = "id" not in req
        method, params = req["method"], req.get("params", [])
        if params is None:
            params = []
        sub = None
        try:
            if not isinstance(params, list):
                raise invalid_params("params must be an array")
            result, sub = await self.call(conn, method, params)
        except RpcError as err:
            return (None if notification else _error(rid, err)), None
        except InvalidTransaction as exc:
            return (None if notification else _error(rid, tx_error(exc))), None
        except CodecError as exc:
            return (None if notification else _error(rid, invalid_params(str(exc)))), None
        except ChainError as exc:
            return (None if notification else _error(rid, RpcError(-32000, f"Client error: {exc}"))), None
        except Exception as exc:
            LOG.error("internal error in %s: %s: %s", method, type(exc).__name__, exc)
            return (None if notification else _error(rid, RpcError(INTERNAL_ERROR, "Internal error"))), None
        if notification:
            if sub is not None:
                self.subs.close(sub)
            return None, None
        return {"jsonrpc": "2.0", "result": result, "id": rid}, sub

    async def call(self, conn: Connection, method: str, params: list[Any]) -> tuple[Any, Subscription | None]:
        if method == "rpc_methods":
            return {"version": 1, "methods": self.method_names()}, None
        if method in SUBSCRIBE:
            sub = await self.subs.subscribe(conn, method, params)
            return sub.id, sub
        if method in UNSUBSCRIBE:
            if len(params) != 1:
                raise invalid_params("expected one subscription id")
            found = conn.subs.get(params[0]) if isinstance(params[0], str) else None
            if found is None or found.kind != UNSUBSCRIBE[method]:
                return False, None
            self.subs.close(found)
            return True, None
        if method == "author_submitExtrinsic":
            if len(params) != 1:
                raise invalid_params("expected one extrinsic")
            result = await self.batcher.submit(parse_hex(params[0], "extrinsic"))
            if isinstance(result, (InvalidTransaction, RpcError)):
                raise result
            return hexs(result), None
        attr = METHODS.get(method)
        if attr is None:
            raise RpcError(METHOD_NOT_FOUND, f"Method not found: {method}")
        try:
            self._signatures[method].bind(*params)
        except TypeError:
            raise invalid_params(f"wrong number of parameters ({len(params)}) for {method}") from None
        fn = getattr(self.api, attr)
        if attr in FAST:
            return fn(*params), None
        return await self.run(fn, *params), None

    def method_names(self) -> list[str]:
        return sorted({"rpc_methods", "author_submitExtrinsic", *METHODS, *SUBSCRIBE, *UNSUBSCRIBE})
