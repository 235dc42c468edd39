"""The dashboard's shared state: one chain client per backend (st.cache_resource; the clients are
thread-safe), the analytics index of that chain, cached query results (st.cache_data, keyed by the chain
head so they refresh when blocks arrive), and one user's choices (st.session_state: language, role, chain).
What the pages do through this state (presenter actions, receipts, the Overview's domain figures) is in
services.py.
"""
from __future__ import annotations

import hmac
import importlib
import os
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import streamlit as st

from chain.client import ChainClient
from chain.errors import ChainError
from pages.ui import settings as settings_mod
from pages.ui.fmt import Lang
from pages.ui.i18n import t
from pages.ui.settings import Backend, Settings

R = TypeVar("R")


class FeatureMissing(Exception):
    """Raised when a page needs a module or function of another part of Puhui that is not installed yet."""

    def __init__(self, what: str):
        self.what = what
        super().__init__(what)


class IndexUnavailable(Exception):
    """Raised when the analytics index of the chain could not be opened or brought up to date."""


class ConnectError(Exception):
    """Raised when the selected chain cannot be opened or reached."""


# -- settings and one user's choices -----------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def app_settings() -> Settings:
    return settings_mod.parse(sys.argv[1:])


def init_session() -> None:
    s = app_settings()
    ss = st.session_state
    ss.setdefault("lang", s.lang)
    ss.setdefault("role", "public")
    ss.setdefault("staff_ok", False)
    ss.setdefault("backend_kind", s.backend.kind)
    ss.setdefault("base_path", s.backend.target if s.backend.kind == "embedded" else str(settings_mod.DEFAULT_BASE))
    ss.setdefault("node_url", s.backend.target if s.backend.kind == "remote" else "ws://127.0.0.1:9944")


def lang() -> Lang:
    value = st.session_state.get("lang", "en")
    return "zh" if value == "zh" else "en"


def T(key: str, **kw: Any) -> str:
    """The label `key` in the user's language."""
    return t(key, lang(), **kw)


def backend() -> Backend:
    ss = st.session_state
    if ss.get("backend_kind") == "remote":
        return Backend("remote", str(ss.get("node_url", "")).strip())
    return Backend("embedded", str(Path(str(ss.get("base_path", settings_mod.DEFAULT_BASE)).strip()).expanduser()))


def staff_password() -> str | None:
    """The staff password from app secrets (`staff_password`) or PUHUI_STAFF_PASSWORD; None if unset."""
    env = os.environ.get("PUHUI_STAFF_PASSWORD")
    if env:
        return env
    try:
        value = st.secrets.get("staff_password")
    except Exception:  # no secrets.toml at all
        value = None
    return str(value) if value else None


def check_password(given: str) -> bool:
    expected = staff_password()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())  # type: ignore[union-attr]


def is_staff() -> bool:
    return st.session_state.get("role") == "staff" and bool(st.session_state.get("staff_ok"))


# -- the chain -------------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=4)
def _open_client(kind: str, target: str) -> ChainClient:
    if kind == "remote":
        try:
            remote = importlib.import_module("chain.remote")
        except ModuleNotFoundError:
            raise FeatureMissing("chain.remote.RemoteClient") from None
        return remote.RemoteClient(target)  # type: ignore[no-any-return]
    from chain.client import EmbeddedClient

    return EmbeddedClient(target)


