"""Generic views the dashboard needs over the indexed tables (blocks, extrinsics, events, transfers,
accounts): the Overview's key figures, daily activity, hash lookup, an account's events, and the SQL
console's example queries. Domain metrics live in analytics/metrics.py; these are only the generic ones.
SQL in analytics/sql/views/view_*.sql, parameters bound."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analytics.db import AnalyticsDB


@dataclass(frozen=True)
class Overview:
    last_block: int
    accounts: int
    extrinsics: int
    failed: int
    signers: int
    native_transfers: int
    native_volume: int  # exact, in the native token's smallest unit
    token_moves: int
    active_30d: int


def overview(db: AnalyticsDB) -> Overview:
    row = db.run("views/view_overview").fetchone()
    if row is None:
        return Overview(-1, 0, 0, 0, 0, 0, 0, 0, 0)
    return Overview(*(int(v or 0) for v in row))


def daily_activity(db: AnalyticsDB) -> pd.DataFrame:
    return db.query("views/view_daily_activity")


def find_hash(db: AnalyticsDB, hash_hex: str) -> list[dict[str, Any]]:
    """Where a 0x hash is: [{"kind": "block"|"extrinsic", "block_number": n, "extrinsic_index": i|None}]."""
    h = hash_hex.lower() if hash_hex.startswith("0x") else "0x" + hash_hex.lower()
    return [{"kind": k, "block_number": int(b), "extrinsic_index": None if i is None else int(i)}
            for k, b, i in db.run("views/view_find_hash", {"hash": h}).fetchall()]


def account_events(db: AnalyticsDB, account_hex: str, limit: int = 200) -> list[dict[str, Any]]:
    """The account's latest events, newest first, with their decoded fields (JSON values)."""
    rows = db.run("views/view_account_events", {"account": account_hex.lower(), "limit": limit}).fetchall()
    return [{"block_number": int(b), "timestamp_ms": int(ts), "event_index": int(ei),
             "extrinsic_index": None if xi is None else int(xi), "pallet": p, "event": ev,
             "fields": json.loads(f) if isinstance(f, str) else f} for b, ts, ei, xi, p, ev, f in rows]


EXAMPLE_QUERIES: tuple[tuple[str, str, str], ...] = (
    ("busiest_days", "Busiest days", "SELECT day, count(*) AS extrinsics, count(DISTINCT account) AS accounts\n"
     "FROM extrinsics JOIN blocks USING (block_number)\nWHERE account IS NOT NULL\nGROUP BY day ORDER BY extrinsics DESC\nLIMIT 10"),
    ("calls", "Calls by pallet", "SELECT pallet, call, count(*) AS n, count(*) FILTER (WHERE NOT success) AS failed\n"
     "FROM extrinsics GROUP BY ALL ORDER BY n DESC"),
    ("errors", "Why transactions failed", "SELECT error, count(*) AS n FROM extrinsics\nWHERE NOT success GROUP BY error ORDER BY n DESC"),
    ("top_senders", "Largest senders (native token)", "SELECT from_account, count(*) AS transfers,\n"
     "       sum(amount) / 1e12 AS sent\nFROM transfers WHERE asset = -1\nGROUP BY from_account ORDER BY sent DESC LIMIT 10"),
    ("events", "Events by kind", "SELECT pallet, event, count(*) AS n FROM events GROUP BY ALL ORDER BY n DESC"),
    ("tables", "Tables and their columns", "SELECT table_name, column_name, data_type\n"
     "FROM information_schema.columns ORDER BY table_name, ordinal_position"),
)


def example_queries() -> tuple[tuple[str, str, str], ...]:
    """(key, title, SQL) of the console's example queries."""
    return EXAMPLE_QUERIES


def entity_events(db: AnalyticsDB, pallet: str, field: str, value: int | str, limit: int = 500) -> list[dict[str, Any]]:
    """The events of `pallet` whose field `field` equals `value` (a loan's, a donation's, a group's...),
    oldest first, each with its extrinsic hash."""
    rows = db.run("views/view_entity_events", {"pallet": pallet, "path": f"$.{field}", "value": str(value),
                                                "limit": limit}).fetchall()
    return [{"block_number": int(b), "timestamp_ms": int(ts), "event_index": int(ei),
             "extrinsic_index": None if xi is None else int(xi), "extrinsic_hash": xh, "pallet": p, "event": ev,
             "fields": json.loads(f) if isinstance(f, str) else f} for b, ts, ei, xi, xh, p, ev, f in rows]


def event_counts_by_day(db: AnalyticsDB, pallet: str, event: str) -> pd.DataFrame:
    """Per simulated day: how many `pallet.event` events (0 on quiet days)."""
    return db.query("views/view_event_counts_by_day", pallet=pallet, event=event)
