"""The domain pages' view of the chain's current state, through the client's storage reads only (no
streamlit, no chain internals): one loan and its schedule, one remittance, the donation ids, savings groups
and their calendars, pools, course titles, token symbols and the oracle's USD rates, and the score what-if
by the chain's own scorecard. Figures, history and trends come from analytics (pages/ui/insights.py arranges
them); this module reads what is true at the head, for the pages' drill-downs."""
from __future__ import annotations

from typing import Any

import pandas as pd

from chain.client import ChainClient
from pages.ui.chainview import address
from pages.ui.fmt import Lang

def variant(value: Any) -> str:
    """An enum value's variant name (`("Active", None)` -> "Active")."""
    if isinstance(value, tuple) and value and isinstance(value[0], str):
        return value[0]
    return str(value)


def assets(client: ChainClient) -> dict[int, tuple[str, int]]:
    """asset id -> (symbol, decimals)."""
    if not client.has_pallet("Assets"):
        return {}
    return {k[-1]: (v["symbol"], int(v["decimals"])) for k, v in client.storage_iter("Assets", "Asset")}


def usd_rates(client: ChainClient) -> dict[int, float]:
    """Units of each asset one US dollar buys, from the oracle's latest rates (the stable token is 1)."""
    rates = {0: 1.0}
    if client.has_pallet("Oracle"):
        for k, v in client.storage_iter("Oracle", "Rates"):
            if v and v.get("rate"):
                rates[k[-1]] = v["rate"] / 10**6
    return rates


def to_usd(amount_units: float, asset: int, rates: dict[int, float]) -> float:
    rate = rates.get(asset)
    return amount_units / rate if rate else float("nan")


def units(raw: int, asset: int, table: dict[int, tuple[str, int]]) -> float:
    return raw / 10 ** table.get(asset, ("", 0))[1]


def recipient_account(value: Any) -> bytes | None:
    if isinstance(value, bytes):
        return value
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes) and len(value[1]) == 32:
        return value[1]
    return None


# -- remittances ------------------------------------------------------------------------------------------------
def remittances(client: ChainClient) -> pd.DataFrame:
    """Every remittance at the head: corridor, amounts (in units), cost, status, timeline in blocks."""
    table = assets(client)
    per_day = client.info().blocks_per_day
    rows = []
    for _k, r in client.storage_iter("Remittance", "Remittances"):
        sent_usd = units(r["send_amount"], r["send_asset"], table)
        rows.append({
            "id": r["id"], "corridor": f"{r['source_country']}→{r['destination_country']}",
            "source": r["source_country"], "destination": r["destination_country"],
            "send_symbol": table.get(r["send_asset"], ("?", 0))[0], "send_amount": sent_usd,
            "receive_symbol": table.get(r["receive_asset"], ("?", 0))[0],
            "receive_amount": units(r["receive_amount"], r["receive_asset"], table),
            "fee": units(r["fee"], r["send_asset"], table), "fx_margin_pct": r["fx_margin_bps"] / 100,
            "cost_pct": r["total_cost_bps"] / 100, "status": variant(r["status"]), "sent_at": r["sent_at"],
            "available_at": r.get("available_at"), "finished_at": r.get("finished_at"),
            "cashout_days": ((r["finished_at"] - r["sent_at"]) / per_day
                             if r.get("finished_at") and variant(r["status"]) in ("CashedOut", "Claimed") else None),
            "sender": address(r["sender"]), "recipient": address(recipient_account(r["recipient"])),
        })
    return pd.DataFrame(rows).sort_values("id") if rows else pd.DataFrame()


# -- lending --------------------------------------------------------------------------------------------------------
def loans(client: ChainClient, head: int) -> pd.DataFrame:
    """Every loan with its outstanding principal and days past due at the head."""
    table = assets(client)
    rates = usd_rates(client)
    per_day = client.info().blocks_per_day
    rows = []
    for _k, ln in client.storage_iter("Lending", "Loans"):
        status = variant(ln["status"])
        dpd = 0
        if status in ("Active", "Late", "Disbursed") and ln.get("next_unpaid") is not None:
            inst = client.storage("Lending", "Installments", ln["id"], ln["next_unpaid"])
            if inst and inst["due_block"] < head:
                dpd = (head - inst["due_block"]) // per_day
        rows.append({"id": ln["id"], "borrower": address(ln["borrower"]), "lender": address(ln["lender"]),
                     "asset": table.get(ln["asset"], ("?", 0))[0],
                     "principal": units(ln["principal"], ln["asset"], table),
                     "outstanding": units(ln["principal"] - ln["principal_repaid"], ln["asset"], table)
                     if status not in ("Requested", "Rejected", "Cancelled", "WrittenOff") else 0.0,
                     "rate_pct": ln["rate_bps"] / 100, "term": ln["term"], "status": status, "days_past_due": dpd,
                     "asset_id": ln["asset"],
                     "score": ln.get("score"), "requested_block": ln["requested_block"]})
    if not rows:
        return pd.DataFrame()
    df = pd.DataFrame(rows).sort_values("id")
    df["outstanding_usd"] = [to_usd(o, a, rates) for o, a in zip(df["outstanding"], df["asset_id"])]
    df["principal_usd"] = [to_usd(o, a, rates) for o, a in zip(df["principal"], df["asset_id"])]
    return df.drop(columns=["asset_id"])