def client() -> ChainClient:
    """The selected chain's client (opened once per process and backend, shared by all sessions)."""
    b = backend()
    if not b.target:
        raise ConnectError(T("err.no_target"))
    try:
        return _open_client(b.kind, b.target)
    except (FeatureMissing, ConnectError):
        raise
    except (ChainError, OSError, ValueError, ConnectionError, TimeoutError) as exc:
        raise ConnectError(f"{b.kind} {b.target}: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # a remote library's own error types
        raise ConnectError(f"{b.kind} {b.target}: {type(exc).__name__}: {exc}") from exc


def head() -> int:
    return client().head()


# -- analytics: one DuckDB index per chain, kept up to date with the chain ------------------------------------
@st.cache_resource(show_spinner=False, max_entries=4)
def _analytics(kind: str, target: str) -> Any:
    import threading

    from analytics.db import AnalyticsDB

    db = AnalyticsDB(Backend(kind, target).analytics_path())  # type: ignore[arg-type]
    return db, threading.Lock()


def analytics_db() -> Any:
    err = st.session_state.get("index_error")
    if err:
        raise IndexUnavailable(err)
    b = backend()
    try:
        return _analytics(b.kind, b.target)[0]
    except ModuleNotFoundError as exc:
        raise FeatureMissing(exc.name or "analytics") from None


def sync_index(progress: Callable[[float, str], object] | None = None) -> int:
    """Index new blocks (the indexer resumes where it stopped); returns the last indexed block."""
    from analytics.indexer import Indexer

    b = backend()
    db, lock = _analytics(b.kind, b.target)
    c = client()
    if db.last_block() >= c.head():
        return int(db.last_block())
    with lock:
        start, target_head = db.last_block(), c.head()

        def report(p: Any) -> None:
            if progress is not None and target_head > start:
                progress(min(1.0, (p.last_block - start) / (target_head - start)), "")

        Indexer(c, db, progress=report).run()
        return int(db.last_block())


def indexed_block() -> int:
    return int(analytics_db().last_block())


def analytics_cached(module: str, name: str, *args: Any, **kwargs: Any) -> Any:
    """`module.name(db, *args, **kwargs)` over this chain's index, cached until the index moves."""
    db = analytics_db()
    return _cached_call(backend().key, int(db.last_block()), module, name, args, tuple(sorted(kwargs.items())), db)


@st.cache_resource(show_spinner=False, max_entries=4)
def _console(kind: str, target: str) -> Any:
    from analytics.console import SqlConsole

    return SqlConsole(_analytics(kind, target)[0])


def sql_console() -> Any:
    b = backend()
    try:
        return _console(b.kind, b.target)
    except ModuleNotFoundError as exc:
        raise FeatureMissing(exc.name or "analytics.console") from None


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_call(backend_key: str, head_number: int, module: str, name: str, args: tuple, kwargs: tuple,
                 _first: Any = None) -> Any:
    fn = resolve(module, name)
    return fn(*args, **dict(kwargs)) if _first is None else fn(_first, *args, **dict(kwargs))


def resolve(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, or FeatureMissing naming exactly what is not there yet."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise FeatureMissing(f"{module}.{name}") from None
        raise
    fn = getattr(mod, name, None)
    if fn is None:
        raise FeatureMissing(f"{module}.{name}")
    return fn  # type: ignore[no-any-return]


@st.cache_resource(show_spinner=False, max_entries=128)
def _shared_call(backend_key: str, head_number: int, module: str, name: str, args: tuple, kwargs: tuple,
                 _first: Any = None) -> Any:
    """Like _cached_call, for large immutable results (decoded blocks): shared, not copied per session."""
    fn = resolve(module, name)
    return fn(_first, *args, **dict(kwargs))


def chain_cached(name: str, *args: Any, **kwargs: Any) -> Any:
    """`pages.ui.chainview.name(client, *args, **kwargs)`, cached per chain and head. The results (decoded blocks,
    rows) are shared between sessions: treat them as read-only."""
    c = client()
    return _shared_call(backend().key, c.head(), "pages.ui.chainview", name, args, tuple(sorted(kwargs.items())), c)


# -- cached reads the pages use --------------------------------------------------------------------------------
def require_pallet(*pallets: str) -> ChainClient:
    """The client, or PalletMissing naming the first pallet this chain lacks."""
    from chain.client import PalletMissing

    c = client()
    for p in pallets:
        if not c.has_pallet(p):
            raise PalletMissing(p, c.info().name)
    return c


def metric(name: str, **params: Any) -> Any:
    """analytics.metrics.run_metric(db, name, **params), cached until the index moves."""
    return analytics_cached("analytics.metrics", "run_metric", name, **params)


def views_cached(name: str, *args: Any, **kwargs: Any) -> Any:
    """`analytics.views.name(db, *args, **kwargs)`, cached until the index moves."""
    return analytics_cached("analytics.views", name, *args, **kwargs)


def domain_cached(name: str, *args: Any, **kwargs: Any) -> Any:
    """`pages.ui.domain.name(client, *args, **kwargs)`, cached per chain and head."""
    c = client()
    return _cached_call(backend().key, c.head(), "pages.ui.domain", name, args, tuple(sorted(kwargs.items())), c)


def asset_table() -> dict[int, tuple[str, int]]:
    """asset id -> (symbol, decimals), with -1 for the chain's native token."""
    info = client().info()
    table = dict(domain_cached("assets"))
    table[-1] = (info.token_symbol, info.token_decimals)
    return table


def usd_rates() -> dict[int, float]:
    return dict(domain_cached("usd_rates"))


def lookup_id(text: str) -> dict[str, Any] | None:
    return chain_cached("lookup_id", text)  # type: ignore[no-any-return]


# -- off-chain registry (names: staff only) --------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=4)
def _registry(backend_key: str, base_path: str) -> Any:
    """The scenario's encrypted off-chain registry for this chain, or None when there is none (or no key).
    The key: PUHUI_REGISTRY_KEY from the environment or app secrets, or the key file beside the data."""
    if not base_path:
        return None
    try:
        reg = importlib.import_module("chain.scenario.registry")
    except ModuleNotFoundError:
        return None
    key = None
    try:
        key = st.secrets.get("PUHUI_REGISTRY_KEY")
    except Exception:
        key = None
    try:
        return reg.load_registry(base_path, key)
    except Exception:  # no registry file or no key: the staff view then shows addresses only
        return None


def registry() -> Any:
    """Personal data (staff view only): the registry, or None in the public view or when there is none."""
    if not is_staff():
        return None
    b = backend()
    return _registry(b.key, b.target if b.kind == "embedded" else "")


@st.cache_resource(show_spinner=False, max_entries=4)
def _names(backend_key: str, base_path: str) -> dict[bytes, str]:
    reg = _registry(backend_key, base_path)
    return {} if reg is None else {acc: rec.name for acc, rec in reg.items()}


def names() -> dict[bytes, str]:
    """Account -> name for the staff view; always empty in the public view (no personal data)."""
    if not is_staff():
        return {}
    b = backend()
    return _names(b.key, b.target if b.kind == "embedded" else "")


def names_hex() -> dict[str, str]:
    """0x-hex account -> name (analytics' account form), staff view only."""
    return {"0x" + k.hex(): v for k, v in names().items()}


def names_ss58() -> dict[str, str]:
    """SS58 address -> name, staff view only."""
    from pages.ui.chainview import address

    return {address(k): v for k, v in names().items()}


# -- reset (the presenter's other actions and the receipts are in services.py) ---------------------------------
def reset_chain() -> None:
    """Close the embedded chain, delete its data directory and index; the next run recreates the demo."""
    import shutil

    from pages.ui import live

    b = backend()
    if b.kind != "embedded":
        return
    live.stop_all()
    try:
        _open_client(b.kind, b.target).close()
    except Exception:
        pass
    _open_client.clear()
    for fn in (_console, _analytics):
        try:
            obj = fn(b.kind, b.target)
            (obj[0] if isinstance(obj, tuple) else obj).close()
        except Exception:
            pass
        fn.clear()
    st.cache_data.clear()
    shutil.rmtree(b.target, ignore_errors=True)
    idx = b.analytics_path()
    for p in (idx, idx.with_name(idx.name + ".wal")):
        if p.exists():
            p.unlink()
