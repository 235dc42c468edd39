"""Where the dashboard finds its chain: command-line flags after `--`, then environment variables.

    streamlit run app.py -- --node ws://127.0.0.1:9944
    streamlit run app.py -- --base-path data/chain --scenario demo

Environment: PUHUI_NODE, PUHUI_BASE_PATH, PUHUI_ANALYTICS_DB, PUHUI_SCENARIO, PUHUI_LANG.
"""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Sequence

REPO = Path(__file__).resolve().parents[2]  # pages/ui/settings.py -> the repository
DEFAULT_BASE = REPO / "data" / "chain"
DEFAULT_SCENARIO = "demo"

BackendKind = Literal["embedded", "remote"]


@dataclass(frozen=True)
class Backend:
    """One chain the dashboard can show: an embedded data directory or a node URL."""

    kind: BackendKind
    target: str  # the data directory (embedded) or the ws:// / http:// URL (remote)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.target}"

    def analytics_path(self) -> Path:
        """The DuckDB index of this chain: beside an embedded data dir, per URL under data/ for a node."""
        env = os.environ.get("PUHUI_ANALYTICS_DB")
        if env:
            return Path(env)
        if self.kind == "embedded":
            base = Path(self.target)
            return base.parent / "analytics.duckdb" if base.name == "chain" else base.parent / f"{base.name}.analytics.duckdb"
        safe = "".join(c if c.isalnum() else "_" for c in self.target)
        return REPO / "data" / f"remote_{safe}.duckdb"


@dataclass(frozen=True)
class Settings:
    backend: Backend
    scenario: str
    lang: str


def parse(argv: Sequence[str] | None = None, env: dict[str, str] | None = None) -> Settings:
    """Settings from argv (unknown arguments are ignored: streamlit and pytest pass their own)."""
    env = dict(os.environ) if env is None else env
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--node", default=env.get("PUHUI_NODE") or None)
    p.add_argument("--base-path", default=env.get("PUHUI_BASE_PATH") or None)
    p.add_argument("--scenario", default=env.get("PUHUI_SCENARIO") or DEFAULT_SCENARIO)
    p.add_argument("--lang", choices=("en", "zh"), default=env.get("PUHUI_LANG") if env.get("PUHUI_LANG") in ("en", "zh") else "en")
    args, _ = p.parse_known_args(list(argv) if argv is not None else [])
    if args.node:
        backend = Backend("remote", args.node)
    else:
        backend = Backend("embedded", str(Path(args.base_path).resolve()) if args.base_path else str(DEFAULT_BASE))
    return Settings(backend, args.scenario, args.lang)