def schedule(client: ChainClient, loan_id: int, head: int) -> pd.DataFrame:
    table = assets(client)
    ln = client.storage("Lending", "Loans", loan_id)
    if ln is None:
        return pd.DataFrame()
    rows = []
    for keys, inst in client.storage_iter("Lending", "Installments", loan_id):
        due = inst["due_block"]
        paid = inst.get("paid_block")
        state = "paid" if paid else ("late" if due < head else "due")
        rows.append({"n": keys[-1], "due_block": due, "principal": units(inst["principal"], ln["asset"], table),
                     "interest": units(inst["interest"], ln["asset"], table),
                     "fee": units(inst["fee"], ln["asset"], table),
                     "paid": units(inst["principal_paid"] + inst["interest_paid"] + inst["fee_paid"], ln["asset"], table),
                     "paid_block": paid, "state": state})
    return pd.DataFrame(rows).sort_values("n") if rows else pd.DataFrame()


# -- donations ------------------------------------------------------------------------------------------------------
def donation_ids(client: ChainClient) -> list[int]:
    """Every donation's id (its receipt number)."""
    return sorted(k[-1] for k, _ in client.storage_iter("Donations", "Donations"))


# -- credit ---------------------------------------------------------------------------------------------------------
def reason_text(code: int, lang: Lang) -> str:
    try:
        from chain.pallets.credit_scorecard import REASONS
    except ModuleNotFoundError:
        return str(code)
    en, zh = REASONS.get(code, (str(code), str(code)))
    return zh if lang == "zh" else en


def what_if(client: ChainClient, who: bytes, punctual: int = 0, late: int = 0, days_late: int = 0,
            defaults: int = 0) -> tuple[int | None, list[int]]:
    """The score the account would have after more punctual (or late) installments, by the chain's own
    scorecard arithmetic (the credit pallet's pure functions and the scorecard in force)."""
    from chain.pallets.credit_scorecard import DEFAULT_SCORECARD, Scorecard, compute_score, features_from_record

    record = dict(client.storage("Credit", "Behaviour", who) or {})
    if not record:
        return None, []
    record["on_time"] = record.get("on_time", 0) + punctual
    record["late"] = record.get("late", 0) + late
    record["days_late"] = record.get("days_late", 0) + days_late
    record["defaults"] = record.get("defaults", 0) + defaults
    version = client.storage("Credit", "ScorecardVersion")
    card_value = client.storage("Credit", "Scorecards", version)
    card = Scorecard.from_value(card_value) if card_value else DEFAULT_SCORECARD
    score, reasons = compute_score(features_from_record(record, client.head(), client.info().blocks_per_day), card)
    return score, list(reasons)


# -- community ------------------------------------------------------------------------------------------------------
def groups(client: ChainClient) -> pd.DataFrame:
    table = assets(client)
    rows = []
    for k, g in client.storage_iter("SavingsGroups", "Groups"):
        rows.append({"id": k[-1], "members": len(g["members"]) if isinstance(g["members"], list) else g["members"],
                     "asset": table.get(g["asset"], ("?", 0))[0],
                     "share_price": units(g["share_price"], g["asset"], table), "cycle": g["cycle"],
                     "cycle_start": g["cycle_start"], "meeting_interval_days": g["meeting_interval_days"],
                     "cycle_meetings": g["cycle_meetings"], "total_shares": g["total_shares"],
                     "social_fund": units(g["social_fund"], g["asset"], table),
                     "loans_out": units(g["loans_out"], g["asset"], table),
                     "charges_earned": units(g["charges_earned"], g["asset"], table), "status": variant(g["status"])})
    return pd.DataFrame(rows).sort_values("id") if rows else pd.DataFrame()


def calendar_basis(client: ChainClient) -> tuple[int, int]:
    """(blocks per day, genesis time in ms): what turns block numbers into calendar dates."""
    from pages.ui.bootstrap import genesis_time_ms

    return client.info().blocks_per_day, genesis_time_ms(client)


def pools(client: ChainClient) -> pd.DataFrame:
    table = assets(client)
    rows = []
    for k, p in client.storage_iter("InvestmentPool", "Pools"):
        bal = client.storage("Assets", "Account", p["asset"], p["account"]) or 0
        rows.append({"id": k[-1], "manager": address(p["manager"]), "asset": table.get(p["asset"], ("?", 0))[0],
                     "cash": units(bal, p["asset"], table), "total_shares": p["total_shares"],
                     "products": len(p["products"]) if isinstance(p["products"], list) else p["products"]})
    return pd.DataFrame(rows).sort_values("id") if rows else pd.DataFrame()


# -- education ------------------------------------------------------------------------------------------------------
def courses(client: ChainClient) -> pd.DataFrame:
    rows = []
    for k, c in client.storage_iter("Education", "Courses"):
        stats = client.storage("Education", "FeedbackStats", k[-1]) or {"count": 0, "sum": 0, "histogram": []}
        rows.append({"id": k[-1], "title": c["title"], "educator": address(c["educator"]), "modules": c["modules"],
                     "enrolled": c["enrolled"], "completed": c["completed"],
                     "completion_rate": c["completed"] / c["enrolled"] if c["enrolled"] else None,
                     "ratings": stats["count"], "avg_rating": stats["sum"] / stats["count"] if stats["count"] else None,
                     "histogram": list(stats.get("histogram") or []), "active": c["active"]})
    return pd.DataFrame(rows).sort_values("id") if rows else pd.DataFrame()
